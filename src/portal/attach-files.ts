/**
 * Attaching files from disk to a request: the two-step JSM upload (temporary files, then
 * `POST /request/{key}/attachment`) done the way a large or numerous upload needs it. Used by
 * `support attach`, by `support create` (attachments of a new request) and by the bundle upload.
 */
import fs, { constants as fsc } from 'node:fs';
import path from 'node:path';
import { CancelledError } from '../lib/errors.js';
import type { PortalApi, TemporaryAttachment, UploadFile } from './api.js';
import { PortalError, UnreadableFilesError, type FileProblem } from './errors.js';
import { stopsEveryCall } from './retry.js';
import type { CommentDTO } from './types.js';

export { UnreadableFilesError, type FileProblem, type FileProblemReason } from './errors.js';

/** At most this many files per `attachTemporaryFile` call (the portal answers 413 beyond it). */
export const MAX_FILES_PER_UPLOAD = 60;

/** A file that passed {@link checkFiles}: readable, a regular file, with its size. */
export interface CheckedFile extends UploadFile {
  path: string;
  name: string;
  size: number;
}

function defaultMessage(problems: readonly FileProblem[]): string {
  return `cannot send ${problems.length === 1 ? 'this file' : 'these files'}: ${problems
    .map((p) => `${p.path} (${p.reason})`)
    .join(', ')}`;
}

/**
 * Checks every path before anything is sent: it must exist, be a regular file and be readable.
 * Resolves the checked files (relative paths against `cwd`, name = basename) or throws
 * {@link UnreadableFilesError} naming every bad one. `message` builds the error text (callers pass a
 * translated one).
 */
