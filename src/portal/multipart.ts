import fs from 'node:fs';

/**
 * Size of each file read, and so of each body chunk handed to the socket. Measured (bench/README.md,
 * "Attach"): 64 and 256 KiB cost ~0.2 s more CPU per GiB than 1 MiB; 4 MiB won nothing more and
 * holds 12 MiB more.
 */
export const PART_CHUNK = 1024 * 1024;

/**
 * Full-size reads go into a ring of this many buffers. Fresh buffers for each read cost ~0.6 s of
 * CPU per GiB sent (allocation, page faults, GC of external memory: bench/README.md, "Attach").
 * Reuse is safe because the body goes to the dispatcher as an iterable, which asks for the next
 * chunk only after the socket took the last one (`dispatcher.ts`, sendBody): a write at or above
 * the socket's high-water mark (16 KiB on Node 20, 64 KiB later; a full chunk is 1 MiB) makes it
 * wait for 'drain', which comes when every queued write has left. So at most one full chunk is in flight, and a ring of four leaves a margin
 * for a consumer that pulls ahead. A file's last, shorter chunk, which the socket may take without
 * 'drain', is read into a buffer of its own. Nothing that buffers ahead (`Readable.from`, a
 * PassThrough) may sit between this body and the socket: test/multipart-upload.test.ts sends
 * through a slow reader and compares every byte.
 */
const RING = 4;

/** Reads `want` bytes at `at` into `buf` (fewer only at the end of the file); returns the count. */
function readFully(fd: number, buf: Buffer, want: number, at: number): number {
  let n = 0;
  for (let got = -1; n < want && got !== 0; n += got) got = fs.readSync(fd, buf, n, want - n, at + n);
  return n;
}

/** A file part of a multipart body. */
export interface Part {
  path: string;
  name: string;
  size: number;
  /** The part's Content-Type, which Jira keeps as the attachment's MIME type. */
  type: string;
}

/** Quotes a file name for a Content-Disposition header (UTF-8 as browsers send it; quotes and line breaks escaped). */
function quoteName(name: string): string {
  return name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * A multipart/form-data body whose parts are all named `file`, streamed from disk in
 * {@link PART_CHUNK} reads into a few reused buffers, with its exact length computed up front (so
 * no chunked encoding and no copy in memory). Each chunk yielded is valid only until the consumer
 * asks for the next few: hand the iterable to the dispatcher as the request body, nothing in between.
 */
export function multipartBody(
  parts: readonly Part[],
  boundary: string,
  progress: (bytes: number, total: number, file: string, started: number) => void,
  now: () => number,
): { stream: AsyncIterable<Uint8Array>; length: number } {
  const heads = parts.map((p) =>
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoteName(p.name)}"\r\nContent-Type: ${p.type}\r\n\r\n`,
      'utf8',
    ),
  );
  const crlf = Buffer.from('\r\n');
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const total = parts.reduce((n, p) => n + p.size, 0);
  const length = heads.reduce((n, h) => n + h.length, 0) + total + parts.length * crlf.length + tail.length;
  async function* gen(): AsyncGenerator<Uint8Array> {
    const started = now();
    const ring: Buffer[] = [];
    let turn = 0;
    let sent = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      yield heads[i]!;
      if (p.size > 0) {
        // Synchronous reads: a thread-pool round trip per chunk cost ~0.25 s of CPU per GiB
        // (bench/README.md, "Attach"); a read from the page cache takes well under a millisecond.
        const fd = fs.openSync(p.path, 'r');
        try {
          // Read exactly the size announced in content-length, even if the file grows meanwhile.
          for (let at = 0; at < p.size; ) {
            const want = Math.min(PART_CHUNK, p.size - at);
            let buf: Buffer;
            if (want < PART_CHUNK) buf = Buffer.allocUnsafeSlow(want);
            else {
              if (ring.length < RING) ring.push(Buffer.allocUnsafeSlow(PART_CHUNK));
              buf = ring[turn++ % ring.length]!;
            }
            const n = readFully(fd, buf, want, at);
            if (n < want) throw new Error(`${p.path} shrank while it was being uploaded (${at + n} of ${p.size} bytes)`);
            at += n;
            sent += n;
            yield buf;
            progress(sent, total, p.name, started);
          }
        } finally {
          fs.closeSync(fd);
        }
      }
      yield crlf;
    }
    yield tail;
  }
  return { stream: gen(), length };
}
