// The JSM client against a strict stub server: retries and what is never retried, Retry-After in
// both forms, resets, timeouts, HTML 403 pages, X-Seraph-LoginReason, capped paging, the portal's
// own messages, streamed multipart uploads, and a --debug trace without secrets.
import fs from 'node:fs';
import http, { type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor, renderPortalError } from '../src/cli/errors.js';
import { createT } from '../src/i18n/index.js';
import { JsmClient, type Credentials } from '../src/portal/client.js';
import { PortalError } from '../src/portal/errors.js';
import { parseRetryAfter } from '../src/portal/retry.js';
import { detectFlavor, normalizePortalUrl } from '../src/portal/url.js';
import { fakeClock, tempDir } from './support/harness.js';
import { StubServer, type StubRequest } from './support/stub-server.js';

const TOKEN = 'tok-SECRET-9f8e7d6c5b4a';
const EMAIL = 'admin@example.com';
const API = '/rest/servicedeskapi';
const t = createT('en');

let stub: StubServer;
let dirs: string[] = [];
let clients: JsmClient[] = [];

beforeEach(async () => {
  stub = await StubServer.start();
});
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close()));
  clients = [];
  await stub.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function client(opts: { clock?: ReturnType<typeof fakeClock>; debug?: string[]; readTimeoutMs?: number; maxAttempts?: number; credentials?: Credentials; pageSize?: number } = {}) {
  const c = new JsmClient({
    baseUrl: stub.url,
    credentials: opts.credentials ?? { kind: 'basic', email: EMAIL, token: TOKEN },
    userAgent: 'support/test',
    clock: opts.clock ?? fakeClock(),
    retry: { random: () => 0.5, maxAttempts: opts.maxAttempts ?? 4 },
    readTimeoutMs: opts.readTimeoutMs,
    debug: opts.debug ? (l) => opts.debug!.push(l) : undefined,
    pageSize: opts.pageSize,
  });
  clients.push(c);
  return c;
}

async function failure(p: Promise<unknown>): Promise<PortalError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof PortalError) return err;
    throw err;
  }
  throw new Error('expected a PortalError');
}

