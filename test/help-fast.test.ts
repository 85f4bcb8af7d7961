/**
 * `support --help` answered from the help manifest (bin/load.cjs -> dist/app/help.cjs, without the
 * CLI's bundle) prints the very bytes the full CLI prints: for every command path, in English and
 * Japanese, at widths 40, 59, 80 and 132, coloured on a terminal or not. In process (the sources'
 * fastHelp on the built manifest against run()), and the built CLI against itself with the fast path
 * turned off (an entry that starts bin/load.cjs with `help: false`), through pipes and in a
 * terminal (`script`). A manifest missing, damaged, or made for another build of the bundle is not
 * used: the full CLI prints the help, with the same bytes. What the fast path does not recognise
 * (an unknown command, a bad --lang) gets the full CLI's error and exit code.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastHelp, type Terminal } from '../src/cli/help-fast.js';
import { createProgram, run } from '../src/cli/run.js';
import { createT } from '../src/i18n/index.js';
import { makeIO, terminalColumns, wantColor } from '../src/ui/io.js';
import { testDeps } from './support/harness.js';
import { hasTool, isBuilt, need } from './support/needs.js';

const REPO = path.resolve(import.meta.dirname, '..');
const APP = path.join(REPO, 'dist', 'app');
const BIN = path.join(REPO, 'bin', 'support.js');
const LOAD = path.join(REPO, 'bin', 'load.cjs');
const LANGS = ['en', 'ja'] as const;
const WIDTHS = [40, 59, 80, 132];
const load = createRequire(import.meta.url)(LOAD) as { buildId(source: string): string | undefined };

let tmp: string;
/** An entry that runs the built CLI with the fast path turned off: the full CLI, always. */
let full: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'support-help-fast-'));
  full = entry(APP, { help: false });
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A CommonJS entry that starts bin/load.cjs on the bundle in `dir` (the help files beside it unless `help: false`). */
function entry(dir: string, o: { help?: false } = {}): string {
  const file = path.join(fs.mkdtempSync(path.join(tmp, 'entry-')), 'main.cjs');
  const help = o.help === false ? ', help: false' : '';
  fs.writeFileSync(file, `require(${JSON.stringify(LOAD)}).start({ version: '0.1.0', file: ${JSON.stringify(path.join(dir, 'support.cjs'))}${help} });\n`);
  return file;
}

/** Every command path of the program: `[]`, each command, each subcommand. */
async function commandPaths(): Promise<string[][]> {
  const program = await createProgram('0.1.0', createT('en'), () => {
    throw new Error('no command runs here');
  });
  const paths: string[][] = [];
  const walk = (cmd: Command, at: string[]) => {
    paths.push(at);
    for (const sub of cmd.commands) walk(sub, [...at, sub.name()]);
  };
  walk(program, []);
  return paths;
}

