/**
 * Terminal tables: columns sized to the content, one flexible column cut to the terminal width.
 * Widths count East Asian wide characters as two cells, so Japanese summaries line up.
 */

/** Code point ranges a terminal draws in no cell: combining marks, zero-width spaces and joiners, variation selectors. */
const ZERO_WIDTH: readonly (readonly [number, number])[] = [
  [0x300, 0x36f],
  [0x200b, 0x200f],
  [0xfe00, 0xfe0f],
];

/** Code point ranges a terminal draws in two cells: East Asian wide and fullwidth forms, emoji. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

const within = (ranges: typeof WIDE, cp: number) => ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

/** Cells a code point takes in a terminal: 0 for control characters and combining marks, 2 for wide/fullwidth, else 1. */
function cellWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || within(ZERO_WIDTH, cp)) return 0;
  return within(WIDE, cp) ? 2 : 1;
}

/** Display width of a string in terminal cells. */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += cellWidth(ch.codePointAt(0)!);
  return w;
}

/** Cuts `s` to at most `width` cells, ending with "…" when something was cut. */
export function truncate(s: string, width: number): string {
  if (width <= 0) return '';
  if (displayWidth(s) <= width) return s;
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = cellWidth(ch.codePointAt(0)!);
    if (w + cw > width - 1) break;
    out += ch;
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
