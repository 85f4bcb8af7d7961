import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { processEntry } from '../src/bundle/entry.js';
import { MAX_LINE, redactBuffer } from '../src/bundle/redact.js';
import { isConfigFile } from '../src/bundle/redact-rules.js';
import { benignText, framed, SHAPES, type Shape } from './support/planted.js';
import { tempDir } from './support/harness.js';
import { streamed } from './support/redact-stream.js';

const goldens = path.join(import.meta.dirname, 'fixtures/bundle/shapes');

function expectMasked(out: string, s: Shape): void {
  for (const secret of s.secrets) expect(out, `${s.id}: ${JSON.stringify(secret)} survived`).not.toContain(secret);
  for (const k of s.keep) expect(out, `${s.id}: ${JSON.stringify(k)} was lost`).toContain(k);
}

describe('every secret shape planted in its own file', () => {
  for (const s of SHAPES) {
    it(`${s.id}: masked, its key kept, as in its golden file, whole and fed byte by byte`, () => {
      const input = Buffer.from(framed(s.file, s.text), 'utf8');
      const config = isConfigFile(s.file);
      const { output } = redactBuffer(input, { config });
      expectMasked(output.toString('utf8'), s);
      const golden = path.join(goldens, `${s.id}.expected`);
      if (process.env.UPDATE_GOLDEN === '1' && !fs.existsSync(golden)) fs.writeFileSync(golden, output);
      expect(output.toString('utf8')).toBe(fs.readFileSync(golden, 'utf8'));
      const everyByte = Array.from({ length: input.length }, (_, i) => i);
      expect(streamed(input, everyByte, config).equals(output)).toBe(true);
    });
  }

  it('every golden file belongs to a shape', () => {
    const ids = new Set(SHAPES.map((s) => `${s.id}.expected`));
    expect(fs.readdirSync(goldens).filter((f) => !ids.has(f))).toEqual([]);
  });
});

describe('logs stay useful', () => {
  it('the benign corpus (UUIDs, hashes, e-mails, IPs, ordinary words, a PEM marker in prose) comes through byte for byte', () => {
    const input = Buffer.from(benignText(), 'utf8');
    const { output, counts } = redactBuffer(input);
    expect(counts).toEqual({});
    expect(output.equals(input)).toBe(true);
    expect(streamed(input, [64 * 1024, 64 * 1024 + 7, 300_000]).equals(input)).toBe(true);
  });

  it('a PEM block with no END line is masked for a bounded stretch only, and counted', () => {
    const body = Array.from({ length: 20 }, (_, i) => `MIIEvQIBADANBgkqhkiG9w0BAQEFAASC${String(i).padStart(4, '0')}ZqKeyBodyLine`).join('\n');
    const after = Array.from({ length: 10_000 }, (_, i) => `2024-03-14 12:00:01,123 INFO [main] line ${i} after the key`).join('\n');
    const input = Buffer.from(`before\n-----BEGIN PRIVATE KEY-----\n${body}\n${after}\n`);
    const { output, counts } = redactBuffer(input);
    const out = output.toString();
    expect(out).not.toContain('ZqKeyBodyLine');
    expect(counts['private-key']).toBe(1);
    expect(out.split('\n').filter((l) => l.endsWith('after the key'))).toHaveLength(10_000);
  });

  it('a base64 body that runs on without END stops being masked after a bounded number of lines', () => {
    const body = Array.from({ length: 5000 }, (_, i) => `QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo${String(i).padStart(5, '0')}`).join('\n');
    const { output, counts } = redactBuffer(Buffer.from(`-----BEGIN RSA PRIVATE KEY-----\n${body}\n`));
    expect(counts['private-key']).toBe(1);
    expect(output.toString()).toContain('QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo04999');
  });
});

/** Shapes whose secret sits on one line of a log (not a configuration file): they can be planted anywhere in a long line. */
const oneLine = SHAPES.filter((s) => !isConfigFile(s.file) && s.text.indexOf('\n') === s.text.length - 1);
/** `n` bytes of ordinary log lines, ending with a newline (the last line padded to fit). */
function fillerLine(n: number): string {
  const lines: string[] = [];
  let left = n;
  for (let i = 0; left > 0; i++) {
    const l = `2024-03-14 12:00:01,123 INFO [main] filler line ${String(i).padStart(8, '0')}\n`;
    if (left >= l.length + 20 || left === l.length) lines.push(l);
    else lines.push(`${'x'.repeat(left - 1)}\n`);
    left -= lines[lines.length - 1]!.length;
  }
  return lines.join('');
}

