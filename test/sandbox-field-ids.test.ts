import fs from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { run } from '../src/cli/run.js';
import { SandboxFieldIdOffsetError, startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDir, testDeps } from './support/harness.js';
import { expectConformance, loadSpec, specPath } from './support/openapi.js';
import { caller, createBody, shiftFieldIds, validFields } from './support/sandbox-client.js';

const API = '/rest/servicedeskapi';
const open: SandboxHandle[] = [];
const dirs: string[] = [];

function dir(): string {
  const d = tempDir('support-sandbox-ids-');
  dirs.push(d);
  return d;
}

async function sandbox(dataDir: string, fieldIdOffset?: number) {
  const exchanges: Exchange[] = [];
  const h = await startSandbox({ dataDir, clock: fakeClock(), fieldIdOffset, onExchange: (x) => exchanges.push(x) });
  open.push(h);
  return { h, you: caller(h), exchanges };
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

const ids = (fields: { fieldId: string }[]) => fields.map((f) => f.fieldId);

/** Reads the fields, creates a request with the old ids and with the shifted ones, and reads it back. */
async function shiftedScenario(): Promise<Exchange[]> {
  const { you, exchanges } = await sandbox(dir(), 10_000);
  const meta = await you('GET', `${API}/servicedesk/1/requesttype/2/field`);
  expect(meta.status).toBe(200);
  expect(ids(meta.json.requestTypeFields)).toEqual(['customfield_20010', 'customfield_20016', 'customfield_20017', 'summary', 'customfield_20013', 'description', 'attachment', 'customfield_20015', 'customfield_20018']);
  const product = meta.json.requestTypeFields[0];
  expect(product.jiraSchema.customId).toBe(20_010);
  expect(product.validValues[0]).toMatchObject({ value: '10000', label: 'Jira' });
  const dc = await you('GET', `${API}/servicedesk/1/requesttype?expand=field`);
  const all = dc.json.values.flatMap((rt: { fields: { requestTypeFields: { fieldId: string }[] } }) => ids(rt.fields.requestTypeFields));
  expect(all.filter((id: string) => id.startsWith('customfield_')).every((id: string) => /^customfield_2\d{4}$/.test(id))).toBe(true);
  expect(all).toContain('customfield_20011');

  const old = await you('POST', `${API}/request`, createBody('2', validFields('2')));
  expect(old.status).toBe(400);
  expect(old.json.errorMessage).toContain("'customfield_10010' cannot be set");
  expect(old.json.errorMessage).toContain('(customfield_20010) is required');

  const created = await you('POST', `${API}/request`, createBody('2', shiftFieldIds(validFields('2'), 10_000)));
  expect(created.status).toBe(201);
  const shifted = ['customfield_20010', 'customfield_20017', 'summary', 'customfield_20013', 'description', 'customfield_20018'];
  expect(ids(created.json.requestFieldValues)).toEqual(shifted);
  const got = await you('GET', `${API}/request/${created.json.issueKey}?expand=sla`);
  expect(ids(got.json.requestFieldValues)).toEqual(shifted);
  expect(got.json.requestFieldValues[3]).toEqual({ fieldId: 'customfield_20013', label: 'Business impact', value: { id: '10100', value: 'Level 1 - Critical' } });
  // The impact field is still the one that sets the first-response goal (Level 1: one hour).
  expect(got.json.sla.values[0].ongoingCycle.goalDuration.millis).toBe(3_600_000);
  return exchanges;
}

describe('sandbox: field ids shifted by fieldIdOffset', () => {
  it('serves, validates, stores and returns every custom field under its shifted id', async () => {
    await shiftedScenario();
  });

  it('keeps the offset its requests were stored with: restarts serve it, another one is refused', async () => {
    const data = dir();
    const first = await sandbox(data, 500);
    expect((await first.you('POST', `${API}/request`, createBody('1', shiftFieldIds(validFields('1'), 500)))).status).toBe(201);
    await first.h.close();

    const again = await sandbox(data);
    const r = await again.you('GET', `${API}/request/SUP-1`);
    expect(ids(r.json.requestFieldValues)).toContain('customfield_10513');
    await expect(startSandbox({ dataDir: data, fieldIdOffset: 0 })).rejects.toBeInstanceOf(SandboxFieldIdOffsetError);

    // A folder without requests takes the new offset.
    const empty = dir();
    await (await sandbox(empty, 500)).h.close();
    const changed = await sandbox(empty, 0);
    expect(ids((await changed.you('GET', `${API}/servicedesk/1/requesttype/1/field`)).json.requestTypeFields)[0]).toBe('customfield_10010');
  });

  const spec = loadSpec();
  it.skipIf(!spec)(`the shifted fields validate against the JSM spec (${spec ? spec.file : `skipped: no spec at ${specPath()}`})`, async () => {
    const exchanges = await shiftedScenario();
    expect(exchanges).toHaveLength(5);
    expectConformance(spec!, exchanges);
  });
});

describe('support sandbox --field-id-offset', () => {
  it('refuses a value that is not a whole number of 0 or more (exit 2)', async () => {
    for (const v of ['-1', 'ten', '1.5']) {
      const r = await runCli(['sandbox', '--field-id-offset', v, '--data', dir()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('--field-id-offset');
    }
  });

  it('serves the shifted ids, and says which offset a folder with requests needs (exit 1)', async () => {
    const data = dir();
    const ac = new AbortController();
    const { deps, stdout } = testDeps({ signal: ac.signal, clock: fakeClock() });
    const running = run(['sandbox', '--json', '--port', '0', '--data', data, '--field-id-offset', '10000'], deps);
    for (let i = 0; i < 500 && !stdout().includes('\n'); i++) await new Promise((r) => setTimeout(r, 10));
    const facts = JSON.parse(stdout()) as { url: string; email: string; token: string };
    const you = caller({ ...facts, dataDir: data, users: [{ ...facts, accountId: '', displayName: '' }], close: async () => {} });
    const meta = await you('GET', `${API}/servicedesk/1/requesttype/1/field`);
    expect(ids(meta.json.requestTypeFields)[0]).toBe('customfield_20010');
    expect((await you('POST', `${API}/request`, createBody('4'))).status).toBe(201);
    ac.abort(new Error('SIGINT'));
    expect(await running).toBe(0);

    const r = await runCli(['sandbox', '--port', '0', '--data', data, '--field-id-offset', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('10000');
    expect(r.stderr).toContain('--field-id-offset 10000');
  });
});
