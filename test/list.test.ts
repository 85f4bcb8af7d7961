import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API, followSandbox, conformFollow, type FollowSandbox } from './support/follow-sandbox.js';
import { runCli } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

// eslint-disable-next-line no-control-regex -- ANSI colour codes
const stripAnsi = (x: string) => x.replace(/\x1b\[[0-9;]*m/g, '');

let s: FollowSandbox;
const keys: string[] = [];
beforeAll(async () => {
  // A cap of 2 per page: five requests take three pages, so paging is exercised.
  s = await followSandbox({ maxPageSize: 2 });
  keys.push(await s.create('Japanese text is missing when a page is exported to PDF', { impact: 'Level 2 - Significant' }));
  keys.push(await s.create('Reindex takes 9 hours', { impact: 'Level 3 - Some' }));
  keys.push(await s.create('Billing question', { type: '3' }));
  keys.push(await s.create('A'.repeat(120) + ' very long summary', { impact: 'Level 4 - Minimal' }));
  keys.push(await s.create('Login loop after SSO change', { impact: 'Level 1 - Critical' }));
  await s.create('Someone else’s request', { as: 1 });
  const r = await s.call('POST', `${API}/request/${keys[2]}/transition`, { id: '11' });
  expect(r.status).toBe(204);
});
afterAll(async () => {
  await s.close();
});
conformFollow(() => s.exchanges);

describe('support list', () => {
  it('in a pipe: tab-separated key, status, impact, summary, ISO time; newest first; open only by default', async () => {
    const r = await s.cli(['list']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(rows.map((x) => x[0])).toEqual([keys[4], keys[3], keys[1], keys[0]]);
    expect(rows[0]).toEqual([keys[4], 'Atlassian investigating', 'Level 1 - Critical', 'Login loop after SSO change', expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)]);
    expect(rows.every((x) => x.length === 5)).toBe(true);
    expect(r.stdout).not.toContain('Someone else');
  });

  it('--status closed / all, --search, --mine', async () => {
    const closed = await s.cli(['list', '--status', 'closed']);
    expect(closed.stdout.trimEnd().split('\n').map((l) => l.split('\t').slice(0, 2))).toEqual([[keys[2], 'Resolved']]);
    const all = await s.cli(['list', '--status', 'all', '--mine']);
    expect(all.stdout.trimEnd().split('\n')).toHaveLength(5);
    const found = await s.cli(['list', '--search', 'Reindex']);
    expect(found.stdout.split('\t')[0]).toBe(keys[1]);
    const q = s.exchanges.filter((x) => x.method === 'GET' && x.path === `${API}/request`).map((x) => x.query);
    expect(q.some((x) => JSON.stringify(x).includes('CLOSED_REQUESTS'))).toBe(true);
    expect(q.some((x) => JSON.stringify(x).includes('OWNED_REQUESTS'))).toBe(true);
  });

  it('--json streams one array past the server cap; --limit stops early', async () => {
    const before = s.exchanges.length;
    const r = await s.cli(['list', '--status', 'all', '--limit', '0', '--json']);
    expect(r.code).toBe(0);
    const arr = JSON.parse(r.stdout) as Record<string, unknown>[];
    // Latest activity first: keys[2] was resolved after the others were filed.
    expect(arr.map((x) => x.key)).toEqual([keys[2], keys[4], keys[3], keys[1], keys[0]]);
    expect(Object.keys(arr[0]!).sort()).toEqual(['created', 'impact', 'key', 'requestTypeId', 'serviceDeskId', 'status', 'statusCategory', 'summary', 'updated', 'url']);
    expect(arr[0]!.url).toBe(`${s.h.url}/servicedesk/customer/portal/1/${keys[2]}`);
    const pages = s.exchanges.slice(before).filter((x) => x.path === `${API}/request`);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const limited = JSON.parse((await s.cli(['list', '--status', 'all', '--limit', '3', '--json'])).stdout) as unknown[];
    expect(limited).toHaveLength(3);
  });

  it('on a TTY: a table with headers, the summary cut to the width, relative times', async () => {
    const r = await s.cli(['list'], { tty: true, columns: 70 });
    expect(r.code).toBe(0);
    const lines = stripAnsi(r.stdout).trimEnd().split('\n');
    // The date is the last status change (the customer API gives no other activity date): the column says so.
    expect(lines[0]).toMatch(/^KEY\s+STATUS\s+IMPACT\s+SUMMARY\s+STATUS CHANGED$/);
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.length <= 70)).toBe(true);
    expect(lines.find((l) => l.startsWith(keys[3]!))).toMatch(/A+… +\S/);
    expect(lines[1]).toMatch(/Level 1 .*ago$/);
    const ja = await s.cli(['--lang', 'ja', 'list'], { tty: true, columns: 70 });
    expect(stripAnsi(ja.stdout).split('\n')[0]).toMatch(/^キー\s+ステータス\s+影響度\s+概要\s+ステータス変更$/);
  });

  it('no requests: exit 0, nothing on stdout (an empty array with --json), a message on stderr', async () => {
    const r = await s.cli(['list', '--search', 'zzz-no-such-thing']);
    expect(r).toMatchObject({ code: 0, stdout: '' });
    expect(r.stderr).toContain('No requests match.');
    const j = await s.cli(['list', '--search', 'zzz-no-such-thing', '--json']);
    expect(JSON.parse(j.stdout)).toEqual([]);
  });

  it('--service-desk by name or id; an unknown one is exit 2 naming the known ones', async () => {
    const byName = await s.cli(['list', '--service-desk', 'atlassian support (sandbox)']);
    expect(byName.stdout.trimEnd().split('\n')).toHaveLength(4);
    const bad = await s.cli(['list', '--service-desk', 'Nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"Nope"');
    expect(bad.stderr).toContain('1 (Atlassian Support (sandbox))');
  });

  it('names every bad flag at once, exit 2, nothing sent', async () => {
    const before = s.exchanges.length;
    const r = await s.cli(['list', '--status', '', '--mine', '--all', '--limit', '-1']);
    expect(r.code).toBe(2);
    for (const x of ['--status', '--mine, --all', '--limit']) expect(r.stderr).toContain(x);
    expect(s.exchanges.length).toBe(before);
  });
});

