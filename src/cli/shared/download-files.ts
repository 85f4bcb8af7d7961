/**
 * `support download`: which attachments the names mean (all of them checked before any byte is
 * fetched), where each goes (a safe name in the chosen folder, never over an existing file
 * without `--force`), then every file streamed to a hidden temporary name beside its target and
 * renamed only once all of them arrived whole: a failure or Ctrl-C leaves nothing behind.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { CliError, UsageError } from '../../lib/errors.js';
import { toArray } from '../../lib/iter.js';
import { formatBytes } from '../../lib/units.js';
import { DownloadError, attachmentIdOf, downloadAttachment, safeFileName } from '../../portal/download.js';
import type { AttachmentDTO } from '../../portal/types.js';
import type { Ctx } from '../context.js';
import type { DownloadJson } from '../json-types.js';
import { notVisible, withPortal } from './common.js';

/** `support download` after parsing. */
export interface DownloadOptions {
  key: string;
  /** Attachment names or ids, as typed; empty with `all`. */
  names: string[];
  all: boolean;
  /** Absolute folder the files go to. */
  output: string;
  force: boolean;
}

/** A target that appeared while the files were downloading. */
class TargetTaken extends Error {
  constructor(readonly target: string) {
    super(target);
  }
}

interface Picked {
  id: string;
  a: AttachmentDTO;
  /** The file to create. */
  target: string;
}

/** `name (id)` for messages. */
function label(a: AttachmentDTO, id: string): string {
  return `${a.filename ?? ''} (${id})`;
}

/**
 * The attachments the names mean: an id, or an exact file name (a name that several attachments
 * share must be given as an id). Every unknown or ambiguous name is reported at once (exit 2).
 */
export function pickAttachments(all: readonly { id: string; a: AttachmentDTO }[], names: readonly string[], ctx: Ctx, key: string): { id: string; a: AttachmentDTO }[] {
  const { t } = ctx;
  const picked = new Map<string, { id: string; a: AttachmentDTO }>();
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  for (const name of names) {
    const byId = all.find((x) => x.id === name.trim());
    const byName = all.filter((x) => x.a.filename === name);
    const hits = byId ? [byId] : byName.length > 0 ? byName : all.filter((x) => (x.a.filename ?? '').toLowerCase() === name.toLowerCase());
    if (hits.length === 0) unknown.push(name);
    else if (hits.length > 1) ambiguous.push(t('files.download.ambiguous', name, hits.map((h) => h.id).join(', ')));
    else picked.set(hits[0]!.id, hits[0]!);
  }
  if (unknown.length > 0 || ambiguous.length > 0) {
    const lines = [...(unknown.length > 0 ? [t('files.download.err.unknown', key, unknown.join(', '))] : []), ...ambiguous];
    throw new UsageError(lines.join('\n'), { hint: t('files.download.available', all.map((x) => label(x.a, x.id)).join(', ')) });
  }
  return [...picked.values()];
}

/** Targets in `dir`: safe names, and a second file of the same name told apart by its id. */
function targets(list: readonly { id: string; a: AttachmentDTO }[], dir: string): Picked[] {
  const used = new Set<string>();
  return list.map(({ id, a }) => {
    let name = safeFileName(a.filename ?? '', `attachment-${id}`);
    if (used.has(name.toLowerCase())) {
      const ext = path.extname(name);
      name = `${name.slice(0, name.length - ext.length)}-${id}${ext}`;
    }
    used.add(name.toLowerCase());
    return { id, a, target: path.join(dir, name) };
  });
}

async function exists(p: string): Promise<boolean> {
  return fsp.lstat(p).then(
    () => true,
    () => false,
  );
}

