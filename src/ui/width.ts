/**
 * Text measured and wrapped in terminal cells, for help, prose and prompts in English and Japanese.
 * Widths are those of `string-width` (East Asian wide characters and emoji take two cells, escape
 * codes none). Lines break at spaces, and between Japanese characters where Japanese allows it (not
 * before 、。」 and the like, not after 「（), never inside a run of Latin letters, digits or
 * symbols (but after a comma in a JSON list such as `"key","url"`; `--json key,status` stays whole): `$SUPPORT_PROFILE` and `--json` stay whole.
 */
import { createRequire } from 'node:module';
import { eastAsianWidth } from 'get-east-asian-width';

/**
 * Characters that are each a grapheme cluster of their own, visible and no emoji, so that
 * string-width gives every one of them its East Asian width (narrow 1, wide 2, ambiguous 1):
 * printable ASCII and Latin-1, punctuation, arrows, box drawing, CJK punctuation, kana, kanji and
 * fullwidth forms, that is, all our English and Japanese text. test/width.test.ts checks each of
 * them, and random strings of them, against string-width.
 */
export const PLAIN_RANGES: readonly (readonly [from: number, to: number])[] = [
  [0x20, 0x7e],
  [0xa0, 0xa8],
  [0xaa, 0xac],
  [0xaf, 0xff],
  [0x2010, 0x2027],
  [0x2030, 0x203b],
  [0x203d, 0x2048],
  [0x204a, 0x205e],
  [0x2190, 0x2193],
  [0x2500, 0x257f],
  [0x3000, 0x3029],
  [0x3031, 0x303c],
  [0x303e, 0x303f],
  [0x3041, 0x3096],
  [0x309b, 0x30ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xff01, 0xff60],
  [0xffe0, 0xffe6],
];
const hex = (cp: number) => `\\u${cp.toString(16).padStart(4, '0')}`;
const PLAIN = new RegExp(`^[${PLAIN_RANGES.map(([a, b]) => `${hex(a)}-${hex(b)}`).join('')}]*$`);
const ASCII = /^[\u0020-\u007e]*$/;

let full: ((s: string) => number) | undefined;

/**
 * string-width itself, loaded the first time something outside PLAIN is measured (an emoji, a
 * combining mark, an escape code, Hangul). Loading it costs more than the rest of `support --help`
 * (measured 72 ms on an idle machine: its module graph and the compile of its `\p{RGI_Emoji}`
 * regular expressions, then ~19 ms for its first measure, which builds an Intl.Segmenter), while
 * get-east-asian-width alone loads in under 5 ms. Synchronous: `require` is the bundle's own
 * (scripts/app.mjs), else Node's, which loads ES modules since Node 20.19.
 */
function stringWidth(s: string): number {
  if (full === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a literal require() is what esbuild bundles
    const mod = (typeof require === 'function' ? require('string-width') : createRequire(import.meta.url)('string-width')) as { default: (s: string) => number };
    full = mod.default;
  }
  return full(s);
}

/** Display width of `s` in terminal cells. */
export function textWidth(s: string): number {
  if (ASCII.test(s)) return s.length;
  if (!PLAIN.test(s)) return stringWidth(s);
  // PLAIN characters are all in the Basic Multilingual Plane: one UTF-16 unit each.
  let width = 0;
  for (let i = 0; i < s.length; i++) width += cellsOf(s.charCodeAt(i));
  return width;
}

/** The width of each PLAIN character met so far (0: not yet known), by its code. */
const cells = new Uint8Array(0x10000);
/** eastAsianWidth's options, made once (it would make an object per call). */
const NARROW_AMBIGUOUS = { ambiguousAsWide: false };

function cellsOf(code: number): number {
  let w = cells[code]!;
  if (w === 0) {
    w = eastAsianWidth(code, NARROW_AMBIGUOUS);
    cells[code] = w;
  }
  return w;
}

/** Characters a Japanese line may not start with (closing brackets, punctuation, small kana, prolonged sound mark). */
const NO_START = new Set([...'、。，．,.・：；:;？！?!ー－」』）］｝〉》】〕〙〗)]}>…‥ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻%％']);
/** Characters a line may not end with (opening brackets). */
const NO_END = new Set([...'「『（［｛〈《【〔〘〖([{<']);

/** Whether a character is drawn two cells wide (a CJK character, a fullwidth form, an emoji). */
function wide(ch: string): boolean {
  let w = wideChars.get(ch);
  if (w === undefined) {
    w = textWidth(ch) === 2;
    wideChars.set(ch, w);
  }
  return w;
}
/** wide() of each character seen: pieces() asks it twice of every character it splits. */
const wideChars = new Map<string, boolean>();