describe('retries', () => {
  it('waits the Retry-After seconds on 429, then succeeds', async () => {
    const clock = fakeClock();
    const start = clock.now();
    stub.stub('GET', `${API}/info`, { status: 429, headers: { 'retry-after': '3' } });
    stub.stub('GET', `${API}/info`, { json: { version: '10.3.0' } });
    const info = await client({ clock }).info();
    expect(info.version).toBe('10.3.0');
    expect(clock.now() - start).toBe(3000);
    stub.assertDone();
  });

  it("sends the user's language so the portal can translate names and messages", async () => {
    stub.stub('GET', `${API}/info`, (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ version: String(req.headers['accept-language']) }));
    });
    const c = new JsmClient({ baseUrl: stub.url, credentials: { kind: 'none' }, userAgent: 'x', language: 'ja-JP', clock: fakeClock() });
    clients.push(c);
    expect((await c.info()).version).toBe('ja-JP');
    stub.assertDone();
  });

  it('waits until a Retry-After HTTP date', async () => {
    const clock = fakeClock(Date.parse('2026-11-24T09:00:00Z'));
    stub.stub('GET', '/rest/api/2/myself', { status: 429, headers: { 'retry-after': new Date(clock.now() + 7000).toUTCString() } });
    stub.stub('GET', '/rest/api/2/myself', { json: { accountId: 'abc' } });
    await client({ clock }).myself();
    expect(clock.now() - Date.parse('2026-11-24T09:00:00Z')).toBe(7000);
    stub.assertDone();
  });

  it('parses both Retry-After forms', () => {
    const now = Date.parse('2026-11-24T09:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 09:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Tue, 24 Nov 2026 08:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('does not wait for a Retry-After beyond the cap: fails as rate limited, saying when to retry', async () => {
    stub.stub('GET', `${API}/info`, { status: 429, headers: { 'retry-after': '3600' } });
    const err = await failure(client().info());
    expect([err.kind, err.retryAfterMs, exitCodeFor(err)]).toEqual(['rate-limited', 3_600_000, 1]);
    expect(renderPortalError(err, t).hint).toBe('Try again in 3600 s.');
    stub.assertDone();
  });

  it('retries a GET after 503 with backoff, and gives up after maxAttempts', async () => {
    const clock = fakeClock();
    stub.stub('GET', `${API}/servicedesk/1`, { status: 503 });
    stub.stub('GET', `${API}/servicedesk/1`, { json: { id: '1', projectKey: 'SUP' } });
    expect((await client({ clock }).serviceDesk('1')).projectKey).toBe('SUP');
    stub.assertDone();

    stub.stub('GET', `${API}/servicedesk/2`, { status: 502 }, { times: 3 });
    const err = await failure(client({ clock, maxAttempts: 3 }).serviceDesk('2'));
    expect(err.kind).toBe('server');
    expect(err.status).toBe(502);
    expect(exitCodeFor(err)).toBe(1);
    stub.assertDone();
  });

  it('never re-sends a create or a comment after 503', async () => {
    stub.stub('POST', `${API}/request`, { status: 503 });
    stub.stub('POST', `${API}/request/SUP-1/comment`, { status: 504 });
    const c = client();
    const e1 = await failure(c.createRequest({ serviceDeskId: '1', requestTypeId: '2', requestFieldValues: { summary: 'x' } }));
    const e2 = await failure(c.addComment('SUP-1', 'hello'));
    expect([e1.status, e2.status]).toEqual([503, 504]);
    // Only a clean refusal proves nothing was processed; a 503 or a 504 may hide a request that went through.
    expect([e1.mayHaveBeenSent, e2.mayHaveBeenSent]).toEqual([true, true]);
    expect(stub.requests).toHaveLength(2);
    stub.assertDone();
  });

  it('a write may have been processed unless the portal refused it cleanly (429, or a 4xx that says why)', async () => {
    const refusals: [number, { json?: unknown; text?: string; headers?: Record<string, string> }, boolean][] = [
      [400, { json: { errorMessage: 'summary: required' } }, false],
      [404, { json: { errorMessages: ['no such request'] } }, false],
      [429, { headers: { 'retry-after': '999' } }, false],
      [400, {}, true],
      [500, { json: { errorMessage: 'boom' } }, true],
      [502, { text: 'Bad Gateway' }, true],
      [200, { text: '<!DOCTYPE html><html>log in</html>', headers: { 'content-type': 'text/html' } }, true],
    ];
    for (const [status, reply] of refusals) stub.stub('POST', `${API}/request`, { status, ...reply });
    const c = client({ maxAttempts: 1 });
    const got: [number | undefined, boolean][] = [];
    for (let i = 0; i < refusals.length; i++) {
      const e = await failure(c.createRequest({ serviceDeskId: '1', requestTypeId: '2', requestFieldValues: { summary: 'x' } }));
      got.push([e.status, e.mayHaveBeenSent]);
    }
    expect(got).toEqual(refusals.map(([s, , m]) => [s, m]));
    stub.assertDone();
  });

  it('sends a create again after 429: the portal refused it unprocessed', async () => {
    const clock = fakeClock();
    const start = clock.now();
    stub.stub('POST', `${API}/request`, { status: 429, headers: { 'retry-after': '2' } });
    stub.stub('POST', `${API}/request`, { status: 201, json: { issueKey: 'SUP-7' } });
    const r = await client({ clock }).createRequest({ serviceDeskId: '1', requestTypeId: '2', requestFieldValues: { summary: 'x' } });
    expect(r.issueKey).toBe('SUP-7');
    expect(stub.requests.map((q) => q.method)).toEqual(['POST', 'POST']);
    expect(clock.now() - start).toBe(2000);
    stub.assertDone();
  });

  it('sends a create again when the connection was refused (nothing reached the portal), once it listens', async () => {
    const seen: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ issueKey: 'SUP-8' }));
    });
    const listen = (port: number) => new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    await listen(0);
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    let sleeps = 0;
    const clock = { now: () => 0, sleep: async () => void (++sleeps === 1 && (await listen(port))) };
    const c = new JsmClient({ baseUrl: `http://127.0.0.1:${port}`, credentials: { kind: 'none' }, userAgent: 'x', clock, retry: { random: () => 0 } });
    clients.push(c);
    try {
      expect((await c.createRequest({ serviceDeskId: '1', requestTypeId: '2', requestFieldValues: {} })).issueKey).toBe('SUP-8');
      expect(seen).toEqual([`POST ${API}/request`]);
      expect(sleeps).toBe(1);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('never sends a write again when it may have been processed, whatever maxAttempts allows', async () => {
    stub.stub('POST', `${API}/request/SUP-1/comment`, { status: 502 });
    const err = await failure(client({ maxAttempts: 5 }).addComment('SUP-1', 'hello'));
    expect([err.status, err.mayHaveBeenSent]).toEqual([502, true]);
    expect(stub.requests).toHaveLength(1);
    stub.assertDone();
  });

  it('retries a GET whose connection is reset mid-response; a create is not retried and is flagged ambiguous', async () => {
    const reset = (_r: StubRequest, res: ServerResponse) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"id":');
      setImmediate(() => res.socket?.destroy());
    };
    stub.stub('GET', `${API}/request/SUP-1`, reset);
    stub.stub('GET', `${API}/request/SUP-1`, { json: { issueKey: 'SUP-1' } });
    expect((await client().request('SUP-1')).issueKey).toBe('SUP-1');

    stub.stub('POST', `${API}/request`, reset);
    const err = await failure(client().createRequest({ serviceDeskId: '1', requestTypeId: '2', requestFieldValues: {} }));
    expect(err.kind).toBe('network');
    expect(err.mayHaveBeenSent).toBe(true);
    stub.assertDone();
  });

  it('fails with a timeout when the server never answers', async () => {
    stub.stub('GET', `${API}/info`, () => undefined);
    const err = await failure(client({ readTimeoutMs: 150, maxAttempts: 1 }).info());
    expect(err.kind).toBe('timeout');
    expect(err.code).toBe('HEADERS_TIMEOUT');
    const r = renderPortalError(err, t);
    expect(r.message).toContain(new URL(stub.url).host);
    expect(r.hint).toContain('SUPPORT_READ_TIMEOUT');
    stub.assertDone();
  });
});