interface Ran {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node file ...args` with `env` (and PATH, HOME); stdout and stderr collected. */
function node(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, ...args], { env: { PATH: process.env.PATH, HOME: tmp, SUPPORT_CONFIG_DIR: path.join(tmp, 'config'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs `jobs` at most `n` at a time (the machine has few cores; each job is a Node process). */
async function pooled<T>(jobs: (() => Promise<T>)[], n = 4): Promise<T[]> {
  const out: T[] = new Array<T>(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}

describe('the fast help and the full CLI print the same bytes', () => {
  it('in process: every command path, en and ja, widths 40/59/80/132, coloured on a terminal, --no-color, NO_COLOR, piped', { timeout: 120_000 }, async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const build = load.buildId(fs.readFileSync(path.join(APP, 'support.cjs'), 'latin1'))!;
    const manifest = (lang: string) => fs.readFileSync(path.join(APP, `help-${lang}.jsonl`), 'utf8');
    const paths = await commandPaths();
    expect(paths.length).toBeGreaterThan(20);
    expect(paths).toContainEqual(['sandbox', 'reply']);
    let compared = 0;
    for (const p of paths) {
      for (const lang of LANGS) {
        const cases: { tty: boolean; width: number; argv: string[]; env: Record<string, string> }[] = [];
        for (const width of WIDTHS) {
          cases.push({ tty: true, width, argv: [...p, '--help'], env: {} });
          cases.push({ tty: true, width, argv: [...p, '--no-color', '-h'], env: {} });
        }
        cases.push({ tty: true, width: 80, argv: [...p, '--help'], env: { NO_COLOR: '1' } });
        cases.push({ tty: false, width: 80, argv: ['help', ...p], env: {} });
        for (const c of cases) {
          const env = { SUPPORT_LANG: lang, ...c.env };
          const terminal: Terminal = { isTTY: () => c.tty, columns: () => c.width };
          const fast = fastHelp(c.argv, env, terminal, { manifest, build, debug: () => undefined });
          const { deps } = testDeps({ env });
          const stdout = new PassThrough();
          const chunks: Buffer[] = [];
          stdout.on('data', (b: Buffer) => chunks.push(b));
          const columns = terminalColumns(c.tty ? c.width : undefined, c.tty ? c.width : undefined);
          const io = makeIO({ stdin: Readable.from(['']), stdout, stderr: new PassThrough(), stdinIsTTY: c.tty, stdoutIsTTY: c.tty, stderrIsTTY: c.tty, columns, color: wantColor(env, c.tty, false) });
          const code = await run(c.argv, { ...deps, io });
          await new Promise((r) => setImmediate(r));
          const label = `${c.argv.join(' ')} ${lang} width ${c.width} tty ${c.tty} ${JSON.stringify(c.env)}`;
          expect(code, label).toBe(0);
          expect(fast, label).toBe(Buffer.concat(chunks).toString('utf8'));
          if (c.tty && c.env.NO_COLOR === undefined && !c.argv.includes('--no-color')) expect(fast, label).toContain('\u001b[1m');
          compared++;
        }
      }
    }
    expect(compared).toBe(paths.length * 2 * 10);
  });

  it('the built CLI through pipes: every command path, en and ja, in each form a help request takes', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const paths = await commandPaths();
    const jobs: (() => Promise<void>)[] = [];
    for (const p of paths) {
      for (const lang of LANGS) {
        const forms = [[...p, '--help'], ['help', ...p], ['--lang', lang, ...p, '-h', '--no-color'], [`--lang=${lang}`, ...p, '--help']];
        // Every path in one form; the other forms for the program, a command and a subcommand.
        const some = p.length === 0 || p.join(' ') === 'create' || p.join(' ') === 'sandbox reply';
        for (const argv of some ? forms : forms.slice(0, 1)) {
          jobs.push(async () => {
            const env = { SUPPORT_LANG: lang, NODE_DEBUG: 'support' };
            const [fast, slow] = await Promise.all([node(BIN, argv, env), node(full, argv, env)]);
            const label = `${argv.join(' ')} (${lang})`;
            expect(slow.status, label).toBe(0);
            expect(fast.status, label).toBe(0);
            expect(fast.stdout, label).toBe(slow.stdout);
            // The fast path compiled no bundle but help.cjs; the full CLI compiled its bundle.
            expect(fast.stderr, label).toMatch(/help\.cjs: code cache absent/);
            expect(fast.stderr, label).not.toMatch(/support\.cjs: code cache/);
            expect(slow.stderr, label).toMatch(/support\.cjs: code cache used/);
          });
        }
      }
    }
    await pooled(jobs);
  }, 300_000);

  it('the built CLI in a terminal (script): coloured, at widths 40, 59, 80 and 132, en and ja', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    need(ctx, hasTool('script', ['--version']), 'script (util-linux)');
    /** The bytes a terminal `width` columns wide receives from `node file ...args`. */
    const inTerminal = (file: string, args: readonly string[], lang: string, width: number) =>
      new Promise<string>((resolve, reject) => {
        const cmd = `stty cols ${width} rows 50; exec ${[process.execPath, file, ...args].map((a) => `'${a}'`).join(' ')}`;
        const child = spawn('script', ['-qec', cmd, '/dev/null'], {
          env: { PATH: process.env.PATH, HOME: tmp, TERM: 'xterm-256color', SUPPORT_LANG: lang, SUPPORT_CONFIG_DIR: path.join(tmp, 'config') },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`script exited ${code}: ${out}`))));
      });
    const jobs: (() => Promise<void>)[] = [];
    for (const p of [[], ['create'], ['sandbox', 'reply']]) {
      for (const lang of LANGS) {
        for (const width of WIDTHS) {
          jobs.push(async () => {
            const [fast, slow] = await Promise.all([inTerminal(BIN, [...p, '--help'], lang, width), inTerminal(full, [...p, '--help'], lang, width)]);
            const label = `${p.join(' ')} --help (${lang}, ${width} columns)`;
            expect(fast, label).toBe(slow);
            expect(fast, label).toContain('\u001b[1m');
            // Laid out for the terminal's width: what fastHelp gives for that width (the pty ends lines with \r\n).
            const terminal: Terminal = { isTTY: () => true, columns: () => width };
            const files = { manifest: (l: string) => fs.readFileSync(path.join(APP, `help-${l}.jsonl`), 'utf8'), build: load.buildId(fs.readFileSync(path.join(APP, 'support.cjs'), 'latin1'))!, debug: () => undefined };
            expect(fast, label).toBe(fastHelp([...p, '--help'], { SUPPORT_LANG: lang, TERM: 'xterm-256color' }, terminal, files)!.replace(/\n/g, '\r\n'));
          });
        }
      }
    }
    await pooled(jobs, 2);
  }, 300_000);
});

describe('a manifest that cannot be used, and what the fast path does not take', () => {
  /** A copy of dist/app (the bundle, its cache, the help files), changed by `change`; returns its entry. */
  function copy(change: (dir: string) => void): string {
    const dir = fs.mkdtempSync(path.join(tmp, 'app-'));
    for (const f of fs.readdirSync(APP)) if (!f.endsWith('.map')) fs.copyFileSync(path.join(APP, f), path.join(dir, f));
    change(dir);
    return entry(dir);
  }

  it('missing, damaged or of another build: the full CLI prints the help, the same bytes, exit 0', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const cases: [string, (dir: string) => void, RegExp][] = [
      ['no manifest', (d) => fs.rmSync(path.join(d, 'help-ja.jsonl')), /help manifest not used: .*ENOENT/],
      ['no help.cjs', (d) => fs.rmSync(path.join(d, 'help.cjs')), /help manifest not used: .*ENOENT/],
      ['a damaged manifest', (d) => fs.writeFileSync(path.join(d, 'help-ja.jsonl'), '{"build":"'), /help manifest not used: .*SyntaxError/],
      [
        'a manifest of another build',
        (d) => {
          const f = path.join(d, 'help-ja.jsonl');
          fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^\{"build":"\w+"/, '{"build":"0123456789abcdef"'));
        },
        /help manifest ja of another build: 0123456789abcdef/,
      ],
    ];
    const expected = await node(full, ['list', '--help'], { SUPPORT_LANG: 'ja' });
    expect(expected.status).toBe(0);
    for (const [what, change, debug] of cases) {
      const r = await node(copy(change), ['list', '--help'], { SUPPORT_LANG: 'ja', NODE_DEBUG: 'support' });
      expect(r.status, what).toBe(0);
      expect(r.stdout, what).toBe(expected.stdout);
      expect(r.stderr, what).toMatch(debug);
      expect(r.stderr, what).toMatch(/support\.cjs: code cache/);
    }
  });

  it('a bundle rebuilt with another text, the manifest not: the new text is printed, by the full CLI', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const was = 'File and follow Jira Service Management support requests from a terminal.';
    const now = 'File and follow Jira Service Management support requests from this terminal.';
    const main = copy((d) => {
      const f = path.join(d, 'support.cjs');
      const source = fs.readFileSync(f, 'latin1');
      expect(source).toContain(was);
      // What a rebuild does: another text, another build id at the end.
      fs.writeFileSync(f, source.replace(was, now).replace(/support-build=\w+/, 'support-build=fedcba9876543210'), 'latin1');
    });
    const r = await node(main, ['--help'], { SUPPORT_LANG: 'en', NODE_DEBUG: 'support' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/help manifest en of another build: \w+, the CLI is fedcba9876543210/);
    expect(r.stdout).toContain(now);
    const fresh = await node(full, ['--help'], { SUPPORT_LANG: 'en' });
    expect(r.stdout).toBe(fresh.stdout.replace(was, now));
  });

  it('an unknown command, a bad or missing --lang, other flags: the full CLI answers, its errors and exit codes', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const cases: [string[], number][] = [
      [['nope', '--help'], 2],
      [['help', 'nope'], 2],
      [['help', 'sandbox', 'nope'], 2],
      [['--lang', 'xx', '--help'], 2],
      [['--lang=', '--help'], 2],
      [['--help', '--lang'], 2],
      [['--lang', 'ja', '--lang', 'en', 'list', '--help'], 0],
      [['-h', 'list'], 0],
      [['list', '--help', '--json'], 0],
      [['help', 'list', '--lang', 'ja'], 0],
      [[], 2],
    ];
    await pooled(
      cases.map(([argv, status]) => async () => {
        const env = { SUPPORT_LANG: 'en', NODE_DEBUG: 'support' };
        const [fast, slow] = await Promise.all([node(BIN, argv, env), node(full, argv, env)]);
        const label = argv.join(' ');
        expect(slow.status, label).toBe(status);
        expect({ status: fast.status, stdout: fast.stdout }, label).toEqual({ status: slow.status, stdout: slow.stdout });
        // The same error text; the fast path's debug lines aside.
        const text = (s: string) => s.replace(/^SUPPORT \d+: .*\n/gm, '');
        expect(text(fast.stderr), label).toBe(text(slow.stderr));
        expect(fast.stderr, label).toMatch(/support\.cjs: code cache used/);
      }),
    );
  }, 120_000);

  it('a reader that is gone (support --help | head -1) ends it quietly, exit 0', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    for (const argv of [['--help'], ['--lang', 'ja', 'create', '--help']]) {
      const child = spawn(process.execPath, [BIN, ...argv], { env: { PATH: process.env.PATH, HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
      // The pipe is closed before the CLI writes: its write fails with EPIPE.
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(status, argv.join(' ')).toBe(0);
      expect(stderr, argv.join(' ')).toBe('');
    }
    const head = await new Promise<Ran>((resolve) => {
      const child = spawn('bash', ['-o', 'pipefail', '-c', `'${process.execPath}' '${BIN}' --help | head -1`], { env: { PATH: process.env.PATH, HOME: tmp, SUPPORT_LANG: 'en' } });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
    expect(head).toEqual({ status: 0, stdout: 'Usage: support [options] <command>\n', stderr: '' });
  });
});
