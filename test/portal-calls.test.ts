/**
 * The one primitive for the customer operations kept in modules of their own (kb, organisations,
 * downloads, feedback, notifications, approvals): `PortalApi.send`, `list` and `stream`, against a
 * strict stub server. The same errors, paging guards and retry policy as the client's own methods,
 * and a write sent at most once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { approvalsOf, answerApproval, pendingApprovalRequests } from '../src/portal/approvals.js';
import { JsmClient } from '../src/portal/client.js';
import { PortalError } from '../src/portal/errors.js';
import { getFeedback, postFeedback } from '../src/portal/feedback.js';
import type { PortalNotice } from '../src/portal/http.js';
import { isSubscribed, setSubscribed } from '../src/portal/notification.js';
import { listOrganizations } from '../src/portal/organizations.js';
import { toArray } from '../src/lib/iter.js';
import { fakeClock, runCli } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

const API = '/rest/servicedeskapi';

let stub: StubServer;
const clients: JsmClient[] = [];
let notices: PortalNotice[] = [];

beforeEach(async () => {
  stub = await StubServer.start();
  notices = [];
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub.close();
});

function client(pageSize = 2): JsmClient {
  const c = new JsmClient({
    baseUrl: stub.url,
    credentials: { kind: 'basic', email: 'a@example.com', token: 'tok' },
    userAgent: 'support/test',
    clock: fakeClock(),
    retry: { random: () => 0, maxAttempts: 3 },
    pageSize,
    onNotice: (n) => notices.push(n),
  });
  clients.push(c);
  return c;
}

const reset = (_req: unknown, res: { socket: { destroy(): void } | null }) => res.socket?.destroy();

describe('send', () => {
  it('a 404 the call names as absence resolves undefined; the endpoint\'s own headers are sent', async () => {
    stub.stub('GET', `${API}/request/HD-1/feedback`, { status: 404, json: { errorMessage: 'No feedback' } });
    stub.stub('GET', `${API}/request/HD-1/notification`, { status: 404, json: { errorMessage: 'No such request' } });
    const api = client();
    expect(await getFeedback(api, 'HD-1')).toBeUndefined();
    expect(await isSubscribed(api, 'HD-1')).toBeUndefined();
    expect(stub.requests[0]!.headers['x-experimentalapi']).toBe('opt-in');
    stub.assertDone();
  });

  it('a success that is not JSON (a login page) is a PortalError, not a crash; a write\'s may have been processed', async () => {
    const page = { headers: { 'content-type': 'text/html' }, text: '<html><body>Log in</body></html>' };
    stub.stub('GET', `${API}/request/HD-1/notification`, page);
    stub.stub('POST', `${API}/request/HD-1/feedback`, page);
    const api = client();
    const read = isSubscribed(api, 'HD-1');
    await expect(read).rejects.toBeInstanceOf(PortalError);
    await expect(read).rejects.toMatchObject({ kind: 'server', status: 200, mayHaveBeenSent: false });
    const write = postFeedback(api, 'HD-1', 5);
    await expect(write).rejects.toBeInstanceOf(PortalError);
    await expect(write).rejects.toMatchObject({ kind: 'server', mayHaveBeenSent: true });
    stub.assertDone();
  });

  it('a read and a switch (PUT, DELETE) are sent again after a reset; a POST is sent once', async () => {
    stub.stub('PUT', `${API}/request/HD-1/notification`, reset);
    stub.stub('PUT', `${API}/request/HD-1/notification`, { status: 204 });
    stub.stub('DELETE', `${API}/request/HD-1/notification`, { status: 503 });
    stub.stub('DELETE', `${API}/request/HD-1/notification`, { status: 204 });
    stub.stub('GET', `${API}/request/HD-1/feedback`, reset);
    stub.stub('GET', `${API}/request/HD-1/feedback`, { json: { type: 'csat', rating: 4 } });
    stub.stub('POST', `${API}/request/HD-1/approval/7`, reset);
    const api = client();
    await setSubscribed(api, 'HD-1', true);
    await setSubscribed(api, 'HD-1', false);
    expect((await getFeedback(api, 'HD-1'))?.rating).toBe(4);
    await expect(answerApproval(api, 'HD-1', '7', 'approve')).rejects.toMatchObject({ kind: 'network', mayHaveBeenSent: true });
    expect(stub.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    stub.assertDone();
  });

  it('a write refused with 503 is not sent again (it may have been processed)', async () => {
    stub.stub('POST', `${API}/request/HD-1/feedback`, { status: 503 });
    await expect(postFeedback(client(), 'HD-1', 5)).rejects.toMatchObject({ kind: 'server', status: 503, mayHaveBeenSent: true });
    stub.assertDone();
  });
});

describe('list: the paging guards hold for every module', () => {
  const page = (start: number, values: unknown[], isLastPage = false) => ({ start, limit: 2, size: values.length, isLastPage, values });

  it('a server that ignores start: organisations stop after the first page, with a notice', async () => {
    stub.stub('GET', `${API}/organization`, { json: page(0, [{ id: 1, name: 'A' }, { id: 2, name: 'B' }]) }, { times: 2 });
    expect((await listOrganizations(client())).map((o) => o.name)).toEqual(['A', 'B']);
    expect(notices).toEqual([{ kind: 'paging-stopped', url: `${stub.url}${API}/organization`, reason: 'start-ignored', items: 2 }]);
    stub.assertDone();
  });

  it('a server that repeats its page: the approvals stop there, with a notice', async () => {
    const values = [{ id: '1', finalDecision: 'pending' }, { id: '2', finalDecision: 'approved' }];
    stub.stub('GET', `${API}/request/HD-1/approval`, (req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(page(Number(req.query.get('start')), values)));
    }, { times: 2 });
    expect((await toArray(approvalsOf(client(), 'HD-1'))).map((a) => a.id)).toEqual(['1', '2']);
    expect(notices.map((n) => n.kind === 'paging-stopped' && n.reason)).toEqual(['repeated-page']);
    stub.assertDone();
  });

  it('a server that never says its last page: the list is cut at 100,000 items, with a notice', { timeout: 30_000 }, async () => {
    const size = 5_000;
    stub.stub('GET', `${API}/request`, (req, res) => {
      const start = Number(req.query.get('start'));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ start, limit: size, size, isLastPage: false, values: Array.from({ length: size }, (_, i) => ({ issueKey: `HD-${start + i}` })) }));
    }, { times: 20 });
    let n = 0;
    for await (const _ of pendingApprovalRequests(client())) n++;
    expect(n).toBe(100_000);
    expect(notices).toEqual([{ kind: 'paging-stopped', url: `${stub.url}${API}/request`, reason: 'too-many', items: 100_000 }]);
    expect(stub.requests[0]!.query.get('requestOwnership')).toBe('APPROVER');
    stub.assertDone();
  });
});

describe('through the CLI', () => {
  it('notify: a notification state answered with an HTML page is a clear error (exit 1), not a bug', async () => {
    stub.stub('GET', `${API}/request/HD-1`, { json: { issueKey: 'HD-1', summary: 'x', _links: { web: `${stub.url}/servicedesk/customer/portal/1/HD-1` } } });
    stub.stub('PUT', `${API}/request/HD-1/notification`, { status: 204 });
    stub.stub('GET', `${API}/request/HD-1/notification`, { headers: { 'content-type': 'text/html' }, text: '<html>Log in</html>' });
    const r = await runCli(['--portal', stub.url, 'notify', 'HD-1', 'on'], { env: { SUPPORT_EMAIL: 'a@example.com', SUPPORT_TOKEN: 'tok' }, clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: /m);
    expect(r.stderr).not.toMatch(/This is a bug|unexpected error/);
    stub.assertDone();
  });

  it('the paging notice says "1 item" (not "item(s)"), and in Japanese counts with 件', async () => {
    const one = { issueKey: 'HD-1', summary: 'one', currentStatus: { status: 'Open', statusDate: { epochMillis: 0 } } };
    // Every answer is the first page: the second ask (start=1) shows the server ignores start.
    stub.stub('GET', `${API}/request`, { json: { start: 0, limit: 50, size: 1, isLastPage: false, values: [one] } }, { times: 4 });
    const env = { SUPPORT_EMAIL: 'a@example.com', SUPPORT_TOKEN: 'tok' };
    const en = await runCli(['--portal', stub.url, 'list', '--status', 'all', '--limit', '0', '--json'], { env, clock: fakeClock() });
    expect(en.code).toBe(0);
    expect(en.stderr).toContain(`The list ${API}/request was cut short after 1 item: the server (or a proxy) ignored the page position`);
    const ja = await runCli(['--portal', stub.url, '--lang', 'ja', 'list', '--status', 'all', '--limit', '0', '--json'], { env, clock: fakeClock() });
    expect(ja.code).toBe(0);
    expect(ja.stderr).toContain(`一覧 ${API}/request の読み込みを 1 件で打ち切りました: `);
    expect(ja.stderr).not.toMatch(/item/);
    stub.assertDone();
  });
});
