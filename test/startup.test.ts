/**
 * What `support` loads to start (bin/load.cjs, the bundle built by scripts/app.mjs): `--version`
 * reads no bundle at all, `--help` runs the small help bundle on the help manifest (help.cjs) and
 * not the CLI's bundle (so no commander, no catalogs), and the full CLI's help (the fallback) runs
 * no module of the portal client, the sandbox, the bundle layer, the prompts or the config store; which source modules ran is read from V8's own coverage
 * of the built bundle (NODE_V8_COVERAGE), through its source map. And the code cache: used when it
 * was made for this build, ignored when it was made for another one or refused by V8, with the
 * same output either way. A stack from the bundle names the TypeScript sources.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceMapped } from '../src/cli/stack.js';
import { isBuilt, need } from './support/needs.js';

const REPO = path.resolve(import.meta.dirname, '..');
const BIN = path.join(REPO, 'bin', 'support.js');
const BUNDLE = path.join(REPO, 'dist', 'app', 'support.cjs');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const loader = createRequire(import.meta.url)('../bin/load.cjs') as {
  WRAPPER: string;
  start(o: { version: string; file: string; read?: () => { source: string; cache?: Buffer } }): void;
};

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'support-startup-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Started {
  status: number | null;
  stdout: string;
  stderr: string;
  /** The source files (relative to the repository) of which at least one function ran. */
  ran: string[];
  /** Whether the bundle was compiled at all. */
  bundled: boolean;
  /** Whether the help bundle (dist/app/help.cjs) ran. */
  helped: boolean;
}

/**
 * Runs `node bin/support.js ...args` under V8's coverage and lists the source modules that ran;
 * `full`: through an entry that turns the fast help off (the full CLI, as when the manifest cannot be used).
 */
