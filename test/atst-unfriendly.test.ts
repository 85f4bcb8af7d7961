/**
 * `support bundle --app URL --cluster` against the sandbox's ATST where it is as unfriendly as a
 * real product: a load balancer without sticky sessions in front of nodes whose zips only they can
 * serve (per request and per connection), nodes that never start their task (checked with the
 * injected clock: the 30 s grace period and the time limit pass without real waiting), and secure
 * administrator sessions (WebSudo) that refuse a token. The sandbox and the CLI share the clock.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MergedManifest } from '../src/bundle/index.js';
import { startAtstSandbox, type AtstSandboxHandle, type AtstSandboxOptions } from '../src/sandbox/atst/index.js';
import { fakeClock, runCli, tempDir } from './support/harness.js';
import { hasTool, need } from './support/needs.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function tmp(): string {
  const d = tempDir('support-atst-lb-');
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A sandbox on the test's own clock, and a CLI runner on the same clock. */
async function setup(o: Partial<AtstSandboxOptions> = {}) {
  const clock = fakeClock();
  const h: AtstSandboxHandle = await startAtstSandbox({ nodes: 3, dataDir: tmp(), taskMs: 1500, now: clock.now, ...o });
  cleanups.push(() => h.close());
  const cwd = tmp();
  const started = clock.now();
  const cli = (args: string[], env: Record<string, string | undefined> = { SUPPORT_APP_TOKEN: h.token }) =>
    runCli(['bundle', '--app', h.url, '--cluster', ...args], { env: { SUPPORT_KEYRING: 'off', ...env }, clock, cwd, home: cwd });
  return { h, cwd, cli, clock, elapsed: () => clock.now() - started };
}

function manifestOf(zip: string): MergedManifest {
  expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected');
  return JSON.parse(execFileSync('unzip', ['-p', zip, 'manifest.json']).toString('utf8')) as MergedManifest;
}
const states = (m: MergedManifest) => m.nodes.map((n) => [n.id, n.state]);

describe('zips only their own node can serve, behind a load balancer without sticky sessions', () => {
  it('round-robin per request: another node answers 404, the client asks again and gets every zip', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ balancer: { policy: 'round-robin' } });
    const r = await s.cli(['--output', 'rr.zip']);
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(path.join(s.cwd, 'rr.zip'));
    expect(states(m)).toEqual([['node1', 'ok'], ['node2', 'ok'], ['node3', 'ok']]);
    const d = s.h.downloads();
    // The balancer did send downloads to the wrong node, and each zip came from the node that wrote it.
    expect(d.some((x) => x.status === 404)).toBe(true);
    for (const t of s.h.tasks()) expect(d.filter((x) => x.fileName === t.fileName && x.status === 200).map((x) => x.node)).toEqual([t.nodeId]);
    for (const n of m.nodes) expect(n.entries).toBeGreaterThan(0);
  }, 60_000);

  it('a layer-4 balancer (a kept-alive connection stays on its node): each retry goes on a new connection', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ balancer: { policy: 'round-robin', per: 'connection' } });
    const r = await s.cli(['--output', 'l4.zip']);
    expect(r.code, r.stderr).toBe(0);
    expect(states(manifestOf(path.join(s.cwd, 'l4.zip')))).toEqual([['node1', 'ok'], ['node2', 'ok'], ['node3', 'ok']]);
    // Over one kept-alive connection every try would have reached the same wrong node.
    const wrong = s.h.downloads().filter((x) => x.status === 404);
    expect(wrong.length).toBeGreaterThan(0);
    expect(new Set(s.h.downloads().map((x) => x.node)).size).toBe(3);
  }, 60_000);

  it('random with a seed, 5 nodes: every zip arrives within the bound', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ nodes: 5, balancer: { policy: 'random', seed: 7 } });
    const r = await s.cli(['--output', 'rnd.zip']);
    expect(r.code, r.stderr).toBe(0);
    expect(states(manifestOf(path.join(s.cwd, 'rnd.zip'))).every(([, st]) => st === 'ok')).toBe(true);
    // At most 3 tries per cluster node for each zip.
    for (const t of s.h.tasks()) expect(s.h.downloads().filter((x) => x.fileName === t.fileName).length).toBeLessThanOrEqual(15);
  }, 60_000);

  it('a node the balancer never sends to: its zip is recorded as not downloadable after a bounded number of tries, the others kept', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ balancer: { policy: 'round-robin', pool: ['node1', 'node2'] } });
    const r = await s.cli(['--output', 'pool.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(path.join(s.cwd, 'pool.zip'));
    expect(states(m)).toEqual([['node1', 'ok'], ['node2', 'ok'], ['node3', 'not-downloadable']]);
    const node3 = m.nodes.find((n) => n.id === 'node3')!;
    // 3 tries per cluster node, then it stops; the manifest says where the zip lies on the server.
    expect(node3).toMatchObject({ attempts: 9, reason: 'other-node' });
    expect(s.h.downloads().filter((x) => x.fileName === s.h.tasks().find((t) => t.nodeId === 'node3')!.fileName)).toHaveLength(9);
    expect(String(node3.why)).toMatch(/It was saved to .*node3.*\.zip/);
    expect(r.stderr).toContain('node3: only that node can serve its zip, and 9 downloads through the\nload balancer reached other nodes.\nIt was saved to ');
    expect(r.stderr).toContain('Fetch the zip on that node');
    // node3's task finished: nothing to cancel.
    expect(s.h.tasks().filter((t) => t.cancelled)).toEqual([]);
  }, 60_000);
});

