/**
 * The follow-up flow a customer goes through, run with any way of invoking the CLI (straight at a
 * sandbox, or through a proxy in front of it): list, view, comment, attach, resolve, a comment that
 * reopens, escalate, resolve, reopen, and watch until the portal resolves a request on its own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { sandboxReply } from '../../src/sandbox/index.js';
import { API, type FollowSandbox } from './follow-sandbox.js';
import { tempDir, type RunOptions, type RunResult } from './harness.js';

export async function followFlow(s: FollowSandbox, cli: (argv: string[], opts?: RunOptions) => Promise<RunResult>, dirs: string[]): Promise<void> {
  const key = await s.create('PDF export loses Japanese text');
  const other = await s.create('Reindex takes 9 hours');

  const list = await cli(['list', '--json']);
  expect(list.code).toBe(0);
  // Other tests may share the sandbox (in any order): only these two, newest first.
  const items = (JSON.parse(list.stdout) as { key: string; summary: string; status: string }[]).filter((x) => x.key === key || x.key === other);
  expect(items.map((x) => x.key)).toEqual([other, key]);
  expect(items[1]!.summary).toBe('PDF export loses Japanese text');

  const view = await cli(['view', key, '--json']);
  expect(view.code).toBe(0);
  expect(JSON.parse(view.stdout)).toMatchObject({ key, summary: 'PDF export loses Japanese text' });

  expect((await cli(['comment', key, '--body', 'Here is more detail.'])).code).toBe(0);
  const dir = tempDir('support-flavor-');
  dirs.push(dir);
  const shot = path.join(dir, 'screen.png');
  fs.writeFileSync(shot, 'png');
  expect((await cli(['attach', key, shot])).code).toBe(0);

  const resolved = await cli(['resolve', key, '--yes']);
  expect(resolved.code).toBe(0);
  const again = await cli(['comment', key, '--body', 'It happens again.']);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('The request was reopened. Status: Atlassian investigating');
  const json = await cli(['comment', key, '--body', 'Still there.', '--json']);
  expect(JSON.parse(json.stdout)).toMatchObject({ reopened: false, status: 'Atlassian investigating' });

  expect((await cli(['escalate', key, '--yes'])).code).toBe(0);
  expect((await cli(['resolve', key, '--yes'])).code).toBe(0);
  const reopened = await cli(['reopen', key, '--yes']);
  expect(reopened.code).toBe(0);
  expect((await s.call('GET', `${API}/request/${key}`)).json.currentStatus.status).toBe('Atlassian investigating');

  // The engineer replies; five days without an answer resolve the request, which watch must see.
  await sandboxReply(s.dataDir, other, 'Could you attach the support zip?', s.clock);
  const watch = await cli(['watch', other, '--interval', '1d', '--timeout', '10d']);
  expect(watch.code).toBe(0);
  expect(watch.stdout).toMatch(new RegExp(`${other}\\s+reached Resolved`));

  const closed = await cli(['list', '--status', 'closed', '--json']);
  expect((JSON.parse(closed.stdout) as { key: string }[]).map((x) => x.key)).toEqual([other]);
}
