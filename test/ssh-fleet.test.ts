/**
 * `support bundle --ssh HOST,HOST` against a real OpenSSH server on 127.0.0.1, started here with a
 * configuration, host key, user key and known_hosts made for the test in a temp folder (the
 * machine's own keys and sshd configuration are never read or changed). Two "hosts" are two ports
 * of that server, named by a temp ssh_config (SUPPORT_SSH_CONFIG); each runs the built CLI's
 * `support bundle --output -`, and both zips are merged into one redacted bundle.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MergedManifest } from '../src/bundle/index.js';
import { systemClock } from '../src/lib/clock.js';
import { runCli, tempDir } from './support/harness.js';
import { hasTool, isBuilt, need } from './support/needs.js';

const repo = path.join(import.meta.dirname, '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(repo, 'package.json'), 'utf8')) as { version: string }).version;
const SSHD = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/usr/bin/sshd'].find((p) => fs.existsSync(p));
const onPath = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' }).status === 0;
const usable = SSHD !== undefined && hasTool('ssh', ['-V']) && onPath('ssh-keygen') && isBuilt();

let work: string;
let sshd: ChildProcess | undefined;
let ports: number[] = [];
let sshConfig: string;
let planted: string;
let started = '';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function waitForPort(port: number, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((r) => {
      const c = net.connect(port, '127.0.0.1', () => {
        c.end();
        r(true);
      });
      c.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`sshd did not listen on ${port}: ${started}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  if (!usable) return;
  work = tempDir('support-ssh-');
  const k = (n: string) => path.join(work, n);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-host', '-f', k('host_ed25519')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-user', '-f', k('id_ed25519')]);
  fs.copyFileSync(k('id_ed25519.pub'), k('authorized_keys'));
  ports = [await freePort(), await freePort()];
  const user = os.userInfo().username;
  fs.writeFileSync(
    k('sshd_config'),
    [
      ...ports.map((p) => `Port ${p}`),
      'ListenAddress 127.0.0.1',
      `HostKey ${k('host_ed25519')}`,
      `AuthorizedKeysFile ${k('authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      `PidFile ${k('sshd.pid')}`,
      `AllowUsers ${user}`,
      '',
    ].join('\n'),
  );
  const hostPub = fs.readFileSync(k('host_ed25519.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
  fs.writeFileSync(k('known_hosts'), ports.map((p) => `[127.0.0.1]:${p} ${hostPub}\n`).join(''));
  const hostBlock = (name: string, port: number) =>
    [
      `Host ${name}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${k('id_ed25519')}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${k('known_hosts')}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking yes',
      '',
    ].join('\n');
  sshConfig = k('ssh_config');
  const closed = await freePort();
  fs.writeFileSync(sshConfig, hostBlock('alpha', ports[0]!) + hostBlock('beta', ports[1]!) + hostBlock('gamma', closed));
  // sshd run by root needs its privilege separation folder (an empty system folder, not a key or a configuration).
  if (process.getuid?.() === 0 && !fs.existsSync('/run/sshd')) fs.mkdirSync('/run/sshd', { mode: 0o755 });
  sshd = spawn(SSHD!, ['-D', '-e', '-f', k('sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  sshd.stderr!.on('data', (c: Buffer) => (started += c.toString()));
  for (const p of ports) await waitForPort(p);
  planted = k('logs');
  fs.mkdirSync(planted);
  fs.writeFileSync(path.join(planted, 'app.log'), '2026-11-30 INFO start\n2026-11-30 DEBUG jdbc:postgresql://db/jira?user=jira&password=ZqSshPlanted42\n');
}, 60_000);

afterAll(() => {
  sshd?.kill('SIGTERM');
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string | undefined> {
  return {
    PATH: process.env.PATH,
    SUPPORT_SSH_CONFIG: sshConfig,
    // The "hosts" run this checkout's built CLI, with a config folder of their own.
    SUPPORT_SSH_REMOTE: `env SUPPORT_CONFIG_DIR=${path.join(work, 'remote-config')} ${process.execPath} ${path.join(repo, 'bin/support.js')}`,
    ...extra,
  };
}

describe('support bundle --ssh against sshd on 127.0.0.1', () => {
  it('two hosts (two ports) merged into one bundle, one unreachable host recorded; the planted secret masked', async (ctx) => {
    need(ctx, usable, 'sshd, ssh and ssh-keygen (openssh-server, openssh-client) and the build');
    need(ctx, hasTool('unzip'), 'unzip');
    const cwd = tempDir('support-ssh-out-');
    const r = await runCli(['bundle', '--ssh', 'alpha,beta,gamma', '--path', planted, '--parallel', '2', '--output', 'fleet.zip', '--json'], {
      env: env(),
      clock: systemClock,
      cwd,
    });
    expect(r.code, `${r.stderr}\n${started}`).toBe(0);
    const out = JSON.parse(r.stdout) as { nodes: { id: string; state: string; entries: number; why?: string }[] };
    expect(out.nodes.map((n) => [n.id, n.state])).toEqual([
      ['alpha', 'ok'],
      ['beta', 'ok'],
      ['gamma', 'failed'],
    ]);
    expect(out.nodes[2]!.why).toMatch(/refused|closed|connect/i);
    expect(r.stderr).toMatch(/alpha\s+\d+%/);
    const zip = path.join(cwd, 'fleet.zip');
    expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected');
    const names = execFileSync('unzip', ['-Z1', zip]).toString().split('\n').filter(Boolean);
    for (const h of ['alpha', 'beta']) {
      expect(names.some((n) => n.startsWith(`nodes/${h}/files/`) && n.endsWith('app.log')), names.join('\n')).toBe(true);
      expect(names).toContain(`nodes/${h}/manifest.json`);
    }
    const dir = tempDir('support-ssh-unz-');
    execFileSync('unzip', ['-q', zip, '-d', dir]);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as MergedManifest;
    expect(manifest.collection).toMatchObject({ route: 'ssh', hosts: ['alpha', 'beta', 'gamma'] });
    expect(manifest.nodes.find((n) => n.id === 'gamma')).toMatchObject({ state: 'failed', entries: 0 });
    const log = fs.readFileSync(path.join(dir, names.find((n) => n.startsWith('nodes/alpha/files/') && n.endsWith('app.log'))!), 'utf8');
    expect(log).toContain('2026-11-30 INFO start');
    expect(log).not.toContain('ZqSshPlanted42');
    expect(fs.readdirSync(cwd)).toEqual(['fleet.zip']);
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('--ssh-copy from the single-file executable: the host runs the copy (no support installed there), which is removed after', async (ctx) => {
    need(ctx, usable, 'sshd, ssh and ssh-keygen (openssh-server, openssh-client) and the build');
    need(ctx, hasTool('unzip'), 'unzip');
    const sea = path.join(repo, 'release', `support-${VERSION}-linux-x64`);
    need(ctx, process.arch === 'x64' && fs.existsSync(sea), 'the single-file executable of the release build (npm run dist)');
    const cwd = tempDir('support-ssh-out-');
    // The copies land in mktemp -d folders of the "host" (this machine's $TMPDIR or /tmp).
    const tmpRoot = process.env.TMPDIR || '/tmp';
    const copies = () => fs.readdirSync(tmpRoot).filter((d) => /^tmp\./.test(d) && fs.existsSync(path.join(tmpRoot, d, 'support')));
    const before = copies();
    const env = { PATH: '/usr/bin:/bin', HOME: work, SUPPORT_SSH_CONFIG: sshConfig, SUPPORT_CONFIG_DIR: path.join(work, 'sea-config') };
    const r = spawnSync(sea, ['bundle', '--ssh', 'alpha', '--ssh-copy', '--path', planted, '--output', 'copied.zip', '--json'], { cwd, env, encoding: 'utf8', timeout: 110_000 });
    expect(r.status, `${r.stderr}\n${started}`).toBe(0);
    const out = JSON.parse(r.stdout) as { nodes: { id: string; state: string }[] };
    expect(out.nodes.map((n) => [n.id, n.state])).toEqual([['alpha', 'ok']]);
    const zip = path.join(cwd, 'copied.zip');
    expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected');
    const names = execFileSync('unzip', ['-Z1', zip]).toString().split('\n').filter(Boolean);
    const log = names.find((n) => n.startsWith('nodes/alpha/files/') && n.endsWith('app.log'));
    expect(log, names.join('\n')).toBeDefined();
    expect(execFileSync('unzip', ['-p', zip, log!]).toString()).not.toContain('ZqSshPlanted42');
    expect(copies()).toEqual(before);
    fs.rmSync(cwd, { recursive: true, force: true });
  }, 120_000);

  it('--ssh-copy from a CLI that is not one file says what it needs; BatchMode never prompts', async (ctx) => {
    need(ctx, usable, 'sshd, ssh and ssh-keygen (openssh-server, openssh-client) and the build');
    const cwd = tempDir('support-ssh-out-');
    const copy = await runCli(['bundle', '--ssh', 'alpha', '--ssh-copy', '--path', planted], { env: env(), clock: systemClock, cwd });
    expect(copy.code).toBe(1);
    expect(copy.stderr).toMatch(/--ssh-copy copies one file, but this support runs from/);
    // What ssh is asked: BatchMode (never a password prompt), the user's config file, the host, one command.
    const fake = path.join(work, 'fake-ssh');
    const argsFile = path.join(work, 'fake-ssh.args');
    fs.writeFileSync(fake, `#!/bin/sh\nprintf '%s\\n' "$@" > ${argsFile}\necho 'ssh: connect to host alpha port 22: Connection refused' >&2\nexit 255\n`, { mode: 0o755 });
    const failed = await runCli(['bundle', '--ssh', 'alpha', '--path', planted, '--since', '2h'], { env: env({ SUPPORT_SSH_COMMAND: fake, SUPPORT_SSH_REMOTE: 'support' }), clock: systemClock, cwd });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/The node gave no support zip/);
    expect(failed.stderr).toMatch(/alpha: failed: ssh: connect to host alpha port 22: Connection refused/);
    const args = fs.readFileSync(argsFile, 'utf8').split('\n');
    expect(args.slice(0, 7)).toEqual(['-F', sshConfig, '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-T']);
    expect(args.slice(7, 9)).toEqual(['--', 'alpha']);
    expect(args[9]).toBe(`support bundle --output - --path ${planted} --since 7200s --max-file-size 104857600 --max-total 2147483648`);
    expect(fs.readdirSync(cwd)).toEqual([]);
    fs.rmSync(cwd, { recursive: true, force: true });
  }, 60_000);
});
