// Every screen of help, in both languages, at 80 columns: fits by display width, cuts no word,
// says nothing in commander's English, shows defaults unquoted and aligns the Environment rows.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/harness.js';

const LANGS = ['en', 'ja'] as const;

/** The names listed under the Commands title of a help screen. */
function commandsOf(help: string, title: RegExp): string[] {
  const lines = help.split('\n');
  const at = lines.findIndex((l) => title.test(l));
  if (at < 0) return [];
  const names: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (l.trim() === '') break;
    const m = /^ {2}([a-z][a-z-]*)/.exec(l);
    if (m) names.push(m[1]!);
  }
  return names;
}

/** Every command path: `[]` (the program), each command, and each subcommand of those that have some. */
async function commandPaths(): Promise<string[][]> {
  const top = await runCli(['--help'], { columns: 200, env: { SUPPORT_LANG: 'en' } });
  const paths: string[][] = [[]];
  for (const name of commandsOf(top.stdout, /^Commands:/)) {
    paths.push([name]);
    const sub = await runCli([name, '--help'], { columns: 200, env: { SUPPORT_LANG: 'en' } });
    for (const s of commandsOf(sub.stdout, /^Commands:/)) paths.push([name, s]);
  }
  return paths;
}

/** Runs of Latin letters, digits and the symbols of flags and variables: what must never be cut. */
function words(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z0-9_$.\-/=<>[\]|]+/g) ?? []);
}

