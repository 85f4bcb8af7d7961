/**
 * Customer satisfaction: `support feedback KEY --rating N [--comment TEXT]`, the question `resolve`
 * asks on a terminal (Enter skips it), and `view` showing a given rating. Against the sandbox in
 * both flavours (Data Center takes no ratings through its API), traffic checked against the spec.
 */
import { describe, expect, it } from 'vitest';
import { API, sharedFollowSandbox } from './support/follow-sandbox.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';

const RESOLVE = { id: '11' };

describe('feedback on the Cloud sandbox', () => {
  const s = sharedFollowSandbox();

  const held = async (key: string) => (await s.call('GET', `${API}/request/${key}/feedback`, undefined, { 'x-experimentalapi': 'opt-in' })).json as unknown;
  const feedbackCalls = () => s.exchanges.filter((x) => x.path.endsWith('/feedback'));

  it('rates a resolved request; view shows the rating', async () => {
    const key = await s.create('Rated');
    expect((await s.call('POST', `${API}/request/${key}/transition`, RESOLVE)).status).toBe(204);
    const r = await s.cli(['feedback', key, '--rating', '4', '--comment', 'Quick and clear']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Rated ${key}: 4/5. Thank you.\n`);
    expect(await held(key)).toEqual({ type: 'csat', rating: 4, comment: { body: 'Quick and clear' } });
    const view = await s.cli(['view', key]);
    expect(view.stdout).toMatch(/Your rating: 4\/5 "Quick and clear"/);
    const json = JSON.parse((await s.cli(['view', key, '--json'])).stdout) as { feedback?: unknown };
    expect(json.feedback).toEqual({ rating: 4, comment: 'Quick and clear' });
    const again = await s.cli(['feedback', key, '--rating', '5', '--json']);
    expect(JSON.parse(again.stdout)).toEqual({ key, rating: 5, comment: '', url: expect.stringContaining(key) });
  });

  it('a rating of 7 (or 0, 4.5, "great") exits 2 before anything is sent; without a terminal --rating is required', async () => {
    const key = await s.create('Bad rating');
    const before = feedbackCalls().length;
    for (const bad of ['7', '0', '4.5', 'great']) {
      const r = await s.cli(['feedback', key, '--rating', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--rating must be a whole number from 1 to 5 (got "${bad}")`);
    }
    const missing = await s.cli(['feedback', key]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--rating is required');
    expect(feedbackCalls().length).toBe(before);
    expect(s.exchanges.filter((x) => x.path.includes(key) && x.method === 'POST')).toEqual([]);
  });

  it('the portal refusing a rating on an open request is said with its own words (exit 1)', async () => {
    const key = await s.create('Still open');
    const r = await s.cli(['feedback', key, '--rating', '3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Feedback can be given once ${key} is resolved.`);
  });

  it('without --rating on a terminal it asks; Enter sends nothing', async () => {
    const key = await s.create('Asked');
    expect((await s.call('POST', `${API}/request/${key}/transition`, RESOLVE)).status).toBe(204);
    const skip = new ScriptedPrompter([{ kind: 'input', message: /How satisfied are you with how .* was handled\? 1-5/, answer: '' }]);
    const r = await s.cli(['feedback', key], { tty: true, prompter: skip });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No rating given; nothing was sent.');
    expect((await s.call('GET', `${API}/request/${key}/feedback`, undefined, { 'x-experimentalapi': 'opt-in' })).status).toBe(404);
    const rate = new ScriptedPrompter([
      { kind: 'input', message: /1-5/, answer: '5' },
      { kind: 'input', message: /comment/i, answer: 'Great' },
    ]);
    const rated = await s.cli(['feedback', key], { tty: true, prompter: rate });
    expect(rated.code, rated.stderr).toBe(0);
    expect(await held(key)).toEqual({ type: 'csat', rating: 5, comment: { body: 'Great' } });
  });

  it('resolve on a terminal asks for the rating after resolving; the answer is checked; Enter skips; --yes never asks', async () => {
    const key = await s.create('Resolve and rate');
    const p = new ScriptedPrompter([
      { kind: 'confirm', message: /Resolve/i, answer: true },
      { kind: 'input', message: /1-5/, answer: '3' },
      { kind: 'input', message: /comment/i, answer: '' },
    ]);
    const r = await s.cli(['resolve', key], { tty: true, prompter: p });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Rated ${key}: 3/5`);
    expect(await held(key)).toEqual({ type: 'csat', rating: 3 });

    const skipped = await s.create('Resolve, skip the rating');
    const q = new ScriptedPrompter([
      { kind: 'confirm', answer: true },
      { kind: 'input', message: /1-5/, answer: '' },
    ]);
    expect((await s.cli(['resolve', skipped], { tty: true, prompter: q })).code).toBe(0);
    expect((await s.call('GET', `${API}/request/${skipped}/feedback`, undefined, { 'x-experimentalapi': 'opt-in' })).status).toBe(404);

    const yes = await s.create('Resolve with --yes');
    const quiet = await s.cli(['resolve', yes, '--yes'], { tty: true, prompter: new ScriptedPrompter([]) });
    expect(quiet.code, quiet.stderr).toBe(0);
  });

  it('the rating question refuses 7 (its check is what the prompt shows); a failure after resolving is a warning, not a failed resolve', async () => {
    const key = await s.create('Seven');
    expect((await s.call('POST', `${API}/request/${key}/transition`, RESOLVE)).status).toBe(204);
    const p = new ScriptedPrompter([{ kind: 'input', message: /1-5/, answer: '7' }]);
    const r = await s.cli(['feedback', key], { tty: true, prompter: p });
    expect(r.code).toBe(1);
    // The scripted prompter's refusal is reported as an error, which wraps on a terminal.
    expect(r.stderr.replace(/\s+/g, ' ')).toContain('Type a number from 1 to 5, or press Enter to skip.');
    const reopen = await s.create('Seven after resolve');
    const q = new ScriptedPrompter([
      { kind: 'confirm', answer: true },
      { kind: 'input', message: /1-5/, answer: '7' },
    ]);
    const resolved = await s.cli(['resolve', reopen], { tty: true, prompter: q });
    expect(resolved.code, resolved.stderr).toBe(0);
    expect(resolved.stderr).toContain('warning: the rating was not sent');
  });
});

describe('feedback on the Data Center sandbox', () => {
  const s = sharedFollowSandbox({ flavor: 'dc' });

  it('says the portal takes no ratings (exit 1); resolve on a terminal does not ask', async () => {
    const key = await s.create('DC rating');
    const p = new ScriptedPrompter([{ kind: 'confirm', answer: true }]);
    const resolved = await s.cli(['resolve', key], { tty: true, prompter: p });
    expect(resolved.code, resolved.stderr).toBe(0);
    const r = await s.cli(['feedback', key, '--rating', '5']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('takes no satisfaction ratings through its API');
    const view = JSON.parse((await s.cli(['view', key, '--json'])).stdout) as { feedback?: unknown };
    expect(view.feedback).toBeUndefined();
  });
});

