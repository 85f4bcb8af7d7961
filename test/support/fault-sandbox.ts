/**
 * The in-process fixture of the at-most-once tests: a sandbox (sharing the test's fake clock with
 * the CLI), a fresh fault proxy and temp home for each test, `support --portal <proxy> ...` as
 * users[0], and reads of what the portal holds (requests, comments, attachments, status).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { FaultProxy } from './fault-proxy.js';
import { API, followSandbox, type FollowSandbox } from './follow-sandbox.js';
import { runCli, tempDir, type RunOptions, type RunResult } from './harness.js';

export { API };

export interface FaultSandbox {
  readonly s: FollowSandbox;
  readonly proxy: FaultProxy;
  readonly home: string;
  /** A temp folder for the files a test attaches (kept for the whole file). */
  readonly dir: string;
  /** `support --portal <proxy> ...argv`, with a read timeout of 1 s so that a stall ends soon. */
  cli(argv: readonly string[], o?: RunOptions): Promise<RunResult>;
  /** Keys of the requests whose summary is exactly `summary`. */
  requestsBySummary(summary: string): Promise<string[]>;
  commentsWith(key: string, body: string): Promise<number>;
  attachmentsNamed(key: string, name: string): Promise<number>;
  statusOf(key: string): Promise<{ status: string; statusCategory: string }>;
  /** The files in this test's drafts folder. */
  drafts(): string[];
}

/** Registers the hooks of the current file and returns the live fixture. */
export function useFaultSandbox(): FaultSandbox {
  let s: FollowSandbox;
  let proxy: FaultProxy;
  let home: string;
  let dir: string;
  beforeAll(async () => {
    s = await followSandbox();
    dir = tempDir('support-atmost-files-');
  });
  afterAll(async () => {
    await s.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    proxy = await FaultProxy.start(s.h.url);
    home = tempDir('support-atmost-home-');
  });
  afterEach(async () => {
    await proxy.close();
    fs.rmSync(home, { recursive: true, force: true });
  });
  const values = async (p: string) => (await s.call('GET', p)).json.values as Record<string, unknown>[];
  return {
    get s() {
      return s;
    },
    get proxy() {
      return proxy;
    },
    get home() {
      return home;
    },
    get dir() {
      return dir;
    },
    cli: (argv, o = {}) =>
      runCli(['--portal', proxy.url, ...argv], {
        clock: s.clock,
        home,
        ...o,
        env: { SUPPORT_EMAIL: s.h.email, SUPPORT_TOKEN: s.h.token, SUPPORT_READ_TIMEOUT: '1', ...o.env },
      }),
    async requestsBySummary(summary) {
      const all = (await values(`${API}/request?requestStatus=ALL_REQUESTS&limit=100`)) as { issueKey: string; requestFieldValues: { fieldId: string; value: unknown }[] }[];
      return all.filter((v) => v.requestFieldValues.some((f) => f.fieldId === 'summary' && f.value === summary)).map((v) => v.issueKey);
    },
    async commentsWith(key, body) {
      return (await values(`${API}/request/${key}/comment?start=0&limit=100`)).filter((c) => c.body === body).length;
    },
    async attachmentsNamed(key, name) {
      return (await values(`${API}/request/${key}/attachment?start=0&limit=100`)).filter((a) => a.filename === name).length;
    },
    async statusOf(key) {
      return (await s.call('GET', `${API}/request/${key}`)).json.currentStatus as { status: string; statusCategory: string };
    },
    drafts() {
      const d = path.join(home, 'config', 'drafts');
      return fs.existsSync(d) ? fs.readdirSync(d) : [];
    },
  };
}
