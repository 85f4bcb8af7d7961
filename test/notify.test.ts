/**
 * `support notify KEY on|off`: the portal's notification switch for a request, shown in `view`.
 * Against the sandbox in both flavours, traffic checked against the spec.
 */
import { describe, expect, it } from 'vitest';
import { API, sharedFollowSandbox } from './support/follow-sandbox.js';

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`notify on the ${flavor} sandbox`, () => {
    const s = sharedFollowSandbox({ flavor });

    it('turns notifications off and on again; view shows the state', async () => {
      const key = await s.create('Too many e-mails');
      const subscribed = async () => ((await s.call('GET', `${API}/request/${key}/notification`)).json as { subscribed: boolean }).subscribed;
      expect(await subscribed()).toBe(true);
      const off = await s.cli(['notify', key, 'off']);
      expect(off.code, off.stderr).toBe(0);
      expect(off.stdout).toBe(`Notifications for ${key}: off. "support notify ${key} on" turns them back on.\n`);
      expect(await subscribed()).toBe(false);
      const view = await s.cli(['view', key]);
      expect(view.stdout).toContain(`Notifications: off ("support notify ${key} on")`);
      expect(JSON.parse((await s.cli(['view', key, '--json'])).stdout)).toMatchObject({ notifications: 'off' });
      // Twice is the same state (the calls are idempotent).
      expect((await s.cli(['notify', key, 'off'])).code).toBe(0);
      const on = await s.cli(['notify', key, 'ON', '--json']);
      expect(on.code, on.stderr).toBe(0);
      expect(JSON.parse(on.stdout)).toEqual({ key, notifications: 'on', url: expect.stringContaining(key) });
      expect(await subscribed()).toBe(true);
    });

    it('bad input exits 2 before anything is sent; an unknown request is said so', async () => {
      const key = await s.create('Bad switch');
      const before = s.exchanges.length;
      const r = await s.cli(['notify', key, 'mute']);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('say "on" or "off" (got "mute")');
      expect(s.exchanges.length).toBe(before);
      const missing = await s.cli(['notify', 'SUP-999', 'off']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('request SUP-999 was not found');
    });
  });
}
