/** Reads a whole stream (stdin for `--token-stdin`, `--body-file -`, `--details-file -`) as UTF-8 text. */
export async function readText(stream: AsyncIterable<Buffer | string>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
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