/** Moves a finished temporary file to its target; without `force`, never over a file that appeared meanwhile. */
async function place(tmp: string, target: string, force: boolean): Promise<void> {
  if (force) return fsp.rename(tmp, target);
  try {
    await fsp.link(tmp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new TargetTaken(target);
    // A file system without hard links: look, then rename.
    if (await exists(target)) throw new TargetTaken(target);
    await fsp.rename(tmp, target);
    return;
  }
  await fsp.rm(tmp, { force: true });
}

export async function runDownload(opts: DownloadOptions, ctx: Ctx): Promise<void> {
  const { t } = ctx;
  const st = await fsp.stat(opts.output).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(t('files.download.err.output', opts.output));
  await withPortal(ctx, async (api) => {
    const atts = await toArray(api.attachments(opts.key)).catch((err: unknown) => {
      throw notVisible(err, opts.key, t);
    });
    const all = atts.flatMap((a) => {
      const id = attachmentIdOf(a);
      return id ? [{ id, a }] : [];
    });
    if (all.length === 0) throw new UsageError(t('files.download.none', opts.key));
    if (!opts.all && opts.names.length === 0) {
      throw new UsageError(t('files.download.err.nothing', opts.key), { hint: t('files.download.available', all.map((x) => label(x.a, x.id)).join(', ')) });
    }
    const picked = targets(opts.all ? all : pickAttachments(all, opts.names, ctx, opts.key), opts.output);
    const taken: string[] = [];
    for (const p of picked) {
      const s = await fsp.lstat(p.target).catch(() => undefined);
      if (s && (!opts.force || s.isDirectory())) taken.push(p.target);
    }
    if (taken.length > 0) throw new UsageError(t('files.download.err.exists', taken.join('\n  ')), { hint: t('files.download.hint.exists') });

    const { createByteProgress } = await import('../../ui/progress.js');
    const temps: string[] = [];
    const done: { p: Picked; bytes: number }[] = [];
    try {
      for (const p of picked) {
        const tmp = path.join(opts.output, `.${path.basename(p.target)}.${randomBytes(4).toString('hex')}.part`);
        temps.push(tmp);
        const progress = createByteProgress({ io: ctx.io, t, now: () => ctx.clock.now(), label: path.basename(p.target) });
        try {
          const bytes = await downloadAttachment(api, { key: opts.key, id: p.id, attachment: p.a, file: tmp, signal: ctx.signal, onProgress: (b, total) => progress.update(b, total) });
          done.push({ p, bytes });
        } catch (err) {
          if (err instanceof DownloadError) throw new CliError(downloadProblem(err, p, ctx), { hint: t('files.download.hint.nothingSaved'), cause: err });
          throw err;
        } finally {
          progress.done();
        }
      }
      const placed: string[] = [];
      try {
        for (const [i, d] of done.entries()) {
          await place(temps[i]!, d.p.target, opts.force);
          placed.push(d.p.target);
        }
      } catch (err) {
        // All or nothing: without --force, what was placed did not exist before this run.
        if (!opts.force) await Promise.all(placed.map((f) => fsp.rm(f, { force: true })));
        throw err;
      }
    } catch (err) {
      if (err instanceof TargetTaken) throw new UsageError(t('files.download.err.exists', err.target), { hint: t('files.download.hint.exists') });
      throw err;
    } finally {
      await Promise.all(temps.map((f) => fsp.rm(f, { force: true })));
    }
    report(opts, done, ctx);
  });
}

function downloadProblem(err: DownloadError, p: Picked, ctx: Ctx): string {
  const name = label(p.a, p.id);
  switch (err.problem) {
    case 'length-mismatch':
      return ctx.t('files.download.err.length', name, err.received ?? 0, err.expected ?? 0);
    case 'insecure-redirect':
      return ctx.t('files.download.err.insecureRedirect', name, err.url);
    case 'too-many-redirects':
      return ctx.t('files.download.err.redirects', name, err.url);
    default:
      return ctx.t('files.download.err.noLocation', name, err.url);
  }
}

function report(opts: DownloadOptions, done: readonly { p: Picked; bytes: number }[], ctx: Ctx): void {
  if (ctx.globals.json) {
    ctx.output.json({
      key: opts.key,
      files: done.map(({ p, bytes }) => ({
        id: p.id,
        filename: p.a.filename ?? '',
        path: p.target,
        size: bytes,
        mimeType: p.a.mimeType ?? '',
        author: p.a.author?.displayName ?? '',
      })),
    } satisfies DownloadJson);
    return;
  }
  for (const { p, bytes } of done) ctx.io.out(ctx.t('files.download.saved', p.target, formatBytes(bytes), p.a.author?.displayName ?? ''));
}
