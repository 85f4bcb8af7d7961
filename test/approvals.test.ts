/**
 * Approvals where the portal makes the customer an approver: `support approvals` lists the pending
 * ones, `support approve|decline KEY` answers them (once: an approval decided already is said so
 * and nothing is sent), `view` shows them. Against the sandbox in both flavours, traffic checked
 * against the spec.
 */
import { describe, expect, it } from 'vitest';
import { sandboxAskApproval } from '../src/sandbox/index.js';
import { API, sharedFollowSandbox } from './support/follow-sandbox.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`approvals on the ${flavor} sandbox`, () => {
    const s = sharedFollowSandbox({ flavor });

    /** A request raised by the colleague, with an approval asked of "you". */
    async function asked(summary: string, name = 'Licence upgrade'): Promise<{ key: string; id: string }> {
      const key = await s.create(summary, { as: 1 });
      const id = await sandboxAskApproval(s.dataDir, key, [s.h.users[0]!.email], name, s.clock);
      return { key, id };
    }
    const posts = () => s.exchanges.filter((x) => x.method === 'POST' && /\/approval\//.test(x.path));

    it('lists the pending approvals, approves one, and lists none after', async () => {
      const { key, id } = await asked('Upgrade to 500 users');
      const list = await s.cli(['approvals']);
      expect(list.code, list.stderr).toBe(0);
      expect(list.stdout).toContain(`${key}  Licence upgrade  Upgrade to 500 users`);
      expect(list.stdout).toContain(`support approve ${key}  or  support decline ${key}`);
      const json = JSON.parse((await s.cli(['approvals', '--json'])).stdout) as { key: string; approval: { id: string; canAnswer: boolean } }[];
      expect(json).toEqual([expect.objectContaining({ key, summary: 'Upgrade to 500 users', approval: expect.objectContaining({ id, name: 'Licence upgrade', finalDecision: 'pending', canAnswer: true }) })]);

      const view = await s.cli(['view', key]);
      expect(view.stdout).toContain('Approvals (1)');
      expect(view.stdout).toMatch(/Licence upgrade\s+waiting\s+Sandbox Customer \(waiting\)/);

      const r = await s.cli(['approve', key, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe(`You approved "Licence upgrade" on ${key}. Approval: approved.\n`);
      const after = (await s.call('GET', `${API}/request/${key}/approval/${id}`)).json as { finalDecision: string };
      expect(after.finalDecision).toBe('approved');
      expect(JSON.parse((await s.cli(['approvals', '--json'])).stdout)).toEqual([]);
      expect((await s.cli(['approvals'])).stdout).toBe('No approvals wait for you.\n');

      // Again: decided this way already, nothing is sent.
      const sent = posts().length;
      const again = await s.cli(['approve', key, '--yes', '--json']);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toMatchObject({ key, decision: 'approve', alreadyDone: true, approval: { id, finalDecision: 'approved' } });
      expect(posts().length).toBe(sent);
      // Declining what was approved is refused: nothing is pending.
      const decline = await s.cli(['decline', key, '--yes']);
      expect(decline.code).toBe(2);
      expect(decline.stderr).toContain(`no approval of yours is pending on ${key}`);
    });

    it('declines after asking on a terminal; without a terminal --yes is required (exit 2, nothing sent)', async () => {
      const { key } = await asked('Give access to the wiki', 'Wiki access');
      const sent = posts().length;
      const noTty = await s.cli(['decline', key]);
      expect(noTty.code).toBe(2);
      expect(noTty.stderr).toContain('without a terminal needs --yes');
      const no = new ScriptedPrompter([{ kind: 'confirm', message: /Decline "Wiki access"/, answer: false }]);
      expect((await s.cli(['decline', key], { tty: true, prompter: no })).code).toBe(130);
      expect(posts().length).toBe(sent);
      const yes = new ScriptedPrompter([{ kind: 'confirm', message: new RegExp(`Decline "Wiki access" on ${key}`), answer: true }]);
      const r = await s.cli(['decline', key], { tty: true, prompter: yes });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`You declined "Wiki access" on ${key}. Approval: declined.`);
    });

    it('several approvals: names them and takes --approval; an unknown id or a request without approvals exits 2', async () => {
      const { key, id } = await asked('Two approvals', 'Budget');
      const second = await sandboxAskApproval(s.dataDir, key, [s.h.users[0]!.email], 'Security review', s.clock);
      const r = await s.cli(['approve', key, '--yes']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`several approvals wait for you on ${key}`);
      expect(r.stderr).toContain(`--approval ${id} (Budget), --approval ${second} (Security review)`);
      const one = await s.cli(['approve', key, '--approval', second, '--yes', '--json']);
      expect(one.code, one.stderr).toBe(0);
      expect(JSON.parse(one.stdout)).toMatchObject({ approval: { id: second, name: 'Security review', finalDecision: 'approved' } });
      const unknown = await s.cli(['approve', key, '--approval', '999999', '--yes']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain(`${key} has no approval 999999`);
      const plain = await s.create('No approvals here');
      const none = await s.cli(['approve', plain, '--yes']);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(`no approval of yours is pending on ${plain}`);
      // Nothing left waiting for the other tests of this sandbox (they run in any order).
      const rest = await s.cli(['decline', key, '--approval', id, '--yes']);
      expect(rest.code, rest.stderr).toBe(0);
    });
  });
}
