import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sandboxReply, startSandbox } from '../src/sandbox/index.js';
import { AUTO_RESOLVE } from '../src/sandbox/workflow.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';
import { API, followSandbox, conformFollow, type FollowSandbox } from './support/follow-sandbox.js';
import { fakeClock, runCli, tempDir } from './support/harness.js';
import { caller, createBody, validFields } from './support/sandbox-client.js';
import { StubServer } from './support/stub-server.js';

const SUMMARY = 'Japanese text is missing when a page is exported to PDF';
let s: FollowSandbox;
let key: string;
let created: number;
beforeAll(async () => {
  s = await followSandbox();
});
// Each test views and comments on a request of its own, filed at the sandbox clock's current time.
beforeEach(async () => {
  created = s.clock.now();
  key = await s.create(SUMMARY, { impact: 'Level 2 - Significant' });
});
afterAll(async () => {
  await s.close();
});
conformFollow(() => s.exchanges);

/** A time as the human view prints it in a pipe: ISO-8601 in UTC, `2026-11-24T09:00:00Z`. */
const shown = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('support view', () => {
  it('shows fields by label, status history, SLA, comments; and the auto-resolve countdown when waiting', async () => {
    s.clock.advance(30 * 60_000);
    const replied = s.clock.now();
    await sandboxReply(s.dataDir, key, 'Which version are you on?\nAnd the browser?', s.clock);
    s.clock.advance(3_600_000);
    const r = await s.cli(['view', key]);
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out.split('\n')[0]).toBe(`${key}  ${SUMMARY}`);
    expect(out).toContain(`${s.h.url}/servicedesk/customer/portal/1/${key}`);
    expect(out).toMatch(/Business impact: Level 2 - Significant/);
    expect(out).toMatch(/Support Entitlement Number \(SEN\): SEN-1234567/);
    expect(out).toContain(`Status: Waiting for customer since ${shown(replied)} (1h ago)`);
    // 5 days after the status date, the status changed 1 hour ago. A portal at a URL with the
    // statuses of Atlassian's support portal follows Atlassian's rule.
    expect(out).toContain(`Auto-resolve: in 4d 23h (${shown(replied + 5 * 86_400_000)}) unless you reply (Atlassian's rule: 5 days waiting for you)\n`);
    expect(out).toContain(`Status history\n  ${shown(created)}  Atlassian investigating\n  ${shown(replied)}  Waiting for customer\n`);
    expect(out).toMatch(/Time to first response: met/);
    expect(out).toMatch(/Comments \(1\)\n {2}.+ \d{4}-\d\d-\d\d.*\n {4}Which version are you on\?\n {4}And the browser\?/);
    expect(out).toContain(shown(replied));
    const v = JSON.parse((await s.cli(['view', key, '--json'])).stdout);
    expect(v.autoResolve).toEqual({ at: new Date(Date.parse(v.status.since) + 5 * 86_400_000).toISOString(), inMs: 5 * 86_400_000 - 3_600_000, rule: 'atlassian' });
    const ja = await s.cli(['--lang', 'ja', 'view', key]);
    expect(ja.stdout).toContain('(アトラシアンのルール: お客様の返信待ちが 5 日続くと解決)');
    // The portal names its SLA in the language asked for, as JSM does for requestLanguage=ja.
    expect(ja.stdout).toMatch(/最初の応答までの時間: 達成/);
    expect(ja.stdout).not.toContain('Time to first response');
  });

  it('--json carries everything, comments and attachments included; --comments N keeps the last N', async () => {
    s.clock.advance(30 * 60_000);
    await sandboxReply(s.dataDir, key, 'Which version are you on?', s.clock);
    s.clock.advance(3_600_000);
    const file = path.join(s.dataDir, '..', `view-${path.basename(s.dataDir)}.txt`);
    fs.writeFileSync(file, 'hello');
    expect((await s.cli(['attach', key, file, '--comment', 'the log'])).code).toBe(0);
    fs.rmSync(file);
    const r = await s.cli(['view', key, '--json', '--comments', '1']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(Object.keys(v).sort()).toEqual(
      ['attachments', 'commentCount', 'comments', 'created', 'fields', 'history', 'id', 'key', 'notifications', 'participants', 'reporter', 'requestType', 'serviceDesk', 'sla', 'status', 'summary', 'url'].sort(),
    );
    expect(v.status).toMatchObject({ name: 'Atlassian investigating', category: 'INDETERMINATE' });
    expect(v.commentCount).toBe(2);
    expect(v.comments).toHaveLength(1);
    // The portal writes the files a comment carries after its text, as JSM does.
    expect(v.comments[0]).toMatchObject({ body: `the log [^${path.basename(file)}] _(1 kB)_`, created: expect.stringMatching(/Z$/) });
    expect(v.attachments).toEqual([expect.objectContaining({ filename: path.basename(file), size: 5 })]);
    expect(v.fields).toContainEqual({ id: 'customfield_10013', label: 'Business impact', value: 'Level 2 - Significant' });
    expect(v.history.map((h: { status: string }) => h.status)).toEqual(['Atlassian investigating', 'Waiting for customer', 'Atlassian investigating']);
    expect(v.sla[0]).toMatchObject({ name: 'Time to first response', state: 'met' });
    expect(v.reporter.email).toBe(s.h.email);
    const all = JSON.parse((await s.cli(['view', key, '--json', '--all-comments'])).stdout);
    expect(all.comments).toHaveLength(2);
  });

  it('someone else’s request: exit 1 with a clear message', async () => {
    const others = await s.create('Not yours', { as: 1 });
    const r = await s.cli(['view', others]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`request ${others} was not found, or you are not allowed to see it`);
    const bad = await s.cli(['view', 'not a key']);
    expect(bad.code).toBe(2);
  });

  it('--web prints the portal URL (no browser without a terminal)', async () => {
    const r = await s.cli(['view', key.toLowerCase(), '--web']);
    expect(r).toMatchObject({ code: 0, stdout: `${s.h.url}/servicedesk/customer/portal/1/${key}\n` });
  });
});

