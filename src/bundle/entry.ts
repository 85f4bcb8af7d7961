/**
 * Turns one collected file into one zip entry's data: read (up to the size it had when opened,
 * keeping the tail when over the cap) -> gunzip for `.gz` -> redact -> deflate, with the sha256 and
 * CRC-32 of the entry's content as extracted. Runs in a worker thread (see `worker.ts`) or in
 * process; either way it holds at most {@link SPILL_AT} bytes of output in memory and spills the
 * rest to a temp file next to the zip.
 *
 * Everything is synchronous on the calling thread (reads, gunzip, redaction, deflate), through
 * buffers reused from entry to entry: a worker then keeps its core busy by itself, and its memory
 * stays flat whatever the size of the files (bench/bundle.mjs: ~100 MiB peak RSS at 1 and 4 GiB).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import zlib from 'node:zlib';
import { Obfuscator, type ObfuscateKind } from './obfuscate.js';
import { utf16Of, Utf16ToUtf8 } from './encoding.js';
import { Redactor } from './redact.js';
import { reasonOf } from './walk.js';
import { createDeflater, gunzipFile, zlibPath, type Deflater, type ZlibPath } from './zlib-sync.js';

/** Output kept in memory before it goes to a spill file: bounds a worker's memory. */
export const SPILL_AT = 1024 * 1024;
/**
 * Source reads of 1 MiB into one reused buffer: large reads cost fewer calls, and reusing the
 * buffer keeps external memory flat (fresh read buffers pile up between GCs in each worker).
 */
const READ_SIZE = 1024 * 1024;
/** Redacted text is deflated in blocks of this size: each costs a 32 KiB dictionary and a flush marker. */
const BLOCK = 1024 * 1024;
/** Deflate's largest expansion: no gzip member decompresses to more than this many times its size. */
const MAX_DEFLATE_RATIO = 1032;
/** Compressed bytes decompressed for a gzip's head when it is read only once. */
const HEAD_GZ = 16 * 1024;
/** How often (bytes of input) a long entry yields to the event loop when run in process. */
const YIELD_EVERY = 8 * 1024 * 1024;

/** One file to turn into an entry. Plain data: it crosses to a worker thread. */
export interface EntryTask {
  id: number;
  source: string;
  /** The path's bytes, when a name in it is not UTF-8 (`source` shows it escaped). */
  raw?: Uint8Array;
  /** Keep only the last `maxFileSize` bytes (of the decompressed text for `.gz`). */
  maxFileSize: number;
  /** Decompress a gzip file (a rotated log) before redaction. */
  gunzip: boolean;
  /** Deflate, or store as is (already compressed formats). */
  deflate: boolean;
  level: number;
  /** Run the redaction rules (false for binary files and with `--no-redact`). */
  redact: boolean;
  /** Use the configuration-file rules (keystore, licence ...). */
  config: boolean;
  obfuscate: { kinds: ObfuscateKind[]; keyHex: string } | undefined;
  spillDir: string;
  /** `public` forces zlib's public API (see `zlib-sync.ts`); `auto` uses what the self-check chose. */
  zlib: 'auto' | 'public';
}

/** A finished entry: its data is in `chunks` (each with its own ArrayBuffer, so it can be transferred) or in the `spill` file. */
export interface EntryDone {
  id: number;
  ok: true;
  /** Size of the entry's content as extracted. */
  size: number;
  /** Size of the data in the zip (deflated or stored). */
  csize: number;
  crc: number;
  sha256: string;
  mtimeMs: number;
  /** Size of the source when opened (for `.gz`: its decompressed size when truncated). */
  sourceSize: number;
  /** Set when only the tail was kept: the number of leading bytes left out. */
  truncatedBytes: number;
  counts: Record<string, number>;
  /** Obfuscation mapping of this entry (original -> pseudonym). */
  mapping: [string, string][];
  notes: string[];
  chunks: Uint8Array[];
  spill: string | undefined;
  /** The thread that built the entry (0: the main thread). */
  thread: number;
}

/** A file that could not be turned into an entry: left out, with the reason. */
export interface EntryFailed {
  id: number;
  ok: false;
  /** A stable reason code for the manifest (`vanished`, `unreadable`, `corrupt-gzip`, ...). */
  reason: string;
  detail: string;
}

/** What building one entry gives: its data, or why the file was left out. */
export type EntryResult = EntryDone | EntryFailed;

function failure(id: number, err: unknown): EntryFailed {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  const reason = reasonOf(err);
  if (reason !== 'read-error') return { id, ok: false, reason, detail };
  if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'Z_STREAM_ERROR' || /incorrect header|unexpected end/i.test(detail)) {
    return { id, ok: false, reason: 'corrupt-gzip', detail };
  }
  return { id, ok: false, reason: 'read-error', detail };
}

/** Errors that stop the whole bundle instead of leaving one file out. */
export function isFatal(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EROFS';
}

