/**
 * A sandbox for the follow-up command tests (list, view, comment, attach, transitions, watch): a
 * real sandbox on 127.0.0.1 over a temp data folder, sharing the test's fake clock with the CLI,
 * every exchange recorded for the conformance check.
 */
import fs from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../src/lib/clock.js';
import { startSandbox, type Exchange, type SandboxHandle, type SandboxStartOptions } from '../../src/sandbox/index.js';
import { conformEachTest, type EachTestOptions } from './openapi.js';
import { fakeClock, runCli, tempDir, type RunOptions, type RunResult } from './harness.js';
import { caller, createBody, shiftFieldIds, validFields } from './sandbox-client.js';

export const API = '/rest/servicedeskapi';

export interface FollowSandbox {
  h: SandboxHandle;
  dataDir: string;
  exchanges: Exchange[];
  clock: ReturnType<typeof fakeClock>;
  /** `support --portal <sandbox> ...argv` as users[0] (or `opts.env` overrides). */
  cli(argv: string[], opts?: RunOptions): Promise<RunResult>;
  /** Files a request through the API as users[0] (or `as: 1`), with the sandbox's field ids; returns its key. */
  create(summary: string, opts?: { type?: string; as?: 0 | 1; impact?: string }): Promise<string>;
  call: ReturnType<typeof caller>;
  close(): Promise<void>;
}

export async function followSandbox(
  opts: Pick<SandboxStartOptions, 'maxPageSize' | 'attachmentLimit' | 'rateLimitPerMinute' | 'rateLimitWritesPerMinute' | 'fieldIdOffset' | 'flavor' | 'ignorePagingStart'> = {},
): Promise<FollowSandbox> {
  const dataDir = tempDir('support-follow-');
  const exchanges: Exchange[] = [];
  const clock = fakeClock();
  const h = await startSandbox({ dataDir, clock, onExchange: (x) => exchanges.push(x), ...opts });
  const call = caller(h);
  const callers = [call, caller(h, h.users[1]!)];
  return {
    h,
    dataDir,
    exchanges,
    clock,
    call,
    cli: (argv, o = {}) =>
      runCli(['--portal', h.url, ...argv], { clock, ...o, env: { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token, ...o.env } }),
    async create(summary, o = {}) {
      const type = o.type ?? '1';
      const fields = validFields(type, summary);
      if (o.impact && 'customfield_10013' in fields) fields.customfield_10013 = { value: o.impact };
      const r = await callers[o.as ?? 0]!('POST', `${API}/request`, createBody(type, shiftFieldIds(fields, opts.fieldIdOffset ?? 0)));
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text}`);
      // Distinct times keep "newest activity first" deterministic.
      clock.advance(60_000);
      return r.json.issueKey as string;
    },
    async close() {
      await h.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The sandbox's fake clock, for `watch`: every wait advances it, and `onPoll(n, ms)` runs after each
 * of watch's own waits (those of at least a minute; the client's short retry backoffs pass straight through).
 */
export function pollClock(box: FollowSandbox, onPoll: (n: number, ms: number) => Promise<void> | void): Clock {
  let n = 0;
  return {
    now: () => box.clock.now(),
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      box.clock.advance(ms);
      if (ms >= 60_000) await onPoll(++n, ms);
    },
  };
}

/** Platform API calls (`/rest/api/3/attachment/meta`, `/myself`) are outside the JSM spec; NOTES.md documents them. */
export const PLATFORM_API = ['GET /rest/api/'] as const;

/**
 * After every test of the calling `describe`, the exchanges that test made with the sandbox validate
 * against the JSM spec (platform calls aside); without the spec the check is reported as skipped.
 */
export function conformFollow(exchanges: Parameters<typeof conformEachTest>[0], opts: EachTestOptions = {}): void {
  conformEachTest(exchanges, { undocumented: PLATFORM_API, ...opts });
}

/**
 * One sandbox for the tests of the calling `describe` (or file): started before them, closed after
 * them, and every test's exchanges checked against the JSM spec (`conformFollow` with `conform`).
 * The object returned stands for the sandbox once it has started; touching it earlier (at collection
 * time) throws.
 */
export function sharedFollowSandbox(opts: Parameters<typeof followSandbox>[0] = {}, conform: EachTestOptions = {}): FollowSandbox {
  let box: FollowSandbox | undefined;
  const started = (): FollowSandbox => {
    if (!box) throw new Error('the shared sandbox is used before beforeAll started it');
    return box;
  };
  beforeAll(async () => {
    box = await followSandbox(opts);
  });
  afterAll(async () => {
    await box?.close();
  });
  conformFollow(() => started().exchanges, conform);
  return new Proxy({} as FollowSandbox, { get: (_, key) => Reflect.get(started(), key) });
}
