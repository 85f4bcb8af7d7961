/**
 * src/ui/width.ts measures our own English and Japanese text without string-width (slow to load),
 * by East Asian width, and must give exactly what string-width gives: checked here for every
 * character it measures that way, and for random text, against string-width itself.
 */
import fc from 'fast-check';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { padCells, PLAIN_RANGES, terminalRows, textWidth, wrapText } from '../src/ui/width.js';

const segmenter = new Intl.Segmenter();
const clusters = (s: string) => [...segmenter.segment(s)].length;

describe('textWidth (src/ui/width.ts) against string-width', () => {
  it('every character measured by East Asian width is a cluster of its own, and as wide as string-width says', () => {
    let checked = 0;
    for (const [from, to] of PLAIN_RANGES) {
      for (let cp = from; cp <= to; cp++) {
        const ch = String.fromCodePoint(cp);
        expect(textWidth(ch), `U+${cp.toString(16)}`).toBe(stringWidth(ch));
        // Alone between letters and doubled, it stays one cluster: nothing joins it to a neighbour.
        if (clusters(`a${ch}a`) !== 3 || clusters(ch + ch) !== 2) throw new Error(`U+${cp.toString(16)} joins a neighbouring character`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20_000);
  });

  it('random text of those characters, of anything at all, with escape codes and emoji: the same width', () => {
    const plain = fc.oneof(...PLAIN_RANGES.map(([a, b]) => fc.integer({ min: a, max: b }).map((cp) => String.fromCodePoint(cp))));
    const other = fc.constantFrom('👍', '👨‍👩‍👧', '1️⃣', 'é', '\u0301', '\u200d', '\x1b[1m', '\x1b[0m', '한국어', '\u1100\u1161', '\t', 'ﾊﾟ', '©', '‼', '〰');
    fc.assert(
      fc.property(fc.array(fc.oneof(plain, plain, other)), fc.string({ unit: 'binary' }), (parts, any) => {
        const s = parts.join('');
        expect(textWidth(s)).toBe(stringWidth(s));
        expect(textWidth(any)).toBe(stringWidth(any));
      }),
      { numRuns: 500 },
    );
  });

  it('wraps and pads Japanese by cells', () => {
    expect(textWidth('日本語のテキスト、です。')).toBe(24);
    expect(padCells('（既定: 50）', 14)).toBe('（既定: 50）  ');
    expect(wrapText('サポート・バンドルを作成します。', 10)).toEqual(['サポート・', 'バンドルを', '作成しま', 'す。']);
  });
});

describe('terminalRows: the rows a line takes on a terminal', () => {
  it.each([
    ['', 80, 1],
    ['x'.repeat(80), 80, 1],
    ['x'.repeat(81), 80, 2],
    // A tab goes to the next multiple of 8: 27 cells, a tab to 32, then 49 more is 81.
    [`${'p'.repeat(27)}\t${'x'.repeat(49)}`, 80, 2],
    [`${'p'.repeat(27)}\t${'x'.repeat(48)}`, 80, 1],
    // Near the edge a tab stops at the last column instead of wrapping.
    [`${'x'.repeat(76)}\tyz`, 80, 2],
    // A wide character that does not fit in the last cell goes whole to the next row.
    [`${'x'.repeat(79)}語`, 80, 2],
    [`${'x'.repeat(78)}語`, 80, 1],
    ['語'.repeat(41), 80, 2],
  ])('%j at %i columns: %i', (text, columns, rows) => {
    expect(terminalRows(text, columns)).toBe(rows);
  });
});
