/**
 * The built CLI (`node bin/support.js`, after `npm run build`) as a child process, the way a user's
 * shell or script runs it: a temp HOME and `SUPPORT_CONFIG_DIR`, stdout and stderr collected, and
 * signals sent at a step the test chooses. Plus the ends of pipes a user's shell gives it: a slow
 * reader, an endless writer, and a small disk.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

export const REPO = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(REPO, 'bin', 'support.js');

/** True when `dist/` holds a build (tests that run the binary skip, visibly, without one). */
export function isBuilt(): boolean {
  return fs.existsSync(path.join(REPO, 'dist', 'main.js')) && fs.existsSync(path.join(REPO, 'dist', 'app', 'support.cjs'));
}

export interface SpawnOptions {
  /** The temp home: HOME and `SUPPORT_CONFIG_DIR` (`<home>/config`) point into it. */
  home: string;
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** `'ignore'` (default: an empty stdin), a string fed then closed, a stream piped in, or a file descriptor. */
  stdin?: 'ignore' | string | Readable | number;
  /** A file descriptor (e.g. of a file) for stdout, or `'raw'` for a pipe the test reads itself, instead of a collecting pipe. */
  stdout?: number | 'raw';
}

export interface CliChild {
  child: ChildProcess;
  /** What the CLI wrote so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when it ended: its code (or null) and the signal that killed it (or null). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends a signal; returns false when the process had already ended. */
  kill(signal: NodeJS.Signals): boolean;
  /** Resolves once stderr matches `re` (rejects after `timeoutMs` or when the process ends first). */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<string>;
}

/** The environment of a clean run: no editor, no CI flag, English, our config and home only. */
export function cliEnv(home: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    SUPPORT_CONFIG_DIR: path.join(home, 'config'),
    SUPPORT_LANG: 'en',
    SUPPORT_KEYRING: 'off',
    TMPDIR: process.env.TMPDIR,
  };
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `node bin/support.js ...argv`. */
export function spawnCli(argv: readonly string[], opts: SpawnOptions): CliChild {
  const stdinSpec = opts.stdin === undefined || opts.stdin === 'ignore' ? 'ignore' : typeof opts.stdin === 'number' ? opts.stdin : 'pipe';
  const child = spawn(process.execPath, [BIN, ...argv], {
    cwd: opts.cwd ?? opts.home,
    env: cliEnv(opts.home, opts.env),
    stdio: [stdinSpec, typeof opts.stdout === 'number' ? opts.stdout : 'pipe', 'pipe'],
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  if (opts.stdout !== 'raw') child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  if (typeof opts.stdin === 'string') child.stdin?.end(opts.stdin);
  else if (opts.stdin instanceof Readable) {
    child.stdin?.on('error', () => undefined);
    opts.stdin.pipe(child.stdin!);
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const stderr = () => Buffer.concat(err).toString('utf8');
  return {
    child,
    stdout: () => Buffer.concat(out).toString('utf8'),
    stderr,
    exited,
    kill: (signal) => (done ? false : child.kill(signal)),
    async waitForStderr(re, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const s = stderr();
        if (re.test(s)) return s;
        if (done) throw new Error(`the CLI ended before stderr matched ${String(re)}:\n${s}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(re)} on stderr:\n${s}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Runs the built CLI to the end. */
export async function runBuilt(argv: readonly string[], opts: SpawnOptions): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const c = spawnCli(argv, opts);
  const end = await c.exited;
  return { ...end, stdout: c.stdout(), stderr: c.stderr() };
}

/**
 * Reads a child's stdout the way a slow consumer (`| jq` on a busy machine) does: `chunk` bytes,
 * then a pause of `pauseMs`, so the pipe is full most of the time. Resolves with all bytes read.
 */
export function slowRead(stream: Readable, opts: { chunk?: number; pauseMs?: number } = {}): Promise<Buffer> {
  const chunk = opts.chunk ?? 16 * 1024;
  const pauseMs = opts.pauseMs ?? 5;
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    stream.pause();
    const step = () => {
      let n = 0;
      for (let c: Buffer | null; n < chunk && (c = stream.read() as Buffer | null) !== null; ) {
        got.push(c);
        n += c.length;
      }
      if (stream.readableEnded) return resolve(Buffer.concat(got));
      setTimeout(step, pauseMs);
    };
    stream.on('end', () => resolve(Buffer.concat(got)));
    stream.on('error', reject);
    stream.once('readable', step);
  });
}

/** A stream that never ends: `line` again and again, as fast as the reader takes it (`yes | support ...`). */
export function endless(line = 'y'.repeat(1023) + '\n'): Readable {
  const buf = Buffer.from(line.repeat(64));
  return new Readable({
    read() {
      this.push(buf);
    },
  });
}

/** A new temp folder. */
export function tempHome(prefix = 'support-built-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A folder on a filesystem of `bytes` (a tmpfs mounted there; needs root and mount rights).
 * Resolves `undefined` when mounting is not allowed here, so the test can skip visibly. Call
 * `release` to unmount and remove it.
 */
export function smallDisk(bytes: number): { dir: string; release(): void } | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'support-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return {
    dir,
    release() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** Fills what is left of the filesystem under `dir` (a file of zeros until ENOSPC). */
export function fillDisk(dir: string): void {
  const fd = fs.openSync(path.join(dir, '.filler'), 'w');
  const block = Buffer.alloc(4096);
  try {
    for (;;) fs.writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

/** The exit code a shell reports for each signal the CLI handles (128 + its number). */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Words of the catch-all for errors nobody expected, or a stack trace: never what a user should see. */
export const NOT_A_BUG = /unexpected error|this is a bug|\n\s+at /i;

/** Sends `signal` to the CLI and waits until it ended. */
export async function killAndWait(c: CliChild, signal: NodeJS.Signals): Promise<void> {
  c.kill(signal);
  await c.exited;
}

/**
 * The command in the `hint:` of a run's stderr, its line and the indented lines after it
 * (`hint: Run "support create --resume" to continue.`), as argv without `support`; single-quoted
 * words stay whole.
 */
export function hintCommand(stderr: string): string[] | undefined {
  // A hint may go on over indented lines (a command on a line of its own).
  const hint = /^hint: (.*(?:\n {2}.*)*)$/m.exec(stderr)?.[1];
  const cmd = hint ? /(?:^|["`\s])support ((?:[^"`'\s]+|'[^']*')(?: (?:[^"`'\s]+|'[^']*'))*)/.exec(hint)?.[1] : undefined;
  return cmd ? [...cmd.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!) : undefined;
}
