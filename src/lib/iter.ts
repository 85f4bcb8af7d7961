/**
 * The most each stdin reader takes, in bytes: a portal's text fields (the details of a request, a
 * comment) hold 32,767 characters, at most 4 bytes each in UTF-8; a token is far shorter. Past
 * these, reading stops (an endless `yes |` must not fill the memory) and the command fails.
 */
export const STDIN_LIMITS = { text: 128 * 1024, token: 8 * 1024 } as const;

/**
 * Reads a whole stream (stdin for `--token-stdin`, `--body-file -`, `--details-file -`) as UTF-8
 * text. With a `limit`, stops reading as soon as the stream is longer and throws `limit.tooLong()`.
 */
export async function readText(stream: AsyncIterable<Buffer | string>, limit?: { maxBytes: number; tooLong: () => Error }): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    bytes += b.length;
    if (limit && bytes > limit.maxBytes) throw limit.tooLong();
    chunks.push(b);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The items of an async iterable (a paged portal list) in an array, at most `max` of them (`Array.fromAsync` with a cap). */
export async function toArray<T>(it: AsyncIterable<T>, max = Infinity): Promise<T[]> {
  const out: T[] = [];
  if (max <= 0) return out;
  for await (const x of it) {
    out.push(x);
    if (out.length >= max) break;
  }
  return out;
}
