import os from 'node:os';
import type { Lang } from '../i18n/index.js';
import type { Clock } from '../lib/clock.js';
import type { Env } from '../lib/env.js';
import type { Prompter } from '../lib/prompter.js';
import type { IO } from '../ui/io.js';

/**
 * Everything a command needs from the outside world. Production builds it once in `main.ts`;
 * tests build their own (temp dirs, in-memory streams, a scripted prompter, a fixed clock).
 */
export interface Deps {
  io: IO;
  env: Env;
  clock: Clock;
  /** The user's home folder (for default config and data locations). */
  home: string;
  cwd: string;
  /** The package version, for `--version`, the User-Agent and manifests. */
  version: string;
  /** Builds the interactive prompter (its key hints and Yes/No in `lang`); called only by commands that ask questions. */
  prompter: (signal?: AbortSignal, lang?: Lang) => Promise<Prompter>;
  /** Aborts on Ctrl-C (SIGINT) outside prompts. */
  signal: AbortSignal;
  /** This program's own file when it runs as the release's single-file executable (what `--ssh-copy` sends). */
  executable?: string;
}

/** Production wiring over the real process; `main.ts` passes in what only it may touch. */
export function productionDeps(parts: {
  io: IO;
  env: Env;
  cwd: string;
  version: string;
  signal: AbortSignal;
  clock: Clock;
  executable?: string;
}): Deps {
  return {
    io: parts.io,
    env: parts.env,
    clock: parts.clock,
    home: os.homedir(),
    cwd: parts.cwd,
    version: parts.version,
    ...(parts.executable ? { executable: parts.executable } : {}),
    signal: parts.signal,
    prompter: async (signal, lang) => {
      const { createInquirerPrompter } = await import('../ui/prompter.js');
      return createInquirerPrompter({
        input: parts.io.stdin,
        output: parts.io.stderr,
        signal,
        env: parts.env,
        ...(lang ? { lang } : {}),
      });
    },
  };
}
