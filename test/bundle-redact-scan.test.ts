import fs from 'node:fs';
import fc from 'fast-check';
import wabt from 'wabt';
import { describe, expect, it } from 'vitest';
import { TRIGGER } from '../src/bundle/redact-rules.js';
import { SCAN_WASM, scanText, TRIGGER_WORDS } from '../src/bundle/redact-scan.js';

/** Where the trigger expression hits, stepped one character past each hit over the text lowercased. */
function byRegex(text: string): [number, string][] {
  const re = new RegExp(TRIGGER.source, 'g');
  const lower = text.toLowerCase();
  const out: [number, string][] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(lower)) !== null) {
    out.push([m.index, m[0]]);
    re.lastIndex = m.index + 1;
  }
  return out;
}

function byScan(text: string): [number, string][] {
  const hits = scanText(text);
  return Array.from({ length: hits.count }, (_, k) => [hits.start[k]!, TRIGGER_WORDS[hits.word[k]!]!]);
}

/** Text made of trigger words in any case, their pieces, and characters that fold alike. */
const pieces = fc.oneof(
  fc.constantFrom(...TRIGGER_WORDS),
  fc.constantFrom(...TRIGGER_WORDS).map((w) => w.toUpperCase()),
  fc.constantFrom(...TRIGGER_WORDS).chain((w) => fc.integer({ min: 1, max: w.length }).map((n) => w.slice(0, n))),
  fc.constantFrom(...TRIGGER_WORDS).chain((w) => fc.integer({ min: 0, max: w.length - 1 }).map((n) => w.slice(n))),
  fc.constantFrom(' ', '\n', ':', '/', '_', '-', '=', '\u00c0', '\u00e9', '\u00ff', 'K', 'k', 'a', '3', '\u0000', '@', '`', '{'),
);

describe('trigger scan', () => {
  it('finds exactly what the trigger expression finds, in order', () => {
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 60 }), (parts) => {
        const text = parts.join('');
        expect(byScan(text)).toEqual(byRegex(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds words overlapping each other and at both ends of the text', () => {
    for (const text of ['keystorepass', 'PASSWORD', 'jdbc://', 'xoxb-', 'auth plain', 'sessionid:secret', 'storepasswd', 'ldap://ATATTx']) {
      expect(byScan(text)).toEqual(byRegex(text));
    }
  });

  it('finds them wherever they fall among the 16-byte blocks the scan reads, in texts of any length', () => {
    // Filler that the scan's tables let through (letters of the anchors, punctuation, high bytes).
    const filler = fc.stringMatching(/^[a-zA-Z:/_=. -]{0,40}$/);
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, filler), { maxLength: 200 }), (parts) => {
        const text = parts.join('');
        expect(byScan(text)).toEqual(byRegex(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('runs the WebAssembly that wat2wasm makes of redact-scan.wat', async () => {
    const w = await wabt();
    const mod = w.parseWat('redact-scan.wat', fs.readFileSync(new URL('../src/bundle/redact-scan.wat', import.meta.url), 'utf8'));
    mod.validate();
    expect(Buffer.from(mod.toBinary({}).buffer).equals(SCAN_WASM)).toBe(true);
  });
});
