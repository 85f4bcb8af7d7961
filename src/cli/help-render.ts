/**
 * The one layout of help: a command's help as data (`HelpDoc`, collected from commander by
 * help.ts, or read from the help manifest by help-fast.ts) laid out at a width in terminal cells.
 * Imports nothing but the measuring and wrapping of ui/width.ts, so that `support --help` can be
 * answered without commander or the main bundle (bin/load.cjs).
 */
import { padCells, textWidth, twoColumns, wrapText } from '../ui/width.js';

/** A titled list of terms and their descriptions ("Options:", "Commands:" ...), titles translated. */
export interface HelpSection {
  title: string;
  items: (readonly [term: string, description: string])[];
}

/** A piece of the text after the sections: a title, two aligned columns, prose wrapped to the width, or text as written. */
export type HelpPart = { title: string } | { rows: (readonly [term: string, description: string])[] } | { prose: string } | { text: string };

/** A command's help, independent of width and colour. */
export interface HelpDoc {
  /** The translated "Usage:" and the usage line. */
  usage: readonly [title: string, usage: string];
  description: string;
  sections: HelpSection[];
  /** Blocks of text after the sections (examples, environment, exit codes), each fitted on its own. */
  after: HelpPart[][];
}

/** The width help is laid out for: the terminal's, at least 40 cells (80 when unknown). */
export function helpWidth(columns: number): number {
  return Math.max(40, columns || 80);
}

/** Whether help is coloured: stdout a terminal, colour wanted (io.color), no `--no-color`. */
export function helpColor(io: { stdoutIsTTY: boolean; color: boolean }, argv: readonly string[]): boolean {
  return io.stdoutIsTTY && io.color && !argv.includes('--no-color');
}

/** Bold as chalk writes it (ui/theme.ts), for the titles. */
function bold(s: string, color: boolean): string {
  return color ? `\u001b[1m${s}\u001b[22m` : s;
}

/** Rows of `term<TAB>description` lines (a catalog entry) as the rows of a HelpPart. */
export function tabRows(rows: string): [string, string][] {
  return rows.split('\n').map((r) => {
    const [term = '', description = ''] = r.split('\t');
    return [term, description];
  });
}

/**
 * A term and its description: the term padded to `termWidth`, the description wrapped beside it;
 * a description that would be squeezed under a long term goes on the lines below it.
 */
function formatItem(term: string, termWidth: number, description: string, width: number): string {
  const indent = 2;
  const gap = 2;
  if (!description) return ' '.repeat(indent) + term;
  const room = width - indent - termWidth - gap;
  if (room >= 24) {
    const lines = wrapText(description, room);
    const hang = ' '.repeat(indent + termWidth + gap);
    return [' '.repeat(indent) + padCells(term, termWidth) + ' '.repeat(gap) + lines[0], ...lines.slice(1).map((l) => hang + l)].join('\n');
  }
  // A long term leaves too little room beside it: the description goes below, indented.
  const below = wrapText(description, width - indent - 4).map((l) => ' '.repeat(indent + 4) + l);
  return [' '.repeat(indent) + term, ...below].join('\n');
}

/** One part after the sections, as text. */
function renderPart(part: HelpPart, width: number, color: boolean): string {
  if ('title' in part) return bold(part.title, color);
  if ('rows' in part) return twoColumns(part.rows, { width, maxTerm: 30 });
  if ('prose' in part) return wrapText(part.prose, width).join('\n');
  return part.text;
}

/**
 * A command's help at `width` cells, titles bold when `color`: usage, description, the sections
 * (every term padded to the widest of all), then each block after them, every block fitted to the
 * width on its own (fitLines).
 */
export function renderHelp(doc: HelpDoc, width: number, color: boolean): string {
  const termWidth = Math.max(0, ...doc.sections.flatMap((s) => s.items.map(([term]) => textWidth(term))));
  const lines = [`${bold(doc.usage[0], color)} ${doc.usage[1]}`, ''];
  if (doc.description.length > 0) lines.push(wrapText(doc.description, width).join('\n'), '');
  for (const s of doc.sections) {
    if (s.items.length === 0) continue;
    lines.push(bold(s.title, color), ...s.items.map(([term, description]) => formatItem(term, termWidth, description, width)), '');
  }
  const after = doc.after.map((parts) => fitLines(`${parts.map((p) => renderPart(p, width, color)).join('\n')}\n`, width));
  return fitLines(lines.join('\n'), width) + after.join('');
}

/**
 * Prefix of a line of a shell command in an example: `  support ...`, with variables set before it
 * (`  SUPPORT_APP_TOKEN=… support ...`) or something piped into it (`  printf %s "$X" | support ...`);
 * or the line after a `\`.
 */
const COMMAND_LINE = /^\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:[a-z]+\s[^|]*\|\s*)?support(?:\s|$)/;
/** A row of two columns: a term, two spaces or more, a description. */
const ROW = /^(\s*\S.*?\s{2,})\S/;
/** How a line of prose that ends a sentence or introduces something ends: the line break stays. */
const SENTENCE_END = /[。.:：)）]$/;

/** Joins two lines of one paragraph: with a space, or with nothing between two wide characters. */
function joinLines(a: string, b: string): string {
  const last = [...a].pop() ?? '';
  const first = [...b][0] ?? '';
  return textWidth(last) === 2 && textWidth(first) === 2 ? a + b : `${a} ${b}`;
}

