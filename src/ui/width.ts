/**
 * Text measured and wrapped in terminal cells, for help, prose and prompts in English and Japanese.
 * Widths come from `string-width` (East Asian wide characters and emoji take two cells, escape codes
 * none). Lines break at spaces, and between Japanese characters where Japanese allows it (not
 * before 、。」 and the like, not after 「（), never inside a run of Latin letters, digits or
 * symbols (but after a comma in a JSON list such as `"key","url"`; `--json key,status` stays whole): `$SUPPORT_PROFILE` and `--json` stay whole.
 */
import stringWidth from 'string-width';

/** Display width of `s` in terminal cells. */
export function textWidth(s: string): number {
  return stringWidth(s);
}

/** Characters a Japanese line may not start with (closing brackets, punctuation, small kana, prolonged sound mark). */
const NO_START = new Set([...'、。，．,.・：；:;？！?!ー－」』）］｝〉》】〕〙〗)]}>…‥ゝゞヽヾぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ々〻%％']);
/** Characters a line may not end with (opening brackets). */
const NO_END = new Set([...'「『（［｛〈《【〔〘〖([{<']);

/** Whether a character is drawn two cells wide (a CJK character, a fullwidth form, an emoji). */
function wide(ch: string): boolean {
  return stringWidth(ch) === 2;
}

/**
 * Splits a line into the pieces it may break between: a piece is a run of non-wide characters up to
 * a space (with the spaces after it) or one wide character, with no-start characters attached to
 * the piece before them and no-end characters to the piece after them. A `<placeholder>` or a
 * `"quoted text"` is one piece.
 */
function pieces(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  let angled = false;
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const prev = i > 0 ? chars[i - 1]! : '';
    const inside = quoted || angled;
    if (ch === '"') quoted = !quoted;
    else if (ch === '<' && /\S/.test(chars[i + 1] ?? ' ')) angled = true;
    else if (ch === '>') angled = false;
    const breakBefore =
      cur !== '' &&
      !inside &&
      !NO_START.has(ch) &&
      !NO_END.has(prev) &&
      ((/\s/.test(prev) && !/\s/.test(ch)) || ((wide(ch) || wide(prev)) && !/\s/.test(ch)) || (prev === ',' && /["{[]/.test(ch)));
    if (breakBefore) {
      out.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur !== '') out.push(cur);
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
    for (const p of pieces(raw)) {
      if (cur !== '' && textWidth((cur + p).trimEnd()) > width) {
        lines.push(cur.trimEnd());
        cur = p.trimStart();
      } else {
        cur += p;
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
