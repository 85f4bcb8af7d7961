// The only module that touches `process` and exits. `--version` is answered before anything else
// is loaded, so that it costs little more than starting node.
import { readFileSync } from 'node:fs';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    process.stdout.write(version() + '\n');
    return 0;
  }
  const [{ run }, { productionDeps }, { processIO }, { systemClock }, { createT, resolveLang }] = await Promise.all([
    import('./cli/run.js'),
    import('./cli/deps.js'),
    import('./ui/io.js'),
    import('./lib/clock.js'),
    import('./i18n/index.js'),
  ]);
  const controller = new AbortController();
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts += 1;
    // A second Ctrl-C means "now": the first one asked the command to clean up and stop.
    if (interrupts > 1) process.exit(130);
    controller.abort(new Error('SIGINT'));
  });
  const io = processIO();
  const deps = productionDeps({
    io,
    env: process.env,
    cwd: process.cwd(),
    version: version(),
    signal: controller.signal,
    clock: systemClock,
    cancelMessage: () => createT(resolveLang(undefined, process.env))('err.cancelled'),
  });
  return run(argv, deps);
}

main().then(
  (code) => {
    // Exit explicitly: a command is done when it returns, whatever handles a library left open.
    // stdout/stderr to files and pipes are synchronous on POSIX, so nothing written is lost.
    process.exit(code);
  },
  (err: unknown) => {
    process.stderr.write(`support: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