export async function checkFiles(
  paths: readonly string[],
  opts: { cwd?: string; message?: (problems: readonly FileProblem[]) => string } = {},
): Promise<CheckedFile[]> {
  const problems: FileProblem[] = [];
  const files: CheckedFile[] = [];
  // Synchronous calls: a stat of a local file takes microseconds, and the first asynchronous one
  // starts libuv's thread pool (measured ~6 ms of `support attach`, which has no other use for it
  // before the upload).
  paths.forEach((p, i) => {
    const abs = path.resolve(opts.cwd ?? '.', p);
    try {
      const st = fs.statSync(abs);
      if (!st.isFile()) {
        problems[i] = { path: p, reason: 'not-a-file' };
        return;
      }
      fs.accessSync(abs, fsc.R_OK);
      files[i] = { path: abs, name: path.basename(abs), size: st.size };
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      problems[i] = { path: p, reason: code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable' };
    }
  });
  const bad = problems.filter(Boolean);
  if (bad.length > 0) throw new UnreadableFilesError(bad, (opts.message ?? defaultMessage)(bad));
  return files.filter(Boolean);
}

/** Progress over the whole job (all batches). */
export interface AttachProgress {
  /** Bytes of file content sent so far, all batches. */
  bytes: number;
  /** Total bytes of the files being uploaded. */
  total: number;
  /** The file being sent. */
  file: string;
}

export interface AttachFilesOptions {
  serviceDeskId: string;
  issueKey: string;
  files: readonly CheckedFile[];
  /** Text of the comment the portal creates with the attachments (on the first attach call). */
  comment?: string;
  onProgress?: (p: AttachProgress) => void;
  /** Files per temporary upload (default and maximum 60). */
  batchSize?: number;
}

/** Why a file was not attached. */
export type AttachFailureReason = 'too-large' | 'disabled' | 'upload' | 'attach';

export interface AttachFailure {
  file: CheckedFile;
  reason: AttachFailureReason;
  /** The portal's or the network's message, as is. */
  message?: string;
  /** The portal's size limit in bytes, for `too-large`. */
  limit?: number;
}

export interface AttachFilesResult {
  attached: CheckedFile[];
  /** Files the request had already (same name and size, from an earlier run): not sent again. */
  already: CheckedFile[];
  failed: AttachFailure[];
  /** Comments the portal created with the attachments (one per attach call). */
  comments: CommentDTO[];
  /** The portal's upload limit in bytes, when it told us. */
  uploadLimit?: number;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Uploads `files` and attaches them to `issueKey`, at most once each: a file the request already
 * has (same name and size) is not sent again, and after a failure whose answer was lost the
 * request is looked at again before the file is called failed. Checks the portal's size limit first
 * (`attachmentMeta`), sends at most 60 files per temporary upload (a batch is retried by the
 * client's retry policy only, so it is sent at most `maxAttempts` times), then attaches each batch
 * right away (temporary files expire). Never throws for a file that could not be sent: the result says
 * exactly what was attached and what was not, and why. Throws only what the caller must stop on
 * (authentication, cancellation) before anything was attached.
 */
export async function attachFiles(api: PortalApi, opts: AttachFilesOptions): Promise<AttachFilesResult> {
  const attached: CheckedFile[] = [];
  const failed: AttachFailure[] = [];
  const comments: CommentDTO[] = [];

  // The upload settings and what the request has already are two reads that need nothing from each
  // other: asked together, they cost one round trip to the portal instead of two. What the request
  // has already: an earlier run whose answer was lost may have attached these.
  const [{ enabled, uploadLimit }, before] = await Promise.all([uploadSettings(api), presentOn(api, opts.issueKey)]);
  if (!enabled) {
    return { attached, already: [], failed: opts.files.map((file) => ({ file, reason: 'disabled' as const })), comments };
  }
  const unclaimed = new Map(before);
  const already: CheckedFile[] = [];
  const wanted: CheckedFile[] = [];
  for (const file of opts.files) {
    if (take(unclaimed, file)) already.push(file);
    else wanted.push(file);
  }

  const sendable: CheckedFile[] = [];
  for (const file of wanted) {
    if (uploadLimit !== undefined && file.size > uploadLimit) failed.push({ file, reason: 'too-large', limit: uploadLimit });
    else sendable.push(file);
  }

  const size = Math.max(1, Math.min(opts.batchSize ?? MAX_FILES_PER_UPLOAD, MAX_FILES_PER_UPLOAD));
  const total = sendable.reduce((n, f) => n + f.size, 0);
  let sentBefore = 0;
  let commentPending = opts.comment !== undefined && opts.comment.trim() !== '';

  for (let i = 0; i < sendable.length; i += size) {
    const batch = sendable.slice(i, i + size);
    const batchBytes = batch.reduce((n, f) => n + f.size, 0);
    let temps: TemporaryAttachment[];
    try {
      temps = await api.uploadTemporaryFiles(opts.serviceDeskId, batch, (p) =>
        opts.onProgress?.({ bytes: sentBefore + p.bytes, total, file: p.file }),
      );
    } catch (err) {
      // Refused credentials and cancellation stop the whole job: nothing later would succeed either.
      if (stopsEveryCall(err) && attached.length === 0) throw err;
      for (const file of batch) failed.push({ file, reason: 'upload', message: messageOf(err) });
      sentBefore += batchBytes;
      continue;
    }
    sentBefore += batchBytes;
    opts.onProgress?.({ bytes: sentBefore, total, file: batch[batch.length - 1]!.name });

    const ids = batchIds(batch, temps);
    const missing = batch.filter((_, k) => ids[k] === undefined);
    for (const file of missing) failed.push({ file, reason: 'upload', message: 'the portal returned no temporary id for this file' });
    const present = batch.filter((_, k) => ids[k] !== undefined);
    if (present.length === 0) continue;
    try {
      const res = await api.attachTemporaryFiles(opts.issueKey, {
        temporaryAttachmentIds: ids.filter((x): x is string => x !== undefined),
        public: true,
        ...(commentPending ? { additionalComment: { body: opts.comment! } } : {}),
      });
      commentPending = false;
      if (res.comment) comments.push(res.comment);
      attached.push(...present);
    } catch (err) {
      if (stopsEveryCall(err) && attached.length === 0) throw err;
      for (const file of present) failed.push({ file, reason: 'attach', message: messageOf(err) });
    }
  }
  await reconcile(api, opts.issueKey, before, attached, failed);
  return { attached, already, failed, comments, ...(uploadLimit !== undefined ? { uploadLimit } : {}) };
}

/** Attachments of a request by name and size, counted. */
type Present = Map<string, number>;

const keyOf = (name: string, size: number) => `${size}:${name}`;

/** Whether the portal takes attachments and its size limit; both unknown (so allowed) when it won't say. */
async function uploadSettings(api: PortalApi): Promise<{ enabled: boolean; uploadLimit?: number }> {
  try {
    const meta = await api.attachmentMeta();
    const limit = typeof meta.uploadLimit === 'number' && meta.uploadLimit > 0 ? meta.uploadLimit : undefined;
    return { enabled: meta.enabled !== false, ...(limit !== undefined ? { uploadLimit: limit } : {}) };
  } catch (err) {
    // The settings are optional: portals without the platform API (some DC proxies) or that hide it
    // still take uploads, and the upload itself says no. Refused credentials or a cancel stop here.
    if (err instanceof CancelledError || (err instanceof PortalError && err.kind === 'auth')) throw err;
    return { enabled: true };
  }
}

async function presentOn(api: PortalApi, issueKey: string): Promise<Present> {
  const present: Present = new Map();
  for await (const a of api.attachments(issueKey)) {
    if (a.filename === undefined || a.size === undefined) continue;
    const k = keyOf(a.filename, a.size);
    present.set(k, (present.get(k) ?? 0) + 1);
  }
  return present;
}

/** Takes one attachment of `file`'s name and size from `present`; false when there is none left. */
function take(present: Present, file: CheckedFile): boolean {
  const k = keyOf(file.name, file.size);
  const n = present.get(k) ?? 0;
  if (n === 0) return false;
  present.set(k, n - 1);
  return true;
}

/**
 * After failures whose answer may have been lost (the attach call may have been processed), looks
 * at the request again: a failed file that is now there was attached after all.
 */
async function reconcile(api: PortalApi, issueKey: string, before: Present, attached: CheckedFile[], failed: AttachFailure[]): Promise<void> {
  if (!failed.some((f) => f.reason === 'attach' || f.reason === 'upload')) return;
  let now: Present;
  try {
    now = await presentOn(api, issueKey);
  } catch {
    return;
  }
  // Only what appeared since the start counts.
  for (const [k, n] of before) now.set(k, (now.get(k) ?? 0) - n);
  for (let i = failed.length - 1; i >= 0; i--) {
    const f = failed[i]!;
    if ((f.reason === 'attach' || f.reason === 'upload') && take(now, f.file)) {
      attached.push(f.file);
      failed.splice(i, 1);
    }
  }
}

/**
 * The temporary id of each file of a batch. The portal answers in the order of the parts; when the
 * count differs, match by file name instead (each name used once).
 */
function batchIds(batch: readonly CheckedFile[], temps: readonly TemporaryAttachment[]): (string | undefined)[] {
  if (temps.length === batch.length) return temps.map((t) => t.temporaryAttachmentId || undefined);
  const pool = temps.filter((t) => t.temporaryAttachmentId !== '');
  return batch.map((f) => {
    const k = pool.findIndex((t) => t.fileName === f.name);
    if (k < 0) return undefined;
    return pool.splice(k, 1)[0]!.temporaryAttachmentId;
  });
}
