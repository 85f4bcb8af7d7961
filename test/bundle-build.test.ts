import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type * as BundleLayer from '../src/bundle/index.js';
import { buildBundle, checkBundleSize, planBundle, type BundleEnv, type BundleOptions, type Manifest } from '../src/bundle/index.js';
import { createDeflater, deflatesLikeZlib, zlibPath, type ZlibPath } from '../src/bundle/zlib-sync.js';
import { BUNDLE_DEFAULTS } from '../src/cli/bundle-flags.js';
import { runCli, tempDir } from './support/harness.js';
import { BUILT_WORKER, hasTool, isBuilt, need } from './support/needs.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = tempDir('support-bundle-');
  dirs.push(d);
  return d;
}

/** Reads a zip through its central directory (zip64 aware): name -> content. */
function readZip(file: string): Map<string, Buffer> {
  return new Map([...readZipRaw(file)].map(([name, e]) => [name, e.method === 8 ? zlib.inflateRawSync(e.data) : e.data]));
}

/** Reads a zip through its central directory (zip64 aware): name -> method and data as stored. */
function readZipRaw(file: string): Map<string, { method: number; data: Buffer }> {
  const b = fs.readFileSync(file);
  const eocd = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let count = b.readUInt16LE(eocd + 10);
  let cd = b.readUInt32LE(eocd + 16);
  if (cd === 0xffffffff || count === 0xffff) {
    const z = Number(b.readBigUInt64LE(eocd - 20 + 8));
    count = Number(b.readBigUInt64LE(z + 32));
    cd = Number(b.readBigUInt64LE(z + 48));
  }
  const out = new Map<string, { method: number; data: Buffer }>();
  for (let i = 0, p = cd; i < count; i++) {
    expect(b.readUInt32LE(p)).toBe(0x02014b50);
    const method = b.readUInt16LE(p + 10);
    let csize = b.readUInt32LE(p + 20);
    const nlen = b.readUInt16LE(p + 28);
    const xlen = b.readUInt16LE(p + 30);
    const clen = b.readUInt16LE(p + 32);
    let off = b.readUInt32LE(p + 42);
    const usize32 = b.readUInt32LE(p + 24);
    const name = b.toString('utf8', p + 46, p + 46 + nlen);
    const extra = b.subarray(p + 46 + nlen, p + 46 + nlen + xlen);
    if (extra.length >= 4 && extra.readUInt16LE(0) === 1) {
      let q = 4;
      if (usize32 === 0xffffffff) q += 8;
      if (csize === 0xffffffff) {
        csize = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
      if (off === 0xffffffff) off = Number(extra.readBigUInt64LE(q));
    }
    const lh = off + 30 + b.readUInt16LE(off + 26) + b.readUInt16LE(off + 28);
    const data = b.subarray(lh, lh + csize);
    out.set(name, { method, data: Buffer.from(data) });
    p += 46 + nlen + xlen + clen;
  }
  return out;
}

function options(over: Partial<BundleOptions> = {}): BundleOptions {
  return {
    product: undefined,
    home: undefined,
    install: undefined,
    paths: [],
    sinceMs: undefined,
    maxFileSize: BUNDLE_DEFAULTS.maxFileSize,
    maxTotal: BUNDLE_DEFAULTS.maxTotal,
    output: undefined,
    obfuscate: [],
    redact: true,
    followLinks: false,
    level: 6,
    ...over,
  };
}

function env(cwd: string, over: Partial<BundleEnv> = {}): BundleEnv {
  return {
    env: {},
    cwd,
    root: cwd,
    now: () => Date.parse('2026-11-24T09:00:00Z'),
    version: '0.0.0-test',
    configDir: path.join(cwd, 'config'),
    signal: new AbortController().signal,
    threads: 'in-process',
    ...over,
  };
}

function write(p: string, content: string | Buffer, mtime?: Date): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  if (mtime) fs.utimesSync(p, mtime, mtime);
}

