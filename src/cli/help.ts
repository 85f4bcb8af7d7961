import { Help, type Argument, type Command, type Option } from 'commander';
import type { T } from '../i18n/index.js';
import { commandIndex } from './argv.js';
import { padCells, textWidth, twoColumns, wrapText } from '../ui/width.js';

/**
 * Commander's help in the user's language and measured in terminal cells: translated titles and
 * `[options]`, defaults unquoted (`default: 50`), descriptions wrapped by display width (Japanese
 * breaks between characters, `$SUPPORT_PROFILE` never), and a description that would be squeezed
 * under a long term put on the line below it.
 */
export function helpConfig(t: T, width: number, styleTitle: (s: string) => string): Partial<Help> {
  const names: Record<string, string> = {
    'Usage:': t('help.title.usage'),
    'Options:': t('help.title.options'),
    'Commands:': t('help.title.commands'),
    'Arguments:': t('help.title.arguments'),
    'Global Options:': t('help.title.globalOptions'),
  };
  const words = (s: string) => s.replace(/\[options\]/g, t('help.usage.options')).replace(/\[command\]/g, t('help.usage.command'));
  const extra = (desc: string, info: string[]) => (info.length === 0 ? desc : `${desc} (${info.join(t('help.listSep'))})`);
  const shown = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));
  return {
    helpWidth: width,
    showGlobalOptions: true,
    sortSubcommands: false,
    styleTitle: (s: string) => styleTitle(names[s] ?? s),
    displayWidth: (s: string) => textWidth(s),
    boxWrap: (s: string, w: number) => wrapText(s, w).join('\n'),
    commandUsage(this: Help, cmd: Command) {
      return words(Help.prototype.commandUsage.call(this, cmd));
    },
    subcommandTerm(this: Help, cmd: Command) {
      return words(Help.prototype.subcommandTerm.call(this, cmd));
    },
    optionDescription(option: Option) {
      const info: string[] = [];
      if (option.argChoices) info.push(t('help.choices', option.argChoices.join(', ')));
      const showDefault = option.required || option.optional || (option.isBoolean() && typeof option.defaultValue === 'boolean');
      if (option.defaultValue !== undefined && showDefault) info.push(t('help.default', option.defaultValueDescription ?? shown(option.defaultValue)));
      return extra(option.description, info);
    },
    argumentDescription(argument: Argument) {
      const info: string[] = [];
      if (argument.argChoices) info.push(t('help.choices', argument.argChoices.join(', ')));
      if (argument.defaultValue !== undefined) info.push(t('help.default', argument.defaultValueDescription ?? shown(argument.defaultValue)));
      return extra(argument.description, info);
    },
    formatItem(term: string, termWidth: number, description: string) {
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
    },
  };
}

/** Rows of `term<TAB>description` lines (a catalog entry) as two aligned columns. */
export function helpRows(rows: string, width: number): string {
  return twoColumns(
    rows.split('\n').map((r) => {
      const [term = '', description = ''] = r.split('\t');
      return [term, description] as const;
    }),
    { width, maxTerm: 30 },
  );
}

/** Prefix of a line of a shell command in an example (`  support ...`, or the line after a `\`). */
const COMMAND_LINE = /^\s*support(?:\s|$)/;
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
 * `support help <command> [<sub>]` as `support <command> [<sub>] --help`, so that it prints the
 * same screen and an unknown name gets the same "did you mean" as any other unknown command.
 * `valueFlags` are the global flags that take a value (their value is not a command name).
 */
export function helpAsFlag(argv: readonly string[], valueFlags: readonly string[]): { argv: string[]; names: string[] } {
  const i = commandIndex(argv, valueFlags);
  if (i < 0 || argv[i] !== 'help') return { argv: [...argv], names: [] };
  const rest = argv.slice(i + 1);
  return { argv: [...argv.slice(0, i), ...rest, '--help'], names: rest.filter((a) => !a.startsWith('-')) };
}