describe('support comment', () => {
  it('--body adds a public comment and says the status', async () => {
    const r = await s.cli(['comment', key, '--body', 'Version 9.12.3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Comment added to ${key}.\nStatus: Atlassian investigating\n`);
    const sent = s.exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request/${key}/comment`).at(-1);
    expect(sent?.body).toEqual({ body: 'Version 9.12.3', public: true });
  });

  it('--body-file - reads stdin; a comment on a resolved request reopens it, and says so', async () => {
    expect((await s.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
    const r = await s.cli(['comment', key, '--body-file', '-', '--json'], { stdin: 'It happened again\n' });
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ key, previousStatus: 'Resolved', status: 'Atlassian investigating', reopened: true, comment: { body: 'It happened again' } });
    const human = await s.cli(['comment', key, '--body', 'more']);
    expect(human.stdout).not.toContain('reopened');
  });

  it('refuses an empty body (exit 2) and, without a terminal, a missing one; opens the editor on a TTY', async () => {
    const before = s.exchanges.length;
    expect((await s.cli(['comment', key, '--body', '  \n'])).code).toBe(2);
    const none = await s.cli(['comment', key]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--body or --body-file/);
    expect(s.exchanges.length).toBe(before);
    const p = new ScriptedPrompter([{ kind: 'editor', message: new RegExp(key), answer: 'From the editor' }]);
    const r = await s.cli(['comment', key], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(p.done).toBe(true);
    const last = s.exchanges.filter((x) => x.method === 'POST' && x.path.endsWith('/comment')).at(-1);
    expect(last?.body).toEqual({ body: 'From the editor', public: true });
  });
});

describe('support view: the auto-resolve countdown only where the portal’s rule is known', () => {
  it('--portal sandbox: the sandbox’s rule, known from the session', async () => {
    const home = tempDir('support-view-home-');
    const clock = fakeClock();
    const h = await startSandbox({ dataDir: path.join(home, 'config', 'data'), clock });
    let key: string;
    try {
      const r = await caller(h)('POST', `${API}/request`, createBody('1', validFields('1', 'Waiting in the sandbox')));
      key = r.json.issueKey as string;
      clock.advance(60_000);
      await sandboxReply(h.dataDir, key, 'Please attach the support zip', clock);
    } finally {
      await h.close();
    }
    clock.advance(3_600_000);
    try {
      const r = await runCli(['--portal', 'sandbox', 'view', key], { home, clock });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Auto-resolve: in 4d 23h \(.+\) unless you reply \(sandbox rule: 5 days waiting for you\)\n/);
      const v = JSON.parse((await runCli(['--portal', 'sandbox', 'view', key, '--json'], { home, clock })).stdout);
      // The countdown is the sandbox's own: it resolves the request at that very time.
      expect(v.autoResolve).toMatchObject({ rule: 'sandbox', at: new Date(Date.parse(v.status.since) + AUTO_RESOLVE.afterMs).toISOString() });
      const ja = await runCli(['--lang', 'ja', '--portal', 'sandbox', 'view', key], { home, clock });
      expect(ja.stdout).toContain('(サンドボックスのルール: お客様の返信待ちが 5 日続くと解決)');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('any other portal: no countdown, even in "Waiting for customer"', async () => {
    const stub = await StubServer.start();
    try {
      const at = (iso: string) => ({ iso8601: iso, epochMillis: Date.parse(iso) });
      const page = (values: unknown[]) => ({ json: { size: values.length, start: 0, limit: 50, isLastPage: true, values } });
      stub.stub('GET', `${API}/request/HELP-7`, {
        json: {
          issueId: '10070',
          issueKey: 'HELP-7',
          summary: 'VPN drops every hour',
          createdDate: at('2026-11-24T08:00:00Z'),
          currentStatus: { status: 'Waiting for customer', statusCategory: 'INDETERMINATE', statusDate: at('2026-11-24T08:30:00Z') },
          requestFieldValues: [],
        },
      });
      stub.stub('GET', `${API}/request/HELP-7/status`, page([
        { status: 'Waiting for support', statusCategory: 'NEW', statusDate: at('2026-11-24T08:00:00Z') },
        { status: 'Waiting for customer', statusCategory: 'INDETERMINATE', statusDate: at('2026-11-24T08:30:00Z') },
      ]));
      for (const list of ['sla', 'participant', 'attachment', 'comment', 'approval']) stub.stub('GET', `${API}/request/HELP-7/${list}`, page([]), { times: 2 });
      stub.stub('GET', `${API}/request/HELP-7/notification`, { json: { subscribed: true } }, { times: 2 });
      stub.stub('GET', `${API}/request/HELP-7/feedback`, { status: 404, json: { errorMessage: 'No feedback' } }, { times: 2 });
      stub.stub('GET', `${API}/request/HELP-7`, { json: { issueKey: 'HELP-7', currentStatus: { status: 'Waiting for customer', statusCategory: 'INDETERMINATE', statusDate: at('2026-11-24T08:30:00Z') } } });
      stub.stub('GET', `${API}/request/HELP-7/status`, page([{ status: 'Waiting for customer', statusCategory: 'INDETERMINATE', statusDate: at('2026-11-24T08:30:00Z') }]));
      const env = { SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 'tok' };
      const r = await runCli(['--portal', stub.url, 'view', 'HELP-7'], { env, clock: fakeClock() });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Status: Waiting for customer/);
      expect(r.stdout).not.toContain('Auto-resolve');
      // Its only status so far is one Atlassian's portal has too: still not enough to know the rule.
      const j = await runCli(['--portal', stub.url, 'view', 'HELP-7', '--json'], { env, clock: fakeClock() });
      expect(JSON.parse(j.stdout).status.name).toBe('Waiting for customer');
      expect(JSON.parse(j.stdout)).not.toHaveProperty('autoResolve');
      stub.assertDone();
    } finally {
      await stub.close();
    }
  });
});
