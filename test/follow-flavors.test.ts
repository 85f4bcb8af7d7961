/**
 * The whole follow-up flow (list, view, comment, attach, resolve, reopen, escalate, watch) against
 * both sandbox flavours: Cloud, and Data Center, whose statuses carry no category, so "resolved"
 * and "reopened" must be decided from what any portal gives.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sandboxReply } from '../src/sandbox/index.js';
import { API, expectFollowConformance, followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { runCli, tempDir } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`the follow-up flow on the ${flavor} sandbox`, () => {
    let s: FollowSandbox;
    afterAll(async () => {
      await s?.close();
    });

    it('list, view, comment, attach, resolve, a comment that reopens, escalate, resolve, reopen, and watch until done', { timeout: 60_000 }, async () => {
      s = await followSandbox({ flavor });
      const key = await s.create('PDF export loses Japanese text');
      const other = await s.create('Reindex takes 9 hours');

      const list = await s.cli(['list', '--json']);
      expect(list.code).toBe(0);
      const items = JSON.parse(list.stdout) as { key: string; summary: string; status: string }[];
      expect(items.map((x) => x.key)).toEqual([other, key]);
      expect(items[1]!.summary).toBe('PDF export loses Japanese text');

      const view = await s.cli(['view', key, '--json']);
      expect(view.code).toBe(0);
      expect(JSON.parse(view.stdout)).toMatchObject({ key, summary: 'PDF export loses Japanese text' });

      expect((await s.cli(['comment', key, '--body', 'Here is more detail.'])).code).toBe(0);
      const dir = tempDir('support-flavor-');
      dirs.push(dir);
      const shot = path.join(dir, 'screen.png');
      fs.writeFileSync(shot, 'png');
      expect((await s.cli(['attach', key, shot])).code).toBe(0);

      const resolved = await s.cli(['resolve', key, '--yes']);
      expect(resolved.code).toBe(0);
      const again = await s.cli(['comment', key, '--body', 'It happens again.']);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('The request was reopened. Status: Atlassian investigating');
      const json = await s.cli(['comment', key, '--body', 'Still there.', '--json']);
      expect(JSON.parse(json.stdout)).toMatchObject({ reopened: false, status: 'Atlassian investigating' });

      expect((await s.cli(['escalate', key, '--yes'])).code).toBe(0);
      expect((await s.cli(['resolve', key, '--yes'])).code).toBe(0);
      const reopened = await s.cli(['reopen', key, '--yes']);
      expect(reopened.code).toBe(0);
      expect((await s.call('GET', `${API}/request/${key}`)).json.currentStatus.status).toBe('Atlassian investigating');

      // The engineer replies; five days without an answer resolve the request, which watch must see.
      await sandboxReply(s.dataDir, other, 'Could you attach the support zip?', s.clock);
      const watch = await s.cli(['watch', other, '--interval', '1d', '--timeout', '10d']);
      expect(watch.code).toBe(0);
      expect(watch.stdout).toMatch(new RegExp(`${other}\\s+reached Resolved`));

      const closed = await s.cli(['list', '--status', 'closed', '--json']);
      expect((JSON.parse(closed.stdout) as { key: string }[]).map((x) => x.key)).toEqual([other]);
      expectFollowConformance(s.exchanges);
    });
  });
}

describe('a request without a top-level summary (the spec makes it optional)', () => {
  it('takes the summary from requestFieldValues in list, view and --json', { timeout: 20_000 }, async () => {
    const stub = await StubServer.start();
    try {
      const req = {
        issueKey: 'HD-7',
        requestTypeId: '1',
        serviceDeskId: '1',
        currentStatus: { status: 'Waiting for support', statusDate: { epochMillis: Date.parse('2026-11-24T09:00:00Z') } },
        requestFieldValues: [{ fieldId: 'summary', label: 'What do you need?', value: 'Printer on fire' }],
      };
      stub.stub('GET', `${API}/request`, { json: { size: 1, start: 0, limit: 50, isLastPage: true, values: [req] } }, { times: 2 });
      stub.stub('GET', `${API}/request/HD-7`, { json: req });
      const empty = { json: { size: 0, start: 0, limit: 50, isLastPage: true, values: [] } };
      for (const part of ['status', 'sla', 'participant', 'attachment', 'comment']) stub.stub('GET', `${API}/request/HD-7/${part}`, empty);
      const env = { SUPPORT_EMAIL: 'a@example.com', SUPPORT_TOKEN: 'tok' };
      const list = await runCli(['--portal', stub.url, 'list'], { env });
      expect(list.stdout.split('\t')[3]).toBe('Printer on fire');
      const json = await runCli(['--portal', stub.url, 'list', '--json'], { env });
      expect((JSON.parse(json.stdout) as { summary: string }[])[0]!.summary).toBe('Printer on fire');
      const view = await runCli(['--portal', stub.url, 'view', 'HD-7'], { env });
      expect(view.stdout).toContain('HD-7  Printer on fire');
    } finally {
      await stub.close();
    }
  });
});
