/**
 * `--ssh` scheduling with a stand-in for the `ssh` program (SUPPORT_SSH_COMMAND): it runs the remote
 * command on this machine through `sh -c`, as sshd would, and logs when each "host" starts and ends.
 * `--parallel N` never runs more than N at once; a host that outlives `--node-timeout` is stopped
 * and recorded while the others are kept.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MergedManifest } from '../src/bundle/index.js';
import { systemClock } from '../src/lib/clock.js';
import { runCli, tempDir } from './support/harness.js';
import { hasTool, isBuilt, need } from './support/needs.js';

const repo = path.join(import.meta.dirname, '..');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function setup(): { work: string; log: string; env: Record<string, string | undefined> } {
  const work = tempDir('support-ssh-par-');
  dirs.push(work);
  const log = path.join(work, 'ssh.log');
  const fake = path.join(work, 'ssh');
  fs.writeFileSync(
    fake,
    [
      '#!/bin/sh',
      '# The last two arguments are the host and the remote command.',
      'for a; do host=$cmd; cmd=$a; done',
      `echo "start $host" >> ${log}`,
      'case "$host" in slow*) sleep 30;; *) sleep 1;; esac',
      'sh -c "$cmd"; rc=$?',
      `echo "end $host" >> ${log}`,
      'exit $rc',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  fs.mkdirSync(path.join(work, 'logs'));
  fs.writeFileSync(path.join(work, 'logs', 'app.log'), 'token=ZqParallelSecret99 in a line\n');
  return {
    work,
    log,
    env: {
      PATH: process.env.PATH,
      SUPPORT_SSH_COMMAND: fake,
      SUPPORT_SSH_REMOTE: `env SUPPORT_CONFIG_DIR=${path.join(work, 'remote')} ${process.execPath} ${path.join(repo, 'bin/support.js')}`,
    },
  };
}

/** The most hosts that ran at once, from the log's start/end lines. */
function maxConcurrent(log: string): number {
  let now = 0;
  let max = 0;
  for (const l of fs.readFileSync(log, 'utf8').split('\n').filter(Boolean)) {
    now += l.startsWith('start') ? 1 : -1;
    max = Math.max(max, now);
  }
  return max;
}

describe('--ssh scheduling', () => {
  it('--parallel 2 runs 4 hosts two at a time and merges all four', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    need(ctx, hasTool('unzip'), 'unzip');
    const { work, log, env } = setup();
    const r = await runCli(['bundle', '--ssh', 'h1,h2,h3,h4', '--parallel', '2', '--path', path.join(work, 'logs'), '--output', 'p.zip', '--json'], { env, clock: systemClock, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(maxConcurrent(log)).toBe(2);
    const names = execFileSync('unzip', ['-Z1', path.join(work, 'p.zip')]).toString().split('\n');
    for (const h of ['h1', 'h2', 'h3', 'h4']) expect(names.some((n) => n.startsWith(`nodes/${h}/files/`) && n.endsWith('app.log'))).toBe(true);
    expect(fs.readFileSync(path.join(work, 'p.zip')).includes(Buffer.from('ZqParallelSecret99'))).toBe(false);
  }, 120_000);

  it('a host over --node-timeout is stopped and recorded as timed out; the others are kept', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    need(ctx, hasTool('unzip'), 'unzip');
    const { work, env } = setup();
    const started = Date.now();
    const r = await runCli(['bundle', '--ssh', 'h1,slow1', '--node-timeout', '6s', '--path', path.join(work, 'logs'), '--output', 't.zip'], { env, clock: systemClock, cwd: work });
    expect(r.code, r.stderr).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(r.stderr).toMatch(/slow1: timed out/);
    const dir = tempDir('support-ssh-par-unz-');
    dirs.push(dir);
    execFileSync('unzip', ['-q', path.join(work, 't.zip'), '-d', dir]);
    const m = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as MergedManifest;
    expect(m.nodes.map((n) => [n.id, n.state])).toEqual([
      ['h1', 'ok'],
      ['slow1', 'timed-out'],
    ]);
  }, 60_000);
});
