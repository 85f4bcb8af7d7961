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
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { Obfuscator, type ObfuscateKind } from './obfuscate.js';
import { Redactor } from './redact.js';

/** Output kept in memory before it goes to a spill file: bounds a worker's memory. */
export const SPILL_AT = 4 * 1024 * 1024;
/** Reads of 128 KiB and a 64 KiB zlib chunk: larger reads let dead buffers pile up between GCs in each worker (measured: 1 MiB reads, ~250 MiB RSS; 128 KiB, ~140 MiB). */
const READ_SIZE = 128 * 1024;
const ZLIB_CHUNK = 64 * 1024;

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

/** A finished entry: its data is in `chunks` or in the `spill` file. */
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
  chunks: Buffer[];
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

/** Yields `length` bytes of a file from `offset`, stopping early if it shrank. */
async function* readRange(fh: fs.promises.FileHandle, offset: number, length: number, state: { read: number }) {
  let pos = offset;
  const end = offset + length;
  while (pos < end) {
    const buf = Buffer.allocUnsafe(Math.min(READ_SIZE, end - pos));
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) return;
    pos += bytesRead;
    state.read += bytesRead;
    yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
  }
}

/** Drops the first `skip` bytes of a stream (the head of a decompressed log over the cap). */
function skipHead(skip: number) {
  let left = skip;
  return async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) {
      if (left >= c.length) {
        left -= c.length;
        continue;
      }
      yield left > 0 ? c.subarray(left) : c;
      left = 0;
    }
  };
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
  let spillFh: fs.promises.FileHandle | undefined;
  let spill: string | undefined;
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

    const hash = crypto.createHash('sha256');
    let crc = 0;
    let size = 0;
    const redactor = task.redact || task.obfuscate
      ? new Redactor({
          config: task.config,
          redact: task.redact,
          obfuscator: task.obfuscate
            ? new Obfuscator(task.obfuscate.kinds, Buffer.from(task.obfuscate.keyHex, 'hex'))
            : undefined,
        })
      : undefined;
    const account = (b: Buffer) => {
      if (b.length === 0) return;
      hash.update(b);
      crc = zlib.crc32(b, crc);
      size += b.length;
    };

    const chunks: Buffer[] = [];
    let held = 0;
    let csize = 0;
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        csize += chunk.length;
        if (spillFh === undefined && held + chunk.length <= SPILL_AT) {
          chunks.push(chunk);
          held += chunk.length;
          cb();
          return;
        }
        const flush = async () => {
          if (spillFh === undefined) {
            spill = path.join(task.spillDir, `${task.id}.part`);
            spillFh = await fs.promises.open(spill, 'w', 0o600);
            for (const c of chunks.splice(0)) await spillFh.write(c);
            held = 0;
          }
          await spillFh.write(chunk);
        };
        flush().then(() => cb(), cb);
      },
    });

    const state = { read: 0 };
    // Byte-mode streams with 1 MiB marks: at most a couple of read buffers wait between stages
    // (async-generator stages would queue 16 objects each, 16 MiB per stage).
    const source = Readable.from(readRange(fh, offset, sizeAtStart - offset, state), { objectMode: false, highWaterMark: READ_SIZE });
    const stages: (NodeJS.ReadWriteStream | ((src: AsyncIterable<Buffer>) => AsyncIterable<Buffer>))[] = [];
    if (task.gunzip) stages.push(zlib.createGunzip({ chunkSize: ZLIB_CHUNK }));
    if (skip > 0) stages.push(skipHead(skip));
    stages.push(
      new Transform({
        highWaterMark: READ_SIZE,
        transform(c: Buffer, _enc, cb) {
          const o = redactor ? redactor.push(c) : c;
          account(o);
          cb(null, o.length > 0 ? o : undefined);
        },
        flush(cb) {
          const o = redactor ? redactor.end() : Buffer.alloc(0);
          account(o);
          cb(null, o.length > 0 ? o : undefined);
        },
      }),
    );
    if (task.deflate) stages.push(zlib.createDeflateRaw({ level: task.level, chunkSize: ZLIB_CHUNK }));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pipeline's overloads cannot type a variable-length list of stages
    await (pipeline as any)(source, ...stages, sink);
    if (spillFh) await spillFh.close();
    spillFh = undefined;

    if (state.read < sizeAtStart - offset) notes.push('shrank-while-read');
    const after = await fh.stat().catch(() => undefined);
    if (after && after.size > sizeAtStart) notes.push('grew-while-read');
    return {
      id: task.id,
      ok: true,
      size,
      csize,
      crc: crc >>> 0,
      sha256: hash.digest('hex'),
      mtimeMs: st.mtimeMs,
      sourceSize,
      truncatedBytes: task.gunzip ? skip : offset,
      counts: redactor?.counts ?? {},
      mapping: redactor?.obfuscatorMapping() ?? [],
      notes,
      chunks,
      spill,
    };
  } catch (err) {
    if (spillFh) await spillFh.close().catch(() => undefined);
    if (spill) await fs.promises.rm(spill, { force: true });
    if (isFatal(err)) throw err;
    return failure(task.id, err);
  } finally {
    await fh.close().catch(() => undefined);
  }
}
