import type { Command } from 'commander';
import { UsageError } from '../../lib/errors.js';
import { examples, type Registrar } from '../command.js';
import type { Ctx } from '../context.js';
import type { Shell } from '../completion/scripts.js';

const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** Value words of flags whose placeholder names a kind (`--portal <url>`: or `sandbox`). */
const EXTRA_VALUES: Readonly<Record<string, readonly string[]>> = { '--portal': ['sandbox'] };

/** The shell to write for: the argument, else the login shell (`$SHELL`), else bash. */
function shellOf(arg: string | undefined, ctx: Ctx): Shell {
  const name = arg ?? ctx.env.SHELL?.split('/').pop() ?? 'bash';
  if ((SHELLS as readonly string[]).includes(name)) return name as Shell;
  if (arg === undefined) return 'bash';
  throw new UsageError(ctx.t('completion.err.shell', arg));
}

/**
 * `support completion [bash|zsh|fish] [--install]`: the completion script, generated from the
 * command declarations (no command is loaded or run, nothing is asked of a portal), printed or
 * installed for this user.
 */
export async function runCompletion(root: Command, arg: string | undefined, install: boolean, ctx: Ctx): Promise<void> {
  const shell = shellOf(arg, ctx);
  const [{ commandModel }, { completionScript }] = await Promise.all([import('../completion/model.js'), import('../completion/scripts.js')]);
  const script = completionScript(shell, commandModel(root, EXTRA_VALUES), root.name());
  if (!install) {
    ctx.io.stdout.write(script);
    return;
  }
  const { installCompletion } = await import('../completion/install.js');
  const done = await installCompletion(shell, script, { env: ctx.env, home: ctx.home, bin: root.name() });
  ctx.io.err(ctx.t('completion.installed', shell, done.file));
  ctx.io.err(done.rc ? ctx.t('completion.installed.rc', done.rc) : ctx.t('completion.installed.auto'));
}

export function register(r: Registrar): void {
  const { program, t } = r;
  program
    .command('completion')
    .description(t('completion.description'))
    .argument('[shell]', t('completion.arg.shell'))
    .option('--install', t('completion.opt.install'))
    .addHelpText(
      'after',
      examples(t, ['support completion --install', 'support completion bash > ~/.local/share/bash-completion/completions/support', 'support completion fish | source']) +
        `\n${t('completion.help.after')}\n`,
    )
    .action(async (shell: string | undefined, flags: { install?: boolean }, cmd: Command) => {
      await runCompletion(program, shell, Boolean(flags.install), r.ctx(cmd));
    });
}
