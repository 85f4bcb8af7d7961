import { describe, expect, it } from 'vitest';
import { matchTransition } from '../src/cli/commands/transition.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';
import { sharedFollowSandbox } from './support/follow-sandbox.js';

const s = sharedFollowSandbox();

const transitionsSent = () => s.exchanges.filter((x) => x.method === 'POST' && x.path.endsWith('/transition'));

describe('matchTransition', () => {
  it('matches by name in English or Japanese, case-insensitive, exact names first', () => {
    const list = [
      { id: '1', name: 'Close request' },
      { id: '2', name: 'エスカレーション' },
      { id: '3', name: '再オープン' },
      { id: '4', name: 'RESOLVE' },
    ];
    expect(matchTransition('resolve', list)?.id).toBe('4');
    expect(matchTransition('escalate', list)?.id).toBe('2');
    expect(matchTransition('reopen', list)?.id).toBe('3');
    expect(matchTransition('resolve', [{ id: '9', name: '解決する' }])?.id).toBe('9');
    expect(matchTransition('escalate', [{ id: '1', name: 'Resolve' }])).toBeUndefined();
  });
});

describe('support resolve / escalate / reopen', () => {
  it('without a terminal, --yes is required: exit 2 and nothing sent', async () => {
    const key = await s.create('needs yes');
    const before = s.exchanges.length;
    for (const verb of ['resolve', 'escalate', 'reopen']) {
      const r = await s.cli([verb, key]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--yes');
    }
    expect(s.exchanges.length).toBe(before);
  });

  it('resolve --yes, then reopen (once more: already open, exit 0); escalate is not available on a resolved request (exit 1 naming what is)', async () => {
    const key = await s.create('resolve me');
    const r = await s.cli(['resolve', key, '--yes', '--comment', 'fixed by the upgrade']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Resolve: done on ${key}.\nStatus: Atlassian investigating -> Resolved\n`);
    expect(transitionsSent().at(-1)?.body).toEqual({ id: '11', additionalComment: { body: 'fixed by the upgrade' } });

    const esc = await s.cli(['escalate', key, '--yes']);
    expect(esc.code).toBe(1);
    expect(esc.stderr).toContain(`cannot escalate ${key} now (status: Resolved)`);
    expect(esc.stderr).toContain('available now: Reopen');

    const re = await s.cli(['reopen', key, '--yes', '--json']);
    expect(re.code).toBe(0);
    expect(JSON.parse(re.stdout)).toMatchObject({ key, transition: { id: '31', name: 'Reopen' }, previousStatus: 'Resolved', status: 'Atlassian investigating' });
    // Reopening an open request: it is where the user wants it, so that is a success with nothing sent.
    const sent = transitionsSent().length;
    const again = await s.cli(['reopen', key, '--yes']);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${key} is open already (status: Atlassian investigating); nothing to do.\n`);
    expect(transitionsSent().length).toBe(sent);
  });

  it('on a terminal asks why, then for confirmation: "no" is exit 130 with nothing sent, "yes" escalates with the reason', async () => {
    const key = await s.create('escalate me');
    const before = transitionsSent().length;
    const no = new ScriptedPrompter([
      { kind: 'input', message: new RegExp(`Why escalate ${key}\\?`), answer: 'Production is down' },
      { kind: 'confirm', message: new RegExp(`Escalate ${key} "escalate me"`), answer: false },
    ]);
    const r = await s.cli(['escalate', key], { tty: true, prompter: no });
    expect(r.code).toBe(130);
    expect(transitionsSent().length).toBe(before);
    const yes = new ScriptedPrompter([
      { kind: 'input', answer: '  Production is down since 09:00  ' },
      { kind: 'confirm', answer: true },
    ]);
    const ok = await s.cli(['escalate', key], { tty: true, prompter: yes });
    expect(ok.code).toBe(0);
    expect(transitionsSent().at(-1)?.body).toEqual({ id: '21', additionalComment: { body: 'Production is down since 09:00' } });
  });

  it('someone else’s request is a clear not-found (exit 1)', async () => {
    const key = await s.create('theirs', { as: 1 });
    const r = await s.cli(['resolve', key, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`request ${key} was not found, or you are not allowed to see it`);
  });

  it('Japanese messages', async () => {
    const r = await s.cli(['--lang', 'ja', 'resolve', 'SUP-1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--yes が必要です');
  });
});
