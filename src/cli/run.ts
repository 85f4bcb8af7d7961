import { Command, CommanderError } from 'commander';
import { createT, isLang, resolveLang, type Lang, type T } from '../i18n/index.js';
import { CancelledError, CliError, UsageError } from '../lib/errors.js';
import { buildCtx, globalsOf } from './context.js';
import type { Deps } from './deps.js';
import { exitCodeFor, renderError } from './errors.js';
import { loadCommands } from './commands/index.js';
import { errWrapped } from '../ui/io.js';
import { theme } from '../ui/theme.js';
import { commandIndex, langFlag } from './argv.js';
import { jsonArgv } from './json-fields.js';
import { addHelpBlock, helpAsFlag, helpConfig, takeHelpTexts } from './help.js';
import { helpColor, helpWidth, tabRows } from './help-render.js';
import type { Ctx } from './context.js';

const BIN = 'support';

/**
 * Applies our translated help (laid out at `width`, bold titles when `color`), help flag text and
 * error routing to a command and its subcommands.
 */
export function configure(cmd: Command, out: { stdout: { write(s: string): unknown }; stderr: { write(s: string): unknown } }, t: T, width: number, color: boolean): void {
  takeHelpTexts(cmd);
  cmd
    .configureHelp(helpConfig(t, width, color))
    .helpOption('-h, --help', t('help.option'))
    .configureOutput({
      writeOut: (s) => void out.stdout.write(s),
      writeErr: (s) => void out.stderr.write(s),
      getOutHelpWidth: () => width,
      getErrHelpWidth: () => width,
      // Help is coloured or not as helpColor() decided, whatever commander would guess.
      getOutHasColors: () => color,
      getErrHasColors: () => color,
      // Commander's own error text is replaced by ours (translated, with the hint) in run().
      outputError: () => undefined,
    })
    .exitOverride();
  for (const sub of cmd.commands) configure(sub, out, t, width, color);
}

/**
 * The program with every command registered, in the language of `t`: what run() parses, and what
 * the help manifest is collected from (help-manifest.ts). `ctx` builds a running command's context.
 */
export async function createProgram(version: string, t: T, ctx: (cmd: Command) => Ctx): Promise<Command> {
  const program = new Command(BIN)
    .description(t('cli.description'))
    .usage(t('cli.usage'))
    .version(version, '-V, --version', t('opt.version'))
    .option('--profile <name>', t('opt.profile'))
    .option('--portal <url>', t('opt.portal'))
    .option('--json [fields]', t('opt.json'))
    .option('--no-input', t('opt.noInput'))
    .option('--debug', t('opt.debug'))
    .option('--no-color', t('opt.noColor'))
    .option('--lang <en|ja>', t('opt.lang'))
    .option('--ca-file <file>', t('portal.opt.caFile'))
    .helpCommand('help [command]', t('help.command'))
    .showSuggestionAfterError(true);
  addHelpBlock(program, [
    { text: '' },
    { title: t('help.env.title') },
    { rows: tabRows(t('help.env.rows')) },
    { text: '' },
    { title: t('help.exit.title') },
    { rows: tabRows(t('help.exit.rows')) },
    { text: '' },
    { prose: t('help.more', BIN) },
  ]);
  for (const register of await loadCommands()) register({ program, t, ctx });
  return program;
}

/** The command at `names` below `root` (`['sandbox', 'reply']`), if there is one. */
function commandAt(root: Command, names: readonly string[]): Command | undefined {
  let cmd: Command | undefined = root;
  for (const n of names) cmd = cmd?.commands.find((c) => c.name() === n || c.aliases().includes(n));
  return cmd;
}