/** One character of white space; the opening of a JSON string, object or array. (Made once: a literal in the loop is a new RegExp each time.) */
const SPACE = /\s/;
const JSON_OPEN = /["{[]/;

/**
 * Splits a line into the pieces it may break between: a piece is a run of non-wide characters up to
 * a space (with the spaces after it) or one wide character, with no-start characters attached to
 * the piece before them and no-end characters to the piece after them. A `<placeholder>` or a
 * `"quoted text"` is one piece.
 */
function pieces(line: string): string[] {
  const out: string[] = [];
  // The piece being read is line.slice(start, at): sliced once, not added to a character at a time.
  let start = 0;
  let at = 0;
  let quoted = false;
  let angled = false;
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const prev = i > 0 ? chars[i - 1]! : '';
    const inside = quoted || angled;
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && !SPACE.test(chars[i + 1] ?? ' ')) angled = true;
    else if (ch === '>') angled = false;
    const breakBefore =
      at > start &&
      !inside &&
      !NO_START.has(ch) &&
      !NO_END.has(prev) &&
      ((SPACE.test(prev) && !SPACE.test(ch)) || ((wide(ch) || wide(prev)) && !SPACE.test(ch)) || (prev === ',' && JSON_OPEN.test(ch)));
    if (breakBefore) {
      out.push(line.slice(start, at));
      start = at;
    }
    at += ch.length;
  }
  if (at > start) out.push(line.slice(start, at));
  return out;
}

/**
 * Wraps `text` to lines of at most `width` cells (existing line breaks kept, trailing spaces of a
 * broken line dropped). A piece wider than `width` on its own (a long URL) is kept whole on its line.
 */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let cur = '';
    // The widths of PLAIN characters add up: the line's width (and without its trailing spaces) is
    // kept as pieces are added, not measured again with each piece (help in Japanese has a piece
    // per character).
    const plain = PLAIN.test(raw);
    let curWidth = 0;
    let curTrimmed = 0;
    const parts = pieces(raw);
    for (let k = 0; k < parts.length; k++) {
      const p = parts[k]!;
      const trimmed = p.trimEnd();
      const joined = plain ? (trimmed === '' ? curTrimmed : curWidth + textWidth(trimmed)) : textWidth((cur + p).trimEnd());
      if (cur !== '' && joined > width) {
        lines.push(cur.trimEnd());
        cur = p.trimStart();
        curWidth = textWidth(cur);
        curTrimmed = textWidth(cur.trimEnd());
      } else {
        cur += p;
        if (trimmed !== '') curTrimmed = curWidth + textWidth(trimmed);
        curWidth += textWidth(p);
      }
    }
    lines.push(cur.trimEnd());
  }
  return lines;
}

/** Pads `s` with spaces to `width` cells. */
export function padCells(s: string, width: number): string {
  const w = textWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

/**
 * Rows of a term and its description, aligned in two columns within `width` cells: the terms wrap
 * (at spaces) within a column as wide as the widest term up to `maxTerm`, the descriptions wrap in
 * the rest. `indent` spaces before each line, two between the columns.
 */
export function twoColumns(rows: readonly (readonly [term: string, description: string])[], opts: { width: number; indent?: number; maxTerm?: number }): string {
  const indent = ' '.repeat(opts.indent ?? 2);
  const gap = 2;
  const maxTerm = opts.maxTerm ?? Math.floor(opts.width * 0.4);
  const termWidth = Math.min(maxTerm, Math.max(0, ...rows.map(([term]) => textWidth(term))));
  const descWidth = Math.max(20, opts.width - indent.length - termWidth - gap);
  const out: string[] = [];
  for (const [term, description] of rows) {
    const terms = wrapText(term, termWidth);
    const descs = description === '' ? [] : wrapText(description, descWidth);
    for (let i = 0; i < Math.max(terms.length, descs.length); i++) {
      const t = terms[i] ?? '';
      const d = descs[i];
      out.push(d === undefined ? `${indent}${t}`.trimEnd() : `${indent}${padCells(t, termWidth)}${' '.repeat(gap)}${d}`);
    }
  }
  return out.join('\n');
}

/** Wraps prose to `width` cells, every line after `indent` spaces. */
export function wrapIndented(text: string, width: number, indent = 0): string {
  const pad = ' '.repeat(indent);
  return wrapText(text, Math.max(20, width - indent))
    .map((l) => (l === '' ? '' : pad + l))
    .join('\n');
}

/**
 * How many rows `text` takes on a terminal `columns` wide when written from the first column: a
 * character that does not fit goes to the next row (a wide one leaves the last cell empty), a tab
 * moves to the next multiple of 8 but not past the last column, as terminals do.
 */
export function terminalRows(text: string, columns: number): number {
  let rows = 1;
  let col = 0;
  for (const ch of text) {
    if (ch === '\t') {
      col = Math.min(col + 8 - (col % 8), columns - 1);
      continue;
    }
    const w = textWidth(ch);
    if (col + w > columns) {
      rows++;
      col = 0;
    }
    col += w;
  }
  return rows;
}
