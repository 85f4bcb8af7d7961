import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { startSandbox } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDirsFor, testDeps } from './support/harness.js';
import { isBuilt, need } from './support/needs.js';
import { caller, createBody } from './support/sandbox-client.js';

const API = '/rest/servicedeskapi';
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'support.js');
const dir = tempDirsFor('support-sandbox-cli-');

async function until<T>(f: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('support sandbox (parsing)', () => {
  it('names every invalid flag at once, exit 2', async () => {
    const r = await runCli(['sandbox', '--port', '70000', '--rate-limit', '0', '--max-page-size', 'ten', '--attachment-limit', 'lots']);
    expect(r.code).toBe(2);
    for (const flag of ['--port', '--rate-limit', '--max-page-size', '--attachment-limit']) expect(r.stderr).toContain(flag);
    expect(r.stdout).toBe('');
  });

  it('help lists the subcommands, the test knobs, examples and the exit behaviour', async () => {
    const r = await runCli(['sandbox', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['reply', 'advance', '--rate-limit', '--max-page-size', '--attachment-limit', '--data', 'Examples:', 'exit code 0']) expect(r.stdout).toContain(s);
    const ja = await runCli(['--lang', 'ja', 'sandbox', '--help']);
    expect(ja.stdout).toContain('サンドボックス');
  });

  it('refuses a bad duration (exit 2) and an unknown key (exit 1)', async () => {
    const data = dir();
    expect((await runCli(['sandbox', 'advance', 'soon', '--data', data])).code).toBe(2);
    const r = await runCli(['sandbox', 'reply', 'SUP-9', 'hello', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SUP-9');
  });

  it('reports a damaged data folder with exit 1 and a hint', async () => {
    const data = dir();
    fs.writeFileSync(path.join(data, 'state.json'), '{"version": 1, "requests": [');
    // Any free port: the well-known one may be held by another test file's `--portal sandbox`.
    const r = await runCli(['sandbox', '--port', '0', '--data', data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/state\.json/);
    expect(r.stderr).toMatch(/hint:/);
  });
});

describe('support sandbox (running)', () => {
  it('serves until the signal aborts, printing one JSON line with --json, then exits 0; reply and advance act on the folder', async () => {
    const data = dir();
    const ac = new AbortController();
    const clock = fakeClock();
    const { deps, stdout, stderr } = testDeps({ signal: ac.signal, clock });
    const running = run(['sandbox', '--json', '--port', '0', '--data', data, '--max-page-size', '2'], deps);
    const line = await until(() => (stdout().includes('\n') ? stdout() : undefined), 'the JSON line');
    expect(line.trim().split('\n')).toHaveLength(1);
    const facts = JSON.parse(line) as { url: string; email: string; token: string; data: string };
    expect(Object.keys(facts)).toEqual(['url', 'email', 'token', 'data']);
    expect(facts.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(facts.data).toBe(data);

    const handle = { url: facts.url, email: facts.email, token: facts.token, dataDir: data, users: [{ ...facts, accountId: '', displayName: '' }], close: async () => {} };
    const you = caller(handle);
    for (let i = 0; i < 3; i++) expect((await you('POST', `${API}/request`, createBody('4'))).status).toBe(201);
    expect((await you('GET', `${API}/request?limit=50`)).json.limit).toBe(2);

    const reply = await runCli(['sandbox', 'reply', 'sup-1', 'Could', 'you', 'attach', 'logs?', '--data', data], { clock });
    expect(reply.code).toBe(0);
    expect(reply.stdout).toContain('SUP-1');
    const r1 = await you('GET', `${API}/request/SUP-1?expand=comment`);
    expect(r1.json.currentStatus.status).toBe('Waiting for customer');
    expect(r1.json.comments.values[0].body).toBe('Could you attach logs?');

    const adv = await runCli(['--json', 'sandbox', '--data', data, 'advance', '6d'], { clock });
    expect(adv.code).toBe(0);
    expect(JSON.parse(adv.stdout)).toEqual({ advancedMs: 6 * 86_400_000, sandboxTime: new Date(clock.now() + 6 * 86_400_000).toISOString() });
    expect((await you('GET', `${API}/request/SUP-1`)).json.currentStatus.status).toBe('Resolved');

    ac.abort(new Error('SIGINT'));
    expect(await running).toBe(0);
    expect(stderr()).toBe('');
    await expect(fetch(`${facts.url}${API}/info`)).rejects.toThrow();
  });

  it('prints tab-separated facts in a pipe and the how-to on stderr; a busy port is exit 1', async () => {
    const data = dir();
    const busy = await startSandbox({ dataDir: dir() });
    try {
      const port = new URL(busy.url).port;
      const r = await runCli(['sandbox', '--port', port, '--data', data]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`port ${port} is already in use`);
    } finally {
      await busy.close();
    }
    const ac = new AbortController();
    const { deps, stdout, stderr } = testDeps({ signal: ac.signal });
    // Any free port: the well-known one may be held by another test file's `--portal sandbox`.
    const running = run(['sandbox', '--port', '0', '--data', data], deps);
    const out = await until(() => (stdout().split('\n').length > 4 ? stdout() : undefined), 'the facts');
    expect(out.split('\n').map((l) => l.split('\t')[0])).toEqual(['url', 'email', 'token', 'data', '']);
    expect(stderr()).toContain('Ctrl-C');
    ac.abort();
    expect(await running).toBe(0);
  });
});

describe('support sandbox (the built binary)', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function serve(data: string): Promise<{ child: ChildProcess; facts: { url: string; email: string; token: string; data: string } }> {
    const child = spawn(process.execPath, [BIN, 'sandbox', '--json', '--port', '0', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    return new Promise((resolve, reject) => {
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (line) => resolve({ child, facts: JSON.parse(line) }));
      child.once('exit', (code) => reject(new Error(`sandbox exited early with ${code}`)));
    });
  }

  it('node bin/support.js sandbox --json prints the JSON line, serves, and stops with exit 0 on SIGINT', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const data = dir();
    const { child, facts } = await serve(data);
    expect(facts).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), email: expect.stringContaining('@'), data });
    const info = await fetch(`${facts.url}${API}/info`);
    expect(info.status).toBe(200);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });

  it('two sandbox processes on one folder, writing at the same time, lose no request and leave a valid state', async (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const data = dir();
    const [a, b] = await Promise.all([serve(data), serve(data)]);
    expect(a.facts.token).toBe(b.facts.token);
    const mk = (f: { url: string; email: string; token: string }) => caller({ url: f.url, email: f.email, token: f.token, dataDir: data, users: [{ ...f, accountId: '', displayName: '' }], close: async () => {} });
    const ca = mk(a.facts);
    const cb = mk(b.facts);
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? ca : cb)('POST', `${API}/request`, createBody('4'))));
    expect(results.map((r) => r.status)).toEqual(Array(30).fill(201));
    expect(new Set(results.map((r) => r.json.issueKey)).size).toBe(30);
    const state = JSON.parse(fs.readFileSync(path.join(data, 'state.json'), 'utf8'));
    expect(state.requests).toHaveLength(30);
    expect(state.nextIssue).toBe(31);
    expect(fs.existsSync(path.join(data, 'state.lock'))).toBe(false);
    for (const c of [a.child, b.child]) c.kill('SIGINT');
  });
});
