// resolve, escalate and reopen after a lost answer: running it again exits 0 and says the request is
// already there; the transition is taken once.
import { describe, expect, it } from 'vitest';
import { NOT_A_BUG } from './support/built-cli.js';
import { FAULTS } from './support/fault-proxy.js';
import { API, useFaultSandbox } from './support/fault-sandbox.js';

const f = useFaultSandbox();

describe('resolve, escalate, reopen: every fault at the transition, then again: exit 0, taken once', () => {
  const transitionsTaken = () => f.proxy.seen.filter((x) => x.method === 'POST' && x.path.endsWith('/transition') && x.upstreamStatus !== undefined && x.upstreamStatus < 300).length;
  for (const verb of ['resolve', 'escalate', 'reopen'] as const) {
    for (const fault of FAULTS) {
      it(`${verb}: ${fault}, then again`, async () => {
        const key = await f.s.create(`${verb} ${fault}`);
        if (verb === 'reopen') expect((await f.s.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
        f.proxy.rule({ method: 'POST', path: `${API}/request/${key}/transition`, fault });
        const a = await f.cli([verb, key, '--yes']);
        if (a.code !== 0) expect(a.stderr).not.toMatch(NOT_A_BUG);
        f.proxy.clear();
        const b = await f.cli([verb, key, '--yes']);
        expect(b.code, b.stderr).toBe(0);
        expect(transitionsTaken()).toBe(1);
        const st = await f.statusOf(key);
        expect(st.statusCategory).toBe(verb === 'resolve' ? 'DONE' : 'INDETERMINATE');
      });
    }
    it(`${verb} on a request already there says so and exits 0 (--json too)`, async () => {
      const key = await f.s.create(`${verb} already`);
      // A new request is open already; resolve and escalate are taken once first.
      if (verb !== 'reopen') expect((await f.cli([verb, key, '--yes'])).code).toBe(0);
      const before = transitionsTaken();
      const r = await f.cli([verb, key, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/already/i);
      const j = await f.cli(['--json', verb, key, '--yes']);
      expect(j.code).toBe(0);
      expect(JSON.parse(j.stdout)).toMatchObject({ key, alreadyDone: true });
      expect(transitionsTaken()).toBe(before);
    });
  }
});
