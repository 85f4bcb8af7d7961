/**
 * Drafts of `support create`: every answer is written here as it is given, so that Ctrl-C, a crash
 * or a failed submission loses nothing (`support create --resume`). One draft per profile, under
 * `<configDir>/drafts/`, written atomically (temp file + rename) with mode 0600 since it may hold
 * personal data (names, phone numbers).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** A saved draft. `state` is the form's own shape (see `form/engine.ts`), kept opaque here. */
export interface Draft<S = unknown> {
  version: 1;
  /** Unique marker of this draft, written into the request so a retry can find it. */
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The portal the draft was started against (its URL, or "sandbox"). */
  portal?: string;
  serviceDeskId?: string;
  requestTypeId?: string;
  state: S;
  /** Set just before the create call is sent: a later resume first looks for the request. */
  submittedAt?: string;
}

/** A fresh draft id: 12 hex characters, unique enough to search for in a portal. */
export function newDraftId(): string {
  return randomBytes(6).toString('hex');
}

/** Where the draft of a profile lives. */
export function draftPath(configDir: string, profile = 'default'): string {
  const safe = profile.replace(/[^A-Za-z0-9._-]/g, '_') || 'default';
  return path.join(configDir, 'drafts', `create-${safe}.json`);
}

/** The saved draft, or undefined when there is none. A corrupt draft is reported, never ignored. */
export async function loadDraft<S>(file: string): Promise<Draft<S> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const d = JSON.parse(text) as Draft<S>;
  if (d === null || typeof d !== 'object' || d.version !== 1 || typeof d.id !== 'string') {
    throw new Error(`not a draft: ${file}`);
  }
  return d;
}

/** Writes the draft atomically (a crash leaves the old or the new one, never half of one), mode 0600. */
export async function saveDraft<S>(file: string, draft: Draft<S>): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const fh = await fs.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(JSON.stringify(draft, null, 2) + '\n', 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fs.rename(tmp, file);
}

/** Removes the draft (after the portal confirmed the request). */
export async function deleteDraft(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