/**
 * The large buffers of one entry in progress, reused from entry to entry: buffers that live for a
 * whole entry end up in V8's old generation, and their memory comes back only at a full GC, which
 * V8 runs late when the heap itself is small (external memory grew by ~60 MiB per worker before
 * one did). Entries running concurrently in one thread (in process) each take their own set.
 */
interface Scratch {
  read: Buffer;
  block: Buffer;
  held: Buffer;
}

const freeScratch: Scratch[] = [];

function takeScratch(): Scratch {
  return freeScratch.pop() ?? { read: Buffer.allocUnsafe(READ_SIZE), block: Buffer.allocUnsafe(BLOCK), held: Buffer.allocUnsafe(SPILL_AT) };
}

function giveScratch(s: Scratch): void {
  if (freeScratch.length < 4) freeScratch.push(s);
}

/**
 * The synchronous middle of an entry: redact -> hash/CRC -> deflate -> keep in memory up to
 * {@link SPILL_AT}, then spill to a file. Everything goes through buffers reused for the whole
 * entry (redacted text is gathered into {@link BLOCK}-sized blocks before deflating), so memory
 * stays flat however large the file.
 */
class EntryEncoder {
  size = 0;
  csize = 0;
  crc = 0;
  readonly hash = crypto.createHash('sha256');
  spill: string | undefined;
  spillFd: number | undefined;
  private readonly deflater: Deflater | undefined;
  /** Redacted bytes waiting to be deflated: `scratch.block` up to `filled`. */
  private filled = 0;
  /** Output kept in memory: `scratch.held` up to `heldLen`. */
  private heldLen = 0;
  private readonly take = (b: Buffer) => this.content(b);
  private readonly put = (b: Buffer) => this.emit(b);

  constructor(
    private readonly task: EntryTask,
    readonly redactor: Redactor | undefined,
    private readonly scratch: Scratch,
  ) {
    this.deflater = task.deflate ? createDeflater(task.level, zlibPathOf(task)) : undefined;
  }

  /** Set for UTF-16 text: turned into UTF-8 before the redactor reads it. */
  utf16: Utf16ToUtf8 | undefined;

  /** Takes source bytes; `chunk` may be reused by the caller once this returns. */
  push(chunk: Buffer): void {
    if (this.redactor) this.redactor.write(this.utf16 ? this.utf16.push(chunk) : chunk, this.take);
    else this.content(chunk);
  }

  end(): void {
    if (this.redactor && this.utf16) this.redactor.write(this.utf16.end(), this.take);
    if (this.redactor) this.redactor.finish(this.take);
    this.flushBlock();
    if (this.deflater) this.deflater.end(this.put);
  }

  /** Content as extracted (`b` is only valid during the call). */
  private content(b: Buffer): void {
    if (b.length === 0) return;
    this.hash.update(b);
    this.crc = zlib.crc32(b, this.crc);
    this.size += b.length;
    if (!this.deflater) {
      this.emit(b);
      return;
    }
    if (this.filled + b.length > BLOCK) this.flushBlock();
    if (b.length >= BLOCK) {
      this.deflater.push(b, this.put);
      return;
    }
    b.copy(this.scratch.block, this.filled);
    this.filled += b.length;
  }

  private flushBlock(): void {
    if (this.filled === 0 || !this.deflater) return;
    this.deflater.push(this.scratch.block.subarray(0, this.filled), this.put);
    this.filled = 0;
  }

  /** Output bytes (copied: `out` may be a reused or short-lived buffer). */
  private emit(out: Buffer): void {
    if (out.length === 0) return;
    this.csize += out.length;
    if (this.spillFd === undefined && this.heldLen + out.length <= SPILL_AT) {
      out.copy(this.scratch.held, this.heldLen);
      this.heldLen += out.length;
      return;
    }
    if (this.spillFd === undefined) {
      this.spill = path.join(this.task.spillDir, `${this.task.id}.part`);
      this.spillFd = fs.openSync(this.spill, 'w', 0o600);
      writeAll(this.spillFd, this.scratch.held.subarray(0, this.heldLen));
      this.heldLen = 0;
    }
    writeAll(this.spillFd, out);
  }

  /** The in-memory output as one block with its own ArrayBuffer (transferable to the main thread). */
  takeChunks(): Uint8Array[] {
    if (this.heldLen === 0) return [];
    const one = new Uint8Array(this.heldLen);
    one.set(this.scratch.held.subarray(0, this.heldLen));
    this.heldLen = 0;
    return [one];
  }

  closeSpill(): void {
    if (this.spillFd !== undefined) fs.closeSync(this.spillFd);
    this.spillFd = undefined;
  }
}

function zlibPathOf(task: EntryTask): ZlibPath {
  return task.zlib === 'public' ? 'public' : zlibPath();
}

function writeAll(fd: number, b: Uint8Array): void {
  let done = 0;
  while (done < b.length) done += fs.writeSync(fd, b, done, b.length - done);
}

/** Lets the event loop run (a Ctrl-C, progress) when a long entry is built in process. */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Builds one entry. Source problems (vanished, unreadable, corrupt gzip) come back as an
 * {@link EntryFailed}; a full disk while spilling is thrown, because it stops the bundle.
 */
