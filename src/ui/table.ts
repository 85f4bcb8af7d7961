/**
 * Terminal tables: columns sized to the content, one flexible column cut to the terminal width.
 * Widths count East Asian wide characters as two cells, so Japanese summaries line up.
 */
import { textWidth } from './width.js';

/** Display width of a string in terminal cells (string-width: wide CJK and emoji two, marks and escapes none). */
export function displayWidth(s: string): number {
  return textWidth(s);
}

/**
 * Made on first use: the first Intl.Segmenter of a process loads ICU's break rules, measured at
 * 12% of a `support list` CPU profile (175 of 1,474 ms on a loaded machine, bench/README.md), and
 * most tables cut nothing.
 */
let graphemes: Intl.Segmenter | undefined;

/** Cuts `s` to at most `width` cells, ending with "…" when something was cut (never inside a character cluster). */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  for (const { segment } of graphemes.segment(s)) {
    const cw = textWidth(segment);
    if (w + cw > width - 1) break;
    out += segment;
    w += cw;
  }
  return out + '…';
}

/** Pads `s` with spaces to `width` cells. */
export function pad(s: string, width: number): string {
  const w = displayWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

/** One line of text for a table cell: whitespace runs (tabs, newlines) become one space. */
export function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export interface TableLayout {
  /** Width of each column in cells. */
  widths: number[];
  /** Renders one row (cells cut or padded to the widths); `style` colours a cell after sizing. */
  row(cells: readonly string[], style?: readonly (((s: string) => string) | undefined)[]): string;
}

/**
 * Fixes column widths from sample rows (e.g. the header and the first page): every column takes
 * its widest sample up to `max[i]`, and column `flex` takes what is left of `columns` (at least
 * `minFlex`). Later rows are cut to the same widths, so a table can be printed as rows arrive.
 */
export function layoutTable(
  samples: readonly (readonly string[])[],
  opts: {
    columns: number;
    flex: number;
    max?: readonly (number | undefined)[];
    minFlex?: number;
    gap?: number;
    /** Columns whose cells are padded on the left (numbers, sizes). */
    right?: readonly number[];
  },
): TableLayout {
  const gap = opts.gap ?? 2;
  const n = Math.max(0, ...samples.map((r) => r.length));
  const widths: number[] = [];
  for (let i = 0; i < n; i++) {
    const widest = Math.max(0, ...samples.map((r) => displayWidth(r[i] ?? '')));
    widths[i] = Math.min(widest, opts.max?.[i] ?? Number.POSITIVE_INFINITY);
  }
  if (n > 0) {
    const others = widths.reduce((a, w, i) => (i === opts.flex ? a : a + w), 0) + gap * (n - 1);
    const room = opts.columns - others;
    widths[opts.flex] = Math.max(opts.minFlex ?? 10, Math.min(widths[opts.flex]!, room));
  }
  const sep = ' '.repeat(gap);
  return {
    widths,
    row(cells, style) {
      const parts = widths.map((w, i) => {
        const cut = truncate(oneLine(cells[i] ?? ''), w);
        const f = style?.[i];
        if (opts.right?.includes(i)) {
          const lead = ' '.repeat(Math.max(0, w - displayWidth(cut)));
          return lead + (f ? f(cut) : cut);
        }
        const padded = i === widths.length - 1 ? cut : pad(cut, w);
        // Style after padding so escape codes do not count towards the width.
        return f ? f(cut) + padded.slice(cut.length) : padded;
      });
      return parts.join(sep).trimEnd();
    },
  };
}