function start(args: readonly string[], env: Record<string, string> = {}, { full = false } = {}): Started {
  const dir = fs.mkdtempSync(path.join(tmp, 'cov-'));
  let entry = BIN;
  if (full) {
    entry = path.join(fs.mkdtempSync(path.join(tmp, 'full-')), 'main.cjs');
    fs.writeFileSync(entry, `require(${JSON.stringify(path.join(REPO, 'bin', 'load.cjs'))}).start({ version: ${JSON.stringify(VERSION)}, file: ${JSON.stringify(BUNDLE)}, help: false });\n`);
  }
  const r = spawnSync(process.execPath, [entry, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: tmp, SUPPORT_CONFIG_DIR: path.join(tmp, 'config'), NODE_V8_COVERAGE: dir, NODE_DEBUG: 'support,module', ...env },
  });
  const source = fs.readFileSync(BUNDLE, 'latin1');
  const map = new SourceMap(JSON.parse(fs.readFileSync(`${BUNDLE}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const ran = new Set<string>();
  let bundled = false;
  let helped = false;
  for (const file of fs.readdirSync(dir)) {
    const { result } = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
      result: { url: string; functions: { ranges: { startOffset: number; count: number }[] }[] }[];
    };
    if (result.some((s) => s.url.endsWith('/dist/app/help.cjs') && s.functions.some((f) => f.ranges[0]!.count > 0))) helped = true;
    for (const script of result.filter((s) => s.url === BUNDLE || s.url.endsWith('/dist/app/support.cjs'))) {
      bundled = true;
      for (const fn of script.functions) {
        const [{ startOffset, count }] = fn.ranges as [{ startOffset: number; count: number }];
        // Offsets count from the loader's wrapper line, one line above the bundle's first.
        const at = startOffset - (loader.WRAPPER.length + 1);
        if (count === 0 || at < 0) continue;
        let line = lineStarts.findLastIndex((s) => s <= at);
        if (line < 0) line = 0;
        const entry = map.findEntry(line, at - lineStarts[line]!) as { originalSource?: string };
        if (entry.originalSource) ran.add(path.relative(REPO, path.resolve(path.dirname(BUNDLE), entry.originalSource)));
      }
    }
  }
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ran: [...ran].sort(), bundled, helped };
}

/** Modules that only a command that works needs: none may run to print the version or help. */
const HEAVY = [
  'src/portal/dispatcher.ts',
  'node_modules/conf/',
  'node_modules/ajv/',
  'node_modules/@inquirer/',
  'node_modules/ora/',
  'node_modules/yaml/',
  'node_modules/string-width/',
  'src/portal/client.ts',
  'src/portal/http.ts',
  'src/config/profiles.ts',
  'src/config/keyring.ts',
  'src/sandbox/',
  'src/bundle/',
  'src/form/engine.ts',
  'src/cli/create/',
  'src/ui/prompter.ts',
];

describe('start-up of the built CLI', () => {
  it('--version prints the version without reading the bundle', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    for (const flag of ['--version', '-V']) {
      const r = start([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${VERSION}\n`);
      expect(r.bundled).toBe(false);
      expect(r.stderr).not.toContain('code cache');
    }
  });

  it('--help, in English and Japanese, and every form of a help request: the help bundle, not the CLI bundle (no commander)', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    for (const [args, lang] of [[['--help'], 'en'], [['--help'], 'ja'], [['-h'], 'en'], [['help'], 'ja'], [['--lang', 'ja', 'create', '--help'], 'en'], [['help', 'sandbox', 'reply'], 'en'], [['bundle', '-h', '--no-color'], 'ja']] as const) {
      const r = start(args, { SUPPORT_LANG: lang });
      const label = `${args.join(' ')} (${lang})`;
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout, label).toMatch(/^(Usage|使い方): support/);
      expect(r.helped, label).toBe(true);
      // Commander, the catalogs and every command's declaration are in the CLI's bundle: not compiled, not run.
      expect(r.bundled, label).toBe(false);
      expect(r.ran, label).toEqual([]);
      expect(r.stderr, label).not.toMatch(/support\.cjs: code cache/);
    }
  });

  it('the help of the full CLI (the fallback), in English and Japanese, runs commander and every declaration but no heavy module', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    for (const lang of ['en', 'ja']) {
      const r = start(['--help'], { SUPPORT_LANG: lang }, { full: true });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain(lang === 'en' ? 'Usage: support' : '使い方: support');
      expect(r.helped).toBe(false);
      // The check can fail: modules that help needs are seen running.
      for (const needed of ['src/cli/run.ts', 'src/cli/commands/list.ts', 'src/cli/help-render.ts', 'src/ui/width.ts', 'src/i18n/catalog/core.ts', 'node_modules/commander/lib/command.js']) {
        expect(r.ran, needed).toContain(needed);
      }
      expect(r.ran.filter((f) => HEAVY.some((h) => f.startsWith(h)))).toEqual([]);
      // The keyring is outside the bundle: Node's module trace would name it.
      expect(r.stderr).not.toMatch(/keyring/i);
    }
  });

  it('the subcommand help of the full CLI runs no heavy module either', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    for (const cmd of ['create', 'list', 'bundle', 'sandbox']) {
      const r = start([cmd, '--help'], {}, { full: true });
      expect(r.status, r.stderr).toBe(0);
      expect(r.ran.filter((f) => HEAVY.some((h) => f.startsWith(h))), cmd).toEqual([]);
    }
  });
});

describe('a portal command of the built CLI', () => {
  it('list runs the client over Node\'s HTTP client, not the prompts, the sandbox or the bundle layer', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const data = fs.mkdtempSync(path.join(tmp, 'sandbox-'));
    const sandbox = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--data', data, '--json'], { stdio: ['ignore', 'pipe', 'ignore'], env: { PATH: process.env.PATH, HOME: tmp } });
    try {
      const portal = await new Promise<{ url: string; email: string; token: string }>((resolve, reject) => {
        let text = '';
        sandbox.stdout.on('data', (c: Buffer) => {
          text += c.toString();
          if (text.includes('\n')) resolve(JSON.parse(text) as { url: string; email: string; token: string });
        });
        sandbox.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
      });
      const r = start(['--portal', portal.url, 'list', '--json'], { SUPPORT_EMAIL: portal.email, SUPPORT_TOKEN: portal.token, SUPPORT_KEYRING: 'off' });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([]);
      for (const needed of ['src/portal/client.ts', 'src/portal/dispatcher.ts']) expect(r.ran, needed).toContain(needed);
      const unwanted = ['node_modules/undici/', 'node_modules/@inquirer/', 'node_modules/ora/', 'src/sandbox/', 'src/bundle/', 'src/cli/create/'];
      expect(r.ran.filter((f) => unwanted.some((u) => f.startsWith(u)))).toEqual([]);
    } finally {
      sandbox.kill();
    }
  });
});