export async function processEntry(task: EntryTask): Promise<EntryResult> {
  let fh: fs.promises.FileHandle;
  try {
    // O_NONBLOCK: a file swapped for a FIFO after collection must not hang the bundle.
    fh = await fs.promises.open(task.raw ? Buffer.from(task.raw) : task.source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return failure(task.id, err);
  }
  const notes: string[] = [];
  let enc: EntryEncoder | undefined;
  let scratch: Scratch | undefined;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { id: task.id, ok: false, reason: 'not-a-file', detail: 'not a regular file' };
    const sizeAtStart = st.size;
    let offset = 0;
    let skip = 0;
    let sourceSize = sizeAtStart;
    scratch = takeScratch();
    const read = scratch.read;
    let head: Buffer = Buffer.alloc(0);
    // Deflate expands at most 1032-fold: a gzip that small cannot exceed the cap, and is read once.
    const oneGunzip = task.gunzip && sizeAtStart * MAX_DEFLATE_RATIO <= task.maxFileSize;
    if (oneGunzip) {
      const n = fs.readSync(fh.fd, read, 0, Math.min(HEAD_GZ, sizeAtStart), 0);
      // The head is only for telling UTF-16 apart: a gzip cut short still gives its first bytes.
      head = zlib.gunzipSync(read.subarray(0, n), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, 512);
    } else if (task.gunzip) {
      // First pass: the decompressed size, to know which tail to keep (and whether the gzip is sound).
      let total = 0;
      const count = (b: Buffer) => {
        if (total === 0) head = Buffer.from(b.subarray(0, 512));
        total += b.length;
      };
      await gunzipFile(fh, sizeAtStart, read, count, zlibPathOf(task));
      sourceSize = total;
      skip = Math.max(0, total - task.maxFileSize);
    } else {
      offset = Math.max(0, sizeAtStart - task.maxFileSize);
      head = read.subarray(0, fs.readSync(fh.fd, read, 0, Math.min(512, sizeAtStart), 0));
    }
    // UTF-16 text is read as UTF-8 by the rules; a kept tail starts on a character.
    const utf16 = task.redact ? utf16Of(head) : undefined;
    if (utf16) {
      notes.push(`transcoded-from-${utf16}`);
      skip += skip & 1;
      offset += offset & 1;
    }

    const redactor = task.redact || task.obfuscate
      ? new Redactor({
          config: task.config,
          redact: task.redact,
          obfuscator: task.obfuscate
            ? new Obfuscator(task.obfuscate.kinds, Buffer.from(task.obfuscate.keyHex, 'hex'))
            : undefined,
        })
      : undefined;
    const e = new EntryEncoder(task, redactor, scratch);
    if (utf16) e.utf16 = new Utf16ToUtf8(utf16);
    enc = e;
    const state = { read: 0 };
    if (task.gunzip) {
      let left = skip;
      let total = 0;
      const tail = (c: Buffer) => {
        total += c.length;
        // Drop the head of a decompressed log over the cap.
        if (left >= c.length) {
          left -= c.length;
          return;
        }
        e.push(left > 0 ? c.subarray(left) : c);
        left = 0;
      };
      state.read = await gunzipFile(fh, sizeAtStart, read, tail, zlibPathOf(task));
      if (oneGunzip) sourceSize = total;
    } else {
      // Synchronous reads into one reused buffer: in a worker nothing else needs the thread.
      const buf = read;
      let pos = offset;
      let sinceYield = 0;
      while (pos < sizeAtStart) {
        const n = fs.readSync(fh.fd, buf, 0, Math.min(buf.length, sizeAtStart - pos), pos);
        if (n === 0) break;
        pos += n;
        state.read += n;
        e.push(buf.subarray(0, n));
        sinceYield += n;
        if (sinceYield >= YIELD_EVERY) {
          sinceYield = 0;
          await breathe();
        }
      }
    }
    e.end();
    e.closeSpill();

    if (state.read < sizeAtStart - offset) notes.push('shrank-while-read');
    const after = await fh.stat().catch(() => undefined);
    if (after && after.size > sizeAtStart) notes.push('grew-while-read');
    return {
      id: task.id,
      ok: true,
      size: e.size,
      csize: e.csize,
      crc: e.crc >>> 0,
      sha256: e.hash.digest('hex'),
      mtimeMs: st.mtimeMs,
      sourceSize,
      truncatedBytes: task.gunzip ? skip : offset,
      counts: redactor?.counts ?? {},
      mapping: redactor?.obfuscatorMapping() ?? [],
      notes,
      chunks: e.takeChunks(),
      spill: e.spill,
      thread: threadId,
    };
  } catch (err) {
    if (enc) {
      try {
        enc.closeSpill();
      } catch {
        // Closing a spill file that failed to write: the error that matters is `err`.
      }
      if (enc.spill) await fs.promises.rm(enc.spill, { force: true });
    }
    if (isFatal(err)) throw err;
    return failure(task.id, err);
  } finally {
    if (scratch) giveScratch(scratch);
    await fh.close().catch(() => undefined);
  }
}
