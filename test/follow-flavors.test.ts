/**
 * The whole follow-up flow (list, view, comment, attach, resolve, reopen, escalate, watch) against
 * both sandbox flavours: Cloud, and Data Center, whose statuses carry no category, so "resolved"
 * and "reopened" must be decided from what any portal gives.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { followFlow } from './support/follow-flow.js';
import { API, conformFollow, followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { runCli } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`the follow-up flow on the ${flavor} sandbox`, () => {
    let s: FollowSandbox | undefined;
    afterAll(async () => {
      await s?.close();
    });
    conformFollow(() => s?.exchanges ?? []);

    it('list, view, comment, attach, resolve, a comment that reopens, escalate, resolve, reopen, and watch until done', { timeout: 60_000 }, async () => {
      s = await followSandbox({ flavor });
      await followFlow(s, s.cli, dirs);
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
