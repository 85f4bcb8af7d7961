// Follow-ups show the real state: escalation, list order and filters, local and portal time, watch's
// live line and warnings, sizes, tables and plurals, attach without a comment, resolve twice.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceSandboxClock, sandboxReply } from '../src/sandbox/index.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';
import { API, conformFollow, followSandbox, pollClock, type FollowSandbox } from './support/follow-sandbox.js';
import { runCli, tempDir } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

let s: FollowSandbox;
let dir: string;
beforeAll(async () => {
  s = await followSandbox({ attachmentLimit: 4 * 1024 * 1024 });
  dir = tempDir('support-state-');
});
afterAll(async () => {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
conformFollow(() => s.exchanges);

const DAY = 86_400_000;
const file = (name: string, size: number) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, Buffer.alloc(size, 0x61));
  return p;
};
const transitionsSent = () => s.exchanges.filter((x) => x.method === 'POST' && x.path.endsWith('/transition'));

describe('escalation is visible, and a second escalation says so', () => {
  it('view and --json show it (from this machine’s record, confirmed by the portal); escalating again: "already escalated", exit 0', async () => {
    const home = tempDir('support-esc-home-');
    const key = await s.create('Escalate and look');
    const plain = JSON.parse((await s.cli(['view', key, '--json'], { home })).stdout);
    expect(plain).not.toHaveProperty('escalation');

    const esc = await s.cli(['escalate', key, '--yes', '--comment', 'Production down since 09:00'], { home });
    expect(esc.code, esc.stderr).toBe(0);
    const at = new Date(s.clock.now()).toISOString();
    const v = JSON.parse((await s.cli(['view', key, '--json'], { home })).stdout);
    expect(v.escalation).toEqual({ at, source: 'local' });
    const human = await s.cli(['view', key], { home });
    expect(human.stdout).toContain(`Escalated: since ${at.replace('.000Z', 'Z')} (just now), from this machine\n`);

    const sent = transitionsSent().length;
    const again = await s.cli(['escalate', key, '--yes'], { home });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(`${key} was escalated already (status: Atlassian investigating); nothing to do.\n`);
    const j = await s.cli(['escalate', key, '--yes', '--json'], { home });
    expect(JSON.parse(j.stdout)).toMatchObject({ key, alreadyDone: true });
    expect(transitionsSent().length).toBe(sent);

    // From a machine without the record, the portal's refusal says what probably happened.
    const elsewhere = await s.cli(['escalate', key, '--yes']);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.stderr).toContain('it may have been escalated already');

    // Resolved and reopened, the portal offers "Escalate" again: the escalation is over.
    expect((await s.cli(['resolve', key, '--yes'], { home })).code).toBe(0);
    expect((await s.cli(['reopen', key, '--yes'], { home })).code).toBe(0);
    expect(JSON.parse((await s.cli(['view', key, '--json'], { home })).stdout)).not.toHaveProperty('escalation');
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('a portal whose workflow has an escalated status: shown from the status history', async () => {
    const stub = await StubServer.start();
    try {
      const at = (iso: string) => ({ iso8601: iso, epochMillis: Date.parse(iso) });
      const page = (values: unknown[]) => ({ json: { size: values.length, start: 0, limit: 50, isLastPage: true, values } });
      const cur = { status: 'Escalated', statusCategory: 'INDETERMINATE', statusDate: at('2026-11-24T08:30:00Z') };
      stub.stub('GET', `${API}/request/HELP-9`, { json: { issueId: '10090', issueKey: 'HELP-9', summary: 'VPN', createdDate: at('2026-11-24T08:00:00Z'), currentStatus: cur } });
      stub.stub('GET', `${API}/request/HELP-9/status`, page([cur, { status: 'Waiting for support', statusCategory: 'NEW', statusDate: at('2026-11-24T08:00:00Z') }]));
      for (const list of ['sla', 'participant', 'attachment', 'comment']) stub.stub('GET', `${API}/request/HELP-9/${list}`, page([]));
      // A portal without the notification, feedback and approval endpoints: view leaves those parts out.
      for (const part of ['notification', 'feedback', 'approval']) stub.stub('GET', `${API}/request/HELP-9/${part}`, { status: 404, json: { errorMessage: 'Not found' } });
      const r = await runCli(['--portal', stub.url, 'view', 'HELP-9', '--json'], { env: { SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 'tok' } });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).escalation).toEqual({ at: '2026-11-24T08:30:00.000Z', source: 'status' });
      stub.assertDone();
    } finally {
      await stub.close();
    }
  });

  it('without a terminal the reason comes from --comment; on one an empty reason is refused by the prompt', async () => {
    const key = await s.create('Escalate with a reason');
    const p = new ScriptedPrompter([{ kind: 'input', message: /Why escalate/, answer: 'Blocked since Monday' }]);
    const r = await s.cli(['escalate', key, '--yes'], { tty: true, prompter: p });
    expect(r.code, r.stderr).toBe(0);
    expect(p.done).toBe(true);
    expect(transitionsSent().at(-1)?.body).toEqual({ id: '21', additionalComment: { body: 'Blocked since Monday' } });
  });
});