describe('a status read answered by the node whose task failed is a 500 (ATST rethrows the task\'s exception)', () => {
  it('behind a layer-4 balancer pinned to that node: the status is read again on a new connection, the run goes on', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    // The first connection goes to node1, whose task fails: every status read on it is then a 500.
    const s = await setup({ balancer: { policy: 'round-robin', per: 'connection' }, failNodes: ['node1'] });
    const r = await s.cli(['--output', 'f.zip']);
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(path.join(s.cwd, 'f.zip'));
    expect(states(m)).toEqual([['node1', 'failed'], ['node2', 'ok'], ['node3', 'ok']]);
    expect(String(m.nodes[0]!.why)).toContain('No space left on device');
  }, 60_000);

  it('when every status read fails: each task is read on its own, the node whose task cannot be read is failed with the server\'s text', async () => {
    // Every request reaches node1 only: the cluster status is always a 500 once its task failed.
    const s = await setup({ balancer: { policy: 'round-robin', pool: ['node1'] }, failNodes: ['node1'] });
    const r = await s.cli(['--output', 'g.zip', '--json']);
    // node2's and node3's zips are on nodes the balancer never reaches: nothing to bundle.
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('node1: failed: 500: java.io.IOException: No space left on device (simulated on node1)');
    expect(r.stderr).toContain('node2: only that node can serve its zip');
    expect(r.stderr).toContain('node3: only that node can serve its zip');
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /i);
  }, 60_000);
});

