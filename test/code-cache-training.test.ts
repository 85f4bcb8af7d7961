/**
 * The code cache's training (scripts/train-cache.mjs, bin/load.cjs train()): the built bundle is
 * run as `support --help`, `list` and `attach` against the JSM stub of scripts/train-stub.mjs, one
 * after the other in one process, and the cache written after the last run is the one the CLI
 * then starts with. A training run that fails writes no cache (the build stops on it). The bundle
 * is read with its module wrapper around it, one string, and runs the same as before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, REPO } from './support/built-cli.js';
import { BUILT_APP, isBuilt, need } from './support/needs.js';

const loader = createRequire(import.meta.url)('../bin/load.cjs') as {
  WRAPPER: string;
  buildId(source: string): string | undefined;
  readBundle(file: string): { source: string; cache?: Buffer };
};

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'support-train-test-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const env = () => ({ PATH: process.env.PATH, HOME: tmp, LANG: 'C' });

/** A script that trains a cache of the built bundle into `out` on the runs `args` (no stub). */
function trainScript(out: string, args: string[][]): string {
  return `const load = require(${JSON.stringify(path.join(REPO, 'bin', 'load.cjs'))});
const file = ${JSON.stringify(BUILT_APP)};
load.train({ file, source: load.readBundle(file).source, out: ${JSON.stringify(out)}, args: ${JSON.stringify(args)}, require: require('node:module').createRequire(file) });\n`;
}

describe('code cache training', () => {
  it('runs help, list and attach against the stub and writes a cache the CLI then uses', (ctx) => {
    need(ctx, isBuilt(), 'the built CLI (npm run build)');
    const out = path.join(tmp, 'trained.cache');
    const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'train-cache.mjs'), BUILT_APP, out], { encoding: 'utf8', env: env() });
    expect(r.status, r.stderr).toBe(0);
    const id = loader.buildId(fs.readFileSync(BUILT_APP, 'latin1'));
    expect(id).toMatch(/^\w{16}$/);
    expect(fs.readFileSync(out).subarray(0, id!.length + 1).toString('latin1')).toBe(`${id}\n`);
    // Larger than the cache of `--help` alone: the portal commands' functions are in it (measured
    // 1.18x since the client runs on node:http and undici's code is gone: 600 KB for help, 710 KB trained).
    const helpOnly = path.join(tmp, 'help.cache');
    const h = spawnSync(process.execPath, ['-e', trainScript(helpOnly, [['--help']])], { encoding: 'utf8', env: env() });
    expect(h.status, h.stderr).toBe(0);
    expect(fs.statSync(out).size).toBeGreaterThan(fs.statSync(helpOnly).size * 1.1);

    // The CLI with this cache beside it: used, and the command's output as without it.
    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    fs.copyFileSync(BUILT_APP, path.join(app, 'support.cjs'));
    fs.copyFileSync(out, path.join(app, 'support.cjs.cache'));
    const main = path.join(tmp, 'main.cjs');
    fs.writeFileSync(main, `require(${JSON.stringify(path.join(REPO, 'bin', 'load.cjs'))}).start({ version: '0.0.0', file: ${JSON.stringify(path.join(app, 'support.cjs'))} });\n`);
    const withCache = spawnSync(process.execPath, [main, 'list', '--help'], { encoding: 'utf8', env: { ...env(), NODE_DEBUG: 'support' } });
    expect(withCache.stderr).toContain('code cache used');
    const plain = spawnSync(process.execPath, [BIN, 'list', '--help'], { encoding: 'utf8', env: env() });
    expect(withCache.stdout).toBe(plain.stdout);
  });

  it('writes no cache when a training run fails', (ctx) => {
    need(ctx, isBuilt(), 'the built CLI (npm run build)');
    const out = path.join(tmp, 'failed.cache');
    const r = spawnSync(process.execPath, ['-e', trainScript(out, [['--help'], ['no-such-command']])], { encoding: 'utf8', env: env() });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('support no-such-command exited 2');
    expect(fs.existsSync(out)).toBe(false);
  });

  it('reads the bundle inside its module wrapper, as one string', (ctx) => {
    need(ctx, isBuilt(), 'the built CLI (npm run build)');
    const { source } = loader.readBundle(BUILT_APP);
    const file = fs.readFileSync(BUILT_APP, 'latin1');
    expect(source).toBe(`${loader.WRAPPER}\n${file}\n})`);
    expect(loader.buildId(source)).toBe(loader.buildId(file));
  });
});
