// Participants and "on behalf of" as real portals take them: e-mails resolved to Cloud accountIds
// or Data Center usernames with the platform user search (strict stub server), a refused search
// and unresolvable e-mails (exit 2, nothing filed), and the sandbox end to end.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/cli/errors.js';
import { createT } from '../src/i18n/index.js';
import { isUserSearchDenied } from '../src/portal/api.js';
import { JsmClient, type Credentials } from '../src/portal/client.js';
import { startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { PeopleResolver } from '../src/cli/create/people.js';
import { fakeClock, runCli, tempDir } from './support/harness.js';
import { conformEachTest } from './support/openapi.js';
import { caller } from './support/sandbox-client.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';
import { StubServer } from './support/stub-server.js';

const API = '/rest/servicedeskapi';
const clock = fakeClock();
const ANN = '5b10ac8d82e05b22cc7d0a01';
const ANNA = '5b10ac8d82e05b22cc7d0a02';
const BOB = '712020:0b5e4f5c-1b9f-4f77-9d4f-2a1b3c4d5e6f';

let home: string;
let stub: StubServer;

beforeEach(async () => {
  home = tempDir('support-participants-home-');
  stub = await StubServer.start();
});
afterEach(async () => {
  await stub.close();
  fs.rmSync(home, { recursive: true, force: true });
});

/** The customer-API calls of a scripted create on a one-desk, one-type portal that allows both. */
function portal(s: StubServer): void {
  s.stub('GET', `${API}/servicedesk`, { json: { size: 1, start: 0, limit: 50, isLastPage: true, values: [{ id: '7', projectKey: 'HELP', projectName: 'Help' }] } });
  s.stub('GET', `${API}/servicedesk/7/requesttype`, {
    json: { size: 1, start: 0, limit: 50, isLastPage: true, values: [{ id: '70', name: 'Get help', serviceDeskId: '7', groupIds: [] }] },
  });
  s.stub('GET', `${API}/servicedesk/7/requesttypegroup`, { json: { size: 0, start: 0, limit: 50, isLastPage: true, values: [] } });
  s.stub('GET', `${API}/servicedesk/7/requesttype/70/field`, {
    json: {
      canRaiseOnBehalfOf: true,
      canAddRequestParticipants: true,
      requestTypeFields: [
        { fieldId: 'summary', name: 'Summary', required: true, validValues: [], jiraSchema: { type: 'string', system: 'summary' } },
        { fieldId: 'description', name: 'Description', required: false, validValues: [], jiraSchema: { type: 'string', system: 'description' } },
      ],
    },
  });
}

const created = { status: 201, json: { issueId: '1001', issueKey: 'HELP-1', summary: 's', requestTypeId: '70', serviceDeskId: '7', currentStatus: { status: 'Open' } } };

const cloudEnv = { SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 'cloud-token' };
/** A token without an e-mail is a Data Center personal access token (Bearer). */
const dcEnv = { SUPPORT_TOKEN: 'dc-pat' };

function create(argv: string[], env: Record<string, string>) {
  return runCli(['--portal', stub.url, 'create', '--summary', 'Printer on fire', '--details', 'Smoke.', ...argv], { clock, home, env });
}

function posted(): Record<string, unknown> {
  const posts = stub.requests.filter((r) => r.method === 'POST' && r.path === `${API}/request`);
  expect(posts).toHaveLength(1);
  return JSON.parse(posts[0]!.body.toString('utf8')) as Record<string, unknown>;
}

describe('create on a Cloud portal (Basic): e-mails become accountIds', () => {
  it('sends the accountId of the one active user with that exact e-mail; ids pass as given; --json shows both', async () => {
    portal(stub);
    // Cloud's query matches prefixes and names too, and returns inactive accounts: only the exact, active one counts.
    stub.stub('GET', '/rest/api/3/user/search', {
      json: [
        { accountId: ANNA, displayName: 'Anna', emailAddress: 'anna@example.com', active: true, accountType: 'atlassian' },
        { accountId: ANN, displayName: 'Ann', emailAddress: 'Ann@Example.com', active: true, accountType: 'atlassian' },
        { accountId: 'old', displayName: 'Ann (left)', emailAddress: 'ann@example.com', active: false, accountType: 'atlassian' },
      ],
    }, { query: { query: 'ann@example.com' } });
    stub.stub('GET', '/rest/api/3/user/search', { json: [{ accountId: BOB, displayName: 'Bob', emailAddress: 'bob@example.com', active: true }] }, { query: { query: 'bob@example.com' } });
    stub.stub('POST', `${API}/request`, created);
    const r = await create(['--participant', 'ann@example.com', '--participant', '557058:f58131cb', '--on-behalf-of', 'bob@example.com', '--json'], cloudEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = posted();
    expect(body.requestParticipants).toEqual([ANN, '557058:f58131cb']);
    expect(body.raiseOnBehalfOf).toBe(BOB);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out.key).toBe('HELP-1');
    expect(out.participants).toEqual([{ input: 'ann@example.com', id: ANN }, { input: '557058:f58131cb', id: '557058:f58131cb' }]);
    expect(out.onBehalfOf).toEqual({ input: 'bob@example.com', id: BOB });
    // Basic credentials use the Cloud endpoint; the id without "@" was never searched for.
    const searches = stub.requests.filter((x) => x.path.endsWith('/user/search'));
    expect(searches.map((x) => `${x.path}?${x.query.get('query') ?? ''}`)).toEqual([
      '/rest/api/3/user/search?ann@example.com',
      '/rest/api/3/user/search?bob@example.com',
    ]);
    expect(searches[0]!.headers.authorization).toMatch(/^Basic /);
    stub.assertDone();
  });

  it('--dry-run prints the body that will really be sent (ids), and says what each e-mail became', async () => {
    portal(stub);
    stub.stub('GET', '/rest/api/3/user/search', { json: [{ accountId: ANN, displayName: 'Ann', emailAddress: 'ann@example.com', active: true }] }, { query: { query: 'ann@example.com' } });
    stub.stub('POST', `${API}/request/validate`, { status: 404, json: { errorMessage: 'not here' } });
    const r = await create(['--participant', 'ann@example.com', '--dry-run'], cloudEnv);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(body.requestParticipants).toEqual([ANN]);
    expect(r.stderr).toContain(`ann@example.com will be sent as ${ANN}`);
    expect(stub.requests.some((x) => x.method === 'POST' && x.path === `${API}/request`)).toBe(false);
    stub.assertDone();
  });

  it('no match and several matches: exit 2 before filing, every such e-mail named at once, with the way out', async () => {
    portal(stub);
    stub.stub('GET', '/rest/api/3/user/search', { json: [] }, { query: { query: 'ghost@example.com' } });
    stub.stub('GET', '/rest/api/3/user/search', {
      json: [
        { accountId: 'a1', emailAddress: 'twin@example.com', active: true },
        { accountId: 'a2', emailAddress: 'TWIN@example.com', active: true },
      ],
    }, { query: { query: 'twin@example.com' } });
    // Privacy settings hide the e-mail: a name match alone is not proof.
    stub.stub('GET', '/rest/api/3/user/search', { json: [{ accountId: 'a3', displayName: 'hidden@example.com', active: true }] }, { query: { query: 'hidden@example.com' } });
    const r = await create(['--participant', 'ghost@example.com,twin@example.com', '--on-behalf-of', 'hidden@example.com'], cloudEnv);
    expect(r.code).toBe(2);
    // The search answered nobody at all: what a customer account sees, not proof that nobody has the e-mail.
    expect(r.stderr).toContain('ghost@example.com (the user search showed nobody: customer accounts are usually not allowed to search users');
    expect(r.stderr).toContain('twin@example.com (several users have this e-mail)');
    expect(r.stderr).toContain('hidden@example.com (no active user with this exact e-mail)');
    expect(r.stderr).toMatch(/account ids/);
    expect(r.stderr).toContain('--participant 5b10ac8d82e05b22cc7d4ef5');
    expect(r.stderr).toMatch(/added in the portal/);
    expect(stub.requests.some((x) => x.method === 'POST')).toBe(false);
    stub.assertDone();
  });

  it('search forbidden (403): exit 2 naming every e-mail, asked once; nothing filed', async () => {
    portal(stub);
    stub.stub('GET', '/rest/api/3/user/search', { status: 403, json: { errorMessages: ['You do not have permission to browse users.'] } });
    const r = await create(['--participant', 'ann@example.com', '--on-behalf-of', 'bob@example.com'], cloudEnv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ann@example.com (this account may not search users)');
    expect(r.stderr).toContain('bob@example.com (this account may not search users)');
    expect(r.stderr).toContain('--participant 5b10ac8d82e05b22cc7d4ef5');
    expect(stub.requests.some((x) => x.method === 'POST')).toBe(false);
    stub.assertDone();
  });

  it('in Japanese too', async () => {
    portal(stub);
    stub.stub('GET', '/rest/api/3/user/search', { status: 401, json: { errorMessages: ['Unauthorized'] } });
    const r = await runCli(['--portal', stub.url, '--lang', 'ja', 'create', '--summary', 's', '--details', 'd', '--participant', 'ann@example.com'], { clock, home, env: cloudEnv });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('ann@example.com (このアカウントにはユーザー検索の権限がありません)');
    expect(r.stderr).toContain('アカウント ID');
    stub.assertDone();
  });
});

describe('guided create: the review shows what each e-mail became', () => {
  it('an unresolved e-mail keeps the review open until it is fixed; each e-mail is searched once', async () => {
    portal(stub);
    stub.stub('GET', '/rest/api/3/user/search', { json: [] }, { query: { query: 'ghost@example.com' } });
    stub.stub('GET', '/rest/api/3/user/search', { json: [{ accountId: ANN, displayName: 'Ann', emailAddress: 'ann@example.com', active: true }] }, { query: { query: 'ann@example.com' } });
    stub.stub('POST', `${API}/request`, created);
    const p = new ScriptedPrompter([
      { kind: 'input', message: /Participants/, answer: 'ghost@example.com, ann@example.com' },
      { kind: 'input', message: /behalf/, answer: '' },
      { kind: 'select', message: /Send/, answer: 'send' },
      { kind: 'select', message: /Send/, answer: 'edit' },
      { kind: 'select', pick: /^Participants$/ },
      { kind: 'input', message: /Participants/, answer: 'ann@example.com' },
      { kind: 'select', message: /Send/, answer: 'send' },
    ]);
    const r = await runCli(['--portal', stub.url, 'create', '--summary', 'Printer on fire', '--details', 'Smoke.'], { clock, home, env: cloudEnv, tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(p.done).toBe(true);
    // On a terminal the review's rows wrap at its width (80 here), their continuation lines indented.
    expect(r.stderr.replace(/\n {2,}/g, ' ')).toContain(`Participants: ghost@example.com (the user search showed nobody: customer accounts are usually not allowed to search users, so give the accountId (Cloud) or username (Data Center) instead), ann@example.com → ${ANN} (Ann)`);
    expect(r.stderr).toContain('No portal account found for: ghost@example.com');
    expect(r.stderr).toContain(`Participants: ann@example.com → ${ANN} (Ann)`);
    expect(posted().requestParticipants).toEqual([ANN]);
    stub.assertDone();
  });
});

describe('create on a Data Center portal (Bearer): e-mails become usernames', () => {
  it('uses /rest/api/2/user/search?username= and sends the username', async () => {
    portal(stub);
    stub.stub('GET', '/rest/api/2/user/search', {
      json: [{ name: 'ann', key: 'JIRAUSER10100', emailAddress: 'ann@example.com', displayName: 'Ann', active: true }],
    }, { query: { username: 'ann@example.com' } });
    stub.stub('POST', `${API}/request`, created);
    const r = await create(['--participant', 'ann@example.com', '--on-behalf-of', 'jsmith'], dcEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const body = posted();
    expect(body.requestParticipants).toEqual(['ann']);
    expect(body.raiseOnBehalfOf).toBe('jsmith');
    expect(stub.requests.find((x) => x.path === '/rest/api/2/user/search')!.headers.authorization).toBe('Bearer dc-pat');
    stub.assertDone();
  });
});

describe('JsmClient.findUsers', () => {
  function client(credentials: Credentials) {
    return new JsmClient({ baseUrl: stub.url, credentials, userAgent: 'support/test', clock: fakeClock(), retry: { random: () => 0.5, maxAttempts: 3 } });
  }

  it('Basic on a portal without v3 (Data Center with a password): falls back to v2 on 404', async () => {
    stub.stub('GET', '/rest/api/3/user/search', { status: 404, text: '' });
    stub.stub('GET', '/rest/api/2/user/search', { json: [{ name: 'ann', emailAddress: 'ann@example.com', active: true }] }, { query: { username: 'ann@example.com' } });
    const c = client({ kind: 'basic', email: 'ann', token: 'pw' });
    try {
      expect(await c.findUsers('ann@example.com')).toEqual([{ name: 'ann', emailAddress: 'ann@example.com', active: true }]);
    } finally {
      await c.close();
    }
    stub.assertDone();
  });

  it('retried like other GETs (503 then 200)', async () => {
    stub.stub('GET', '/rest/api/2/user/search', { status: 503 });
    stub.stub('GET', '/rest/api/2/user/search', { json: [] });
    const c = client({ kind: 'bearer', token: 'pat' });
    try {
      expect(await c.findUsers('x@example.com')).toEqual([]);
    } finally {
      await c.close();
    }
    stub.assertDone();
  });

  it('401 and 403 become a recognisable permission error; other failures do not', async () => {
    stub.stub('GET', '/rest/api/2/user/search', { status: 401 });
    stub.stub('GET', '/rest/api/2/user/search', { status: 403, text: '<html>Forbidden</html>', headers: { 'content-type': 'text/html' } });
    stub.stub('GET', '/rest/api/2/user/search', { status: 400, json: { errorMessages: ['bad'] } });
    const c = client({ kind: 'bearer', token: 'pat' });
    try {
      for (const status of [401, 403]) {
        const e = await c.findUsers('x@example.com').catch((x: unknown) => x);
        expect(isUserSearchDenied(e)).toBe(true);
        expect((e as { status?: number }).status).toBe(status);
        expect(exitCodeFor(e)).toBe(4);
      }
      const other = await c.findUsers('x@example.com').catch((x: unknown) => x);
      expect(isUserSearchDenied(other)).toBe(false);
    } finally {
      await c.close();
    }
    stub.assertDone();
  });

  it('the resolver searches each e-mail once however often the review asks', async () => {
    stub.stub('GET', '/rest/api/3/user/search', { json: [{ accountId: ANN, emailAddress: 'ann@example.com', active: true, displayName: 'Ann' }] });
    const c = client({ kind: 'basic', email: 'me@example.com', token: 't' });
    try {
      const people = new PeopleResolver(c, createT('en'));
      await people.resolve(['ann@example.com', 'ann@example.com']);
      await people.resolve(['ann@example.com', 'id-1']);
      expect(people.label('ann@example.com')).toBe(`ann@example.com → ${ANN} (Ann)`);
      expect(people.label('id-1')).toBe('id-1');
      expect(() => people.check(['ann@example.com', 'id-1'])).not.toThrow();
    } finally {
      await c.close();
    }
    stub.assertDone();
  });
});

describe('sandbox end to end', () => {
  let h: SandboxHandle;
  let dataDir: string;
  const exchanges: Exchange[] = [];
  beforeAll(async () => {
    dataDir = tempDir('support-participants-sbx-');
    h = await startSandbox({ dataDir, clock, onExchange: (x) => exchanges.push(x) });
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  const ACCOUNT = ['create', '--type', 'account', '--details', 'd', '--field', 'customfield_10020=Other'];
  // User search is platform API, outside the customer-API document.
  conformEachTest(() => exchanges, {
    undocumented: ['GET /rest/api/3/user/search', 'GET /rest/api/2/user/search', `POST ${API}/request/validate`, 'GET /rest/api/3/attachment/meta'],
  });
  const run = (argv: string[], env: Record<string, string>) => runCli(['--portal', h.url, ...ACCOUNT, ...argv], { clock, home, env });

  it('participants resolved (Cloud path) and visible on the request', async () => {
    const other = h.users[1]!;
    const r = await run(['--summary', 'With a colleague', '--participant', other.email.toUpperCase(), '--json'], { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { key: string; participants: unknown };
    expect(out.participants).toEqual([{ input: other.email.toUpperCase(), id: other.accountId }]);
    const create = exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request`).at(-1)!;
    expect((create.body as { requestParticipants: string[] }).requestParticipants).toEqual([other.accountId]);
    const p = await caller(h)('GET', `${API}/request/${out.key}/participant`);
    expect((p.json.values as { accountId: string }[]).map((u) => u.accountId)).toEqual([other.accountId]);
  });

  it('--on-behalf-of makes the other sandbox user the reporter (Data Center path, Bearer)', async () => {
    const other = h.users[1]!;
    const r = await run(['--summary', 'For a colleague', '--on-behalf-of', other.email], { SUPPORT_TOKEN: h.token });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const key = r.stdout.split('\t')[0]!;
    const create = exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request`).at(-1)!;
    expect((create.body as { raiseOnBehalfOf: string }).raiseOnBehalfOf).toBe(other.accountId);
    expect(exchanges.some((x) => x.path === '/rest/api/2/user/search')).toBe(true);
    const req = await caller(h, other)('GET', `${API}/request/${key}`);
    expect(req.status).toBe(200);
    expect((req.json.reporter as { accountId: string }).accountId).toBe(other.accountId);
  });

  it('an unknown e-mail on the sandbox: exit 2, nothing filed', async () => {
    const before = exchanges.filter((x) => x.method === 'POST').length;
    const r = await run(['--summary', 'Nobody', '--participant', 'nobody@sandbox.invalid'], { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nobody@sandbox.invalid (the user search showed nobody');
    expect(exchanges.filter((x) => x.method === 'POST').length).toBe(before);
  });

  it('the search endpoints: auth required, case-insensitive on e-mail and name, a query required', async () => {
    const anon = await fetch(`${h.url}/rest/api/3/user/search?query=sandbox`);
    expect(anon.status).toBe(401);
    await anon.body?.cancel();
    const byName = await caller(h)('GET', '/rest/api/3/user/search?query=ANOTHER%20cust');
    expect(byName.status).toBe(200);
    expect((byName.json as unknown as { accountId: string }[]).map((u) => u.accountId)).toEqual([h.users[1]!.accountId]);
    const dc = await caller(h)('GET', `/rest/api/2/user/search?username=${encodeURIComponent('@SANDBOX.invalid')}`);
    expect((dc.json as unknown as { name: string }[]).map((u) => u.name).sort()).toEqual(h.users.map((u) => u.accountId).sort());
    const none = await caller(h)('GET', '/rest/api/2/user/search');
    expect(none.status).toBe(400);
  });
});
