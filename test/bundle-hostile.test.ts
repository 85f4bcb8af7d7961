/**
 * The built CLI against trees an adversary could plant: secrets in every shape, symbolic links out
 * of the collected folders, loops, FIFOs, devices, names that are not UTF-8 or hold a newline.
 * Every zip must pass `unzip -t`; secretlint (an independent oracle) must find nothing in the
 * unzipped bundle that it flags in the original tree.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../src/bundle/index.js';
import { tempDir } from './support/harness.js';
import { allText, secretlintFindings } from './support/oracle.js';
import { SHAPES, writePlantedTree } from './support/planted.js';

const repo = path.join(import.meta.dirname, '..');
const bin = path.join(repo, 'bin/support.js');

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmp(): string {
  const d = tempDir('support-hostile-');
  dirs.push(d);
  return d;
}

beforeAll(() => {
  // The suite runs `npm run build` first; a focused run must build too.
  expect(fs.existsSync(path.join(repo, 'dist/main.js')), 'run `npm run build` first').toBe(true);
  expect(spawnSync('unzip', ['-v']).status, 'unzip is needed to check every zip').toBe(0);
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI's `bundle` in `cwd` with a private config folder. */
function bundle(cwd: string, args: string[], timeout = 60_000): Run {
  const r = spawnSync(process.execPath, [bin, 'bundle', ...args], {
    cwd,
    env: { PATH: process.env.PATH, HOME: cwd, SUPPORT_CONFIG_DIR: path.join(cwd, '.config'), LANG: 'C' },
    timeout,
    encoding: 'utf8',
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** `unzip -t`, then the zip's files extracted into a fresh folder, and its manifest. */
function unpack(zip: string): { dir: string; manifest: Manifest; names: string[] } {
  expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected');
  const dir = tmp();
  execFileSync('unzip', ['-q', '-o', zip, '-d', dir]);
  const names = execFileSync('unzip', ['-Z1', zip]).toString('latin1').split('\n').filter(Boolean);
  return { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest, names };
}

/** What secretlint flags under `dir`: the flagged text of each finding. */
const flagged = (dir: string): string[] => secretlintFindings(dir, tmp());

describe('a planted tree through the built CLI', () => {
  it('masks every shape, keeps every key, passes the benign corpus byte for byte, and leaves secretlint nothing it found before', () => {
    const root = tmp();
    const tree = writePlantedTree(path.join(root, 'srv'));
    const r = bundle(root, ['--home', tree.home, '--install', tree.install, '--path', tree.extra, '--output', 'out.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const zip = path.join(root, 'out.zip');
    expect(fs.statSync(zip).mode & 0o777).toBe(0o600);
    const { dir, manifest } = unpack(zip);
    const text = allText(dir);
    const entryOf = (file: string) => manifest.files.find((f) => f.source === path.join(tree.root, file));

    for (const s of SHAPES) {
      for (const secret of s.secrets) {
        expect(text, `${s.id}: ${JSON.stringify(secret)} survived`).not.toContain(secret);
        expect(text, `${s.id}: ${JSON.stringify(secret)} survived as UTF-16`).not.toContain(Buffer.from(secret, 'utf16le').toString('latin1'));
      }
      const e = entryOf(s.file);
      expect(e, `${s.id}: ${s.file} is in the bundle`).toBeDefined();
      const content = fs.readFileSync(path.join(dir, e!.entry), 'utf8');
      for (const k of s.keep) expect(content, `${s.id}: ${JSON.stringify(k)} was lost`).toContain(k);
    }

    for (const enc of tree.encoded) {
      expect(text, `${enc.id}: its secret survived`).not.toContain(enc.secret);
      expect(text).not.toContain(Buffer.from(enc.secret, 'utf16le').toString('latin1'));
      const e = entryOf(enc.file);
      const left = manifest.skipped.find((s) => s.source === path.join(tree.root, enc.file));
      if (enc.id === 'gzip' || enc.id === 'utf-16') expect(e, `${enc.id} is decoded and redacted`).toBeDefined();
      expect(e !== undefined || left !== undefined, `${enc.id}: neither in the bundle nor recorded as left out`).toBe(true);
      if (e) {
        const content = fs.readFileSync(path.join(dir, e.entry), 'utf8');
        expect(content).toContain('-Ddb.password=[REDACTED:password]');
        expect(e.notes?.length, `${enc.id}: the manifest says how it was read`).toBeGreaterThan(0);
      } else expect(left!.reason).toMatch(/compress|archive/);
    }

    const benign = entryOf(tree.benign)!;
    expect(fs.readFileSync(path.join(dir, benign.entry)).equals(tree.files.get(tree.benign)!)).toBe(true);
    expect(benign.redactions).toEqual({});

    const before = flagged(tree.root);
    expect(before.length, 'the oracle finds the planted secrets in the original').toBeGreaterThanOrEqual(8);
    const after = new Set(flagged(dir));
    expect(before.filter((f) => after.has(f))).toEqual([]);
  }, 120_000);
});

describe('hostile trees through the built CLI', () => {
  function hostileTree(): { root: string; home: string; outside: string; logs: string } {
    const root = tmp();
    const home = path.join(root, 'jira-home');
    const logs = path.join(home, 'log');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(logs, { recursive: true });
    fs.mkdirSync(path.join(outside, 'etc'), { recursive: true });
    fs.writeFileSync(path.join(home, 'dbconfig.xml'), '<jira-database-config><password>ZqHostileDbPw</password></jira-database-config>\n');
    fs.writeFileSync(path.join(logs, 'atlassian-jira.log'), 'INFO started\n');
    fs.writeFileSync(path.join(outside, 'shadow'), 'root:$6$ZqShadowHash:19000:0:99999:7:::\n');
    fs.writeFileSync(path.join(outside, 'etc', 'passwd'), 'root:x:0:0:ZqOutsideFolder:/root:/bin/bash\n');
    fs.symlinkSync(path.join(outside, 'shadow'), path.join(logs, 'atlassian-jira.log.9'));
    fs.symlinkSync(path.join(outside, 'etc'), path.join(logs, 'etc'));
    fs.symlinkSync('/', path.join(logs, 'rootfs'));
    fs.symlinkSync('.', path.join(logs, 'loop'));
    fs.symlinkSync('b', path.join(logs, 'a'));
    fs.symlinkSync('a', path.join(logs, 'b'));
    fs.symlinkSync('/dev/zero', path.join(logs, 'zero.log'));
    fs.symlinkSync('/proc/self/environ', path.join(logs, 'environ.log'));
    fs.symlinkSync('atlassian-jira.log', path.join(logs, 'current.log'));
    expect(spawnSync('mkfifo', [path.join(logs, 'pipe.log')]).status).toBe(0);
    fs.writeFileSync(Buffer.concat([Buffer.from(logs + '/caf'), Buffer.from([0xe9]), Buffer.from('.log')]), 'password=ZqLatin1NamePw\n');
    fs.writeFileSync(path.join(logs, 'two\nlines.log'), 'INFO a name with a newline\n');
    return { root, home, outside, logs };
  }

  it('follows no link out of the collected folders, refuses devices, FIFOs and /proc, and records each', () => {
    const t = hostileTree();
    const started = Date.now();
    const r = bundle(t.root, ['--home', t.home, '--output', 'out.zip', '--json'], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const { dir, manifest, names } = unpack(path.join(t.root, 'out.zip'));
    const text = allText(dir);
    expect(text).not.toContain('ZqShadowHash');
    expect(text).not.toContain('ZqOutsideFolder');
    expect(text).not.toContain('ZqHostileDbPw');
    expect(text).not.toContain('ZqLatin1NamePw');
    const skipped = (name: string) => manifest.skipped.find((s) => s.source === path.join(t.logs, name));
    for (const name of ['atlassian-jira.log.9', 'etc', 'rootfs', 'zero.log', 'environ.log']) {
      const s = skipped(name);
      expect(s, `${name} is recorded as skipped`).toBeDefined();
      expect(s!.reason).toBe('symlink-outside');
      expect(s!.detail, `${name}: the manifest names the link's target`).toBeTruthy();
    }
    expect(skipped('atlassian-jira.log.9')!.detail).toContain(path.join(t.outside, 'shadow'));
    expect(skipped('pipe.log')?.reason).toBe('not-a-file');
    expect(manifest.skipped.some((s) => s.reason === 'symlink-loop')).toBe(true);
    expect(manifest.skipped.filter((s) => s.reason === 'vanished')).toEqual([]);
    // A link inside the collected folders is followed, and its file bundled once.
    expect(names.filter((n) => n.endsWith('atlassian-jira.log') || n.endsWith('current.log'))).toHaveLength(1);
    // A name that is not UTF-8 is kept under a lossless escaped name; a newline in a name is escaped and recorded.
    expect(names).toContain('jira/home/log/caf%E9.log');
    expect(names).toContain('jira/home/log/two%0Alines.log');
    const odd = manifest.files.find((f) => f.entry === 'jira/home/log/two%0Alines.log');
    expect(odd?.notes).toContain('name-escaped');
    expect(odd?.source).toBe(path.join(t.logs, 'two\nlines.log'));
    expect(fs.readFileSync(path.join(dir, 'jira/home/log/caf%E9.log'), 'utf8')).toBe('password=[REDACTED:password]\n');
  }, 60_000);

  it('a dry run next to a link to / ends at once, walking nothing outside', () => {
    const t = hostileTree();
    const started = Date.now();
    const r = bundle(t.root, ['--home', t.home, '--dry-run', '--json'], 30_000);
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(20_000);
    const doc = JSON.parse(r.stdout) as { files: { source: string }[] };
    for (const f of doc.files) expect(f.source.startsWith(t.home), f.source).toBe(true);
  }, 60_000);

  it('--follow-links follows a link outside, yet still refuses devices, FIFOs and /proc', () => {
    const t = hostileTree();
    fs.unlinkSync(path.join(t.logs, 'rootfs'));
    const r = bundle(t.root, ['--home', t.home, '--follow-links', '--output', 'out.zip', '--json'], 30_000);
    expect(r.code, r.stderr).toBe(0);
    const { dir, manifest } = unpack(path.join(t.root, 'out.zip'));
    const text = allText(dir);
    expect(text).toContain('ZqShadowHash');
    expect(text).toContain('ZqOutsideFolder');
    const skipped = (name: string) => manifest.skipped.find((s) => s.source === path.join(t.logs, name));
    for (const name of ['zero.log', 'environ.log']) {
      expect(skipped(name)?.reason, name).toBe('symlink-outside');
      expect(skipped(name)?.detail, name).toContain('system folder');
    }
    expect(skipped('pipe.log')?.reason).toBe('not-a-file');
  }, 60_000);

  it('--obfuscate hosts,ips masks host names in entry names and manifest paths; IPs become documentation addresses', () => {
    const root = tmp();
    const home = path.join(root, 'jira-home');
    const node = path.join(home, 'log', 'jira-node-1.corp.example.com');
    fs.mkdirSync(node, { recursive: true });
    fs.writeFileSync(path.join(home, 'dbconfig.xml'), '<jira-database-config/>\n');
    fs.writeFileSync(path.join(node, 'atlassian-jira.log'), 'INFO connect to db1.corp.example.com at 10.1.2.3 and 172.16.5.4\n');
    const r = bundle(root, ['--home', home, '--obfuscate', 'hosts,ips', '--output', 'out.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { dir, names } = unpack(path.join(root, 'out.zip'));
    expect(names.join('\n')).not.toContain('corp.example.com');
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).not.toContain('corp.example.com');
    const log = names.find((n) => n.endsWith('atlassian-jira.log'))!;
    const line = fs.readFileSync(path.join(dir, log), 'utf8');
    const ips = line.match(/\d+\.\d+\.\d+\.\d+/g)!;
    expect(ips).toHaveLength(2);
    for (const ip of ips) expect(ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d+$/);
    const map = fs.readdirSync(root).find((f) => f.endsWith('.obfuscation-map.json'))!;
    expect(fs.statSync(path.join(root, map)).mode & 0o777).toBe(0o600);
  }, 60_000);

  it('walks into folders whose names are not UTF-8 and keeps their files under lossless escaped names', () => {
    const root = tmp();
    const home = path.join(root, 'jira-home');
    const logs = path.join(home, 'log');
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(path.join(home, 'dbconfig.xml'), '<jira-database-config/>\n');
    // log/node\xff/ holds a log and a UTF-8 subfolder with one more; log/50%\xe9/ a name with `%` in it.
    const odd = Buffer.concat([Buffer.from(logs + '/node'), Buffer.from([0xff])]);
    fs.mkdirSync(odd);
    fs.writeFileSync(Buffer.concat([odd, Buffer.from('/atlassian-jira.log')]), 'password=ZqOddFolderPw\n');
    fs.mkdirSync(Buffer.concat([odd, Buffer.from('/old')]));
    fs.writeFileSync(Buffer.concat([odd, Buffer.from('/old/atlassian-jira.log.1')]), 'INFO kept\n');
    const pct = Buffer.concat([Buffer.from(logs + '/50%'), Buffer.from([0xe9])]);
    fs.mkdirSync(pct);
    fs.writeFileSync(Buffer.concat([pct, Buffer.from('/caf'), Buffer.from([0xe9]), Buffer.from('.log')]), 'INFO percent\n');
    const r = bundle(root, ['--home', home, '--output', 'out.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { dir, manifest, names } = unpack(path.join(root, 'out.zip'));
    expect(names).toContain('jira/home/log/node%FF/atlassian-jira.log');
    expect(names).toContain('jira/home/log/node%FF/old/atlassian-jira.log.1');
    expect(names).toContain('jira/home/log/50%25%E9/caf%E9.log');
    expect(manifest.skipped).toEqual([]);
    expect(fs.readFileSync(path.join(dir, 'jira/home/log/node%FF/atlassian-jira.log'), 'utf8')).toBe('password=[REDACTED:password]\n');
    expect(fs.readFileSync(path.join(dir, 'jira/home/log/node%FF/old/atlassian-jira.log.1'), 'utf8')).toBe('INFO kept\n');
    const f = manifest.files.find((x) => x.entry === 'jira/home/log/node%FF/old/atlassian-jira.log.1');
    expect(f?.notes).toContain('name-escaped');
    expect(f?.source).toBe(path.join(logs, 'node%FF/old/atlassian-jira.log.1'));
  }, 60_000);

  it('--obfuscate hosts hides host names joined into file names by -, _ or . (entries and manifest)', () => {
    const root = tmp();
    const home = path.join(root, 'jira-home');
    const logs = path.join(home, 'log');
    fs.mkdirSync(path.join(logs, 'jira-node1.example.com'), { recursive: true });
    fs.writeFileSync(path.join(home, 'dbconfig.xml'), '<jira-database-config/>\n');
    fs.writeFileSync(path.join(logs, 'jira-node1.example.com', 'atlassian-jira.log'), 'INFO a\n');
    fs.writeFileSync(path.join(logs, 'atlassian-jira-gc-jira-node1.example.com.log'), 'INFO b\n');
    fs.writeFileSync(path.join(logs, 'support_jira-node1_2026.log'), 'INFO c\n');
    const r = bundle(root, ['--home', home, '--obfuscate', 'hosts', '--output', 'out.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { dir, names } = unpack(path.join(root, 'out.zip'));
    expect(names.filter((n) => n.endsWith('.log'))).toHaveLength(3);
    expect(names.join('\n')).not.toContain('node1');
    expect(names.some((n) => /atlassian-jira-gc-host-[0-9a-f]{8}\.example\.log$/.test(n)), names.join(' ')).toBe(true);
    expect(names.some((n) => /support_host-[0-9a-f]{8}_2026\.log$/.test(n)), names.join(' ')).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')).not.toContain('node1');
  }, 60_000);
});
