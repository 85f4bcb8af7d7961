import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Deps } from '../../src/cli/deps.js';
import { run } from '../../src/cli/run.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Prompter } from '../../src/lib/prompter.js';
import { makeIO } from '../../src/ui/io.js';
import { afterAll } from 'vitest';

/** A fresh temp dir, removed by `cleanup`. */
export function tempDir(prefix = 'support-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Temp dirs for the tests of the calling file (or `describe`): each call of the function returned
 * makes a fresh one, and every one is removed after those tests.
 */
export function tempDirsFor(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = tempDir(prefix);
    dirs.push(d);
    return d;
  };
}

/** A clock the test moves by hand; `sleep` advances it at once. */
export function fakeClock(start = Date.parse('2026-11-24T09:00:00Z')): Clock & { set(ms: number): void; advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      now += ms;
    },
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Text fed to stdin (then end). */
  stdin?: string | Readable;
  /** Pretend stdin/stdout/stderr are terminals. */
  tty?: boolean;
  prompter?: Prompter;
  clock?: Clock;
  cwd?: string;
  home?: string;
  columns?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

function collector(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Builds Deps over in-memory streams; the config dir is a temp dir unless env says otherwise. */
export function testDeps(opts: RunOptions = {}): { deps: Deps; stdout: () => string; stderr: () => string } {
  const out = collector();
  const err = collector();
  const stdin = typeof opts.stdin === 'string' || opts.stdin === undefined ? Readable.from([opts.stdin ?? '']) : opts.stdin;
  const home = opts.home ?? tempDir('support-home-');
  const env: Record<string, string | undefined> = {
    SUPPORT_CONFIG_DIR: path.join(home, 'config'),
    // The TypeScript sources have no compiled bundle worker: bundles are built in process here, and
    // on worker threads by the tests of the built code (test/bundle-build.test.ts).
    SUPPORT_BUNDLE_THREADS: '0',
    ...opts.env,
  };
  const io = makeIO({
    stdin,
    stdout: out.stream,
    stderr: err.stream,
    stdinIsTTY: Boolean(opts.tty),
    stdoutIsTTY: Boolean(opts.tty),
    stderrIsTTY: Boolean(opts.tty),
    columns: opts.columns ?? 100,
    color: false,
  });
  const deps: Deps = {
    io,
    env,
    clock: opts.clock ?? fakeClock(),
    home,
    cwd: opts.cwd ?? home,
    version: '0.0.0-test',
    signal: opts.signal ?? new AbortController().signal,
    prompter: async () => {
      if (!opts.prompter) throw new Error('test: the command asked for a prompter but none was given');
      return opts.prompter;
    },
  };
  return { deps, stdout: out.text, stderr: err.text };
}

/** Runs the CLI in-process as a user would type `support ...argv`. */
export async function runCli(argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const { deps, stdout, stderr } = testDeps(opts);
  const code = await run(argv, deps);
  await new Promise((r) => setImmediate(r));
  return { code, stdout: stdout(), stderr: stderr() };
}
