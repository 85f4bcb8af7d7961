/**
 * Temporary attachments: files uploaded with `attachTemporaryFile` wait in the store until a new
 * request or an attach call takes them, or expire after an hour (as on JSM).
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { T } from '../i18n/index.js';
import { HttpError } from './http.js';
import type { ReceivedFile } from './multipart.js';
import { TEMP_ATTACHMENT_TTL_MS } from './seed.js';
import type { SandboxState, StoredTemporary, Store } from './store.js';

function expired(x: StoredTemporary, now: number): boolean {
  return now - x.created > TEMP_ATTACHMENT_TTL_MS;
}

/**
 * Moves received files into the store as temporary attachments of `uploader` for `deskId`, and
 * removes the expired ones. `now` gives sandbox time in a state.
 */
export async function keepTemporary(
  store: Store,
  files: readonly ReceivedFile[],
  uploader: string,
  deskId: string,
  now: (s: SandboxState) => number,
): Promise<StoredTemporary[]> {
  const moved = await Promise.all(
    files.map(async (f) => {
      const blob = `t-${randomBytes(10).toString('hex')}`;
      await fsp.rename(f.path, store.blobPath(blob));
      return { ...f, blob };
    }),
  );
  let gone: string[] = [];
  const kept = await store.transact((s) => {
    const at = now(s);
    gone = s.temporary.filter((x) => expired(x, at)).map((x) => x.blob);
    s.temporary = s.temporary.filter((x) => !expired(x, at));
    const added = moved.map((f) => ({
      id: `temp${BigInt('0x' + randomBytes(8).toString('hex')).toString().slice(0, 19)}`,
      fileName: path.basename(f.filename),
      mimeType: f.contentType.split(';')[0]!.trim() || 'application/octet-stream',
      size: f.size,
      created: at,
      uploader,
      serviceDeskId: deskId,
      blob: f.blob,
    }));
    s.temporary.push(...added);
    return added;
  });
  await Promise.all(gone.map((b) => fsp.rm(store.blobPath(b), { force: true })));
  return kept;
}

/** Takes the uploader's unexpired temporary files for `deskId` as attachments-to-be, or throws 400 naming the bad ids. */
export function consumeTemporary(t: T, s: SandboxState, ids: readonly string[], uploader: string, now: number, deskId: string) {
  const bad = ids.filter((id) => {
    const x = s.temporary.find((y) => y.id === id);
    return !x || x.uploader !== uploader || x.serviceDeskId !== deskId || expired(x, now);
  });
  if (bad.length > 0) throw new HttpError(400, t('sandbox.api.badTemporary', bad.join(', ')), 'sandbox.error.attachment.temporary');
  const taken = ids.map((id) => s.temporary.find((x) => x.id === id)!);
  s.temporary = s.temporary.filter((x) => !ids.includes(x.id));
  return taken.map((x) => ({ filename: x.fileName, mimeType: x.mimeType, size: x.size, created: now, author: uploader, blob: x.blob }));
}
