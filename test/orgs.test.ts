/**
 * Organisations: `support orgs` lists the customer's own, `create --share-with ORG` shares a new
 * request through the Organizations field the request type offers (so the organisation's members
 * see it), `list --organization ORG` lists what is shared with one. Unknown organisations and
 * request types without the field exit 2 before anything is filed. Both sandbox flavours; the
 * traffic valid against the JSM spec.
 */
import { describe, expect, it } from 'vitest';
import type { ListJson, OrgsJson } from '../src/cli/json-types.js';
import { API } from './support/follow-sandbox.js';
import { sandboxForDescribe } from './support/kb-flow.js';
import { runCli } from './support/harness.js';

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`organisations on the ${flavor} sandbox`, () => {
    const box = sandboxForDescribe({ flavor });

    const asColleague = () => ({ env: { SUPPORT_EMAIL: box().h.users[1]!.email, SUPPORT_TOKEN: box().h.users[1]!.token } });
    const creates = () => box().exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request`).length;
    const account = (summary: string, ...more: string[]) => ['create', '--type', 'account', '--summary', summary, '--details', 'Our team needs to see it.', ...more];

    it('orgs lists the organisations the customer belongs to, each customer their own', async () => {
      const mine = await box().cli(['orgs', '--json']);
      expect(mine.code, mine.stderr).toBe(0);
      expect(JSON.parse(mine.stdout) as OrgsJson).toEqual([
        { id: '1', name: 'Acme Corporation' },
        { id: '2', name: 'アクメ株式会社' },
      ]);
      const theirs = await box().cli(['orgs'], asColleague());
      expect(theirs.stdout).toBe('1\tAcme Corporation\n3\tGlobex\n');
      const tty = await box().cli(['orgs'], { tty: true });
      expect(tty.stdout).toMatch(/^Id\s+Name\n1\s+Acme Corporation\n2\s+アクメ株式会社\n$/);
    });

    it('create --share-with shares the request: the organisation field is set, a member sees it and lists it by organisation', async () => {
      const r = await box().cli(account('Shared with Acme', '--share-with', 'acme corporation'));
      expect(r.code, r.stderr).toBe(0);
      const key = r.stdout.split('\t')[0]!;
      const sent = box().exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request`).at(-1)!.body as { requestFieldValues: Record<string, unknown> };
      expect(Object.values(sent.requestFieldValues)).toContainEqual([1]);

      // The colleague is not the reporter nor a participant, only a member of Acme.
      const view = await box().cli(['view', key, '--json'], asColleague());
      expect(view.code, view.stderr).toBe(0);
      const byOrg = await box().cli(['list', '--organization', 'Acme Corporation', '--json'], asColleague());
      expect(byOrg.code, byOrg.stderr).toBe(0);
      expect((JSON.parse(byOrg.stdout) as ListJson).map((x) => x.key)).toEqual([key]);
      const list = box().exchanges.filter((x) => x.path === `${API}/request`).at(-1)!;
      expect(list.query).toMatchObject({ requestOwnership: ['ORGANIZATION'], organizationId: ['1'] });
      const globex = await box().cli(['list', '--organization', '3', '--json'], asColleague());
      expect(JSON.parse(globex.stdout)).toEqual([]);
      // Shared with Acme only: not visible through another organisation.
      const other = await box().create('Not shared');
      expect((await box().cli(['view', other], asColleague())).code).not.toBe(0);
    });

    it('an organisation the customer does not belong to: exit 2 naming theirs, nothing filed', async () => {
      const before = creates();
      const r = await box().cli(account('Shared with Globex', '--share-with', 'Globex'));
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no organisation "Globex" among yours (1 Acme Corporation, 2 アクメ株式会社)');
      expect(r.stderr).toContain('"support orgs"');
      expect(creates()).toBe(before);
      const list = await box().cli(['list', '--organization', 'Globex']);
      expect(list.code).toBe(2);
    });

    it('a request type without the Organizations field: exit 2, nothing filed', async () => {
      const before = creates();
      const r = await box().cli(['create', '--type', 'billing', '--summary', 'Invoice', '--details', 'Wrong address.', '--share-with', '1']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/does not let requests be shared with an organisation/);
      expect(creates()).toBe(before);
    });

    it('--organization with --mine is a usage error', async () => {
      const r = await box().cli(['list', '--mine', '--organization', '1']);
      expect(r.code).toBe(2);
    });
  });
}

describe('orgs help', () => {
  it('has examples in both languages', async () => {
    const r = await runCli(['orgs', '--help']);
    expect(r.stdout).toMatch(/support orgs --json[\s\S]*support create --share-with アクメ株式会社/);
    const ja = await runCli(['--lang', 'ja', 'orgs', '--help']);
    expect(ja.stdout).toContain('自分が所属する顧客組織');
  });
});
