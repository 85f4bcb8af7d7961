import type { Command } from 'commander';
import type { T } from '../i18n/index.js';
import type { Ctx } from './context.js';

/**
 * What a command file gets to declare itself: the program to add to, the translator for its help,
 * and a way to build the context when it runs. Command files stay light (no heavy imports at module
 * level) because every one of them is loaded to print `support --help`.
 */
export interface Registrar {
  program: Command;
  t: T;
  /** The context for a running command: global flags resolved, paths, interactivity. */
  ctx(cmd: Command): Ctx;
}

export type Register = (r: Registrar) => void;

/** The "Examples:" block of a command's help. */
export function examples(t: T, lines: readonly string[]): string {
  return `\n${t('help.examples.title')}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

/** A flag as commander spells it, its translated help, and its default when it has one. */
export type FlagSpec = readonly [flags: string, description: string, defaultValue?: string];

/**
 * A command declared as data: its name, arguments, flags and examples, and the function that
 * turns the parsed values into options and runs it. `args` receives the positional arguments in
 * order (variadic ones as arrays); `flags` what commander parsed.
 */
export interface CommandSpec<A extends unknown[], F> {
  name: string;
  description: string;
  args?: readonly (readonly [name: string, description: string])[];
  flags?: readonly FlagSpec[];
  /** Flags declared by a shared helper (the bundle flags), added after `flags`. */
  moreFlags?: (cmd: Command, t: T) => Command;
  examples: readonly string[];
  /** Help text printed after the examples. */
  helpAfter?: string;
  action(ctx: Ctx, args: A, flags: F): Promise<unknown>;
}

/**
 * Turns a declared command into the `register` a command file exports. The spec is built with the
 * translator, so every description is in the user's language.
 */
export function defineCommand<A extends unknown[], F>(spec: (t: T) => CommandSpec<A, F>): Register {
  return (r) => {
    const s = spec(r.t);
    const cmd = r.program.command(s.name).description(s.description);
    for (const [name, description] of s.args ?? []) cmd.argument(name, description);
    for (const [flags, description, defaultValue] of s.flags ?? []) {
      if (defaultValue === undefined) cmd.option(flags, description);
      else cmd.option(flags, description, defaultValue);
    }
    s.moreFlags?.(cmd, r.t);
    cmd.addHelpText('after', examples(r.t, s.examples) + (s.helpAfter ?? ''));
    // commander calls the action with the positional arguments, then the flags, then the command.
    cmd.action(async (...parsed: unknown[]) => {
      const self = parsed[parsed.length - 1] as Command;
      await s.action(r.ctx(self), parsed.slice(0, -2) as A, parsed[parsed.length - 2] as F);
    });
  };
}