describe('the code cache (bin/load.cjs)', () => {
  /** Runs the loader on a copy of the built bundle with `cache` beside it; returns what it printed. */
  function withCache(cache: Buffer | undefined, args: readonly string[]) {
    const dir = fs.mkdtempSync(path.join(tmp, 'app-'));
    fs.copyFileSync(BUNDLE, path.join(dir, 'support.cjs'));
    if (cache) fs.writeFileSync(path.join(dir, 'support.cjs.cache'), cache);
    const entry = path.join(dir, 'main.cjs');
    fs.writeFileSync(entry, `require(${JSON.stringify(path.join(REPO, 'bin', 'load.cjs'))}).start({ version: 'x', file: ${JSON.stringify(path.join(dir, 'support.cjs'))} });\n`);
    return spawnSync(process.execPath, [entry, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: tmp, SUPPORT_LANG: 'en', NODE_DEBUG: 'support' } });
  }

  it('is used when made for this build, and a stale, foreign or damaged one falls back to compiling, with the same output', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const good = fs.readFileSync(`${BUNDLE}.cache`);
    const id = good.subarray(0, good.indexOf(10) + 1);
    const body = good.subarray(id.length);
    const expected = withCache(undefined, ['--help']);
    expect(expected.status).toBe(0);
    expect(expected.stderr).toMatch(/code cache absent/);
    const cases: [Buffer, RegExp][] = [
      [good, /code cache used/],
      // Another build's cache (V8 would only compare the length of the source).
      [Buffer.concat([Buffer.from('0123456789abcdef\n'), body]), /code cache of another build/],
      // Made by another V8, or damaged: V8 refuses it.
      [Buffer.concat([id, Buffer.from(body.map((b, i) => (i > 16 && i < 64 ? b ^ 0xff : b)))]), /code cache rejected by V8/],
      [Buffer.concat([id, body.subarray(0, 100)]), /code cache rejected by V8/],
    ];
    for (const [cache, debug] of cases) {
      const r = withCache(cache, ['--help']);
      expect(r.stderr).toMatch(debug);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(expected.stdout);
    }
  });
});

describe('stack traces of the bundle', () => {
  it('name the TypeScript source and line through the source map', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'map-'));
    const src = path.join(dir, 'thrower.ts');
    fs.writeFileSync(src, ['export function deep(n: number): never {', '  if (n > 0) return deep(n - 1);', "  throw new Error('from the source');", '}', 'deep(2);', ''].join('\n'));
    const file = path.join(dir, 'out.cjs');
    await esbuild.build({ entryPoints: [src], bundle: true, platform: 'node', format: 'cjs', minify: true, sourcemap: 'external', outfile: file, logLevel: 'error' });
    let stack = '';
    try {
      loader.start({ version: 'x', file, read: () => ({ source: fs.readFileSync(file, 'latin1') }) });
    } catch (err) {
      stack = (err as Error).stack ?? '';
    }
    expect(stack).toContain(`${file}:`);
    const mapped = sourceMapped(stack, file);
    expect(mapped).toContain(`${src}:3:`);
    expect(mapped).not.toContain(`${file}:`);
    // No map beside it: the stack as it was.
    expect(sourceMapped(stack, path.join(dir, 'nomap.cjs'))).toBe(stack);
  });
});

describe('NODE_EXTRA_CA_CERTS handed over by the tarball wrapper (bin/load.cjs)', () => {
  it('gets its own name back before the bundle runs, for support and the programs it starts', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'ca-env-'));
    const file = path.join(dir, 'app.cjs');
    fs.writeFileSync(file, 'process.stdout.write(JSON.stringify([process.env.NODE_EXTRA_CA_CERTS ?? null, process.env.SUPPORT_NODE_EXTRA_CA_CERTS ?? null]));\n');
    const entry = path.join(dir, 'main.cjs');
    fs.writeFileSync(entry, `require(${JSON.stringify(path.join(REPO, 'bin', 'load.cjs'))}).start({ version: 'x', file: ${JSON.stringify(file)}, help: false });\n`);
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [entry, 'list'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
    const moved = run({ SUPPORT_NODE_EXTRA_CA_CERTS: '/etc/pki/corp-ca.pem' });
    expect(moved.stderr).toBe('');
    expect(JSON.parse(moved.stdout)).toEqual(['/etc/pki/corp-ca.pem', null]);
    // Not moved (a clone, the single-file executable): left as it is.
    expect(JSON.parse(run({}).stdout)).toEqual([null, null]);
  });
});
