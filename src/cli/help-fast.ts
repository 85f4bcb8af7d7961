/**
 * `support --help` answered from the help manifest (help-manifest.ts) without commander, the
 * catalogs or the main bundle: bin/load.cjs runs this module's bundle (dist/app/help.cjs) first
 * when argv may ask for help, and the full CLI when it returns undefined. It answers only requests
 * it is sure of: `[<command> [<sub>]] --help|-h` and `help [<command> [<sub>]]` for commands in the
 * manifest, with `--lang X` or `--no-color` anywhere but after `help`; anything else (an unknown
 * command, another flag, a bad --lang) is left to the full CLI and its errors.
 */
import { isLang, resolveLang } from '../i18n/lang.js';
import { terminalColumns, wantColor } from '../ui/io.js';
import { langFlag } from './argv.js';
import { helpColor, helpWidth, manifestDoc, renderHelp } from './help-render.js';

/** What the process can tell of its standard output (1) and error (2). */
export interface Terminal {
  isTTY(fd: 1 | 2): boolean;
  /** The terminal's width; asked only of a terminal. */
  columns(fd: 1 | 2): number | undefined;
}

/** The command path that argv asks help for (`[]`: the program), or undefined when argv is anything else. */
export function helpRequest(argv: readonly string[]): string[] | undefined {
  const words: string[] = [];
  let flags = 0;
  let langs = 0;
  let globalAfterWord = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--lang' || a.startsWith('--lang=')) {
      langs++;
      if (a === '--lang' && ++i >= argv.length) return undefined;
    } else if (a === '--no-color') {
      // a global flag: taken anywhere
    } else if (a === '--help' || a === '-h') {
      flags++;
    } else if (a.startsWith('-') || flags > 0) {
      return undefined;
    } else {
      words.push(a);
      continue;
    }
    if (words.length > 0) globalAfterWord = true;
  }
  if (langs > 1 || words.length > 3) return undefined;
  if (flags === 1) return words;
  // `help [<command> [<sub>]]`: nothing after `help` but the names.
  if (flags === 0 && words[0] === 'help' && !globalAfterWord) return words.slice(1);
  return undefined;
}

/**
 * The help text argv asks for, laid out for this terminal as the full CLI would (language from
 * --lang and the environment, width and colour from the terminal), or undefined for the full CLI.
 * `manifest` reads the manifest file of a language (help-render.ts, manifestText), which is used
 * only if it was made for the CLI bundle of build id `build`; `debug` is told why not.
 */
export function fastHelp(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  terminal: Terminal,
  files: { manifest: (lang: string) => string; build: string; debug: (message: string) => void },
): string | undefined {
  const path = helpRequest(argv);
  if (path === undefined) return undefined;
  const flag = langFlag(argv);
  if (flag !== undefined && !isLang(flag)) return undefined;
  const lang = resolveLang(flag, env);
  const { build, doc } = manifestDoc(files.manifest(lang), path.join(' '));
  if (build !== files.build) {
    files.debug(`help manifest ${lang} of another build: ${build}, the CLI is ${files.build}`);
    return undefined;
  }
  if (doc === undefined) return undefined;
  const stdoutIsTTY = terminal.isTTY(1);
  const stderrIsTTY = terminal.isTTY(2);
  const columns = terminalColumns(stdoutIsTTY ? terminal.columns(1) : undefined, stderrIsTTY ? terminal.columns(2) : undefined);
  return renderHelp(doc, helpWidth(columns), helpColor({ stdoutIsTTY, color: wantColor(env, stderrIsTTY, false) }, argv));
}