/** A Jira home + install under a fake filesystem root. */
function jiraTree(root: string): { home: string; install: string } {
  const home = path.join(root, 'var/atlassian/application-data/jira');
  const install = path.join(root, 'opt/atlassian/jira');
  const recent = new Date('2026-11-23T09:00:00Z');
  write(path.join(home, 'dbconfig.xml'), '<password>dbpass1</password>\n', new Date('2020-01-01'));
  write(path.join(home, 'log/atlassian-jira.log'), 'line one\nlogin password=hunter2 ok\n'.repeat(50), recent);
  write(path.join(home, 'log/atlassian-jira.log.1'), 'old line\n', new Date('2026-10-01T00:00:00Z'));
  write(path.join(home, 'log/atlassian-jira.log.2.gz'), zlib.gzipSync('rotated token=abcdef123 x\n'), recent);
  write(path.join(home, 'log/broken.log.gz'), Buffer.from('not gzip at all'), recent);
  write(path.join(install, 'logs/catalina.out'), 'Bearer abcdefghijklmnopqrst\n', recent);
  write(path.join(install, 'conf/server.xml'), '<Connector keystorePass="ks1"/>\n', recent);
  write(path.join(install, 'lib/app.jar'), crypto.randomBytes(2000), recent);
  write(path.join(install, 'logs/heap.png'), crypto.randomBytes(500), recent);
  return { home, install };
}

