/**
 * The client knows portals, not our sandbox: the whole create -> list -> view flow against a sandbox
 * whose custom field ids are other numbers (customfield_20010.. instead of the seed's 10010..), so any
 * knowledge of the seed's ids in the client shows up as a wrong or missing value here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { accountSteps } from './support/guided-steps.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';

let s: FollowSandbox;
beforeAll(async () => {
  s = await followSandbox({ fieldIdOffset: 10_000 });
});
afterAll(async () => {
  await s.close();
});

interface Field {
  fieldId: string;
  label: string;
  value: unknown;
}

/** Files a Server/DC request from flags with `support create`; returns its key. */
async function fileServerRequest(summary: string): Promise<string> {
  const r = await s.cli([
    'create', '--json', '--type', 'technical', '--deployment', 'server', '--product', 'Confluence',
    '--sen', '1234567', '--impact', '2', '--production', '--product-version', '9.2.1',
    '--details', 'Export a page with Japanese text.', '--phone', '+81 3-1234-5678',
    '--field', 'Data Center / Server product=Confluence Data Center', '--summary', summary,
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { key: string }).key;
}

describe('a portal whose field ids differ from the seed', () => {
  it('files a Server/DC request from flags, with every role found by its metadata', async () => {
    const key = await fileServerRequest('PDF export loses text');
    const got = await s.call('GET', `/rest/servicedeskapi/request/${key}`);
    const fields = Object.fromEntries((got.json.requestFieldValues as Field[]).map((f) => [f.fieldId, f.value]));
    // The seed's ids moved by 10000: SEN, impact, version and phone are stored under the new ids.
    expect(fields.customfield_20012).toBe('SEN-1234567');
    expect(JSON.stringify(fields.customfield_20013)).toMatch(/Level 2/);
    expect(fields.customfield_20014).toBe('9.2.1');
    expect(fields.customfield_20015).toBe('+81 3-1234-5678');
    expect(Object.keys(fields).some((k) => /^customfield_100\d\d$/.test(k))).toBe(false);
  });

  it('files a Cloud request: site URL and consent are recognised by their names', async () => {
    const r = await s.cli([
      'create', '--json', '--type', 'technical', '--deployment', 'cloud', '--product', 'Jira', '--summary', 'Automation fails',
      '--impact', '4', '--site-url', 'example', '--grant-access', '--details', 'Automation rules stopped running.',
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = await s.call('GET', `/rest/servicedeskapi/request/${(JSON.parse(r.stdout) as { key: string }).key}`);
    const fields = Object.fromEntries((got.json.requestFieldValues as Field[]).map((f) => [f.fieldId, f.value]));
    expect(fields.customfield_20017).toBe('https://example.atlassian.net');
    expect(JSON.stringify(fields.customfield_20018)).toMatch(/Yes, I grant access/);
  });

  it('files an Account request through the guided form, its topic under the shifted id', async () => {
    const p = new ScriptedPrompter(accountSteps('Trial extension'));
    const r = await s.cli(['create'], { tty: true, prompter: p });
    expect(r.code, r.stderr).toBe(0);
    const key = /SUP-\d+/.exec(r.stdout)![0];
    const got = await s.call('GET', `/rest/servicedeskapi/request/${key}`);
    const fields = Object.fromEntries((got.json.requestFieldValues as Field[]).map((f) => [f.fieldId, f.value]));
    expect(JSON.stringify(fields.customfield_20020)).toMatch(/Trial account/);
  });

  it('lists the requests with the impact column read from the shifted impact field', async () => {
    await fileServerRequest('Listed with its impact');
    const r = await s.cli(['list', '--json']);
    expect(r.code).toBe(0);
    const items = JSON.parse(r.stdout) as { summary: string; impact: string }[];
    expect(items.find((x) => x.summary === 'Listed with its impact')?.impact).toMatch(/Level 2/);
  });

  it('views a request with its fields by label', async () => {
    const key = await fileServerRequest('Viewed with its fields');
    const r = await s.cli(['view', key]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Support Entitlement Number \(SEN\): SEN-1234567/);
    expect(r.stdout).toMatch(/Business impact: Level 2/);
    expect(r.stdout).toMatch(/Product version: 9\.2\.1/);
  });
});
