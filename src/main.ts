// The only module that touches `process` and exits. Every build runs it through bin/load.cjs, which
// answers `support --version` before this module is even read.
import { readFileSync } from 'node:fs';
import { isSea } from 'node:sea';

/** The version, set by the release build (`scripts/dist.mjs`), whose bundle has no package.json beside it. */
declare const SUPPORT_VERSION: string | undefined;

function version(): string {
  if (typeof SUPPORT_VERSION === 'string') return SUPPORT_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Exit codes of the signals that stop a command: 128 + the signal's number. */
const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
let received: keyof typeof SIGNAL_EXIT | undefined;

/** Resolves once everything written to `stream` so far has been handed to the OS (a slow pipe reader gets it all). */
function drained(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.writableLength === 0 || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.write('', () => resolve());
    stream.once('error', () => resolve());
  });
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const v8 = await import('node:v8');
  // Peak memory of commands that talk to a portal (bench/list, bench/attach): the young generation
  // otherwise grows to 3 x 16 MiB while pages of JSON stream through `list --limit 0`; keeping it at
  // its initial size held 5,000 requests at ~83 MiB instead of ~105 (with undici; 64 MiB since).
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  // `support bundle` (its worker threads inherit these flags): its trigger scan (WebAssembly) and
  // redaction loops run hot for seconds, so both compilers' optimized code pays (bench/README.md:
  // a 1 GiB bundle's CPU 22.1 -> 18.2 s). TurboFan compiles on the thread that asks: compiles in
  // the background keep malloc arenas that are never given back (peak RSS +5-10 MiB at 1 GiB).
  if (argv[0] === 'bundle') v8.setFlagsFromString('--no-concurrent-recompilation');
  const [{ run }, { productionDeps }, { processIO }, { systemClock }] = await Promise.all([
    import('./cli/run.js'),
    import('./cli/deps.js'),
    import('./ui/io.js'),
    import('./lib/clock.js'),
  ]);
  // A reader that stops early (`support list | head`) closes the pipe: that ends the command
  // quietly, as `git log | head` does, instead of an unhandled EPIPE stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const controller = new AbortController();
  // Ctrl-C, a closed terminal and `kill` all ask the command to stop the same way: the signal aborts,
  // the command cleans up (drafts saved, partial files removed) and the exit code says which signal
  // it was (128 + its number), as a shell expects. A second signal means "now".
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (received !== undefined) process.exit(SIGNAL_EXIT[signal]);
      received = signal;
      controller.abort(new Error(signal));
    });
  }
  const io = processIO();
  const deps = productionDeps({
    io,
    env: process.env,
    cwd: workingFolder(),
    version: version(),
    signal: controller.signal,
    clock: systemClock,
    ...(isSea() ? { executable: process.execPath } : {}),
  });
  return run(argv, deps);
}

/**
 * The folder relative paths are read from. Run from a folder that has since been deleted (a shell
 * left in an unpacked support zip that was cleaned up), Node cannot say: the shell's PWD stands in,
 * so that commands without a relative path (list, view, comment) work, and a relative path is
 * reported missing like any other.
 */
function workingFolder(): string {
  try {
    return process.cwd();
  } catch {
    const pwd = process.env.PWD;
    return pwd?.startsWith('/') ? pwd : '/';
  }
}

main().then(
  async (code) => {
    // Exit explicitly (a command is done when it returns, whatever handles a library left open),
    // but only once stdout and stderr are flushed: a pipe takes 64 KiB at a time, and exiting
    // earlier would cut the output of `support ... --json | jq` there.
    await Promise.all([drained(process.stdout), drained(process.stderr)]);
    process.exit(received !== undefined && code !== 0 ? SIGNAL_EXIT[received] : code);
  },
  async (err: unknown) => {
    // In the bundled CLI, frames point at the TypeScript sources (through the bundle's source map).
    const { sourceMapped } = await import('./cli/stack.js');
    const bundle = typeof __filename === 'string' ? __filename : undefined;
    process.stderr.write(`support: ${err instanceof Error ? sourceMapped(err.stack ?? err.message, bundle) : String(err)}\n`);
    process.exitCode = 1;
  },
);
