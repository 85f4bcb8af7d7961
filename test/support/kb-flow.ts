/**
 * Self-help and sharing as a customer goes through them, with any way of invoking the CLI (straight
 * at a sandbox, or through a proxy in front of it): knowledge-base search in English and Japanese,
 * the customer's organisations, a request shared with one at create time and listed by it, and
 * participants added and removed.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { KbSearchJson, ListJson, OrgsJson, ParticipantsJson } from '../../src/cli/json-types.js';
import { conformFollow, followSandbox, PLATFORM_API, type FollowSandbox } from './follow-sandbox.js';
import type { RunOptions, RunResult } from './harness.js';

export async function kbFlow(s: FollowSandbox, cli: (argv: string[], opts?: RunOptions) => Promise<RunResult>): Promise<void> {
  const en = await cli(['kb', 'search', 'PDF export Japanese', '--json']);
  expect(en.code, en.stderr).toBe(0);
  expect((JSON.parse(en.stdout) as KbSearchJson).articles.map((a) => a.title)).toEqual(['Japanese text is missing when a page is exported to PDF']);
  const ja = await cli(['kb', 'search', 'PDF エクスポートで日本語が表示されない', '--service-desk', 'SUP', '--json']);
  expect(ja.code, ja.stderr).toBe(0);
  expect((JSON.parse(ja.stdout) as KbSearchJson).articles).toHaveLength(1);

  const orgs = await cli(['orgs', '--json']);
  expect(orgs.code, orgs.stderr).toBe(0);
  expect((JSON.parse(orgs.stdout) as OrgsJson).map((o) => o.name)).toEqual(['Acme Corporation', 'アクメ株式会社']);

  const created = await cli(['create', '--type', 'account', '--summary', 'Shared through the proxy', '--details', 'For the whole team.', '--share-with', 'Acme Corporation']);
  expect(created.code, created.stderr).toBe(0);
  const key = created.stdout.split('\t')[0]!;
  const byOrg = await cli(['list', '--organization', '1', '--json']);
  expect(byOrg.code, byOrg.stderr).toBe(0);
  expect((JSON.parse(byOrg.stdout) as ListJson).map((x) => x.key)).toContain(key);

  // By account id: the e-mail lookup is the platform API's user search, which is not in the JSM spec.
  const colleague = s.h.users[1]!;
  const added = await cli(['participants', key, '--add', colleague.accountId, '--json']);
  expect(added.code, added.stderr).toBe(0);
  const doc = JSON.parse(added.stdout) as ParticipantsJson;
  expect(doc.participants.map((p) => p.email)).toEqual([colleague.email]);
  const removed = await cli(['participants', key, '--remove', doc.participants[0]!.id, '--json']);
  expect(removed.code, removed.stderr).toBe(0);
  expect((JSON.parse(removed.stdout) as ParticipantsJson).participants).toEqual([]);
}

/**
 * A sandbox for the calling `describe`: started before its tests, closed after them, the traffic of
 * each test checked against the JSM spec (`undocumented`: paths that are not API operations).
 */
export function sandboxForDescribe(opts: Parameters<typeof followSandbox>[0] = {}, undocumented: readonly string[] = []): () => FollowSandbox {
  let s: FollowSandbox | undefined;
  beforeAll(async () => {
    s = await followSandbox(opts);
  });
  afterAll(async () => {
    await s?.close();
  });
  conformFollow(() => s?.exchanges ?? [], undocumented.length > 0 ? { undocumented: [...PLATFORM_API, ...undocumented] } : {});
  return () => s!;
}
