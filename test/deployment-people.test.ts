/**
 * People named as each deployment names them: user fields as `{accountId}` on Cloud and `{name}` on
 * Data Center, participants as `accountIds` or `usernames`, each accepted by the matching sandbox
 * flavour (which reads no other form).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FormField } from '../src/form/fields.js';
import { toWire } from '../src/form/fields.js';
import { JsmClient } from '../src/portal/client.js';
import { startSandbox, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, tempDir } from './support/harness.js';
import { createBody, validFields } from './support/sandbox-client.js';

const field = (kind: 'user' | 'users'): FormField => ({
  id: 'customfield_1',
  name: 'Manager',
  description: '',
  required: false,
  kind,
  role: undefined,
  options: [],
  flag: undefined,
  schema: kind === 'user' ? { type: 'user' } : { type: 'array', items: 'user' },
});

const open: { h: SandboxHandle; dir: string }[] = [];
afterAll(async () => {
  for (const x of open) {
    await x.h.close();
    fs.rmSync(x.dir, { recursive: true, force: true });
  }
});

describe('people per deployment', () => {
  it('user fields: {accountId} on Cloud (the default), {name} on Data Center', () => {
    expect(toWire(field('user'), '5b10ac8d82e05b22cc7d4ef5')).toEqual({ accountId: '5b10ac8d82e05b22cc7d4ef5' });
    expect(toWire(field('user'), 'jsmith', 'dc')).toEqual({ name: 'jsmith' });
    expect(toWire(field('users'), ['a', 'b'], 'dc')).toEqual([{ name: 'a' }, { name: 'b' }]);
    expect(toWire(field('users'), ['a'], 'cloud')).toEqual([{ accountId: 'a' }]);
  });

  it('participants: accountIds to a Cloud portal, usernames to a Data Center one', async () => {
    for (const flavor of ['cloud', 'dc'] as const) {
      const dir = tempDir('support-people-');
      const h = await startSandbox({ dataDir: dir, clock: fakeClock(), flavor });
      open.push({ h, dir });
      const api = new JsmClient({ baseUrl: h.url, credentials: { kind: 'basic', email: h.email, token: h.token }, userAgent: 'support/test', clock: fakeClock(), deployment: flavor });
      try {
        const created = await api.createRequest(createBody('4', validFields('4')));
        const other = flavor === 'dc' ? h.users[1]!.username! : h.users[1]!.accountId;
        const added = await api.addParticipants(created.issueKey!, [other]);
        expect(added.values?.map((u) => (flavor === 'dc' ? u.name : u.accountId))).toEqual([other]);
        await api.removeParticipants(created.issueKey!, [other]);
      } finally {
        await api.close();
      }
    }
  });
});
