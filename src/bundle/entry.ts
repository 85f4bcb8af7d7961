/**
 * Turns one collected file into one zip entry's data: read (up to the size it had when opened,
 * keeping the tail when over the cap) -> gunzip for `.gz` -> redact -> deflate, with the sha256 and
 * CRC-32 of the entry's content as extracted. Runs in a worker thread (see `worker.ts`) or in
 * process; either way it holds at most {@link SPILL_AT} bytes of output in memory and spills the
 * rest to a temp file next to the zip.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Obfuscator, type ObfuscateKind } from './obfuscate.js';
import { Redactor } from './redact.js';

/** Output kept in memory before it goes to a spill file: bounds a worker's memory. */
export const SPILL_AT = 4 * 1024 * 1024;
/**
 * Source reads of 1 MiB into one reused buffer: large reads cost fewer calls, and reusing the
 * buffer keeps external memory flat (fresh read buffers pile up between GCs in each worker).
 */
const READ_SIZE = 1024 * 1024;
/** Reads of gzip input (compressed, so small reads are plenty). */
const GZ_READ_SIZE = 128 * 1024;
/** zlib's output chunk: small, because every deflate call allocates its output in these. */
const ZLIB_CHUNK = 64 * 1024;
/** Smallest block deflated on its own: each costs a 32 KiB dictionary and a flush marker. */
const BLOCK = 512 * 1024;
/** Deflate's window: the history each block is primed with (see {@link BlockDeflater}). */
const WINDOW = 32 * 1024;
/** How often (bytes of input) a long entry yields to the event loop when run in process. */
const YIELD_EVERY = 8 * 1024 * 1024;

/** One file to turn into an entry. Plain data: it crosses to a worker thread. */
export interface EntryTask {
  id: number;
  source: string;
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
}

/** A file that could not be turned into an entry: left out, with the reason. */
export interface EntryFailed {
  id: number;
  ok: false;
  /** A stable reason code for the manifest (`vanished`, `unreadable`, `corrupt-gzip`, ...). */
  reason: string;
  detail: string;
}

export type EntryResult = EntryDone | EntryFailed;

/**
 * Yields `length` bytes of a file from `offset`, stopping early if it shrank. Used for gzip input,
 * which the gunzip stream holds on to, so each read gets its own (small) buffer.
 */
