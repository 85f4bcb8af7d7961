import fs from 'node:fs';

/** Chunk size of file reads: Node's 64 KiB default costs throughput on large uploads. */
const READ_CHUNK = 1024 * 1024;

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
 * A multipart/form-data body whose parts are all named `file`, streamed from disk in 1 MiB reads,
 * with its exact length computed up front (so no chunked encoding and no copy in memory).
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
    let sent = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      yield heads[i]!;
      let read = 0;
      if (p.size > 0) {
        // Read exactly the size announced in content-length, even if the file grows meanwhile.
        const rs = fs.createReadStream(p.path, { highWaterMark: READ_CHUNK, start: 0, end: p.size - 1 });
        for await (const chunk of rs as AsyncIterable<Buffer>) {
          read += chunk.length;
          sent += chunk.length;
          yield chunk;
          progress(sent, total, p.name, started);
        }
      }
      if (read !== p.size) throw new Error(`${p.path} shrank while it was being uploaded (${read} of ${p.size} bytes)`);
      yield crlf;
    }
    yield tail;
  }
  return { stream: gen(), length };
}