/** Temp dirs that live for the whole file (shared, memoized fixtures). */
const fileDirs: string[] = [];
afterAll(() => {
  for (const d of fileDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

let cliBundle: { root: string; doc: { output: string; redactions: Record<string, number> } } | undefined;

/**
 * One bundle written by the built CLI (`bin/support.js`, production settings: worker threads), made
 * on first use by whichever test asks first: six logs and a file larger than what a worker keeps in
 * memory, so it goes through the spill folder.
 */
function builtCliBundle(): NonNullable<typeof cliBundle> {
  if (cliBundle) return cliBundle;
  const bin = path.join(import.meta.dirname, '../bin/support.js');
  const root = tempDir('support-bundle-cli-');
  fileDirs.push(root);
  for (let i = 0; i < 6; i++) write(path.join(root, `l/app.log.${i}`), `INFO ok ${i}\npassword=pw${i}\n`.repeat(30000 + i * 7000));
  write(path.join(root, 'l/shot.png'), crypto.randomBytes(5 * 1024 * 1024 + 17));
  const res = spawnSync(process.execPath, [bin, 'bundle', '--path', 'l', '--output', 'b.zip', '--json'], {
    cwd: root,
    env: { ...process.env, SUPPORT_CONFIG_DIR: path.join(root, 'config'), SUPPORT_BUNDLE_ROOT: root },
    encoding: 'utf8',
  });
  expect(res.status).toBe(0);
  cliBundle = { root, doc: JSON.parse(res.stdout) as { output: string; redactions: Record<string, number> } };
  return cliBundle;
}

/** The round-trip bundle: a Jira tree with a symlink loop and a FIFO, zip64 records throughout. */
async function roundTrip(): Promise<{ out: string; r: Awaited<ReturnType<typeof buildBundle>> }> {
  const root = tmp();
  jiraTree(root);
  fs.symlinkSync('..', path.join(root, 'var/atlassian/application-data/jira/log/loop'));
  spawnSync('mkfifo', [path.join(root, 'opt/atlassian/jira/logs/pipe')]);
  const out = path.join(root, 'out/b.zip');
  const r = await buildBundle(options({ output: out, sinceMs: 7 * 86_400_000 }), env(root, { zip64: 'always' }));
  return { out, r };
}

describe('buildBundle', () => {
  it('unzip -t accepts the round-trip bundle (zip64 records)', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const { out } = await roundTrip();
    expect(execFileSync('unzip', ['-t', out]).toString()).toContain('No errors detected');
  });

  it('round trip: discovers Jira, redacts, zips in process; every entry matches the manifest', async () => {
    const { out, r } = await roundTrip();
    expect(r.output).toBe(out);
    expect(r.workerThreads).toBe(0);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['b.zip']);
    const zip = readZip(out);
    const m = JSON.parse(zip.get('manifest.json')!.toString()) as Manifest;
    expect([...zip.keys()].sort()).toEqual([...m.files.map((f) => f.entry), 'manifest.json'].sort());
    for (const f of m.files) {
      const data = zip.get(f.entry)!;
      expect(crypto.createHash('sha256').update(data).digest('hex')).toBe(f.sha256);
      expect(data.length).toBe(f.size);
      expect(f.entry).not.toMatch(/^\/|(^|\/)\.\.(\/|$)/);
    }
    expect(zip.get('jira/home/log/atlassian-jira.log')!.toString()).not.toContain('hunter2');
    expect(zip.get('jira/home/log/atlassian-jira.log.2')!.toString()).toBe('rotated token=[REDACTED:token] x\n');
    expect(zip.get('jira/home/dbconfig.xml')!.toString()).toBe('<password>[REDACTED:password]</password>\n');
    expect(zip.get('jira/install/conf/server.xml')!.toString()).toBe('<Connector keystorePass="[REDACTED:password]"/>\n');
    expect(zip.get('jira/install/logs/catalina.out')!.toString()).toBe('Bearer [REDACTED:authorization]\n');
    expect(m.files.find((f) => f.entry === 'jira/install/lib/app.jar')).toBeUndefined(); // lib/ is not collected
    expect(m.files.find((f) => f.entry.endsWith('heap.png'))!.compression).toBe('store');
    const reasons = Object.fromEntries(m.skipped.map((s) => [path.basename(s.source), s.reason]));
    expect(reasons['atlassian-jira.log.1']).toBe('older-than-since');
    expect(reasons['broken.log.gz']).toBe('corrupt-gzip');
    expect(reasons['pipe']).toBe('not-a-file');
    expect(m.skipped.some((s) => s.reason === 'symlink-loop' && s.source.includes('/log/loop'))).toBe(true);
    expect(m.totals.redactions.password).toBeGreaterThanOrEqual(51);
    expect(m.host).toHaveProperty('cpus');
    expect(m.products[0]).toMatchObject({ product: 'jira', homeFrom: 'default', installFrom: 'default' });
  });

  it('a zip of over 32 MiB, synced to disk in the background while it is written, holds every byte', async (ctx) => {
    const root = tmp();
    const blob = crypto.randomBytes(40 * 1024 * 1024);
    write(path.join(root, 'l/heap.png'), blob);
    write(path.join(root, 'l/app.log'), 'password=pw\n');
    const r = await buildBundle(options({ paths: ['l/heap.png', 'l/app.log'], output: 'big.zip' }), env(root));
    expect(r.zipSize).toBeGreaterThan(40 * 1024 * 1024);
    const zip = readZip(r.output);
    const entry = r.manifest.files.find((f) => f.entry.endsWith('heap.png'))!.entry;
    expect(zip.get(entry)!.equals(blob)).toBe(true);
    expect(fs.readdirSync(path.dirname(r.output))).toEqual(['big.zip', 'l']);
    need(ctx, hasTool('unzip'), 'unzip');
    expect(execFileSync('unzip', ['-t', r.output]).toString()).toContain('No errors detected');
  });

  it('keeps the tail of a file over --max-file-size and says so', async () => {
    const root = tmp();
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}\n`).join('');
    write(path.join(root, 'data/big.log'), lines);
    const out = path.join(root, 'b.zip');
    await buildBundle(options({ output: out, paths: ['data'], maxFileSize: 1000 }), env(root));
    const zip = readZip(out);
    const m = JSON.parse(zip.get('manifest.json')!.toString()) as Manifest;
    const f = m.files[0]!;
    expect(f.truncated).toEqual({ originalSize: lines.length, keptBytes: 1000, droppedBytes: lines.length - 1000 });
    expect(zip.get(f.entry)!.toString()).toBe(lines.slice(-1000));
  });

  it('--max-total keeps the newest logs and lists the rest', () => {
    const root = tmp();
    for (let i = 0; i < 5; i++) write(path.join(root, `l/app.log.${i}`), 'x'.repeat(100), new Date(Date.UTC(2026, 0, 10 - i)));
    const plan = planBundle(options({ paths: ['l'], maxTotal: 250 }), env(root));
    expect(plan.files.map((f) => path.basename(f.source))).toEqual(['app.log.0', 'app.log.1']);
    expect(plan.skipped.filter((s) => s.reason === 'over-max-total')).toHaveLength(3);
  });

  it('records a file that vanished and one that grew after listing, and never collects its own config', async () => {
    const root = tmp();
    write(path.join(root, 'l/gone.log'), 'bye\n');
    write(path.join(root, 'l/grow.log'), 'start\n');
    write(path.join(root, 'config/token.json'), '{"token":"x"}');
    const e = env(root);
    const plan = planBundle(options({ paths: ['l', 'config'], output: 'b.zip' }), e);
    fs.rmSync(path.join(root, 'l/gone.log'));
    fs.appendFileSync(path.join(root, 'l/grow.log'), 'more\n');
    const r = await buildBundle(options({ paths: ['l', 'config'], output: 'b.zip' }), e, plan);
    const m = r.manifest;
    expect(m.skipped.find((s) => s.source.endsWith('gone.log'))?.reason).toBe('vanished');
    expect(m.skipped.find((s) => s.source.endsWith('config'))?.reason).toBe('excluded');
    expect(m.files.map((f) => path.basename(f.entry))).toEqual(['grow.log']);
    expect(readZip(r.output).get(m.files[0]!.entry)!.toString()).toBe('start\nmore\n');
  });

  it('records an unreadable file and carries on', async (ctx) => {
    // Root reads any file: permission errors cannot be produced here (the built-CLI test below covers root).
    if (process.getuid?.() === 0) ctx.skip('root reads any file');
    const root = tmp();
    write(path.join(root, 'l/secret.log'), 'x\n');
    write(path.join(root, 'l/ok.log'), 'y\n');
    fs.chmodSync(path.join(root, 'l/secret.log'), 0o000);
    const r = await buildBundle(options({ paths: ['l'], output: 'b.zip' }), env(root));
    expect(r.manifest.skipped.find((s) => s.source.endsWith('secret.log'))?.reason).toBe('unreadable');
    expect(r.manifest.files.map((f) => path.basename(f.entry))).toEqual(['ok.log']);
  });

  it('records an unreadable file and carries on, as an unprivileged user of the built CLI (when the tests run as root)', (ctx) => {
    // Root reads any file, so the in-process test above cannot fail a read; run the built CLI as
    // "nobody" (setpriv drops the uid) over a folder that user owns, with one file it may not read.
    const bin = path.join(import.meta.dirname, '../bin/support.js');
    // Only root can drop to another user; the in-process test above covers non-root runs.
    if (process.getuid?.() !== 0) ctx.skip('runs only as root');
    need(ctx, hasTool('setpriv', ['--version']), 'setpriv');
    need(ctx, isBuilt(), 'the build (npm run build)');
    const root = tmp();
    fs.chmodSync(root, 0o755);
    write(path.join(root, 'l/secret.log'), 'x\n');
    write(path.join(root, 'l/ok.log'), 'y\n');
    for (const p of [root, path.join(root, 'l'), path.join(root, 'l/secret.log'), path.join(root, 'l/ok.log')]) fs.chownSync(p, 65534, 65534);
    fs.chmodSync(path.join(root, 'l/secret.log'), 0o000);
    const res = spawnSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, bin, 'bundle', '--path', 'l', '--output', 'b.zip', '--json'],
      { cwd: root, env: { ...process.env, HOME: root, SUPPORT_CONFIG_DIR: path.join(root, 'config'), SUPPORT_BUNDLE_ROOT: root }, encoding: 'utf8' },
    );
    expect(res.stderr).not.toMatch(/EACCES.*\n.*at /);
    expect(res.status).toBe(0);
    const zip = readZip((JSON.parse(res.stdout) as { output: string }).output);
    const m = JSON.parse(zip.get('manifest.json')!.toString()) as Manifest;
    expect(m.skipped.find((s) => s.source.endsWith('secret.log'))?.reason).toBe('unreadable');
    expect(m.files.map((f) => path.basename(f.entry))).toEqual(['ok.log']);
  });

  it('the built CLI bundles on worker threads: every entry matches the manifest', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const { root, doc } = builtCliBundle();
    expect(doc.redactions.password).toBe([0, 1, 2, 3, 4, 5].reduce((s, i) => s + 30000 + i * 7000, 0));
    const zip = readZip(doc.output);
    const m = JSON.parse(zip.get('manifest.json')!.toString()) as Manifest;
    expect(m.files).toHaveLength(7);
    expect(fs.readdirSync(root).sort()).toEqual(['b.zip', 'config', 'l'].filter((n) => n !== 'config' || fs.existsSync(path.join(root, 'config'))));
    for (const f of m.files) {
      expect(crypto.createHash('sha256').update(zip.get(f.entry)!).digest('hex')).toBe(f.sha256);
      expect(zip.get(f.entry)!.toString('latin1')).not.toMatch(/password=pw/);
    }
  });

  it('unzip -t accepts what the built CLI wrote on worker threads', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    need(ctx, hasTool('unzip'), 'unzip');
    expect(execFileSync('unzip', ['-t', builtCliBundle().doc.output]).toString()).toContain('No errors detected');
  });

  it('threads: the built bundle layer builds entries on worker threads, with the same bytes as in process', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const built = (await import(pathToFileURL(path.join(path.dirname(BUILT_WORKER), 'index.js')).href)) as typeof BundleLayer;
    const root = tmp();
    for (let i = 0; i < 6; i++) write(path.join(root, `l/app.log.${i}`), `INFO ok ${i}\npassword=pw${i}\n`.repeat(2000 + i * 500));
    const threaded = await built.buildBundle(options({ paths: ['l'], output: 'threads.zip' }), env(root, { threads: 2 }));
    const inProcess = await buildBundle(options({ paths: ['l'], output: 'one.zip' }), env(root));
    expect(threaded.workerThreads).toBe(2);
    expect(inProcess.workerThreads).toBe(0);
    const a = readZipRaw(threaded.output);
    const b = readZipRaw(inProcess.output);
    expect(threaded.manifest.totals.redactions.password).toBe(6 * 2000 + 500 * 15);
    for (const f of threaded.manifest.files) expect(a.get(f.entry)!.data.equals(b.get(f.entry)!.data)).toBe(true);
  });

  it('threads from the TypeScript sources (no compiled worker) fail instead of running in process, leaving nothing behind', async () => {
    const root = tmp();
    write(path.join(root, 'l/a.log'), 'x\n');
    await expect(buildBundle(options({ paths: ['l'], output: 'out/b.zip' }), env(root, { threads: 2 }))).rejects.toThrow(/no compiled worker/);
    expect(fs.existsSync(path.join(root, 'out'))).toBe(false);
  });

  it('obfuscates with a private mapping beside the zip, never inside it', async () => {
    const root = tmp();
    write(path.join(root, 'l/a.log'), 'from db1.corp.example.com 10.9.8.7 by ann@example.com\n');
    const r = await buildBundle(options({ paths: ['l'], output: 'b.zip', obfuscate: ['hosts', 'ips', 'emails'] }), env(root));
    const zip = readZip(r.output);
    const text = zip.get(r.manifest.files[0]!.entry)!.toString();
    expect(text).not.toMatch(/corp\.example\.com|10\.9\.8\.7|ann@/);
    expect(r.mappingFile).toBe(path.join(root, 'b.obfuscation-map.json'));
    expect(fs.statSync(r.mappingFile!).mode & 0o777).toBe(0o600);
    const map = JSON.parse(fs.readFileSync(r.mappingFile!, 'utf8')) as { pseudonyms: Record<string, string> };
    expect(Object.values(map.pseudonyms).sort()).toEqual(['10.9.8.7', 'ann@example.com', 'db1.corp.example.com', os.hostname()].sort());
    expect([...zip.keys()].some((k) => k.includes('obfuscation'))).toBe(false);
  });

  it('Ctrl-C mid-run removes the partial zip and the spill folder', async () => {
    const root = tmp();
    for (let i = 0; i < 20; i++) write(path.join(root, `l/f${i}.log`), `password=p${i}\n`.repeat(20000));
    const ac = new AbortController();
    let seen = 0;
    const p = buildBundle(options({ paths: ['l'], output: 'out/b.zip' }), {
      ...env(root, { signal: ac.signal }),
      onProgress: () => {
        if (++seen === 3) ac.abort(new Error('SIGINT'));
      },
    });
    await expect(p).rejects.toThrow('SIGINT');
    expect(fs.readdirSync(path.join(root, 'out'))).toEqual([]);
  });

  it('a full disk removes the partial zip and reports ENOSPC', async (ctx) => {
    const mnt = tmp();
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt]);
    // A small tmpfs needs Linux and root to mount.
    if (m.status !== 0 || os.platform() !== 'linux') ctx.skip('cannot mount a tmpfs here (needs root on Linux)');
    try {
      const root = tmp();
      write(path.join(root, 'l/rand.bin'), crypto.randomBytes(1024 * 1024));
      const p = buildBundle(options({ paths: ['l'], output: path.join(mnt, 'b.zip'), level: 0 }), env(root));
      await expect(p).rejects.toMatchObject({ code: 'ENOSPC' });
      expect(fs.readdirSync(mnt)).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('checkBundleSize refuses an oversized bundle and names flags that would shrink it', async () => {
    const root = tmp();
    for (let i = 0; i < 4; i++) write(path.join(root, `l/app.log.${i}`), crypto.randomBytes(64 * 1024).toString('base64'), new Date(Date.UTC(2026, 10, 20 - i)));
    const r = await buildBundle(options({ paths: ['l'], output: 'b.zip' }), env(root));
    expect(checkBundleSize(r.zipSize, r.zipSize, r.manifest, Date.parse('2026-11-24T00:00:00Z')).ok).toBe(true);
    const c = checkBundleSize(r.zipSize, Math.floor(r.zipSize / 2), r.manifest, Date.parse('2026-11-24T00:00:00Z'));
    expect(c.ok).toBe(false);
    expect(c.suggestions.map((s) => s.flag)).toEqual(['--max-total', '--since']);
    expect(c.suggestions[1]!.value).toMatch(/^\d+[dh]$/);
  });
});

describe('zlib, internal and public paths', () => {
  /** Log-like text with some randomness, fed in blocks of the given sizes (some under the 32 KiB window). */
  function deflateIn(path: ZlibPath, input: Buffer, sizes: number[]): Buffer {
    const d = createDeflater(6, path);
    const out: Buffer[] = [];
    const keep = (b: Buffer) => out.push(Buffer.from(b));
    let at = 0;
    for (let i = 0; at < input.length; i++) {
      const n = sizes[i % sizes.length]!;
      d.push(input.subarray(at, at + n), keep);
      at += n;
    }
    d.end(keep);
    return Buffer.concat(out);
  }
  const lines: string[] = [];
  for (let i = 0; i < 15000; i++) lines.push(`2026-11-24 10:${String(i % 60).padStart(2, '0')} INFO [http-${i % 7}] req ${crypto.randomBytes(6).toString('hex')} ok\n`);
  const input = Buffer.from(lines.join(''));

  it('the start-up self-check passes on this Node: the internal path is used', () => {
    expect(zlibPath()).toBe('internal');
  });

  it('the self-check tells a deflater that differs from zlib.deflateRawSync from one that does not', () => {
    expect(deflatesLikeZlib(createDeflater(6, 'internal'))).toBe(true);
    // The public path's blocks end in sync flushes: valid, but not the same bytes.
    expect(deflatesLikeZlib(createDeflater(6, 'public'))).toBe(false);
  });

  it('the internal path drives one zlib stream: the output is byte for byte that of deflating the whole input at once', () => {
    const whole = zlib.deflateRawSync(input, { level: 6, memLevel: 9 });
    expect(deflateIn('internal', input, [1024 * 1024, 700, 65536, 1])).toEqual(whole);
  });

  it('the public path (blocks primed with the last 32 KiB) inflates back to the input at about the same size', () => {
    const out = deflateIn('public', input, [300 * 1024, 5000, 20000, 1, 128 * 1024]);
    expect(zlib.inflateRawSync(out).equals(input)).toBe(true);
    expect(out.length).toBeLessThan(zlib.deflateRawSync(input, { level: 6 }).length * 1.02);
  });

  it.each(['auto', 'public'] as const)('a bundle built with zlib: %s round-trips gzip logs, a corrupt gzip and a file of many blocks', async (mode) => {
    const root = tmp();
    jiraTree(root);
    const big = Buffer.from(lines.join('').repeat(3)); // ~3 MiB: several deflate blocks
    write(path.join(root, 'var/atlassian/application-data/jira/log/big.log'), big, new Date('2026-11-23T09:00:00Z'));
    const members = Buffer.concat([zlib.gzipSync('first member\n'), zlib.gzipSync(big)]);
    write(path.join(root, 'var/atlassian/application-data/jira/log/two.log.3.gz'), members, new Date('2026-11-23T09:00:00Z'));
    const r = await buildBundle(options({ output: path.join(root, 'b.zip') }), env(root, { zlib: mode }));
    const raw = readZipRaw(r.output);
    const zip = readZip(r.output);
    expect(zip.get('jira/home/log/big.log')!.equals(big)).toBe(true);
    expect(zip.get('jira/home/log/two.log.3')!.equals(Buffer.concat([Buffer.from('first member\n'), big]))).toBe(true);
    expect(zip.get('jira/home/log/atlassian-jira.log.2')!.toString()).toBe('rotated token=[REDACTED:token] x\n');
    expect(r.manifest.skipped.find((s) => s.source.endsWith('broken.log.gz'))?.reason).toBe('corrupt-gzip');
    // Only the internal path gives the bytes of deflating the whole file at once.
    const whole = zlib.deflateRawSync(big, { level: 6, memLevel: 9 });
    expect(raw.get('jira/home/log/big.log')!.data.equals(whole)).toBe(mode === 'auto');
  });
});

describe('support bundle (CLI)', () => {
  it('writes the zip path on stdout and a summary on stderr', async () => {
    const root = tmp();
    write(path.join(root, 'l/a.log'), 'x password=abc\n');
    const r = await runCli(['bundle', '--path', 'l', '--output', 'b.zip'], { cwd: root, env: { SUPPORT_BUNDLE_ROOT: root } });
    expect(r.stderr).toContain('password 1');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(path.join(root, 'b.zip') + '\n');
  });

  it('--dry-run --json lists files with an estimate and writes nothing', async () => {
    const root = tmp();
    write(path.join(root, 'l/a.log'), 'hello\n'.repeat(1000));
    const r = await runCli(['bundle', '--path', 'l', '--dry-run', '--json', '--output', 'b.zip'], { cwd: root, env: { SUPPORT_BUNDLE_ROOT: root } });
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as { files: { entry: string; size: number }[]; estimatedZipBytes: number };
    expect(doc.files).toEqual([expect.objectContaining({ size: 6000 })]);
    expect(doc.estimatedZipBytes).toBeGreaterThan(0);
    expect(doc.estimatedZipBytes).toBeLessThan(6000);
    expect(fs.existsSync(path.join(root, 'b.zip'))).toBe(false);
  });

  it.each([
    [['--since', 'soon'], '--since "soon" is not a duration'],
    [['--max-file-size', 'big'], '--max-file-size "big" is not a size'],
    [['--level', '12'], '--level "12"'],
    [['--product', 'jora'], 'Unknown product "jora"'],
    [['--obfuscate', 'names'], '--obfuscate "names"'],
    [[], 'Nothing to collect'],
  ])('%j is a usage error (exit 2)', async (args, message) => {
    const root = tmp();
    const r = await runCli(['bundle', ...args], { cwd: root, env: { SUPPORT_BUNDLE_ROOT: root } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});
