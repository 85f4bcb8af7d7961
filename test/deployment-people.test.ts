/**
 * People named as each portal flavor names them: user fields as `{accountId}` on Cloud and `{name}` on
 * Data Center, participants as `accountIds` or `usernames`, each accepted by the matching sandbox
 * flavour (which reads no other form).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { FormField } from '../src/form/fields.js';
import { toWire } from '../src/form/fields.js';
import { JsmClient } from '../src/portal/client.js';
import { parseCatalog } from '../src/sandbox/catalog.js';
import { startSandbox, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDir } from './support/harness.js';
import { caller, createBody, validFields } from './support/sandbox-client.js';

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

describe('people per portal flavor', () => {
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
      const api = new JsmClient({ baseUrl: h.url, credentials: { kind: 'basic', email: h.email, token: h.token }, userAgent: 'support/test', clock: fakeClock(), flavor });
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

describe('create names a user field as the portal wants it, asking /info when no profile says', () => {
  const catalog = {
    serviceDesk: { id: '3', projectKey: 'IT', projectName: 'IT help desk' },
    requestTypes: [
      {
        id: '30',
        name: 'Access request',
        fields: {
          requestTypeFields: [
            { fieldId: 'summary', name: 'Summary', required: true, jiraSchema: { type: 'string', system: 'summary' } },
            { fieldId: 'customfield_40001', name: 'Approver', required: true, jiraSchema: { type: 'user', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:userpicker' } },
          ],
        },
      },
    ],
  };

  for (const flavor of ['cloud', 'dc'] as const) {
    it(`on the ${flavor} sandbox (whose host, 127.0.0.1, would suggest Data Center)`, { timeout: 30_000 }, async () => {
      const dir = tempDir('support-people-');
      const h = await startSandbox({ dataDir: dir, clock: fakeClock(), flavor, catalog: parseCatalog('inline', catalog) });
      open.push({ h, dir });
      const approver = flavor === 'dc' ? h.users[1]!.username! : h.users[1]!.accountId;
      const r = await runCli(
        ['--portal', h.url, 'create', '--service-desk', '3', '--request-type', '30', '--summary', 'VPN access', '--field', `customfield_40001=${approver}`, '--no-input', '--json'],
        { env: { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token }, clock: fakeClock() },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const key = (JSON.parse(r.stdout) as { key: string }).key;
      const got = await caller(h)('GET', `/rest/servicedeskapi/request/${key}`);
      const value = got.json.requestFieldValues.find((v: { fieldId: string }) => v.fieldId === 'customfield_40001').value;
      expect(value.displayName).toBe('Another Customer');
    });
  }
});