describe('help at 80 columns, in English and Japanese', () => {
  it('every line of every help screen fits 80 cells and no word is cut', async () => {
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(12);
    for (const lang of LANGS) {
      for (const p of paths) {
        const narrow = await runCli([...p, '--help'], { columns: 80, env: { SUPPORT_LANG: lang } });
        const wide = await runCli([...p, '--help'], { columns: 1000, env: { SUPPORT_LANG: lang } });
        expect(narrow.code, `${lang} ${p.join(' ')}`).toBe(0);
        for (const line of narrow.stdout.split('\n')) {
          expect(stringWidth(line), `${lang} support ${p.join(' ')} --help:\n${line}`).toBeLessThanOrEqual(80);
        }
        const whole = words(wide.stdout);
        const cut = [...words(narrow.stdout)].filter((w) => !whole.has(w) && !/^\\$/.test(w));
        expect(cut, `${lang} support ${p.join(' ')} --help: words cut at 80 columns`).toEqual([]);
      }
    }
  });

  it('prose is wrapped to the width, not broken where the catalog text had a line end', async () => {
    // Two unindented lines in a row are one paragraph wrapped at the width: the first must be too
    // full to take the next line's first word. English only: Japanese breaks between characters
    // except inside quoted commands, which this check cannot tell; the catalogs' paragraphs are
    // written the same way in both (one string per paragraph, a blank line between paragraphs).
    const paths = await commandPaths();
    for (const lang of ['en'] as const) {
      for (const width of [60, 80]) {
        for (const p of paths) {
          const lines = (await runCli([...p, '--help'], { columns: width, env: { SUPPORT_LANG: lang } })).stdout.split('\n');
          lines.forEach((line, i) => {
            const next = lines[i + 1] ?? '';
            if (line.trim() === '' || /^\s/.test(line) || next.trim() === '' || /^\s/.test(next) || /:$/.test(line)) return;
            const first = next.split(' ')[0]!;
            expect(stringWidth(line) + 1 + stringWidth(first), `${lang} support ${p.join(' ')} --help at ${width}:\n${line}\n${next}`).toBeGreaterThan(width);
          });
        }
      }
    }
  });

  it('an example too wide is continued with a backslash, whatever comes before support on its line', async () => {
    const paths = await commandPaths();
    for (const lang of LANGS) {
      for (const width of [60, 80]) {
        for (const p of paths) {
          const lines = (await runCli([...p, '--help'], { columns: width, env: { SUPPORT_LANG: lang } })).stdout.split('\n');
          const from = lines.findIndex((l) => /^(Examples|例):$/.test(l));
          if (from < 0) continue;
          const block = lines.slice(from + 1, lines.indexOf('', from + 1));
          // A line that does not continue the one before it starts a command, never with a flag.
          block.forEach((l, i) => {
            if (i > 0 && block[i - 1]!.endsWith(' \\')) return;
            expect(l, `${lang} support ${p.join(' ')} --help at ${width}`).toMatch(/^ {2}[^\s-]/);
          });
        }
      }
    }
  });

  it('nothing of commander is left in English in Japanese help; defaults are shown unquoted', async () => {
    const paths = await commandPaths();
    for (const p of paths) {
      const ja = await runCli([...p, '--help'], { columns: 80, env: { SUPPORT_LANG: 'ja' } });
      for (const english of ['Usage:', 'Options:', 'Commands:', 'Arguments:', 'Global Options:', '[options]', '[command]', '(default:', 'display help for command']) {
        expect(ja.stdout, `support ${p.join(' ')} --help (ja) says ${english}`).not.toContain(english);
      }
      const en = await runCli([...p, '--help'], { columns: 80, env: { SUPPORT_LANG: 'en' } });
      expect(en.stdout).not.toMatch(/default: "/);
      expect(ja.stdout).not.toMatch(/既定: "/);
    }
    const list = await runCli(['list', '--help'], { columns: 80, env: { SUPPORT_LANG: 'en' } });
    expect(list.stdout).toMatch(/\(default: 50\)/);
    const listJa = await runCli(['list', '--help'], { columns: 80, env: { SUPPORT_LANG: 'ja' } });
    expect(listJa.stdout).toMatch(/\(既定: 50\)/);
    expect(listJa.stdout).toMatch(/使い方: support list \[オプション\]/);
  });

  it('the Environment rows are aligned, their descriptions in one column', async () => {
    for (const lang of LANGS) {
      const r = await runCli(['--help'], { columns: 80, env: { SUPPORT_LANG: lang } });
      const lines = r.stdout.split('\n');
      const from = lines.findIndex((l) => /^(Environment|環境変数):/.test(l));
      const rows = lines.slice(from + 1, lines.indexOf('', from));
      expect(rows.length).toBeGreaterThan(10);
      // The description column starts at the same cell on every row (after the widest term).
      // (A term too long for its column continues alone on the next line.)
      const starts = new Set(
        rows
          .map((l) => /^( {2}\S.*?\s{2,}|\s{4,})(\S)/.exec(l)?.[1])
          .filter((m) => m !== undefined)
          .map((m) => stringWidth(m)),
      );
      expect(rows.filter((l) => !/^( {2}\S.*?\s{2,}|\s{4,})(\S)/.test(l)).every((l) => /^ {2}\S((?! {2}).)*$/.test(l))).toBe(true);
      expect([...starts], `${lang}:\n${rows.join('\n')}`).toHaveLength(1);
    }
  });

  it('a description in Japanese wraps under its column at 80 columns instead of spilling to column 0', async () => {
    const r = await runCli(['--help'], { columns: 80, env: { SUPPORT_LANG: 'ja' } });
    expect(r.stdout).toContain('$SUPPORT_PROFILE');
    // A flag with its value list is one word too.
    const view = await runCli(['view', '--help'], { columns: 80, env: { SUPPORT_LANG: 'ja' } });
    expect(view.stdout).toContain('key,status');
    const lines = r.stdout.split('\n');
    const escalate = lines.findIndex((l) => /^ {2}escalate /.test(l));
    const column = stringWidth(/^( {2}escalate \S+ \S+\s+)/.exec(lines[escalate]!)![1]!);
    expect(lines[escalate + 1]!.slice(0, column).trim()).toBe('');
    expect(stringWidth(lines[escalate + 1]!)).toBeGreaterThan(column);
  });

  it('support help <command> prints the command\'s help; help alone the program\'s', async () => {
    const viaHelp = await runCli(['help', 'list'], { columns: 80 });
    const viaFlag = await runCli(['list', '--help'], { columns: 80 });
    expect(viaHelp.code).toBe(0);
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    const top = await runCli(['help'], { columns: 80 });
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/^Usage: support/);
    const ja = await runCli(['help', 'view'], { columns: 80, env: { SUPPORT_LANG: 'ja' } });
    expect(ja.stdout).toMatch(/使い方: support view/);
    const bad = await runCli(['help', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown command "nope"/);
    // A flag after the name: its value is not a command name (this ran `list` itself).
    const flagAfter = await runCli(['help', 'list', '--lang', 'ja'], { columns: 80 });
    expect(flagAfter.code).toBe(0);
    expect(flagAfter.stdout).toMatch(/^使い方: support list/);
    // An unknown command with --help is said so, with a suggestion, not answered with the program's help.
    const typo = await runCli(['lst', '--help']);
    expect(typo.code).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toMatch(/unknown command "lst"[\s\S]*list/);
  });
});