describe('support list on another site', () => {
  it('finds the impact column by the field’s label and value, whatever its id', async () => {
    const stub = await StubServer.start();
    try {
      const req = (key: string, values: { fieldId: string; label: string; value: unknown }[]) => ({
        issueKey: key,
        summary: `${key} summary`,
        currentStatus: { status: 'Open', statusCategory: 'NEW', statusDate: { epochMillis: Date.parse('2026-11-24T09:00:00Z') } },
        requestFieldValues: values,
      });
      stub.stub('GET', `${API}/request`, {
        json: {
          size: 2,
          start: 0,
          limit: 50,
          isLastPage: true,
          values: [
            req('HELP-2', [
              { fieldId: 'customfield_10013', label: 'Favourite colour', value: { value: 'Red' } },
              { fieldId: 'customfield_10150', label: '業務への影響', value: { value: 'レベル 2 - 重大' } },
            ]),
            req('HELP-1', [{ fieldId: 'customfield_10013', label: 'Favourite colour', value: { value: 'Level 2 - Significant' } }]),
          ],
        },
      });
      const r = await runCli(['--portal', stub.url, 'list'], { env: { SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 'tok' } });
      expect(r.code).toBe(0);
      expect(r.stdout.trimEnd().split('\n').map((l) => l.split('\t').slice(0, 3))).toEqual([
        ['HELP-2', 'Open', 'レベル 2 - 重大'],
        ['HELP-1', 'Open', ''],
      ]);
      stub.assertDone();
    } finally {
      await stub.close();
    }
  });
});