async function* readRange(fh: fs.promises.FileHandle, offset: number, length: number, state: { read: number }) {
  let pos = offset;
  const end = offset + length;
  while (pos < end) {
    const buf = Buffer.allocUnsafe(Math.min(GZ_READ_SIZE, end - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    state.read += bytesRead;
    yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }
}

function failure(id: number, err: unknown): EntryFailed {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT') return { id, ok: false, reason: 'vanished', detail };
  if (code === 'EACCES' || code === 'EPERM') return { id, ok: false, reason: 'unreadable', detail };
  if (code === 'ELOOP') return { id, ok: false, reason: 'symlink-loop', detail };
  if (code === 'EISDIR') return { id, ok: false, reason: 'not-a-file', detail };
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
 * Raw deflate of a stream fed in blocks, with synchronous zlib calls on the calling thread (in a
 * worker: its own core; zlib's async API would run on the shared libuv pool and leave the worker
 * idle while it waits). Each block is deflated on its own with the previous 32 KiB of input as its
 * dictionary and ends with a sync flush, as pigz does: the concatenation is one valid deflate
 * stream, within ~0.1% of deflating the whole file at once.
 */
class BlockDeflater {
  private history: Buffer | undefined;

  constructor(private readonly level: number) {}

  /** Deflates one block (`block` may be a reused buffer: nothing of it is kept but a copy). */
  push(block: Buffer): Buffer {
    const out = this.deflate(block, zlib.constants.Z_SYNC_FLUSH);
    const tail = block.subarray(Math.max(0, block.length - WINDOW));
    // The window spans blocks when one is shorter than 32 KiB.
    this.history = Buffer.from(tail.length >= WINDOW || !this.history ? tail : Buffer.concat([this.history, tail]).subarray(-WINDOW));
    return out;
  }

  /** The final (empty) block that ends the stream. */
  end(): Buffer {
    return this.deflate(Buffer.alloc(0), zlib.constants.Z_FINISH);
  }

  private deflate(block: Buffer, flush: number): Buffer {
    return zlib.deflateRawSync(block, {
      level: this.level,
      // The largest hash table: ~4% faster and slightly smaller output than the default of 8.
      memLevel: 9,
      chunkSize: ZLIB_CHUNK,
      finishFlush: flush,
      ...(this.history ? { dictionary: this.history } : {}),
    });
  }
}

/**
 * The synchronous middle of an entry: redact -> hash/CRC -> deflate -> keep in memory up to
 * {@link SPILL_AT}, then spill to a file. Redacted output is gathered to {@link BLOCK} before deflating.
 */
class EntryEncoder {
  size = 0;
  csize = 0;
  crc = 0;
  readonly hash = crypto.createHash('sha256');
  readonly chunks: Buffer[] = [];
  spill: string | undefined;
  spillFd: number | undefined;
  private held = 0;
  private readonly deflater: BlockDeflater | undefined;
  private gather: Buffer[] = [];
  private gathered = 0;

  constructor(
    private readonly task: EntryTask,
    readonly redactor: Redactor | undefined,
  ) {
    this.deflater = task.deflate ? new BlockDeflater(task.level) : undefined;
  }

  /** Takes source bytes; `chunk` may be reused by the caller once this returns. */
  push(chunk: Buffer): void {
    const o = this.redactor ? this.redactor.push(chunk) : chunk;
    this.content(o);
  }

  end(): void {
    if (this.redactor) this.content(this.redactor.end());
    this.flushGather();
    if (this.deflater) this.emit(this.deflater.end());
  }

  private content(b: Buffer): void {
    if (b.length === 0) return;
    this.hash.update(b);
    this.crc = zlib.crc32(b, this.crc);
    this.size += b.length;
    if (!this.deflater) {
      this.emit(Buffer.from(b));
      return;
    }
    if (this.gathered === 0 && b.length >= BLOCK) {
      this.emit(this.deflater.push(b));
      return;
    }
    this.gather.push(Buffer.from(b));
    this.gathered += b.length;
    if (this.gathered >= BLOCK) this.flushGather();
  }

  private flushGather(): void {
    if (this.gathered === 0) return;
    const block = this.gather.length === 1 ? this.gather[0]! : Buffer.concat(this.gather, this.gathered);
    this.gather = [];
    this.gathered = 0;
    if (this.deflater) this.emit(this.deflater.push(block));
  }

  private emit(out: Buffer | undefined): void {
    if (!out || out.length === 0) return;
    this.csize += out.length;
    if (this.spillFd === undefined && this.held + out.length <= SPILL_AT) {
      this.chunks.push(out);
      this.held += out.length;
      return;
    }
    if (this.spillFd === undefined) {
      this.spill = path.join(this.task.spillDir, `${this.task.id}.part`);
      this.spillFd = fs.openSync(this.spill, 'w', 0o600);
      for (const c of this.chunks.splice(0)) writeAll(this.spillFd, c);
      this.held = 0;
    }
    writeAll(this.spillFd, out);
  }

  /** The in-memory output as one block with its own ArrayBuffer (transferable to the main thread). */
  takeChunks(): Uint8Array[] {
    if (this.chunks.length === 0) return [];
    const one = new Uint8Array(this.held);
    let at = 0;
    for (const c of this.chunks.splice(0)) {
      one.set(c, at);
      at += c.length;
    }
    this.held = 0;
    return [one];
  }

  closeSpill(): void {
    if (this.spillFd !== undefined) fs.closeSync(this.spillFd);
    this.spillFd = undefined;
  }
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
    fh = await fs.promises.open(task.source, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return failure(task.id, err);
  }
  const notes: string[] = [];
  let enc: EntryEncoder | undefined;
  try {
    const st = await fh.stat();
    if (!st.isFile()) return { id: task.id, ok: false, reason: 'not-a-file', detail: 'not a regular file' };
    const sizeAtStart = st.size;
    let offset = 0;
    let skip = 0;
    let sourceSize = sizeAtStart;
    if (task.gunzip) {
      // First pass: the decompressed size, to know which tail to keep (and whether the gzip is sound).
      let total = 0;
      await pipeline(readRange(fh, 0, sizeAtStart, { read: 0 }), zlib.createGunzip({ chunkSize: ZLIB_CHUNK }), async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) total += c.length;
      });
      sourceSize = total;
      skip = Math.max(0, total - task.maxFileSize);
    } else {
      offset = Math.max(0, sizeAtStart - task.maxFileSize);
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
    const e = new EntryEncoder(task, redactor);
    enc = e;
    const state = { read: 0 };
    if (task.gunzip) {
      let left = skip;
      await pipeline(readRange(fh, 0, sizeAtStart, state), zlib.createGunzip({ chunkSize: ZLIB_CHUNK }), async (src: AsyncIterable<Buffer>) => {
        for await (const c of src) {
          // Drop the head of a decompressed log over the cap.
          if (left >= c.length) {
            left -= c.length;
            continue;
          }
          e.push(left > 0 ? c.subarray(left) : c);
          left = 0;
        }
      });
    } else {
      // Synchronous reads into one reused buffer: in a worker nothing else needs the thread.
      const buf = Buffer.allocUnsafe(Math.min(READ_SIZE, Math.max(1, sizeAtStart - offset)));
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
    await fh.close().catch(() => undefined);
  }
}
