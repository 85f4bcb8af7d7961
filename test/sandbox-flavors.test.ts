/**
 * The sandbox as other portals: the Data Center flavor's shapes, request types from a catalog file,
 * the input formats real Jira accepts, "latest activity first", and the hostile knobs (a proxy that
 * drops `start`, a write rate limit).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { SandboxCatalogError, loadCatalogFile, startSandbox, type Exchange, type SandboxHandle, type SandboxStartOptions } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDir, testDeps } from './support/harness.js';
import { conformEachTest } from './support/openapi.js';
import { caller, createBody, validFields } from './support/sandbox-client.js';

const API = '/rest/servicedeskapi';
const exchanges: Exchange[] = [];
const open: SandboxHandle[] = [];
const dirs: string[] = [];

function dir(): string {
  const d = tempDir('support-sandbox-flavor-');
  dirs.push(d);
  return d;
}

async function sandbox(opts: Partial<SandboxStartOptions> = {}) {
  const clock = fakeClock();
  const h = await startSandbox({ clock, dataDir: dir(), ...opts, onExchange: (x) => exchanges.push(x) });
  open.push(h);
  return { h, clock, you: caller(h), other: caller(h, h.users[1]!) };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((x) => x.close()));
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

// What real Jira reads but the spec types otherwise (numbers for string ids) is sent on purpose
// below; those requests are checked by the tests, their answers by the spec.
const NUMERIC_IDS = (x: Exchange) => {
  const b = x.body as Record<string, unknown> | undefined;
  return !(b && (typeof b.serviceDeskId === 'number' || typeof b.requestTypeId === 'number' || typeof b.id === 'number'));
};

describe('sandbox --flavor dc', () => {
  conformEachTest(() => exchanges, { undocumented: ['GET /rest/api/2/user/search', 'GET /rest/api/2/attachment/meta', 'GET /rest/api/3/', `POST ${API}/request/validate`], filter: NUMERIC_IDS });

  it('answers in Data Center shapes: no status category, people by username and key, X-AUSERNAME, /rest/api/2 only, no /request/validate', async () => {
    const { h, you } = await sandbox({ flavor: 'dc' });
    const info = await caller(h, 'none')('GET', `${API}/info`);
    expect(info.json.version).toMatch(/^10\.\d+\.\d+$/);
    const me = await you('GET', '/rest/api/2/myself');
    expect(me.status).toBe(200);
    expect(me.json).toMatchObject({ name: 'you', key: 'you', emailAddress: h.email, displayName: 'Sandbox Customer' });
    expect(me.json.accountId).toBeUndefined();
    expect(me.headers.get('x-ausername')).toBe('you');
    expect(me.headers.get('x-aaccountid')).toBeNull();
    expect((await you('GET', '/rest/api/3/myself')).status).toBe(404);
    expect((await you('GET', '/rest/api/3/attachment/meta')).status).toBe(404);
    expect((await you('GET', '/rest/api/2/attachment/meta')).json.uploadLimit).toBeGreaterThan(0);
    // Basic with the username works as well as with the e-mail.
    expect((await caller(h, { email: 'you', token: h.token })('GET', '/rest/api/2/myself')).status).toBe(200);

    const created = await you('POST', `${API}/request`, createBody('1', validFields('1'), { requestParticipants: ['colleague'] }));
    expect(created.status).toBe(201);
    expect(created.json.currentStatus).toEqual({ status: 'Atlassian investigating', statusDate: expect.any(Object) });
    expect(created.json.reporter).toMatchObject({ name: 'you', key: 'you', displayName: 'Sandbox Customer' });
    expect(created.json.reporter.accountId).toBeUndefined();
    expect(created.json._links.agent).toBeUndefined();
    const key = created.json.issueKey as string;
    const full = await you('GET', `${API}/request/${key}?expand=status,participant`);
    expect(full.json.status.values.every((s: object) => !('statusCategory' in s))).toBe(true);
    expect(full.json.participants.values.map((p: { name: string }) => p.name)).toEqual(['colleague']);
    const history = await you('GET', `${API}/request/${key}/status`);
    expect(history.json.values[0].statusCategory).toBeUndefined();

    const validate = await you('POST', `${API}/request/validate`, createBody('1'));
    expect([404, 405]).toContain(validate.status);
  });

  it('takes participants and raiseOnBehalfOf as usernames; accountIds are not read', async () => {
    const { h, you } = await sandbox({ flavor: 'dc' });
    const byId = await you('POST', `${API}/request`, createBody('4', validFields('4'), { raiseOnBehalfOf: h.users[1]!.accountId }));
    expect(byId.status).toBe(400);
    expect(byId.json.errorMessage).toContain(h.users[1]!.accountId);
    const created = await you('POST', `${API}/request`, createBody('4', validFields('4'), { raiseOnBehalfOf: 'colleague', requestParticipants: ['you'] }));
    expect(created.status).toBe(201);
    expect(created.json.reporter.name).toBe('colleague');
    const key = created.json.issueKey as string;
    const ids = await you('POST', `${API}/request/${key}/participant`, { accountIds: [h.users[1]!.accountId] });
    expect(ids.status).toBe(400);
    expect(ids.json.errorMessage).toMatch(/usernames/);
    const removed = await you('DELETE', `${API}/request/${key}/participant`, { usernames: ['YOU'] });
    expect(removed.status).toBe(200);
    const search = await you('GET', '/rest/api/2/user/search?username=colleague');
    expect(search.json).toEqual([expect.objectContaining({ name: 'colleague', key: 'colleague' })]);
  });
});

describe('sandbox: what real Jira accepts', () => {
  conformEachTest(() => exchanges, { undocumented: [`POST ${API}/request/validate`], filter: NUMERIC_IDS });

  it('takes option ids as numbers or strings, labels as {value}, and desk, request type and transition ids as numbers', async () => {
    const { you } = await sandbox();
    const fields = { ...validFields('1'), customfield_10010: { id: 10002 }, customfield_10013: { id: '10101' } };
    const r = await you('POST', `${API}/request`, { serviceDeskId: 1, requestTypeId: 1, requestFieldValues: fields });
    expect(r.status).toBe(201);
    const values = Object.fromEntries(r.json.requestFieldValues.map((v: { fieldId: string; value: unknown }) => [v.fieldId, v.value]));
    expect(values.customfield_10010).toEqual({ id: '10002', value: 'Confluence' });
    expect(values.customfield_10013).toEqual({ id: '10101', value: 'Level 2 - Significant' });
    const checks = await you('POST', `${API}/request`, createBody('2', { ...validFields('2'), customfield_10018: [{ id: 10050 }] }));
    expect(checks.status).toBe(201);
    const unknown = await you('POST', `${API}/request`, createBody('1', { ...validFields('1'), customfield_10010: { id: 99 } }));
    expect(unknown.status).toBe(400);
    const resolved = await you('POST', `${API}/request/${r.json.issueKey}/transition`, { id: 11 });
    expect(resolved.status).toBe(204);
    expect((await you('GET', `${API}/request/${r.json.issueKey}`)).json.currentStatus.statusCategory).toBe('DONE');
  });

  it('validates a create body on POST /request/validate (Cloud) without creating anything', async () => {
    const { you } = await sandbox();
    const ok = await you('POST', `${API}/request/validate`, createBody('1'));
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ valid: true });
    const bad = await you('POST', `${API}/request/validate`, createBody('2', { summary: 'only this' }));
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ valid: false, errorMessage: expect.stringContaining('customfield_10010') });
    expect((await you('GET', `${API}/request`)).json.size).toBe(0);
  });

  it('lists requests by latest activity: a comment brings an older request to the top', async () => {
    const { you, clock } = await sandbox();
    const first = (await you('POST', `${API}/request`, createBody('4', validFields('4', 'first')))).json.issueKey;
    clock.advance(60_000);
    const second = (await you('POST', `${API}/request`, createBody('4', validFields('4', 'second')))).json.issueKey;
    clock.advance(60_000);
    const keys = async () => (await you('GET', `${API}/request`)).json.values.map((v: { issueKey: string }) => v.issueKey);
    expect(await keys()).toEqual([second, first]);
    await you('POST', `${API}/request/${first}/comment`, { body: 'any news?', public: true });
    expect(await keys()).toEqual([first, second]);
  });
});

describe('sandbox: hostile knobs', () => {
  conformEachTest(() => exchanges);

  it('--ignore-paging-start answers the first page whatever start asks for, never isLastPage', async () => {
    const { you } = await sandbox({ ignorePagingStart: true, maxPageSize: 2 });
    for (const s of ['a', 'b', 'c']) expect((await you('POST', `${API}/request`, createBody('4', validFields('4', s)))).status).toBe(201);
    const p0 = await you('GET', `${API}/request?start=0&limit=2`);
    const p2 = await you('GET', `${API}/request?start=2&limit=2`);
    expect(p2.json).toMatchObject({ start: 0, size: 2, isLastPage: false });
    expect(p2.json.values).toEqual(p0.json.values);
  });

  it('--rate-limit-writes answers 429 beyond N writes a minute with Retry-After, X-RateLimit-Reset and RateLimit-Reason; reads go on', async () => {
    const { you, clock } = await sandbox({ rateLimitWritesPerMinute: 2 });
    expect((await you('POST', `${API}/request`, createBody('4'))).status).toBe(201);
    expect((await you('POST', `${API}/request/SUP-1/comment`, { body: 'one', public: true })).status).toBe(201);
    const refused = await you('POST', `${API}/request/SUP-1/comment`, { body: 'two', public: true });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Date.parse(refused.headers.get('x-ratelimit-reset')!)).toBe(clock.now() + 60_000);
    expect(refused.headers.get('ratelimit-reason')).toBe('jira-per-issue-on-write');
    expect((await you('GET', `${API}/request/SUP-1/comment`)).json.size).toBe(1);
    clock.advance(60_000);
    expect((await you('POST', `${API}/request/SUP-1/comment`, { body: 'two', public: true })).status).toBe(201);
  });
});

const CATALOG = {
  serviceDesk: { id: '7', projectId: '10700', projectKey: 'IT', projectName: 'IT help desk' },
  requestTypeGroups: [{ id: '5', name: 'Hardware' }],
  requestTypes: [
    {
      id: '70',
      name: 'Laptop repair',
      description: 'Broken laptops.',
      groupIds: ['5'],
      fields: {
        requestTypeFields: [
          { fieldId: 'summary', name: 'What is broken?', required: true, jiraSchema: { type: 'string', system: 'summary' } },
          { fieldId: 'customfield_30001', name: 'Asset tag', required: true, jiraSchema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' } },
          { fieldId: 'customfield_30002', name: 'Broken since', required: false, jiraSchema: { type: 'date' } },
          {
            fieldId: 'customfield_30003',
            name: 'Model',
            required: true,
            jiraSchema: { type: 'option-with-child', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect' },
            validValues: [{ value: '300', label: 'ThinkPad', children: [{ value: '301', label: 'X1' }] }],
          },
          { fieldId: 'customfield_30004', name: 'Manager', required: false, jiraSchema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' } },
        ],
      },
    },
  ],
};

describe('sandbox --catalog', () => {
  conformEachTest(() => exchanges);

  it('serves the desk, groups, request types and fields of a JSON or YAML file, and files requests against them', async () => {
    const d = dir();
    const json = path.join(d, 'it.json');
    fs.writeFileSync(json, JSON.stringify(CATALOG));
    const yamlFile = path.join(d, 'it.yaml');
    const { stringify } = await import('yaml');
    fs.writeFileSync(yamlFile, stringify(CATALOG));
    expect(await loadCatalogFile(yamlFile)).toEqual(await loadCatalogFile(json));

    for (const flavor of ['cloud', 'dc'] as const) {
      const { h, you } = await sandbox({ catalog: await loadCatalogFile(json), flavor, fieldIdOffset: 5 });
      const desks = await you('GET', `${API}/servicedesk`);
      expect(desks.json.values).toEqual([expect.objectContaining({ id: '7', projectKey: 'IT', projectName: 'IT help desk' })]);
      expect((await you('GET', `${API}/servicedesk/7/requesttypegroup`)).json.values).toEqual([{ id: '5', name: 'Hardware' }]);
      const types = await you('GET', `${API}/servicedesk/IT/requesttype?expand=field`);
      expect(types.json.values.map((t: { name: string }) => t.name)).toEqual(['Laptop repair']);
      const meta = await you('GET', `${API}/servicedesk/7/requesttype/70/field`);
      expect(meta.json.requestTypeFields.map((f: { fieldId: string }) => f.fieldId)).toEqual(['summary', 'customfield_30006', 'customfield_30007', 'customfield_30008', 'customfield_30009']);
      expect(meta.json.requestTypeFields[3].validValues[0].children).toEqual([{ value: '301', label: 'X1', children: [] }]);
      const manager = flavor === 'dc' ? { name: 'colleague' } : { accountId: h.users[1]!.accountId };
      const values = {
        summary: 'Screen flickers',
        customfield_30006: 4711,
        customfield_30007: '2026-11-20',
        customfield_30008: { value: 'ThinkPad', child: { id: 301 } },
        customfield_30009: manager,
      };
      const created = await you('POST', `${API}/request`, { serviceDeskId: 'IT', requestTypeId: '70', requestFieldValues: values });
      expect(created.status).toBe(201);
      expect(created.json.issueKey).toBe('IT-1');
      const shown = Object.fromEntries(created.json.requestFieldValues.map((v: { fieldId: string; value: unknown }) => [v.fieldId, v.value]));
      expect(shown.customfield_30008).toEqual({ id: '300', value: 'ThinkPad', child: { id: '301', value: 'X1' } });
      expect(shown.customfield_30009).toMatchObject({ displayName: 'Another Customer', ...manager });
      const wrong = await you('POST', `${API}/request`, {
        serviceDeskId: '7',
        requestTypeId: '70',
        requestFieldValues: { ...values, customfield_30006: 'x', customfield_30007: 'soon', customfield_30009: flavor === 'dc' ? { accountId: h.users[1]!.accountId } : { name: 'colleague' } },
      });
      expect(wrong.status).toBe(400);
      for (const name of ['Asset tag', 'Broken since', 'Manager']) expect(wrong.json.errorMessage).toContain(name);
    }
  });

  it('names every problem of a file that is not a catalog; the command says so with exit 1', async () => {
    const d = dir();
    const bad = path.join(d, 'bad.json');
    fs.writeFileSync(bad, JSON.stringify({ requestTypes: [{ id: '1' }, { id: '2', name: 'x', fields: [{ fieldId: 'customfield_1', name: 'No schema' }] }] }));
    const err = await loadCatalogFile(bad).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SandboxCatalogError);
    expect((err as SandboxCatalogError).problems).toEqual([
      'requestTypes[0] needs an "id" and a "name"',
      'requestTypes[1].fields[0] (customfield_1) needs "jiraSchema": {"type": ...}',
    ]);
    const r = await runCli(['sandbox', '--port', '0', '--data', dir(), '--catalog', bad]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('requestTypes[0]');
    expect(r.stderr).toMatch(/hint:/);
    const missing = await runCli(['sandbox', '--port', '0', '--data', dir(), '--catalog', path.join(d, 'none.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('none.yaml');
  });
});

describe('support sandbox: the new flags', () => {
  it('refuses an unknown flavor and a bad --rate-limit-writes, naming both (exit 2)', async () => {
    const r = await runCli(['sandbox', '--flavor', 'server', '--rate-limit-writes', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--flavor');
    expect(r.stderr).toContain('--rate-limit-writes');
    const help = await runCli(['sandbox', '--help']);
    for (const s of ['--flavor', '--catalog', '--ignore-paging-start', '--rate-limit-writes']) expect(help.stdout).toContain(s);
  });

  it('serves the dc flavor with the knobs from the command line', async () => {
    const ac = new AbortController();
    const { deps, stdout } = testDeps({ signal: ac.signal, clock: fakeClock() });
    const running = run(['sandbox', '--json', '--port', '0', '--data', dir(), '--flavor', 'dc', '--ignore-paging-start', '--rate-limit-writes', '1'], deps);
    let line = '';
    for (let i = 0; i < 500 && !line.includes('\n'); i++) {
      await new Promise((r) => setTimeout(r, 10));
      line = stdout();
    }
    const facts = JSON.parse(line) as { url: string; email: string; token: string };
    const h = { url: facts.url, email: facts.email, token: facts.token, dataDir: '', users: [{ email: facts.email, token: facts.token, accountId: '', displayName: '' }], close: async () => undefined };
    const you = caller(h);
    expect((await you('GET', '/rest/api/2/myself')).json.name).toBe('you');
    expect((await you('POST', `${API}/request`, createBody('4'))).status).toBe(201);
    expect((await you('POST', `${API}/request`, createBody('4'))).status).toBe(429);
    ac.abort();
    expect(await running).toBe(0);
  });
});
