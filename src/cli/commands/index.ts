import type { Command } from 'commander';
import type { T } from '../../i18n/index.js';
import type { Ctx } from '../context.js';

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

/** The commands, in the order `support --help` lists them. Add a command here. */
export async function loadCommands(): Promise<Register[]> {
  const mods = await Promise.all([
    import('./create.js'),
    import('./list.js'),
    import('./view.js'),
    import('./comment.js'),
    import('./attach.js'),
    import('./resolve.js'),
    import('./escalate.js'),
    import('./reopen.js'),
    import('./watch.js'),
    import('./bundle.js'),
    import('./login.js'),
    import('./logout.js'),
    import('./whoami.js'),
    import('./sandbox.js'),
  ]);
  return mods.map((m) => m.register);
}

/** The "Examples:" block of a command's help. */
export function examples(t: T, lines: readonly string[]): string {
  return `\n${t('help.examples.title')}\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}
