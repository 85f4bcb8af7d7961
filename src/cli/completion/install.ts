import fs from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../../lib/env.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import type { Shell } from './scripts.js';

/** Where bash-completion's loader lives when the package is installed. */
const BASH_COMPLETION = ['/usr/share/bash-completion/bash_completion', '/etc/bash_completion', '/usr/local/share/bash-completion/bash_completion', '/opt/homebrew/etc/profile.d/bash_completion.sh'];

export interface Installed {
  /** The script written. */
  file: string;
  /** The shell start-up file a `source` line was added to (absent: the shell loads the file by itself). */
  rc?: string;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Whether the bash-completion package is installed here (it loads user completions on demand). */
export async function hasBashCompletion(): Promise<boolean> {
  for (const f of BASH_COMPLETION) if (await exists(f)) return true;
  return false;
}

/** Adds `source FILE` to a start-up file once (a marked line; nothing when it is there already). */
async function sourceFrom(rc: string, file: string, bin: string): Promise<void> {
  const line = `[ -f ${JSON.stringify(file)} ] && . ${JSON.stringify(file)}  # ${bin} completion`;
  const now = await fs.readFile(rc, 'utf8').catch(() => '');
  if (now.includes(line)) return;
  await fs.appendFile(rc, `${now === '' || now.endsWith('\n') ? '' : '\n'}${line}\n`);
}

/**
 * Installs the script where the shell finds it, for this user (no root): fish and bash with the
 * bash-completion package load it from their completion folders by themselves; bash without that
 * package, and zsh, get one `source` line in ~/.bashrc or ~/.zshrc. Running it again rewrites the
 * script and adds no second line.
 */
export async function installCompletion(shell: Shell, script: string, opts: { env: Env; home: string; bin: string }): Promise<Installed> {
  const data = opts.env.XDG_DATA_HOME || path.join(opts.home, '.local', 'share');
  const config = opts.env.XDG_CONFIG_HOME || path.join(opts.home, '.config');
  const write = async (file: string) => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, script, 0o644);
  };
  if (shell === 'fish') {
    const file = path.join(config, 'fish', 'completions', `${opts.bin}.fish`);
    await write(file);
    return { file };
  }
  if (shell === 'bash') {
    const file = path.join(data, 'bash-completion', 'completions', opts.bin);
    await write(file);
    if (await hasBashCompletion()) return { file };
    const rc = path.join(opts.home, '.bashrc');
    await sourceFrom(rc, file, opts.bin);
    return { file, rc };
  }
  const file = path.join(data, opts.bin, 'completion.zsh');
  await write(file);
  const rc = path.join(opts.env.ZDOTDIR || opts.home, '.zshrc');
  await sourceFrom(rc, file, opts.bin);
  return { file, rc };
}
