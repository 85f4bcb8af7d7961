/**
 * The release artifacts of `npm run dist` (release/), run the way a server without Node runs them:
 * under `env -i` with a PATH that has every tool of /usr/bin and /bin except node, npm and npx.
 * The portable tarball and the single-file executable each print their version, Japanese help,
 * file a request on their own sandbox, list and view it, and build a bundle on worker threads whose
 * zip passes `unzip -t`. The .deb installs with dpkg (in CI, as root), the rpm lists its files, the
 * arm64 tarball holds an arm64 Node, and sha256sums.txt checks every file. Neither has its Node
 * parse NODE_EXTRA_CA_CERTS as it starts, yet an https portal signed by that CA is trusted.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTool, need } from './support/needs.js';

const REPO = path.resolve(import.meta.dirname, '..');
const RELEASE = path.join(REPO, 'release');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const TARBALL = path.join(RELEASE, `support-${VERSION}-linux-x64.tar.xz`);
const SEA = path.join(RELEASE, `support-${VERSION}-linux-x64`);
const ARM64 = path.join(RELEASE, `support-${VERSION}-linux-arm64.tar.xz`);
const DEB = path.join(RELEASE, `support_${VERSION}_amd64.deb`);
const RPM = path.join(RELEASE, `support-${VERSION}-1.x86_64.rpm`);
const NPM = path.join(RELEASE, `support-${VERSION}.tgz`);
const built = process.arch === 'x64' && fs.existsSync(path.join(RELEASE, 'sha256sums.txt'));
const WHAT = 'the release build (npm run dist) on linux-x64';

let tmp: string;
/** A folder with a link to every tool of /usr/bin and /bin but node's. */
let noNodeBin: string;
let unpacked: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'support-dist-'));
  noNodeBin = path.join(tmp, 'bin');
  fs.mkdirSync(noNodeBin);
  for (const dir of ['/usr/bin', '/bin']) {
    for (const name of fs.readdirSync(dir)) {
      if (['node', 'nodejs', 'npm', 'npx', 'corepack'].includes(name) || fs.existsSync(path.join(noNodeBin, name))) continue;
      fs.symlinkSync(path.join(dir, name), path.join(noNodeBin, name));
    }
  }
  if (built) {
    unpacked = path.join(tmp, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['-xJf', TARBALL, '-C', unpacked]);
  }
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `exe args` under `env -i` with only `env` and the node-less PATH. */
function bare(exe: string, args: readonly string[], env: Record<string, string> = {}): Run {
  const vars = Object.entries({ PATH: noNodeBin, ...env }).map(([k, v]) => `${k}=${v}`);
  const r = spawnSync('/usr/bin/env', ['-i', ...vars, exe, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** {@link bare}, without blocking this process (for a server that runs in it). */
function bareAsync(exe: string, args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  const vars = Object.entries({ PATH: noNodeBin, ...env }).map(([k, v]) => `${k}=${v}`);
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/env', ['-i', ...vars, exe, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** An https portal on 127.0.0.1 whose certificate a private CA (made here with openssl) signed. */
async function privateCaPortal(dir: string): Promise<{ url: string; ca: string; close: () => Promise<void> }> {
  const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Dist Test CA']);
  sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
  fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
  sh(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
  const server = https.createServer({ key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) }, (req, res) => {
    if (req.url === '/rest/api/2/myself') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ accountId: 'a-1', displayName: 'Dist Admin' }));
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: path.join(dir, 'ca.pem'),
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `r`, once it exited 0 (else the test fails showing its stderr). */
function ok(r: Run): Run {
  expect(r.status, r.stderr).toBe(0);
  return r;
}

it('the PATH of these tests has no node', () => {
  expect(bare('/bin/sh', ['-c', 'command -v node || echo none']).stdout.trim()).toBe('none');
});

describe.each([
  ['the portable tarball', () => path.join(unpacked, `support-${VERSION}-linux-x64`, 'bin', 'support')],
  ['the single-file executable', () => SEA],
])('%s, with no node on the PATH', (_name, exePath) => {
  let home: string;
  let env: Record<string, string>;
  beforeAll(() => {
    home = fs.mkdtempSync(path.join(tmp, 'home-'));
    env = { HOME: home, SUPPORT_CONFIG_DIR: path.join(home, 'config'), SUPPORT_DATA_DIR: path.join(home, 'data') };
  });

  it('prints its version, also when NODE_OPTIONS would stop a Node', (ctx) => {
    need(ctx, built, WHAT);
    expect(ok(bare(exePath(), ['--version'], env)).stdout).toBe(`${VERSION}\n`);
    const hostile = { ...env, NODE_OPTIONS: '--require /nonexistent/preload.js --no-such-flag' };
    expect(ok(bare(exePath(), ['--version'], hostile)).stdout).toBe(`${VERSION}\n`);
  });

  it('does not have its Node parse NODE_EXTRA_CA_CERTS as it starts, yet trusts an https portal signed by that CA', async (ctx) => {
    need(ctx, built, WHAT);
    need(ctx, hasTool('openssl', ['version']), 'openssl');
    // The control: Node 20 reads the file as it starts, and says so when it cannot.
    const control = spawnSync(process.execPath, ['-e', '0'], { env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' }, encoding: 'utf8' });
    expect(control.stderr).toContain('Ignoring extra certs');
    expect(ok(bare(exePath(), ['--version'], { ...env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' })).stderr).toBe('');
    const dir = fs.mkdtempSync(path.join(home, 'tls-'));
    const portal = await privateCaPortal(dir);
    try {
      const who = { ...env, SUPPORT_PORTAL: portal.url, SUPPORT_TOKEN: 'dist-token-1234', SUPPORT_KEYRING: 'off' };
      const trusted = await bareAsync(exePath(), ['whoami', '--json'], { ...who, NODE_EXTRA_CA_CERTS: portal.ca });
      expect(trusted.status, trusted.stderr).toBe(0);
      expect(JSON.parse(trusted.stdout)).toMatchObject({ account: { displayName: 'Dist Admin' } });
      const refused = await bareAsync(exePath(), ['whoami'], who);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('NODE_EXTRA_CA_CERTS');
    } finally {
      await portal.close();
    }
  });

  it('starts through a symbolic link and by a relative path too (the tarball finds lib/ beside its bin/)', (ctx) => {
    need(ctx, built, WHAT);
    const exe = exePath();
    const link = path.join(home, 'links', 'support');
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.rmSync(link, { force: true });
    fs.symlinkSync(exe, link);
    expect(ok(bare(link, ['--version'], env)).stdout).toBe(`${VERSION}\n`);
    const relative = spawnSync('/usr/bin/env', ['-i', `PATH=${noNodeBin}`, `HOME=${home}`, `./${path.basename(exe)}`, '--version'], { cwd: path.dirname(exe), encoding: 'utf8' });
    expect(relative.status, relative.stderr).toBe(0);
    expect(relative.stdout).toBe(`${VERSION}\n`);
  });

  it('prints its help in Japanese', (ctx) => {
    need(ctx, built, WHAT);
    const out = ok(bare(exePath(), ['--lang', 'ja', '--help'], env)).stdout;
    expect(out).toContain('使い方: support');
    expect(out).toContain('create');
  });

  it('files a request on its own sandbox, then lists and views it', (ctx) => {
    need(ctx, built, WHAT);
    const summary = `dist proof ${path.basename(home)}`;
    const created = ok(
      bare(
        exePath(),
        ['--portal', 'sandbox', 'create', '--no-input', '--type', 'account', '--details', 'Please merge my two accounts.', '--field', 'customfield_10020=Other', '--summary', summary, '--json'],
        env,
      ),
    );
    const key = (JSON.parse(created.stdout) as { key: string }).key;
    expect(key).toMatch(/^[A-Z]+-\d+$/);
    const list = JSON.parse(ok(bare(exePath(), ['--portal', 'sandbox', 'list', '--json'], env)).stdout) as { key: string }[];
    expect(list.map((r) => r.key)).toContain(key);
    const view = JSON.parse(ok(bare(exePath(), ['--portal', 'sandbox', 'view', key, '--json'], env)).stdout) as { key: string; summary: string };
    expect(view).toMatchObject({ key, summary });
  });

  it('builds a bundle on worker threads, and the zip passes unzip -t', (ctx) => {
    need(ctx, built, WHAT);
    need(ctx, hasTool('unzip'), 'unzip');
    const corpus = path.join(home, 'logs');
    fs.mkdirSync(corpus, { recursive: true });
    const line = 'INFO 2026-11-30 request served in 12 ms for user alice@example.com password=hunter2\n';
    for (let i = 0; i < 12; i++) fs.writeFileSync(path.join(corpus, `app-${i}.log`), line.repeat(4000));
    const zip = path.join(home, 'bundle.zip');
    const r = ok(bare(exePath(), ['--debug', 'bundle', '--path', corpus, '--output', zip, '--no-input'], { ...env, SUPPORT_BUNDLE_THREADS: '3' }));
    const threads = Number(/bundle built on (\d+) worker thread/.exec(r.stderr)?.[1]);
    expect(threads, r.stderr).toBeGreaterThan(1);
    const test = spawnSync('unzip', ['-t', zip], { encoding: 'utf8' });
    expect(test.stdout).toContain('No errors detected');
    expect(execFileSync('unzip', ['-p', zip], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 })).not.toContain('hunter2');
  });
});

describe('the packages', () => {
  it('the tarballs stay under 30 MiB and sha256sums.txt checks every artifact', (ctx) => {
    need(ctx, built, WHAT);
    for (const t of [TARBALL, ARM64]) expect(fs.statSync(t).size).toBeLessThan(30 * 1024 ** 2);
    const sums = fs.readFileSync(path.join(RELEASE, 'sha256sums.txt'), 'utf8');
    for (const f of [TARBALL, ARM64, SEA, DEB, RPM, NPM]) expect(sums).toContain(`  ${path.basename(f)}\n`);
    expect(execFileSync('sha256sum', ['-c', 'sha256sums.txt'], { cwd: RELEASE, encoding: 'utf8' })).not.toMatch(/FAILED/);
  });

  it('the arm64 tarball has the same layout and an arm64 Node', (ctx) => {
    need(ctx, built, WHAT);
    const top = `support-${VERSION}-linux-arm64`;
    const names = execFileSync('tar', ['-tJf', ARM64], { encoding: 'utf8' }).split('\n');
    for (const f of ['bin/support', 'lib/node', 'lib/app/main.js', 'lib/app/worker.js', 'share/bash-completion/completions/support']) {
      expect(names).toContain(`${top}/${f}`);
    }
    const head = execFileSync('/bin/sh', ['-c', `tar -xJOf "$1" "$2" | head -c 20`, 'sh', ARM64, `${top}/lib/node`]);
    expect(head.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(head.readUInt16LE(18)).toBe(183); // EM_AARCH64
  });

  it('the .deb holds /opt/support, the /usr/bin link and the completion; dpkg installs it and support runs', (ctx) => {
    need(ctx, built, WHAT);
    const list = execFileSync('dpkg-deb', ['-c', DEB], { encoding: 'utf8' });
    expect(list).toMatch(/\.\/usr\/bin\/support -> \/opt\/support\/bin\/support/);
    expect(list).toContain('./opt/support/lib/node');
    expect(list).toContain('./usr/share/bash-completion/completions/support');
    // Installing changes the machine: done in CI (root, a throwaway container) only.
    need(ctx, process.env.CI === 'true' && process.getuid?.() === 0, 'CI as root to install the .deb with dpkg -i');
    execFileSync('dpkg', ['-i', DEB], { stdio: 'pipe' });
    try {
      expect(ok(bare('/usr/bin/support', ['--version'], { HOME: tmp })).stdout).toBe(`${VERSION}\n`);
    } finally {
      execFileSync('dpkg', ['-r', 'support'], { stdio: 'pipe' });
    }
  });

  it('the rpm lists the same tree (rpm -qpl)', (ctx) => {
    need(ctx, built, WHAT);
    need(ctx, hasTool('rpm', ['--version']), 'rpm');
    const files = execFileSync('rpm', ['-qpl', RPM], { encoding: 'utf8' }).split('\n');
    for (const f of ['/usr/bin/support', '/opt/support/bin/support', '/opt/support/lib/node', '/opt/support/lib/app/worker.js', '/usr/share/bash-completion/completions/support']) {
      expect(files).toContain(f);
    }
  });

  it('the npm tarball carries the bundled CLI and needs no dependency', (ctx) => {
    need(ctx, built, WHAT);
    const dir = fs.mkdtempSync(path.join(tmp, 'npm-'));
    execFileSync('tar', ['-xzf', NPM, '-C', dir]);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package', 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies).toBeUndefined();
    const r = spawnSync(process.execPath, [path.join(dir, 'package', 'bin', 'support.js'), '--version'], { encoding: 'utf8', env: { HOME: dir } });
    expect(r.stdout).toBe(`${VERSION}\n`);
  });
});
