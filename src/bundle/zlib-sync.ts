/**
 * Raw deflate and gunzip driven synchronously on the calling thread (in a worker: its own core;
 * zlib's async API would run on the shared libuv pool and leave the worker waiting).
 *
 * Two ways to do it, chosen once per thread by {@link zlibPath}:
 * - `internal`: one zlib stream per entry, driven through its handle the way `zlib.deflateRawSync`
 *   drives it inside Node (Node 20's `processChunkSync`), because the public sync API closes its
 *   stream after one call. The output is byte for byte that of deflating the file in one go, and
 *   nothing is allocated per block (fresh contexts and output buffers per block churn malloc and
 *   let RSS creep). These internals are not a public API, so a start-up self-check deflates and
 *   gunzips a known sample through them and compares with `zlib.deflateRawSync`; if anything is
 *   missing or differs, the thread uses the public path.
 * - `public`: deflate in pigz-style blocks through `zlib.deflateRawSync` (within ~0.1% of the size),
 *   and gunzip as a stream.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';

/** How zlib is driven: through its internal handle, or the public API only. */
export type ZlibPath = 'internal' | 'public';

/** Raw deflate driven synchronously, block by block; output goes to `emit` (a view valid during the call). */
export interface Deflater {
  push(block: Buffer, emit: (out: Buffer) => void): void;
  end(emit: (out: Buffer) => void): void;
}

/** zlib's largest hash table: ~4% faster and slightly smaller output than the default of 8. */
const MEM_LEVEL = 9;
/** Deflate's window: the history each block is primed with (see {@link BlockDeflater}). */
const WINDOW = 32 * 1024;
/** zlib's output chunk on the public path: small, because every deflate call allocates its output in these. */
const ZLIB_CHUNK = 64 * 1024;
/** Reads of gzip input on the public path (compressed, so small reads are plenty). */
const GZ_READ_SIZE = 128 * 1024;

let chosen: ZlibPath | undefined;

/** The path this thread uses: `internal` when the self-check passed (run once, on first use), else `public`. */
export function zlibPath(): ZlibPath {
  return (chosen ??= selfCheck());
}

/**
 * A synchronous raw-deflate stream at `level`. On the internal path its output is identical to
 * `zlib.deflateRawSync` of the whole input; on the public path it is pigz-style blocks. `push` and
 * `end` hand the output to `emit` as views valid only during the call.
 */
export function createDeflater(level: number, path: ZlibPath = zlibPath()): Deflater {
  if (path === 'internal') {
    const z = SyncZlib.of(zlib.createDeflateRaw({ level, memLevel: MEM_LEVEL }), 'deflate');
    if (z) return new HandleDeflater(z);
  }
  return new BlockDeflater(level);
}

/**
 * Decompresses the first `size` bytes of an open gzip file (all its members), handing output views
 * to `emit`. The internal path reads synchronously into `read` (reused); the public path streams.
 * Returns the bytes read (fewer when the file shrank). Throws zlib's errors.
 */
export async function gunzipFile(fh: fs.promises.FileHandle, size: number, read: Buffer, emit: (out: Buffer) => void, path: ZlibPath = zlibPath()): Promise<number> {
  const z = path === 'internal' ? SyncZlib.of(zlib.createGunzip(), 'gunzip') : undefined;
  if (!z) {
    const state = { read: 0 };
    await pipeline(readRange(fh, 0, size, state), zlib.createGunzip({ chunkSize: ZLIB_CHUNK }), async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) emit(c);
    });
    return state.read;
  }
  let pos = 0;
  try {
    while (pos < size) {
      const n = fs.readSync(fh.fd, read, 0, Math.min(read.length, size - pos), pos);
      if (n === 0) break;
      pos += n;
      z.run(read.subarray(0, n), zlib.constants.Z_NO_FLUSH, emit);
    }
    z.run(Buffer.alloc(0), zlib.constants.Z_FINISH, emit);
  } finally {
    z.close();
  }
  return pos;
}

/**
 * Whether `d` deflates a known sample (fed in blocks of several sizes) exactly as
 * `zlib.deflateRawSync` deflates it whole, and inflates back to it: the self-check of the internal path.
 */
export function deflatesLikeZlib(d: Deflater, level = 6): boolean {
  const input = sample();
  const out: Buffer[] = [];
  const keep = (b: Buffer) => out.push(Buffer.from(b));
  for (let at = 0, i = 0; at < input.length; i++) {
    const n = [40_000, 700, 1, 65_536][i % 4]!;
    d.push(input.subarray(at, at + n), keep);
    at += n;
  }
  d.end(keep);
  const got = Buffer.concat(out);
  return got.equals(zlib.deflateRawSync(input, { level, memLevel: MEM_LEVEL })) && zlib.inflateRawSync(got).equals(input);
}

function selfCheck(): ZlibPath {
  try {
    const z = SyncZlib.of(zlib.createDeflateRaw({ level: 6, memLevel: MEM_LEVEL }), 'deflate');
    if (!z || !deflatesLikeZlib(new HandleDeflater(z))) return 'public';
    const g = SyncZlib.of(zlib.createGunzip(), 'gunzip');
    if (!g) return 'public';
    const input = sample();
    const out: Buffer[] = [];
    try {
      const gz = zlib.gzipSync(input);
      const keep = (b: Buffer) => out.push(Buffer.from(b));
      g.run(gz.subarray(0, 1000), zlib.constants.Z_NO_FLUSH, keep);
      g.run(gz.subarray(1000), zlib.constants.Z_NO_FLUSH, keep);
      g.run(Buffer.alloc(0), zlib.constants.Z_FINISH, keep);
    } finally {
      g.close();
    }
    return Buffer.concat(out).equals(input) ? 'internal' : 'public';
  } catch {
    return 'public';
  }
}