describe('errors', () => {
  it('recognises an HTML 403 from a proxy and from an unlicensed JSM', async () => {
    stub.stub('GET', `${API}/servicedesk`, {
      status: 403,
      headers: { 'content-type': 'text/html' },
      text: '<html><head><title>Access Denied</title></head><body>Blocked by corporate policy.</body></html>',
    });
    stub.stub('GET', `${API}/servicedesk`, {
      status: 403,
      headers: { 'content-type': 'text/html;charset=UTF-8' },
      text: '<!DOCTYPE html><html><body>Jira Service Management is not licensed. Contact your administrator.</body></html>',
    });
    const proxy = await failure(client().serviceDesks()[Symbol.asyncIterator]().next());
    expect([proxy.kind, proxy.html, exitCodeFor(proxy)]).toEqual(['permission', 'proxy', 4]);
    expect(renderPortalError(proxy, t).message).toMatch(/proxy or firewall/);
    const unlicensed = await failure(client().serviceDesks()[Symbol.asyncIterator]().next());
    expect(unlicensed.html).toBe('unlicensed');
    expect(renderPortalError(unlicensed, t).message).toMatch(/unlicensed or not installed/);
    stub.assertDone();
  });

  it('treats a 200 carrying X-Seraph-LoginReason as an authentication failure', async () => {
    stub.stub('GET', `${API}/request`, { headers: { 'x-seraph-loginreason': 'AUTHENTICATED_FAILED' }, json: { size: 0, values: [], isLastPage: true } });
    stub.stub('GET', `${API}/request`, { headers: { 'x-seraph-loginreason': 'AUTHENTICATION_DENIED' }, json: { size: 0, values: [], isLastPage: true } });
    const a = await failure(client().requests()[Symbol.asyncIterator]().next());
    expect([a.kind, a.status, exitCodeFor(a), a.loginReason]).toEqual(['auth', 200, 4, 'AUTHENTICATED_FAILED']);
    expect(renderPortalError(a, t).hint).toContain('support login');
    const d = await failure(client().requests()[Symbol.asyncIterator]().next());
    expect(renderPortalError(d, t).message).toContain('CAPTCHA');
    stub.assertDone();
  });

  it("shows the portal's errorMessage, errorMessages and field errors as they are", async () => {
    stub.stub('POST', `${API}/request`, { status: 400, json: { errorMessage: 'Summary: Please provide a value for Summary.' } });
    stub.stub('GET', '/rest/api/2/myself', { status: 401, json: { errorMessages: ['You are not authenticated.'], errors: {} } });
    stub.stub('POST', `${API}/request/validate`, {
      status: 400,
      json: { valid: false, errorMessage: 'Invalid', fieldErrors: [{ field: 'customfield_10013', message: 'Pick a level' }] },
    });
    const c = client();
    const v = await failure(c.createRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: {} }));
    expect([v.kind, exitCodeFor(v)]).toEqual(['validation', 1]);
    expect(renderPortalError(v, t).message).toContain('  Summary: Please provide a value for Summary.');
    const a = await failure(c.myself());
    expect(a.messages).toEqual(['You are not authenticated.']);
    const val = await c.validateRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: {} });
    expect(val).toMatchObject({ valid: false, fieldErrors: [{ field: 'customfield_10013', message: 'Pick a level' }] });
    stub.assertDone();
  });

  it('names the host and the cause when nothing listens', async () => {
    const dead = `http://127.0.0.1:${(await (async () => {
      const s = await StubServer.start();
      const port = new URL(s.url).port;
      await s.close();
      return port;
    })())}`;
    const c = new JsmClient({ baseUrl: dead, credentials: { kind: 'none' }, userAgent: 'x', clock: fakeClock(), retry: { maxAttempts: 2, random: () => 0 } });
    clients.push(c);
    const err = await failure(c.info());
    expect([err.kind, err.code]).toEqual(['network', 'ECONNREFUSED']);
    const create = await failure(c.createRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: {} }));
    expect(create.mayHaveBeenSent).toBe(false);
    const r = renderPortalError(err, t);
    expect(r.message).toContain(new URL(dead).host);
    expect(r.message).toContain('connection refused');
    expect(renderPortalError(err, createT('ja')).message).toContain('接続が拒否されました');
  });
});

