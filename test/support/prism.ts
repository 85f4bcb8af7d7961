/**
 * Stoplight Prism (a devDependency) as a subprocess on 127.0.0.1: a mock of the JSM spec (static
 * examples, or `--dynamic` ones generated from the schemas), or a validating proxy in front of a
 * server (`--errors`: a request or response that breaks the spec becomes an error answer). Start one
 * per test file in `beforeAll`, close it in `afterAll`; every wait is bounded.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';

const REPO = path.resolve(import.meta.dirname, '..', '..');
const CLI = path.join(REPO, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

export interface PrismOptions {
  /** `mock` answers from the spec; `proxy` forwards to `upstream` and validates both ways. */
  mode: 'mock' | 'proxy';
  spec: string;
  /** Mock: generate answers from the schemas instead of the examples. */
  dynamic?: boolean;
  /** Proxy: where to forward. */
  upstream?: string;
  /** How long to wait for Prism to listen (default 60 s: it loads the spec on a shared machine). */
  startTimeoutMs?: number;
}

export interface Prism {
  url: string;
  /** Log lines Prism printed (its own view of each exchange, violations included). */
  log: string[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(hard);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts Prism and resolves once it listens; rejects (and kills it) when it does not within the timeout. */
export async function startPrism(opts: PrismOptions): Promise<Prism> {
  const port = await freePort();
  const args =
    opts.mode === 'mock'
      ? ['mock', opts.spec, '-h', '127.0.0.1', '-p', String(port), ...(opts.dynamic ? ['--dynamic'] : [])]
      : ['proxy', opts.spec, opts.upstream!, '-h', '127.0.0.1', '-p', String(port), '--errors'];
  const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  const log: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      log.push(line);
      if (/Prism is listening/.test(line)) resolve();
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code) => reject(new Error(`prism exited with ${code} before listening:\n${log.slice(-20).join('\n')}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`prism did not listen within ${opts.startTimeoutMs ?? 60_000} ms:\n${log.slice(-20).join('\n')}`)), opts.startTimeoutMs ?? 60_000);
  });
  try {
    await Promise.race([listening, timeout]);
  } catch (err) {
    await stop(child);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { url: `http://127.0.0.1:${port}`, log, close: () => stop(child) };
}
