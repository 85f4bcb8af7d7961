import type { EventEmitter } from 'node:events';
import { Help, type Argument, type Command, type Option } from 'commander';
import type { T } from '../i18n/index.js';
import { commandIndex } from './argv.js';
import { renderHelp, type HelpDoc, type HelpPart, type HelpSection } from './help-render.js';

/** The blocks after a command's sections: the texts command files add (addHelpText), then ours. */
const afterBlocks = new WeakMap<Command, HelpPart[][]>();

/** Adds a block after the sections of `cmd`'s help (the root's environment and exit codes). */
export function addHelpBlock(cmd: Command, parts: HelpPart[]): void {
  afterBlocks.set(cmd, [...(afterBlocks.get(cmd) ?? []), parts]);
}

/**
 * Takes the texts that command files gave commander with `addHelpText('after', ...)` (its
 * `afterHelp` listeners) into `cmd`'s HelpDoc, so that they are laid out with the rest of the help
 * (help-render.ts) and commander no longer prints them itself.
 */
export function takeHelpTexts(cmd: Command): void {
  const texts: HelpPart[][] = [];
  // Commander's Command is an EventEmitter; its typings do not say so.
  const events = cmd as unknown as EventEmitter;
  for (const listener of events.listeners('afterHelp') as ((context: { error: boolean; command: Command; write: (s: string) => void }) => void)[]) {
    let text = '';
    listener({ error: false, command: cmd, write: (s) => (text += s) });
    if (text !== '') texts.push([{ text: text.replace(/\n$/, '') }]);
  }
  events.removeAllListeners('afterHelp');
  afterBlocks.set(cmd, [...texts, ...(afterBlocks.get(cmd) ?? [])]);
}

/** Commander's titles in the user's language. */
function titles(t: T): Record<string, string> {
  return {
    'Usage:': t('help.title.usage'),
    'Options:': t('help.title.options'),
    'Commands:': t('help.title.commands'),
    'Arguments:': t('help.title.arguments'),
    'Global Options:': t('help.title.globalOptions'),
  };
}

/**
 * Commander's help in the user's language, laid out by help-render.ts: translated titles and
 * `[options]`, defaults unquoted (`default: 50`), descriptions wrapped by display width (Japanese
 * breaks between characters, `$SUPPORT_PROFILE` never), and a description that would be squeezed
 * under a long term put on the line below it.
 */
export function helpConfig(t: T, width: number, color: boolean): Partial<Help> {
  const words = (s: string) => s.replace(/\[options\]/g, t('help.usage.options')).replace(/\[command\]/g, t('help.usage.command'));
  const extra = (desc: string, info: string[]) => (info.length === 0 ? desc : `${desc} (${info.join(t('help.listSep'))})`);
  const shown = (v: unknown) => (Array.isArray(v) ? v.join(', ') : String(v));
  return {
    helpWidth: width,
    showGlobalOptions: true,
    sortSubcommands: false,
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
    formatHelp(cmd: Command, helper: Help) {
      return renderHelp(helpDoc(cmd, helper, t), width, color);
    },
  };
}

/**
 * What commander knows of `cmd`'s help, as data (`helper` is the command's own, configured by
 * helpConfig): the sections in commander's order (arguments, option groups, global options,
 * command groups) and the blocks after them.
 */
export function helpDoc(cmd: Command, helper: Help, t: T): HelpDoc {
  const names = titles(t);
  const sections: HelpSection[] = [];
  const section = (heading: string, items: HelpSection['items']) => {
    if (items.length > 0) sections.push({ title: names[heading] ?? heading, items });
  };
  section(
    'Arguments:',
    helper.visibleArguments(cmd).map((a) => [helper.argumentTerm(a), helper.argumentDescription(a)] as const),
  );
  const options = helper.groupItems([...cmd.options], helper.visibleOptions(cmd), (o) => o.helpGroupHeading ?? 'Options:');
  options.forEach((list, heading) => section(heading, list.map((o) => [helper.optionTerm(o), helper.optionDescription(o)] as const)));
  if (helper.showGlobalOptions) {
    section(
      'Global Options:',
      helper.visibleGlobalOptions(cmd).map((o) => [helper.optionTerm(o), helper.optionDescription(o)] as const),
    );
  }
  const commands = helper.groupItems(cmd.commands as Command[], helper.visibleCommands(cmd), (sub) => sub.helpGroup() || 'Commands:');
  commands.forEach((list, heading) => section(heading, list.map((sub) => [helper.subcommandTerm(sub), helper.subcommandDescription(sub)] as const)));
  return { usage: [names['Usage:']!, helper.commandUsage(cmd)], description: helper.commandDescription(cmd), sections, after: afterBlocks.get(cmd) ?? [] };
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
  // The names are the words right after `help`: in `help list --lang ja`, `ja` is the flag's value.
  const flag = rest.findIndex((a) => a.startsWith('-'));
  return { argv: [...argv.slice(0, i), ...rest, '--help'], names: flag < 0 ? rest : rest.slice(0, flag) };
}