describe('paging', () => {
  it('advances by size when the server caps limit, and stops on isLastPage', async () => {
    const all = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id }));
    const page = (r: StubRequest, res: ServerResponse) => {
      const start = Number(r.query.get('start'));
      const values = all.slice(start, start + 2); // the server's cap, whatever limit says
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ start, limit: 2, size: values.length, isLastPage: start + values.length >= all.length, values }));
    };
    stub.stub('GET', `${API}/servicedesk/1/requesttypegroup`, page, { times: 3 });
    const got: string[] = [];
    for await (const g of client({ pageSize: 50 }).requestTypeGroups('1')) got.push(g.id!);
    expect(got).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(stub.requests.map((r) => `${r.query.get('start')}/${r.query.get('limit')}`)).toEqual(['0/50', '2/50', '4/50']);
    stub.assertDone();
  });

  it('stops on an empty page even without isLastPage', async () => {
    stub.stub('GET', `${API}/request/SUP-1/sla`, { json: { start: 0, size: 0, values: [] } });
    const got = [];
    for await (const s of client().sla('SUP-1')) got.push(s);
    expect(got).toEqual([]);
    stub.assertDone();
  });

  it('sends the list query the API expects (repeated requestOwnership, ints as query)', async () => {
    stub.stub('GET', `${API}/request`, { json: { size: 1, isLastPage: true, values: [{ issueKey: 'SUP-9' }] } });
    const keys = [];
    for await (const r of client().requests({ ownership: ['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS'], status: 'OPEN_REQUESTS', serviceDeskId: '1', expand: ['status', 'sla'] })) keys.push(r.issueKey);
    expect(keys).toEqual(['SUP-9']);
    const q = stub.requests[0]!.query;
    expect(q.getAll('requestOwnership')).toEqual(['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS']);
    expect([q.get('requestStatus'), q.get('serviceDeskId'), q.get('expand')]).toEqual(['OPEN_REQUESTS', '1', 'status,sla']);
    stub.assertDone();
  });
});