let sampleText: Buffer | undefined;

/** ~200 KiB of log-like lines with some noise (a linear congruential sequence: the same every run). */
function sample(): Buffer {
  if (sampleText) return sampleText;
  const lines: string[] = [];
  let x = 12345;
  for (let i = 0; i < 3000; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    lines.push(`2026-11-24 10:${String(i % 60).padStart(2, '0')} INFO [http-${i % 7}] req ${x.toString(16)} ok ${'x'.repeat(x % 13)}\n`);
  }
  return (sampleText = Buffer.from(lines.join('')));
}

/**
 * Output buffers of {@link SyncZlib}, one per thread for deflate and one for gunzip (whose output
 * flows into a deflate): reused for every call, as output is consumed before the next call.
 */
const zlibOut: { deflate?: Buffer; gunzip?: Buffer } = {};

/** The zlib binding call that `zlib.deflateRawSync` itself makes (Node 20's `processChunkSync`). */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOff: number, inLen: number, out: Uint8Array, outOff: number, outLen: number): void;
}

/** A zlib stream driven through its handle with synchronous calls. */
class SyncZlib {
  private constructor(
    private readonly stream: zlib.Deflate | zlib.DeflateRaw | zlib.Gunzip,
    private readonly handle: ZlibHandle,
    private readonly state: Uint32Array,
    private readonly kind: 'deflate' | 'gunzip',
  ) {
    // A failed call destroys the stream at once and emits `error` on the next tick: `run` throws
    // the error itself; this listener only keeps the late event from being unhandled.
    stream.on('error', () => undefined);
  }

  /** Wraps `stream`, or closes it and returns undefined when this Node lacks the internals. */
  static of(stream: zlib.DeflateRaw | zlib.Gunzip, kind: 'deflate' | 'gunzip'): SyncZlib | undefined {
    const internals = stream as unknown as { _handle?: Partial<ZlibHandle>; _writeState?: unknown };
    if (typeof internals._handle?.writeSync === 'function' && internals._writeState instanceof Uint32Array) {
      return new SyncZlib(stream, internals._handle as ZlibHandle, internals._writeState, kind);
    }
    stream.close();
    return undefined;
  }

  run(input: Buffer, flush: number, emit: (out: Buffer) => void): void {
    const out = (zlibOut[this.kind] ??= Buffer.allocUnsafe(256 * 1024));
    let inOff = 0;
    let inLen = input.length;
    for (;;) {
      this.handle.writeSync(flush, input, inOff, inLen, out, 0, out.length);
      if (this.stream.destroyed) throw this.stream.errored ?? new Error('zlib stream failed');
      const [availOut = 0, availIn = 0] = this.state;
      if (availOut < out.length) emit(out.subarray(0, out.length - availOut));
      inOff += inLen - availIn;
      inLen = availIn;
      // A full output buffer may mean more output is pending.
      if (availOut !== 0) return;
    }
  }

  close(): void {
    this.stream.close();
  }
}

/** The internal path's deflater: one zlib stream for the whole entry. */
class HandleDeflater implements Deflater {
  constructor(private readonly z: SyncZlib) {}

  push(block: Buffer, emit: (out: Buffer) => void): void {
    this.z.run(block, zlib.constants.Z_NO_FLUSH, emit);
  }

  end(emit: (out: Buffer) => void): void {
    try {
      this.z.run(Buffer.alloc(0), zlib.constants.Z_FINISH, emit);
    } finally {
      this.z.close();
    }
  }
}

/**
 * The public path's deflater: each block is deflated on its own with the previous 32 KiB of input
 * as its dictionary and ends with a sync flush, as pigz does: the concatenation is one valid
 * deflate stream, within ~0.1% of deflating the whole file at once.
 */
class BlockDeflater implements Deflater {
  /** The last {@link WINDOW} bytes of input (the first `histLen` of this buffer). */
  private readonly history = Buffer.allocUnsafe(WINDOW);
  private histLen = 0;

  constructor(private readonly level: number) {}

  push(block: Buffer, emit: (out: Buffer) => void): void {
    emit(this.deflate(block, zlib.constants.Z_SYNC_FLUSH));
    if (block.length >= WINDOW) {
      block.copy(this.history, 0, block.length - WINDOW);
      this.histLen = WINDOW;
    } else {
      // A short block: the window spans it and the end of the history before it.
      const keep = Math.min(this.histLen, WINDOW - block.length);
      this.history.copy(this.history, 0, this.histLen - keep, this.histLen);
      block.copy(this.history, keep);
      this.histLen = keep + block.length;
    }
  }

  /** The final (empty) block that ends the stream. */
  end(emit: (out: Buffer) => void): void {
    emit(this.deflate(Buffer.alloc(0), zlib.constants.Z_FINISH));
  }

  private deflate(block: Buffer, flush: number): Buffer {
    return zlib.deflateRawSync(block, {
      level: this.level,
      memLevel: MEM_LEVEL,
      chunkSize: ZLIB_CHUNK,
      finishFlush: flush,
      ...(this.histLen > 0 ? { dictionary: this.history.subarray(0, this.histLen) } : {}),
    });
  }
}

/**
 * Yields `length` bytes of a file from `offset`, stopping early if it shrank. Feeds the streaming
 * gunzip of the public path; that stream holds on to its input, so each read gets its own (small) buffer.
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