describe('tasks that never start (injected clock, no real waiting)', () => {
  it('a node that never takes the cluster request: recorded after the 30 s grace period, the others kept', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ absentNodes: ['node2'] });
    const real = Date.now();
    const r = await s.cli(['--output', 'absent.zip']);
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(path.join(s.cwd, 'absent.zip'));
    expect(states(m)).toEqual([['node1', 'ok'], ['node2', 'never-started'], ['node3', 'ok']]);
    expect(m.nodes.find((n) => n.id === 'node2')).toMatchObject({ taskId: null, entries: 0, reason: 'no-task' });
    expect(r.stderr).toContain('node2: never started: no task within 30 s (is the node up and in the cluster?)');
    // The grace period, not the 30-minute limit, decided: a little over 30 s of the test's clock, little real time.
    expect(s.elapsed()).toBeGreaterThan(30_000);
    expect(s.elapsed()).toBeLessThan(40_000);
    expect(Date.now() - real).toBeLessThan(20_000);
  }, 60_000);

  it('a node that takes the cluster request 20 s late is still waited for (the grace period is 30 s)', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ lateNodes: ['node2'], lateMs: 20_000 });
    const r = await s.cli(['--output', 'late.zip']);
    expect(r.code, r.stderr).toBe(0);
    expect(states(manifestOf(path.join(s.cwd, 'late.zip')))).toEqual([['node1', 'ok'], ['node2', 'ok'], ['node3', 'ok']]);
    expect(s.elapsed()).toBeGreaterThan(20_000);
  }, 60_000);

  it('a task that stays at 0 %: recorded as never started (not timed out) at --node-timeout and cancelled', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const s = await setup({ stuckNodes: ['node3'], slowNodes: ['node2'], slowMs: 10 * 60_000 });
    const r = await s.cli(['--output', 'stuck.zip', '--node-timeout', '2m']);
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(path.join(s.cwd, 'stuck.zip'));
    // node2 moved but was slow: timed out; node3 never left 0 %: never started.
    expect(states(m)).toEqual([['node1', 'ok'], ['node2', 'timed-out'], ['node3', 'never-started']]);
    expect(m.nodes.find((n) => n.id === 'node3')).toMatchObject({ taskId: s.h.tasks().find((t) => t.nodeId === 'node3')!.taskId, reason: 'no-progress' });
    expect(r.stderr).toContain('node3: never started: its task stayed at 0 % until --node-timeout');
    expect(s.h.tasks().filter((t) => t.cancelled).map((t) => t.nodeId).sort()).toEqual(['node2', 'node3']);
    expect(s.elapsed()).toBeGreaterThanOrEqual(120_000);
  }, 60_000);

  it('no node ever starts: exit 1 after the grace period, nothing written', async () => {
    const s = await setup({ absentNodes: ['node1', 'node2', 'node3'] });
    const r = await s.cli(['--output', 'none.zip']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/None of the 3 nodes gave a support zip/);
    expect(r.stderr.match(/never started: no task within 30 s/g)).toHaveLength(3);
    expect(fs.readdirSync(s.cwd).filter((n) => n.endsWith('.zip') || n.startsWith('.'))).toEqual([]);
    expect(s.elapsed()).toBeLessThan(40_000);
  }, 60_000);
});

describe('secure administrator sessions (WebSudo)', () => {
  it('a token is refused with what to do (exit 4, nothing started); the admin user and password pass', async () => {
    const s = await setup({ websudo: true, nodes: 2 });
    const r = await s.cli(['--output', 'ws.zip']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('asks for a secure administrator session (WebSudo)');
    expect(r.stderr).toContain('SUPPORT_APP_USER and SUPPORT_APP_PASSWORD');
    expect(r.stderr).toContain('support login --app URL --user NAME');
    expect(r.stderr).toContain('jira.websudo.is.disabled=true');
    // Not mistaken for a rejected credential.
    expect(r.stderr).not.toMatch(/did not accept the product admin credential/);
    expect(s.h.tasks()).toEqual([]);
    const ja = await s.cli(['--output', 'ws.zip'], { SUPPORT_APP_TOKEN: s.h.token, SUPPORT_LANG: 'ja' });
    expect(ja.code).toBe(4);
    expect(ja.stderr).toContain('安全な管理者セッション (WebSudo)');
    expect(ja.stderr).toContain('SUPPORT_APP_USER と SUPPORT_APP_PASSWORD');
    const basic = await s.cli(['--output', 'ws.zip'], { SUPPORT_APP_USER: s.h.user, SUPPORT_APP_PASSWORD: s.h.password });
    expect(basic.code, basic.stderr).toBe(0);
    expect(fs.existsSync(path.join(s.cwd, 'ws.zip'))).toBe(true);
  }, 60_000);

  it('support login --app with a token: the same explanation, exit 4, nothing saved', async () => {
    const s = await setup({ websudo: true, nodes: 2 });
    const r = await runCli(['login', '--app', s.h.url, '--token-stdin'], { env: { SUPPORT_KEYRING: 'off' }, stdin: `${s.h.token}\n`, clock: s.clock, cwd: s.cwd, home: s.cwd });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('asks for a secure administrator session (WebSudo)');
    expect(fs.existsSync(path.join(s.cwd, 'config', 'app-credentials.json'))).toBe(false);
  }, 60_000);
});