describe('list: newest activity first, --waiting, --status by name', () => {
  it('a reply brings a request to the top; --waiting and --status NAME (any case) keep those waiting; an unknown name is exit 2 naming the portal’s', async () => {
    const home = tempDir('support-list-home-');
    const older = await s.create('Older request');
    const newer = await s.create('Newer request');
    const order = async () => (JSON.parse((await s.cli(['list', '--json'], { home })).stdout) as { key: string }[]).map((x) => x.key);
    expect((await order()).slice(0, 2)).toEqual([newer, older]);
    await sandboxReply(s.dataDir, older, 'Which version?', s.clock);
    s.clock.advance(60_000);
    expect((await order()).slice(0, 2)).toEqual([older, newer]);
    // The customer's own comment is activity too.
    expect((await s.cli(['comment', newer, '--body', 'More detail'], { home })).code).toBe(0);
    s.clock.advance(60_000);
    expect((await order()).slice(0, 2)).toEqual([newer, older]);

    const mine = (keys: string[]) => keys.filter((k) => k === older || k === newer);
    const waiting = await s.cli(['list', '--waiting', '--json'], { home });
    const w = JSON.parse(waiting.stdout) as { key: string; status: string }[];
    expect(mine(w.map((x) => x.key))).toEqual([older]);
    expect(new Set(w.map((x) => x.status))).toEqual(new Set(['Waiting for customer']));
    const named = await s.cli(['list', '--status', 'WAITING FOR CUSTOMER'], { home });
    const rows = named.stdout.trimEnd().split('\n').map((l) => l.split('\t'));
    expect(mine(rows.map((x) => x[0]!))).toEqual([older]);
    expect(new Set(rows.map((x) => x[1]))).toEqual(new Set(['Waiting for customer']));

    const before = s.exchanges.filter((x) => x.path === `${API}/request`).length;
    const bad = await s.cli(['list', '--status', 'pending'], { home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status "pending" is not a status of this portal. Use open, closed, all,\nor one of its statuses: Atlassian investigating, Waiting for customer, Resolved');
    expect(s.exchanges.filter((x) => x.path === `${API}/request`).length).toBe(before);
    fs.rmSync(home, { recursive: true, force: true });
  });
});

describe('times: local on a terminal, ISO-8601 UTC in pipes, relative to the portal’s clock', () => {
  it('TZ=Asia/Tokyo on a terminal; UTC ISO-8601 in a pipe', async () => {
    const created = s.clock.now();
    const key = await s.create('Times');
    const iso = new Date(created).toISOString().replace('.000Z', 'Z');
    const tokyo = new Date(created + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
    const tty = await s.cli(['view', key], { tty: true, env: { TZ: 'Asia/Tokyo', NO_COLOR: '1' } });
    expect(tty.stdout).toContain(`Created: ${tokyo} +09:00 (1m ago)`);
    expect(tty.stdout).toContain(`Status history\n  ${tokyo} +09:00  Atlassian investigating`);
    const pipe = await s.cli(['view', key], { env: { TZ: 'Asia/Tokyo' } });
    expect(pipe.stdout).toContain(`Created: ${iso} (1m ago)`);
    expect(JSON.parse((await s.cli(['view', key, '--json'], { tty: true, env: { TZ: 'Asia/Tokyo' } })).stdout).created).toBe(new Date(created).toISOString());
  });

  it('after `sandbox advance`, "in 5d" counts from the sandbox’s clock (its Date), not ours', async () => {
    const key = await s.create('Advance the clock');
    await sandboxReply(s.dataDir, key, 'Please send the logs', s.clock);
    await advanceSandboxClock(s.dataDir, 3 * DAY, s.clock);
    try {
      const v = JSON.parse((await s.cli(['view', key, '--json'])).stdout);
      expect(v.autoResolve.inMs).toBe(2 * DAY);
      const human = await s.cli(['view', key]);
      expect(human.stdout).toMatch(/Auto-resolve: in 2d \(/);
      expect(human.stdout).toMatch(/Status: Waiting for customer since \S+ \(3d ago\)/);
    } finally {
      await advanceSandboxClock(s.dataDir, -3 * DAY, s.clock);
    }
  });
});

describe('watch: the live line, the time of each event, the auto-resolve warning, --until checked', () => {
  it('on a terminal: "Last checked" on stderr; a reply shows when it was written, not when it was seen', async () => {
    const key = await s.create('Watch me');
    let replied = 0;
    const clock = pollClock(s, async (n) => {
      if (n === 1) {
        replied = s.clock.now();
        await sandboxReply(s.dataDir, key, 'Got it', s.clock);
        // Seen ten minutes after it was written.
        s.clock.advance(10 * 60_000);
      }
    });
    const r = await s.cli(['watch', key, '--interval', '1h', '--timeout', '150m'], { tty: true, clock, env: { TZ: 'Asia/Tokyo' } });
    expect(r.code).toBe(1);
    const hhmmss = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(11, 19);
    expect(r.stdout).toContain(`${new Date(replied + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} +09:00  ${key}  new comment by`);
    expect(r.stderr).toContain(`Last checked ${hhmmss(replied + 10 * 60_000)}; next check ${hhmmss(replied + 10 * 60_000 + 3_600_000)}.`);
    // The live line is cleared before anything else is written.
    expect(r.stderr).toContain('\r\x1b[2K');
    const pipe = await s.cli(['watch', key, '--interval', '1h', '--timeout', '1h'], { clock: pollClock(s, () => undefined) });
    expect(pipe.stderr).not.toContain('Last checked');
  });

  it('warns when the portal is about to resolve the request for want of a reply', async () => {
    const key = await s.create('About to auto-resolve');
    await sandboxReply(s.dataDir, key, 'Any news?', s.clock);
    s.clock.advance(4 * DAY + 12 * 3_600_000);
    const r = await s.cli(['watch', key, '--interval', '1h', '--timeout', '1h'], { clock: pollClock(s, () => undefined) });
    expect(r.stderr).toContain(`warning: ${key} is waiting for your reply; the portal resolves it in 12h\n(`);
    expect(r.stderr.match(/is waiting for your reply/g)).toHaveLength(1);
  });

  it('--until is checked against the portal’s statuses (any case); an unknown one is exit 2 naming them', async () => {
    const key = await s.create('Until what');
    const bad = await s.cli(['watch', key, '--until', 'pending']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--until "pending" is not a status of this portal. Use done,\nor one of its statuses: Atlassian investigating, Waiting for customer, Resolved');
    const ok = await s.cli(['watch', key, '--until', 'atlassian INVESTIGATING']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/reached Atlassian investigating\.\n$/);
  });
});

describe('attach: sizes, tables, plurals, no empty comment', () => {
  it('without --comment no text is sent; the portal’s comment names the file, and view reads it so', async () => {
    const key = await s.create('Attach quietly');
    const big = file('heap.bin', 1024 * 1024 - 1);
    const small = file('a-much-longer-file-name.log', 10);
    const r = await s.cli(['attach', key, big, small]);
    expect(r.code, r.stderr).toBe(0);
    // Rounded before the unit is chosen: never "1024 KiB".
    expect(r.stdout).toContain(`Attached heap.bin (1.0 MiB) to ${key}.`);
    const post = s.exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request/${key}/attachment`).at(-1);
    expect(post?.body).not.toHaveProperty('additionalComment');
    const comments = await s.call('GET', `${API}/request/${key}/comment`);
    expect(comments.json.values.map((c: { body: string }) => c.body)).toEqual(['[^heap.bin] _(1049 kB)_ [^a-much-longer-file-name.log] _(1 kB)_']);
    const view = await s.cli(['view', key]);
    expect(view.stdout).toContain('    [attached: heap.bin, a-much-longer-file-name.log]');
    // The attachment rows line up: sizes right-aligned in one column.
    const rows = view.stdout.split('\n').filter((l) => /^ {2}(heap\.bin|a-much-longer-file-name\.log) /.test(l));
    expect(rows).toHaveLength(2);
    expect(rows.map((l) => l.indexOf('B  '))).toEqual([rows[0]!.indexOf('B  '), rows[0]!.indexOf('B  ')]);
    expect(rows[0]).toMatch(/^ {2}heap\.bin {2,}1\.0 MiB {2}/);
    expect(rows[1]).toMatch(/^ {2}a-much-longer-file-name\.log {2,}10 B {2}/);
    expect(rows[0]!.indexOf('1.0 MiB')).toBeGreaterThan('  a-much-longer-file-name.log'.length);
  });

  it('one stray bundle flag is named in the singular, several in the plural', async () => {
    const one = await s.cli(['attach', 'SUP-1', 'x.txt', '--since', '2d']);
    expect(one.stderr).toContain('--since: a bundle flag that only applies with --bundle.');
    const two = await s.cli(['attach', 'SUP-1', 'x.txt', '--since', '2d', '--no-redact']);
    expect(two.stderr).toMatch(/--since, --no-redact: bundle flags that only apply with --bundle\./);
  });
});

describe('resolve on a resolved request is not an error', () => {
  for (const flavor of ['cloud', 'dc'] as const) {
    it(`${flavor}: says so and exits 0; --json says alreadyDone`, async () => {
      const box = flavor === 'cloud' ? s : await followSandbox({ flavor });
      try {
        const key = await box.create('Resolve twice');
        expect((await box.cli(['resolve', key, '--yes'])).code).toBe(0);
        const again = await box.cli(['resolve', key, '--yes']);
        expect(again.code, again.stderr).toBe(0);
        expect(again.stdout).toBe(`${key} is resolved already (status: Resolved); nothing to do.\n`);
        const j = await box.cli(['resolve', key, '--yes', '--json']);
        expect(JSON.parse(j.stdout)).toMatchObject({ key, alreadyDone: true, status: 'Resolved' });
      } finally {
        if (box !== s) await box.close();
      }
    });
  }
});
