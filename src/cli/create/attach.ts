import { CliError } from '../../lib/errors.js';
import type { CheckedFile } from '../../portal/attach-files.js';
import type { CreateSession } from './session.js';

/** Which files made it onto the request: the names attached, the paths that were not. */
export interface AttachOutcome {
  attached: string[];
  failed: string[];
}

/** The files to attach, checked before anything is filed (missing, unreadable, a folder...). */
export async function checkAttachments(s: CreateSession): Promise<CheckedFile[]> {
  const files = s.draft.state.attach;
  if (!files?.length) return [];
  const { checkFiles } = await import('../../portal/attach-files.js');
  return checkFiles(files, {
    cwd: s.ctx.cwd,
    message: (ps) => s.ctx.t('create.err.files', ps.map((p) => `${p.path} (${p.reason})`).join(', ')),
  });
}

/** Uploads `files` to the new request with a progress bar; a failure is reported, never thrown (the request exists). */
export async function attachAfterCreate(s: CreateSession, serviceDeskId: string, issueKey: string, files: CheckedFile[]): Promise<AttachOutcome> {
  const { ctx } = s;
  const t = ctx.t;
  const { attachFiles } = await import('../../portal/attach-files.js');
  const { createByteProgress } = await import('../../ui/progress.js');
  const bar = createByteProgress({ io: ctx.io, t, now: ctx.clock.now });
  try {
    const res = await attachFiles(s.api, { serviceDeskId, issueKey, files, onProgress: (p) => bar.update(p.bytes, p.total, p.file) });
    for (const f of res.failed) ctx.io.err(t('create.attachFailed', f.file.path, f.message ?? f.reason));
    // Files an earlier run attached count as attached: the request has them.
    return { attached: [...res.already, ...res.attached].map((f) => f.name), failed: res.failed.map((f) => f.file.path) };
  } catch (e) {
    ctx.io.err(t('create.attachFailed', files.map((f) => f.path).join(', '), (e as Error).message));
    return { attached: [], failed: files.map((f) => f.path) };
  } finally {
    bar.done();
  }
}

/** The error that ends a run whose request exists without all its files: the exact command that finishes the job. */
export function attachIncomplete(s: CreateSession, issueKey: string, failed: string[]): CliError {
  const cmd = `support attach ${issueKey} ${failed.map(shellQuote).join(' ')}`;
  return new CliError(s.ctx.t('create.err.attachIncomplete', issueKey), { hint: cmd });
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
