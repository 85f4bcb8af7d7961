import { describe, expect, it } from 'vitest';
import type { Clock } from '../src/lib/clock.js';
import { sandboxReply, startSandbox } from '../src/sandbox/index.js';
import { API, followSandbox, pollClock, sharedFollowSandbox } from './support/follow-sandbox.js';

const s = sharedFollowSandbox();

/** The test's fake clock (shared with the sandbox), with a hook run after each of watch's own waits. */
const hookedClock = (onPoll: (n: number) => Promise<void> | void): Clock => pollClock(s, onPoll);

const lines = (out: string) =>
  out
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('support watch', () => {
  it('reports a reply and each status change as JSON lines, and ends when resolved (exit 0)', async () => {
    const key = await s.create('watch a reply');
    const clock = hookedClock(async (n) => {
      if (n === 1) await sandboxReply(s.dataDir, key, 'Please try the patch.', s.clock);
      if (n === 3) expect((await s.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
    });
    const r = await s.cli(['watch', key, '--interval', '1m', '--json'], { clock });
    expect(r.code).toBe(0);
    const ev = lines(r.stdout);
    expect(ev.map((e) => e.event)).toEqual(['start', 'comment', 'status', 'status', 'done']);
    expect(ev[0]).toMatchObject({ key, status: 'Atlassian investigating' });
    expect(ev[1]).toMatchObject({ key, body: 'Please try the patch.', author: 'Atlassian Support (sandbox engineer)' });
    expect(ev[2]).toMatchObject({ from: 'Atlassian investigating', status: 'Waiting for customer' });
    expect(ev[3]).toMatchObject({ from: 'Waiting for customer', status: 'Resolved', statusCategory: 'DONE' });
    expect(ev[4]).toMatchObject({ event: 'done', status: 'Resolved' });
  });

  it('ends on the 5-day auto-resolve as sandbox time passes (human output)', async () => {
    const key = await s.create('left waiting');
    await sandboxReply(s.dataDir, key, 'Anything else?', s.clock);
    let polls = 0;
    const r = await s.cli(['watch', key, '--interval', '12h'], { clock: hookedClock(() => void polls++) });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([`Watching ${key} (now: Waiting for customer) until resolved.`, 'Checking every 12h; Ctrl-C to stop.']);
    expect(r.stdout).toMatch(new RegExp(`${key} {2}status: Waiting for customer -> Resolved\\n.*${key} {2}reached Resolved\\.\\n$`));
    // More than 5 days of 12-hour polls: 11 of them.
    expect(polls).toBe(11);
  });

  it('--until a status name; --timeout ends with exit 1', async () => {
    const key = await s.create('until waiting');
    const r = await s.cli(['watch', key, '--until', 'waiting for customer', '--interval', '5m'], {
      clock: hookedClock((n) => (n === 2 ? sandboxReply(s.dataDir, key, 'Logs please', s.clock) : undefined)),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reached Waiting for customer.');
    const t = await s.cli(['watch', key, '--until', 'Resolved', '--interval', '20m', '--timeout', '1h', '--json'], { clock: hookedClock(() => undefined) });
    expect(t.code).toBe(1);
    expect(t.stderr).toContain(`${key} did not get there within 1h (still Waiting for customer)`);
    expect(lines(t.stdout).at(-1)).toMatchObject({ event: 'timeout', key });
  });

  it('Ctrl-C ends with exit 130', async () => {
    const key = await s.create('interrupt me');
    const ac = new AbortController();
    const r = await s.cli(['watch', key], { signal: ac.signal, clock: hookedClock((n) => (n === 2 ? ac.abort() : undefined)) });
    expect(r.code).toBe(130);
  });

  it('survives the portal going away for a while: warns, backs off, carries on', async () => {
    const own = await followSandbox();
    try {
      const key = await own.create('flaky network');
      const port = Number(new URL(own.h.url).port);
      let restarted: Awaited<ReturnType<typeof startSandbox>> | undefined;
      const waits: number[] = [];
      const clock = pollClock(own, async (n, ms) => {
        waits.push(ms);
        if (n === 1) await own.h.close();
        if (n === 2) {
          restarted = await startSandbox({ dataDir: own.dataDir, port, clock: own.clock });
          await sandboxReply(own.dataDir, key, 'back', own.clock);
          await own.call('POST', `${API}/request/${key}/transition`, { id: '11' }).catch(() => undefined);
        }
      });
      const r = await own.cli(['watch', key, '--interval', '1m'], { clock });
      await restarted?.close();
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/warning: check failed .*; trying again in 2m/);
      expect(waits).toEqual([60_000, 120_000]);
      expect(r.stdout).toContain('reached Resolved.');
    } finally {
      await own.close().catch(() => undefined);
    }
  });

  it('honours 429: the rate-limited portal is waited for, the watch carries on', async () => {
    const own = await followSandbox({ rateLimitPerMinute: 1 });
    try {
      const key = await own.create('busy portal');
      const clock = pollClock(own, async (n) => {
        if (n === 1) expect((await own.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
      });
      const r = await own.cli(['watch', key, '--interval', '1m', '--json'], { clock });
      expect(r.code).toBe(0);
      expect(lines(r.stdout).at(-1)).toMatchObject({ event: 'done', status: 'Resolved' });
      expect(own.exchanges.some((x) => x.status === 429)).toBe(true);
    } finally {
      await own.close();
    }
  });

  it('names every bad flag at once (exit 2)', async () => {
    const r = await s.cli(['watch', 'SUP-1', '--interval', '0s', '--timeout', 'soon']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--interval');
    expect(r.stderr).toContain('--timeout');
  });
});