describe('the byte path', () => {
  it('gives what the string path gives, for any mix of shapes and benign lines, however the stream is cut', () => {
    const benign = benignText(400).split(/(?<=\n)/);
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: SHAPES.length - 1 }), fc.integer({ min: -benign.length, max: -1 })), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 6 }),
        (picks, config, cutSeeds) => {
          const input = Buffer.from(picks.map((i) => (i >= 0 ? SHAPES[i]!.text : benign[-i - 1]!)).join(''), 'utf8');
          const cuts = cutSeeds.map((c) => c % (input.length + 1));
          expect(streamed(input, cuts, config).equals(streamed(input, cuts, config, true))).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('every shape at chunk boundaries', () => {
  it('is masked wherever a 64 KiB or 1 MiB boundary falls in it, and however the stream is cut', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: SHAPES.length - 1 }),
        fc.constantFrom(64 * 1024, 1024 * 1024),
        fc.integer({ min: 0, max: 400 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        (which, boundary, into, cutSeeds) => {
          const s = SHAPES[which]!;
          const text = s.text;
          const pre = fillerLine(boundary - (into % text.length));
          const input = Buffer.from(pre + text + 'tail line\n', 'utf8');
          const cuts = [boundary, ...cutSeeds.map((c) => c % (input.length + 1))];
          const out = streamed(input, cuts, isConfigFile(s.file)).toString('utf8');
          expectMasked(out, s);
          expect(out.startsWith(pre)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('is masked inside a line longer than the line limit, wherever the forced cut falls', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: oneLine.length - 1 }), fc.integer({ min: -200, max: 200 }), (which, delta) => {
        const s = oneLine[which]!;
        const line = s.text.slice(0, -1);
        const at = MAX_LINE - 64 * 1024 + delta;
        const filler = 'ab,'.repeat(Math.ceil((MAX_LINE + 200 * 1024) / 3));
        const input = Buffer.from(filler.slice(0, at) + ' ' + line + ' ' + filler.slice(at) + '\n', 'utf8');
        expectMasked(streamed(input, [at, MAX_LINE]).toString('utf8'), s);
      }),
      { numRuns: 20 },
    );
  });
});

/** The content of one entry built from `file` (not deflated, so the bytes are the text). */
async function entryText(file: string, gunzip: boolean, config: boolean): Promise<{ text: string; notes: string[] }> {
  const spillDir = fs.mkdtempSync(path.join(path.dirname(file), 'spill-'));
  const res = await processEntry({ id: 0, source: file, maxFileSize: 1 << 30, gunzip, deflate: false, level: 0, redact: true, config, obfuscate: undefined, spillDir, zlib: 'auto' });
  if (!res.ok) throw new Error(`${res.reason}: ${res.detail}`);
  const data = res.spill ? fs.readFileSync(res.spill) : Buffer.concat(res.chunks);
  return { text: data.toString('utf8'), notes: res.notes };
}

describe('every shape at chunk boundaries, in a rotated .gz and in UTF-16', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('is masked when the file is gzip, UTF-16 with or without a byte-order mark, wherever a boundary falls', async () => {
    const dir = tempDir('support-shapes-');
    dirs.push(dir);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: SHAPES.length - 1 }),
        fc.constantFrom(64 * 1024, 1024 * 1024),
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom('gzip', 'utf-16le', 'utf-16le-bom', 'utf-16be-bom'),
        async (which, boundary, into, form) => {
          const s = SHAPES[which]!;
          const config = isConfigFile(s.file);
          const text = fillerLine(boundary - (into % s.text.length)) + s.text + 'tail line\n';
          const file = path.join(dir, `${s.id}.${form}.log${form === 'gzip' ? '.gz' : ''}`);
          const le = Buffer.from(text, 'utf16le');
          const data =
            form === 'gzip' ? zlib.gzipSync(text)
            : form === 'utf-16le' ? le
            : form === 'utf-16le-bom' ? Buffer.concat([Buffer.from([0xff, 0xfe]), le])
            : Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
          fs.writeFileSync(file, data);
          const out = await entryText(file, form === 'gzip', config);
          expectMasked(out.text, s);
          if (form !== 'gzip') expect(out.notes).toContain(`transcoded-from-${form.startsWith('utf-16be') ? 'utf-16be' : 'utf-16le'}`);
          fs.rmSync(file);
        },
      ),
      { numRuns: 24 },
    );
  }, 120_000);
});