describe('uploads', () => {
  it('streams files as parts named "file" with X-Atlassian-Token, an exact length and progress; retries on 503', async () => {
    const dir = tempDir();
    dirs.push(dir);
    const big = path.join(dir, 'support zip.bin');
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7);
    fs.writeFileSync(big, bytes);
    const small = path.join(dir, 'ログ.txt');
    fs.writeFileSync(small, 'hello\n');
    const seen: StubRequest[] = [];
    stub.stub('POST', `${API}/servicedesk/1/attachTemporaryFile`, { status: 503 });
    stub.stub('POST', `${API}/servicedesk/1/attachTemporaryFile`, (r, res) => {
      seen.push(r);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ temporaryAttachments: [{ temporaryAttachmentId: 'temp1', fileName: 'support zip.bin' }, { temporaryAttachmentId: 'temp2', fileName: 'ログ.txt' }] }));
    });
    const progress: number[] = [];
    const out = await client().uploadTemporaryFiles('1', [{ path: big }, { path: small }], (p) => {
      progress.push(p.bytes);
      expect(p.total).toBe(bytes.length + 6);
    });
    expect(out.map((o) => o.temporaryAttachmentId)).toEqual(['temp1', 'temp2']);
    const r = seen[0]!;
    expect(r.headers['x-atlassian-token']).toBe('no-check');
    const boundary = /boundary=(.+)$/.exec(String(r.headers['content-type']))![1]!;
    expect(Number(r.headers['content-length'])).toBe(r.body.length);
    const text = r.body.toString('latin1');
    const names = [...text.matchAll(/Content-Disposition: form-data; name="([^"]+)"; filename="([^"]+)"/g)].map((m) => [m[1], Buffer.from(m[2]!, 'latin1').toString('utf8')]);
    expect(names).toEqual([['file', 'support zip.bin'], ['file', 'ログ.txt']]);
    expect(text.endsWith(`--${boundary}--\r\n`)).toBe(true);
    const start = r.body.indexOf('\r\n\r\n') + 4;
    expect(r.body.subarray(start, start + bytes.length).equals(bytes)).toBe(true);
    // 1 MiB reads: several progress steps, ending at the total.
    expect(progress.length).toBeGreaterThanOrEqual(4);
    expect(progress.at(-1)).toBe(bytes.length + 6);
    stub.assertDone();
  });
});

describe('--debug trace', () => {
  it('shows requests, statuses and retry decisions, never the token or the Authorization value', async () => {
    const lines: string[] = [];
    stub.stub('GET', '/rest/api/2/myself', { status: 503, headers: { 'retry-after': '1' } });
    stub.stub('GET', '/rest/api/2/myself', { json: { accountId: 'abc', note: `echo ${TOKEN}` } });
    stub.stub('POST', `${API}/request/SUP-1/comment`, { status: 201, json: { id: '5', body: TOKEN } });
    const c = client({ debug: lines });
    await c.myself();
    await c.addComment('SUP-1', `my token is ${TOKEN}`);
    const all = lines.join('\n');
    expect(all).toMatch(/> GET http:\/\/127\.0\.0\.1:\d+\/rest\/api\/2\/myself/);
    expect(all).toMatch(/< 503/);
    expect(all).toMatch(/retry 2\/4 in 1000 ms after 503 \(Retry-After\)/);
    expect(all).toContain('authorization: Basic ****');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain(Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64'));
    expect(String(stub.requests[0]!.headers.authorization)).toBe(`Basic ${Buffer.from(`${EMAIL}:${TOKEN}`).toString('base64')}`);
    expect(stub.requests[0]!.headers['user-agent']).toBe('support/test');
    stub.assertDone();
  });

  it('sends a Data Center token as Bearer', async () => {
    stub.stub('GET', '/rest/api/2/myself', { json: { name: 'jdoe', key: 'JIRAUSER1' } });
    expect((await client({ credentials: { kind: 'bearer', token: TOKEN } }).myself()).name).toBe('jdoe');
    expect(stub.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    stub.assertDone();
  });
});

describe('portal URLs', () => {
  it('normalises what users paste and detects the deployment', () => {
    expect(normalizePortalUrl('example.atlassian.net')).toBe('https://example.atlassian.net');
    expect(normalizePortalUrl('https://example.atlassian.net/servicedesk/customer/portal/1/SUP-3')).toBe('https://example.atlassian.net');
    expect(normalizePortalUrl('https://example.atlassian.net/jira/servicedesk/projects/SUP')).toBe('https://example.atlassian.net');
    expect(normalizePortalUrl('https://jira.example.com/jira/servicedesk/customer/portals/')).toBe('https://jira.example.com/jira');
    expect(normalizePortalUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(() => normalizePortalUrl('ftp://x')).toThrow();
    expect(detectFlavor('https://example.atlassian.net')).toBe('cloud');
    expect(detectFlavor('https://old.jira.com')).toBe('cloud');
    expect(detectFlavor('https://jira.example.com/jira')).toBe('dc');
  });
});
