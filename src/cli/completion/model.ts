import type { Command, Option } from 'commander';

/** What a flag's value completes to: fixed words, files, folders, or nothing to offer. */
export type ValueKind = { words: readonly string[] } | 'file' | 'dir' | 'none';

export interface FlagModel {
  /** `--status`, and `-y` for `-y, --yes`. */
  names: string[];
  description: string;
  /** Undefined for a flag without a value. */
  value?: ValueKind;
}

export interface CommandModel {
  /** `[]` for the program, `['sandbox', 'reply']` for a subcommand. */
  path: string[];
  description: string;
  flags: FlagModel[];
  subcommands: CommandModel[];
  /** The positional arguments complete to files (`attach KEY FILE...`). */
  fileArgs: boolean;
}

/**
 * Placeholder words that name a kind of value rather than spell one: `<id|name>` is "an id or a
 * name", while `<cloud|dc>` lists the two values there are.
 */
const KINDS = new Set(['id', 'name', 'email', 'account-id', 'file', '-', 'url', 'dir', 'path', 'glob', 'text', 'n', 'number', 'key', 'size', 'duration', 'version', 'kinds', 'status', 'lang', 'fields']);

/** What a flag's value completes to, from its choices or its placeholder (`<file>`, `<dir>`, `<cloud|dc>`). */
export function valueKind(o: Option): ValueKind | undefined {
  if (!o.required && !o.optional) return undefined;
  if (o.argChoices) return { words: o.argChoices };
  const placeholder = /[<[]([^>\]]+)[>\]]/.exec(o.flags)?.[1] ?? '';
  const alternatives = placeholder.split('|');
  if (alternatives.includes('dir')) return 'dir';
  if (alternatives.some((a) => a === 'file' || a === 'glob' || a === 'path')) return 'file';
  if (alternatives.length > 1 && alternatives.every((a) => /^[a-z0-9][a-z0-9-]*$/.test(a) && !KINDS.has(a))) return { words: alternatives };
  return 'none';
}

function flagModel(o: Option, extra: Readonly<Record<string, readonly string[]>>): FlagModel {
  const names = [o.long, o.short].filter((n): n is string => n !== undefined);
  const known = o.long !== undefined ? extra[o.long] : undefined;
  const value = known ? { words: known } : valueKind(o);
  return { names, description: o.description, ...(value !== undefined ? { value } : {}) };
}

/**
 * The commands, flags and values of a commander program as data, for the completion scripts: read
 * from the declarations only (no command runs, nothing is loaded). `extra` gives the words of
 * value flags whose placeholder does not spell them (`--portal`: `sandbox`).
 */
export function commandModel(cmd: Command, extra: Readonly<Record<string, readonly string[]>> = {}, path: string[] = []): CommandModel {
  const help = cmd.createHelp();
  const flags = help.visibleOptions(cmd).map((o) => flagModel(o, extra));
  const fileArgs = cmd.registeredArguments.some((a) => /file|path/.test(a.name()));
  return {
    path,
    description: cmd.description(),
    flags,
    fileArgs,
    subcommands: help.visibleCommands(cmd).map((c) => commandModel(c, extra, [...path, c.name()])),
  };
}

/** Every command of the model, depth first (the program first). */
export function allCommands(m: CommandModel): CommandModel[] {
  return [m, ...m.subcommands.flatMap(allCommands)];
}