/**
 * Fits text written by commander (help, and the text added after it) to `width` cells; lines that
 * fit are left as written. An example command too wide is split at a space outside quotes with a
 * ` \` continuation (a flag kept with its value), so it still pastes into a shell; a row of two
 * columns wraps under its second column; a paragraph of indented prose with a line too wide is
 * reflowed as a whole under its indent (its sentence ends kept as line ends).
 */
export function fitLines(text: string, width: number): string {
  const lines = text.split('\n');
  const out: string[] = [];
  let continued = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const isCommand: boolean = continued || COMMAND_LINE.test(line);
    continued = isCommand && line.endsWith('\\');
    if (isCommand) {
      out.push(...(textWidth(line) <= width ? [line] : wrapCommand(line, width)));
      continue;
    }
    const lead = /^\s*/.exec(line)![0];
    const row = ROW.exec(line)?.[1];
    if (line.trim() === '' || lead === '' || (row !== undefined && textWidth(row) < width / 2)) {
      out.push(...(textWidth(line) <= width ? [line] : wrapRow(line, row, lead, width)));
      continue;
    }
    // A paragraph: the following lines of prose under the same indent.
    let end = i + 1;
    while (end < lines.length) {
      const next = lines[end]!;
      if (next.trim() === '' || /^\s*/.exec(next)![0] !== lead || COMMAND_LINE.test(next) || ROW.test(next)) break;
      end++;
    }
    const para = lines.slice(i, end);
    i = end - 1;
    if (para.every((l) => textWidth(l) <= width)) {
      out.push(...para);
      continue;
    }
    let joined = '';
    const flush = () => {
      if (joined !== '') out.push(...wrapText(joined, width - lead.length).map((l) => lead + l));
      joined = '';
    };
    for (const l of para) {
      joined = joined === '' ? l.trim() : joinLines(joined, l.trim());
      if (SENTENCE_END.test(joined)) flush();
    }
    flush();
  }
  return out.join('\n');
}

/** Wraps one line under its own indent, or a two-column row under its second column. */
function wrapRow(line: string, row: string | undefined, lead: string, width: number): string[] {
  if (row === undefined) return wrapText(line.slice(lead.length), width - lead.length).map((l) => lead + l);
  const hang = ' '.repeat(textWidth(row));
  const lines = wrapText(line.slice(row.length), width - hang.length);
  return [row + (lines[0] ?? ''), ...lines.slice(1).map((l) => hang + l)];
}

/**
 * Splits a shell command line into lines of at most `width` cells with ` \` continuations: at
 * spaces outside quotes, a flag kept with the value after it; later lines four spaces further in
 * (a line that continues an earlier one keeps its indent).
 */
function wrapCommand(line: string, width: number): string[] {
  const lead = /^\s*/.exec(line)![0];
  const trailing = line.endsWith(' \\') ? ' \\' : '';
  const body = trailing ? line.slice(lead.length, -2) : line.slice(lead.length);
  const tokens = body.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const units: string[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    const next = tokens[k + 1];
    if (tok.startsWith('-') && !tok.includes('=') && next !== undefined && !next.startsWith('-')) {
      units.push(`${tok} ${next}`);
      k++;
    } else units.push(tok);
  }
  const hang = COMMAND_LINE.test(line) ? lead + '    ' : lead;
  const lines: string[] = [];
  let cur = '';
  for (const u of units) {
    if (cur !== '' && textWidth(`${cur} ${u} \\`) > width) {
      lines.push(`${cur} \\`);
      cur = hang + u;
    } else {
      cur = cur === '' ? lead + u : `${cur} ${u}`;
    }
  }
  lines.push(cur + trailing);
  return lines;
}

/**
 * Every command's help in one language (`docs`, keyed by the command path: `''`, `list`,
 * `sandbox reply`), made at build time for the main bundle whose build id is `build`
 * (scripts/help-manifest.mjs, bin/load.cjs).
 */
export interface HelpManifest {
  build: string;
  lang: string;
  docs: Record<string, HelpDoc>;
}

/**
 * The manifest as a file: a first line of JSON (`build`, `lang`, and where each doc's JSON is in
 * the text after that line), then the docs, so that a reader parses only the doc it prints
 * (parsing them all cost Japanese help two more garbage collections).
 */
export function manifestText(m: HelpManifest): string {
  const at: Record<string, [from: number, to: number]> = {};
  let body = '';
  for (const [path, doc] of Object.entries(m.docs)) {
    const json = JSON.stringify(doc);
    at[path] = [body.length, body.length + json.length];
    body += `${json}\n`;
  }
  return `${JSON.stringify({ build: m.build, lang: m.lang, docs: at })}\n${body}`;
}

/** The build id of a manifest file and the doc of the command `path`, if the manifest has it. */
export function manifestDoc(text: string, path: string): { build: string; doc?: HelpDoc } {
  const end = text.indexOf('\n');
  const head = JSON.parse(text.slice(0, end)) as { build: string; docs: Record<string, [number, number]> };
  const at = Object.hasOwn(head.docs, path) ? head.docs[path] : undefined;
  return at === undefined ? { build: head.build } : { build: head.build, doc: JSON.parse(text.slice(end + 1 + at[0], end + 1 + at[1])) as HelpDoc };
}
