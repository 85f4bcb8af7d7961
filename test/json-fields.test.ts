// `--json key,status` (gh's form) keeps those fields; bare `--json` keeps printing everything; an
// optional value never swallows a command's positional (`support view --json SUP-1`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { runCli } from './support/harness.js';

let s: FollowSandbox;
let key: string;
beforeAll(async () => {
  s = await followSandbox();
  key = await s.create('Boards load slowly');
  await s.create('PDF export drops Japanese text');
});
afterAll(async () => {
  await s.close();
});

describe('--json fields', () => {
  it('list --json key,status prints those fields of each request, in that order', async () => {
    const r = await s.cli(['list', '--json', 'key,status']);
    expect(r.code, r.stderr).toBe(0);
    const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(rows).toHaveLength(2);
    for (const row of rows) expect(Object.keys(row)).toEqual(['key', 'status']);
    const eq = await s.cli(['list', '--json=summary']);
    expect((JSON.parse(eq.stdout) as object[]).map((x) => Object.keys(x))).toEqual([['summary'], ['summary']]);
  });

  it('bare --json prints every field, before or after the command', async () => {
    for (const argv of [['list', '--json'], ['--json', 'list']]) {
      const r = await s.cli(argv);
      expect(r.code, r.stderr).toBe(0);
      const rows = JSON.parse(r.stdout) as Record<string, unknown>[];
      expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['key', 'status', 'summary', 'url', 'created']));
    }
  });

  it('view --json SUP-1 keeps SUP-1 as the key; view SUP-1 --json key,summary and view --json key,summary SUP-1 select', async () => {
    const all = await s.cli(['view', '--json', key]);
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout)).toMatchObject({ key, summary: 'Boards load slowly', comments: [] });
    for (const argv of [['view', key, '--json', 'key,summary'], ['view', '--json', 'key,summary', key]]) {
      const r = await s.cli(argv);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ key, summary: 'Boards load slowly' });
    }
  });

  it('a wrong field name exits 2, names it and lists the valid fields, before any request is sent', async () => {
    const before = s.exchanges.length;
    const r = await s.cli(['list', '--json', 'key,stauts']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--json: not a field of "support list": stauts/);
    expect(r.stderr).toMatch(/key, status, statusCategory, impact, summary/);
    const one = await s.cli(['list', '--json', 'bogus']);
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/not a field of "support list": bogus/);
    const eq = await s.cli(['view', key, '--json=kee']);
    expect(eq.code).toBe(2);
    expect(eq.stderr).toMatch(/not a field of "support view": kee[\s\S]*commentCount/);
    expect(s.exchanges.length).toBe(before);
    const ja = await s.cli(['list', '--json', 'bogus'], { env: { SUPPORT_LANG: 'ja' } });
    expect(ja.stderr).toMatch(/"support list" のフィールドではありません: bogus/);
  });

  it('a command without a field list says so for --json=fields, and prints everything for bare --json', async () => {
    const r = await runCli(['sandbox', 'advance', '1h', '--json=advancedMs']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/"support sandbox --json" prints its whole document/);
  });
});