/** Rewrites a commander parse error as a translated usage error with a "did you mean" hint. */
function commanderUsage(err: CommanderError, t: T, cmdPath: string): UsageError {
  const quoted = /'([^']+)'/.exec(err.message)?.[1] ?? '';
  const suggestion = /Did you mean (?:one of )?(.+?)\?\)?$/m.exec(err.message)?.[1];
  const see = t('err.seeHelp', cmdPath);
  const hint = suggestion ? `${t('err.didYouMean', suggestion)}\n${see}` : see;
  switch (err.code) {
    case 'commander.unknownCommand':
      return new UsageError(t('err.unknownCommand', quoted), { hint });
    case 'commander.unknownOption':
      return new UsageError(t('err.unknownOption', quoted), { hint });
    case 'commander.missingArgument':
      return new UsageError(t('err.missingArgument', quoted), { hint });
    case 'commander.optionMissingArgument':
      return new UsageError(t('err.optionMissingArgument', quoted.split(/[ ,]/).pop() ?? quoted), { hint });
    case 'commander.excessArguments': {
      const n = Number(/Expected (\d+)/.exec(err.message)?.[1] ?? 0);
      return new UsageError(t('err.excessArguments', n), { hint });
    }
    case 'commander.invalidArgument':
      return new UsageError(t('err.invalidArgument', err.message.replace(/^error: /, '')), { hint });
    default:
      return new UsageError(err.message.replace(/^error: /, ''), { hint });
  }
}

/**
 * Runs the CLI for `argv` (without node and the script) and returns the exit code. Builds a fresh
 * program each time so that tests can call it repeatedly; never exits the process.
 */
export async function run(argv: readonly string[], deps: Deps): Promise<number> {
  const flagLang = langFlag(argv);
  const lang: Lang = resolveLang(flagLang, deps.env);
  const t = createT(lang);
  const errColor = deps.io.color && !argv.includes('--no-color');
  const c = theme(errColor);
  let cmdPath = BIN;

  const report = (thrown: unknown): number => {
    // Whatever a command threw while a signal was stopping it is the stop, not a failure of its own.
    const err = deps.signal.aborted && !(thrown instanceof CancelledError) && !(thrown instanceof CliError) ? new CancelledError({ cause: thrown }) : thrown;
    const code = exitCodeFor(err);
    const r = renderError(err, t);
    // On a terminal each line of prose wraps at spaces (a host name or a variable cut in two reads
    // badly); in a pipe it stays whole. Indented lines stay whole everywhere: a command to copy, or
    // the portal's own words as it gave them.
    const say = (text: string): void => {
      for (const line of text.split('\n')) {
        if (line.startsWith(' ')) deps.io.err(line);
        else errWrapped(deps.io, line);
      }
    };
    say(code === 130 ? r.message : `${c.red(t('err.prefix'))} ${r.message}`);
    if (r.hint) say(`${c.dim(t('err.hint'))} ${r.hint}`);
    return code;
  };

  if (flagLang !== undefined && !isLang(flagLang)) {
    return report(new UsageError(t('err.badLang', flagLang)));
  }

  const width = helpWidth(deps.io.columns);
  const program = await createProgram(deps.version, t, (cmd) => buildCtx(deps, globalsOf(cmd), lang, t));
  configure(program, deps.io, t, width, helpColor(deps.io, argv));

  // Commands record the path being run so that a parse error can point at the right --help.
  program.hook('preSubcommand', (_p, sub) => {
    cmdPath = `${BIN} ${sub.name()}`;
  });
  for (const sub of program.commands) {
    sub.hook('preAction', () => {
      cmdPath = `${BIN} ${sub.name()}`;
    });
  }

  if (argv.length === 0) {
    program.outputHelp({ error: true });
    return 2;
  }

  try {
    const valueFlags = program.options.filter((o) => o.required).flatMap((o) => [o.long, o.short].filter((f): f is string => f !== undefined));
    const at = commandIndex(argv, valueFlags);
    const target = at < 0 ? undefined : commandAt(program, [argv[at]!]);
    const withJson = jsonArgv(argv, { index: at, command: target?.name(), takesArgs: (target?.registeredArguments.length ?? 0) > 0 }, t, width);
    const asked = helpAsFlag(withJson, valueFlags);
    // `support help nope`, `support nope --help`: without the help flag, commander reports the
    // unknown command with a suggestion (with it, commander would print the program's help).
    const names = at < 0 || argv[at] === 'help' ? asked.names : [argv[at]!];
    const known = names.every((_, i) => commandAt(program, names.slice(0, i + 1)) !== undefined);
    await program.parseAsync(known ? asked.argv : asked.argv.filter((a) => a !== '--help' && a !== '-h'), { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return 0;
      }
      const sub = program.commands.find((s) => argv.includes(s.name()));
      if (sub) cmdPath = `${BIN} ${sub.name()}`;
      return report(commanderUsage(err, t, cmdPath));
    }
    return report(err);
  }
}
