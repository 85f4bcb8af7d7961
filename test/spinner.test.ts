// The spinner while waiting on the portal (on a terminal only), and plain progress lines for long
// work outside a terminal (nohup, cron).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/lib/clock.js';
import { followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { tempDir } from './support/harness.js';

let s: FollowSandbox;
let dir: string;
beforeAll(async () => {
  s = await followSandbox();
  await s.create('Boards load slowly');
  dir = tempDir('support-spinner-');
});
afterAll(async () => {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const SPINNER = 'Waiting for the portal…';

describe('the spinner', () => {
  it('turns on stderr while a terminal waits on the portal; stdout keeps only the result', async () => {
    const r = await s.cli(['list'], { tty: true, env: { TERM: 'xterm-256color' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(SPINNER);
    expect(r.stdout).toMatch(/Boards load slowly/);
    expect(r.stdout).not.toContain(SPINNER);
    const ja = await s.cli(['list'], { tty: true, env: { TERM: 'xterm-256color', SUPPORT_LANG: 'ja' } });
    expect(ja.stderr).toContain('ポータルの応答を待っています…');
  });

  it('stays off in a pipe, in CI, with NO_COLOR, under TERM=dumb and when the terminal reports 0 columns', async () => {
    const cases: [string, Parameters<FollowSandbox['cli']>[1]][] = [
      ['pipe', { tty: false, env: { TERM: 'xterm-256color' } }],
      ['CI', { tty: true, env: { TERM: 'xterm-256color', CI: 'true' } }],
      ['NO_COLOR', { tty: true, env: { TERM: 'xterm-256color', NO_COLOR: '1' } }],
      ['TERM=dumb', { tty: true, env: { TERM: 'dumb' } }],
      ['0 columns', { tty: true, columns: 0, env: { TERM: 'xterm-256color' } }],
    ];
    for (const [name, opts] of cases) {
      const r = await s.cli(['list'], opts);
      expect(r.code, `${name}: ${r.stderr}`).toBe(0);
      expect(r.stderr, name).not.toContain(SPINNER);
      expect(r.stderr, name).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    }
  });
});

describe('progress outside a terminal', () => {
  /** A clock that moves a second each time it is read: an upload that takes a while. */
  function slowClock(): Clock {
    let now = Date.parse('2026-11-24T09:00:00Z');
    return { now: () => (now += 1000), sleep: async (ms) => void (now += ms) };
  }

  it('a long upload prints a plain line on stderr at each tenth done, none when it is quick', async () => {
    const key = await s.create('A big log');
    const file = path.join(dir, 'big.log');
    fs.writeFileSync(file, Buffer.alloc(16 * 1024 * 1024, 'a'));
    const slow = await s.cli(['attach', key, file], { clock: slowClock() });
    expect(slow.code, slow.stderr).toBe(0);
    const lines = slow.stderr.split('\n').filter((l) => /\d+%/.test(l));
    expect(lines.length, JSON.stringify(slow.stderr)).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(11);
    const pcts = lines.map((l) => Number(/(\d+)%/.exec(l)![1]));
    expect(pcts).toEqual([...pcts].sort((a, b) => a - b));
    expect(pcts.at(-1)).toBe(100);
    // Plain lines: no carriage returns or escape codes in a log.
    expect(slow.stderr).not.toContain('\r');
    expect(slow.stderr).not.toContain('\u001b[');

    const key2 = await s.create('A quick log');
    const quick = await s.cli(['attach', key2, file]);
    expect(quick.code).toBe(0);
    expect(quick.stderr).not.toMatch(/\d+%/);
  });
});
