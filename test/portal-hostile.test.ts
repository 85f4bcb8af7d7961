/**
 * The client against portals that are not friendly: paging that never ends (a proxy that drops
 * `start`, a server that repeats its page), 429 on writes (Retry-After or only X-RateLimit-Reset),
 * uploads typed by their file name, and `requestLanguage` sent with the user's language.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { API, followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { fakeClock, runCli, tempDir } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});

async function sandbox(opts: Parameters<typeof followSandbox>[0]): Promise<FollowSandbox> {
  const s = await followSandbox(opts);
  open.push(s);
  return s;
}

const request = (key: string) => ({
  issueKey: key,
  summary: `${key} summary`,
  currentStatus: { status: 'Open', statusCategory: 'NEW', statusDate: { epochMillis: Date.parse('2026-11-24T09:00:00Z') } },
  requestFieldValues: [],
});

describe('paging that never ends', () => {
  it('a proxy that ignores start: list --limit 0 stops after the first page and says so on stderr', { timeout: 20_000 }, async () => {
    const s = await sandbox({ maxPageSize: 2, ignorePagingStart: true });
    for (const x of ['one', 'two', 'three', 'four', 'five']) await s.create(x);
    const r = await s.cli(['list', '--status', 'all', '--limit', '0', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(2);
    expect(r.stderr).toMatch(/cut short after 2 items: the server \(or a proxy\) ignored the page position/);
    expect(s.exchanges.filter((x) => x.method === 'GET' && x.path === `${API}/request`).length).toBeLessThanOrEqual(3);
  });

  it('a server that repeats its page with isLastPage false (as a mock of the spec does): the list ends, with a notice', { timeout: 20_000 }, async () => {
    const stub = await StubServer.start();
    open.push(stub);
    const page = { size: 2, start: 0, limit: 2, isLastPage: false, values: [request('HD-1'), request('HD-2')] };
    stub.stub('GET', `${API}/request`, (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...page, start: Number(req.query.get('start') ?? 0) }));
    }, { times: 2 });
    const r = await runCli(['--portal', stub.url, 'list', '--status', 'all', '--limit', '0', '--json'], { env: { SUPPORT_EMAIL: 'a@example.com', SUPPORT_TOKEN: 'tok' }, clock: fakeClock() });
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { key: string }[]).map((x) => x.key)).toEqual(['HD-1', 'HD-2']);
    expect(r.stderr).toMatch(/same page again/);
    stub.assertDone();
  });
});

describe('429 on writes', () => {
  it('a comment refused with 429 is sent again after Retry-After, saying so on stderr; it is posted once', { timeout: 20_000 }, async () => {
    const s = await sandbox({ rateLimitWritesPerMinute: 1 });
    const key = await s.create('rate limited');
    s.clock.advance(60_000);
    expect((await s.cli(['comment', key, '--body', 'first'])).code).toBe(0);
    const r = await s.cli(['comment', key, '--body', 'second']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/limiting the rate of requests \(HTTP 429\); nothing was changed\. Sending again in \d+ s \(attempt 2 of \d\)/);
    const posts = s.exchanges.filter((x) => x.method === 'POST' && x.path.endsWith('/comment'));
    expect(posts.map((x) => x.status)).toEqual([201, 429, 201]);
    const comments = await s.call('GET', `${API}/request/${key}/comment`);
    expect(comments.json.values.map((c: { body: string }) => c.body)).toEqual(['first', 'second']);
  });

  it('waits until X-RateLimit-Reset when a 429 has no Retry-After', { timeout: 20_000 }, async () => {
    const stub = await StubServer.start();
    open.push(stub);
    const clock = fakeClock();
    const reset = clock.now() + 30_000;
    stub.stub('GET', `${API}/request/HD-1`, { json: request('HD-1') }, { times: 2 });
    // Before sending, comment looks for the same words already posted (none here).
    stub.stub('GET', `${API}/request/HD-1/comment`, { json: { size: 0, start: 0, limit: 50, isLastPage: true, values: [] } });
    stub.stub('POST', `${API}/request/HD-1/comment`, { status: 429, headers: { 'x-ratelimit-reset': new Date(reset).toISOString(), 'ratelimit-reason': 'jira-per-issue-on-write' }, json: { errorMessage: 'Rate limit exceeded.' } });
    stub.stub('POST', `${API}/request/HD-1/comment`, { status: 201, json: { id: '1', body: 'hi', public: true } });
    const r = await runCli(['--portal', stub.url, 'comment', 'HD-1', '--body', 'hi'], { env: { SUPPORT_EMAIL: 'a@example.com', SUPPORT_TOKEN: 'tok' }, clock });
    expect(r.code).toBe(0);
    expect(clock.now()).toBeGreaterThanOrEqual(reset);
    expect(r.stderr).toMatch(/Sending again in 30 s/);
    stub.assertDone();
  });
});

describe('uploads and language', () => {
  it('sends each file with the MIME type of its name, so the portal can preview it', { timeout: 20_000 }, async () => {
    const s = await sandbox({});
    const key = await s.create('screenshots');
    const dir = tempDir('support-mime-');
    const files = ['screen.png', 'report.pdf', 'atlassian-jira.log', 'blob.bin'].map((n) => path.join(dir, n));
    for (const f of files) fs.writeFileSync(f, 'x');
    try {
      const r = await s.cli(['attach', key, ...files]);
      expect(r.code).toBe(0);
      const list = await s.call('GET', `${API}/request/${key}/attachment`);
      const types = Object.fromEntries(list.json.values.map((a: { filename: string; mimeType: string }) => [a.filename, a.mimeType]));
      expect(types).toEqual({ 'screen.png': 'image/png', 'report.pdf': 'application/pdf', 'atlassian-jira.log': 'text/plain', 'blob.bin': 'application/octet-stream' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('asks the customer API for the user language with requestLanguage (and Accept-Language)', { timeout: 20_000 }, async () => {
    const s = await sandbox({});
    await s.create('language');
    expect((await s.cli(['--lang', 'ja', 'list'])).code).toBe(0);
    const listed = s.exchanges.filter((x) => x.method === 'GET' && x.path === `${API}/request`).at(-1)!;
    expect(listed.query.requestLanguage).toEqual(['ja-JP']);
    expect(listed.headers['accept-language']).toBe('ja-JP');
  });
});

describe('well-formed but unusual answers', () => {
  it('dates out of range, no _links, odd member types: view and list finish with what they can show, or say the answer is unreadable', { timeout: 20_000 }, async () => {
    const stub = await StubServer.start();
    open.push(stub);
    const odd = {
      issueKey: 'HD-9',
      summary: 'Odd dates',
      createdDate: { epochMillis: 9e18, iso8601: 'not a date' },
      currentStatus: { status: 'Open', statusDate: { epochMillis: -9e18 } },
      requestFieldValues: [{ fieldId: 'customfield_1', label: 'Count', value: 12 }],
    };
    stub.stub('GET', `${API}/request`, { json: { size: 1, start: 0, limit: 50, isLastPage: true, values: [odd] } });
    stub.stub('GET', `${API}/request/HD-9`, { json: odd });
    const empty = { json: { size: 0, start: 0, limit: 50, isLastPage: true, values: [] } };
    for (const part of ['status', 'sla', 'participant', 'attachment', 'comment']) stub.stub('GET', `${API}/request/HD-9/${part}`, empty);
    stub.stub('GET', `${API}/request/HD-10`, { json: { issueKey: 'HD-10', requestFieldValues: { not: 'a list' }, currentStatus: 'Open' } });
    for (const part of ['status', 'sla', 'participant', 'attachment', 'comment']) stub.stub('GET', `${API}/request/HD-10/${part}`, empty);
    const env = { SUPPORT_EMAIL: 'a@example.com', SUPPORT_TOKEN: 'tok' };
    const list = await runCli(['--portal', stub.url, 'list', '--json'], { env, clock: fakeClock() });
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ key: 'HD-9', summary: 'Odd dates', created: '' })]);
    const view = await runCli(['--portal', stub.url, 'view', 'HD-9'], { env, clock: fakeClock() });
    expect(view.code).toBe(0);
    expect(view.stdout).toContain('HD-9  Odd dates');
    const unreadable = await runCli(['--portal', stub.url, 'view', 'HD-10'], { env, clock: fakeClock() });
    expect(unreadable.stderr).not.toMatch(/is a bug|unexpected error/);
    if (unreadable.code !== 0) expect(unreadable.stderr).toMatch(/answered in a shape this client cannot read/);
  });
});
