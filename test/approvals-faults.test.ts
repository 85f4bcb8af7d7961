// Approvals and ratings answered at most once: every fault at the answer (refused before the
// portal, or after it did the work), then the same command again. The approval ends decided the
// way asked, the portal took exactly one answer, and a lost answer is looked for before the
// command calls it a failure.
import { describe, expect, it } from 'vitest';
import { sandboxAskApproval } from '../src/sandbox/index.js';
import { NOT_A_BUG } from './support/built-cli.js';
import { FAULTS } from './support/fault-proxy.js';
import { API, useFaultSandbox } from './support/fault-sandbox.js';

const f = useFaultSandbox();

describe('approve: every fault at the answer, then again, decides the approval once', () => {
  for (const fault of FAULTS) {
    it(fault, async () => {
      const key = await f.s.create(`approve ${fault}`, { as: 1 });
      const id = await sandboxAskApproval(f.s.dataDir, key, [f.s.h.email], 'Budget', f.s.clock);
      const answers = () => f.s.exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request/${key}/approval/${id}`);
      f.proxy.rule({ method: 'POST', path: `${API}/request/${key}/approval/${id}`, fault });
      const a = await f.cli(['approve', key, '--yes']);
      if (a.code !== 0) expect(a.stderr).not.toMatch(NOT_A_BUG);
      // An answer lost after the portal decided is found by reading the approval again.
      if (fault === 'forward-drop' || fault === 'forward-500' || fault === 'forward-502') expect(a.code, a.stderr).toBe(0);
      f.proxy.clear();
      const b = await f.cli(['approve', key, '--yes']);
      expect(b.code, b.stderr).toBe(0);
      expect(((await f.s.call('GET', `${API}/request/${key}/approval/${id}`)).json as { finalDecision: string }).finalDecision).toBe('approved');
      expect(answers().filter((x) => x.status === 200)).toHaveLength(1);
      expect(answers().filter((x) => x.status === 409)).toEqual([]);
    });
  }
});

describe('feedback: a rating whose answer was lost is looked for, not sent blindly again', () => {
  for (const fault of ['forward-drop', 'forward-500'] as const) {
    it(fault, async () => {
      const key = await f.s.create(`rate ${fault}`);
      expect((await f.s.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
      f.proxy.rule({ method: 'POST', path: `${API}/request/${key}/feedback`, fault });
      const a = await f.cli(['feedback', key, '--rating', '4']);
      expect(a.code, a.stderr).toBe(0);
      expect(f.s.exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request/${key}/feedback`)).toHaveLength(1);
    });
  }
});
