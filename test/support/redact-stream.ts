import { Redactor } from '../../src/bundle/redact.js';

/** Feeds `input` to a Redactor in pieces cut at `cuts` (any order), and returns all it wrote. */
export function streamed(input: Buffer, cuts: number[], config = false, strings = false): Buffer {
  const r = new Redactor({ config, strings });
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(r.push(input.subarray(at, c)));
    at = c;
  }
  out.push(r.push(input.subarray(at)), r.end());
  return Buffer.concat(out);
}
