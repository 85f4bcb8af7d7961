/**
 * Text in UTF-16 (a thread dump saved on Windows): recognised by its byte-order mark, or by the
 * zero bytes every ASCII character carries, and turned into UTF-8 as it streams so the redaction
 * rules can read it.
 */
import { TextDecoder } from 'node:util';

/** The UTF-16 byte order of text starting with `head`, or undefined when it is not UTF-16. */
export function utf16Of(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  // Without a mark: ASCII text in UTF-16 has a zero in every other byte, and nowhere else.
  const n = Math.min(head.length, 512) & ~1;
  if (n < 64) return undefined;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  return undefined;
}

/** Turns UTF-16 chunks into UTF-8, a character split between chunks included. */
export class Utf16ToUtf8 {
  private readonly decoder: TextDecoder;
  constructor(readonly encoding: 'utf-16le' | 'utf-16be') {
    this.decoder = new TextDecoder(encoding);
  }

  push(chunk: Uint8Array): Buffer {
    return Buffer.from(this.decoder.decode(chunk, { stream: true }), 'utf8');
  }

  end(): Buffer {
    return Buffer.from(this.decoder.decode(), 'utf8');
  }
}
