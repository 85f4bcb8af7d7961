// Every operation of the JSM client against the sandbox portal, with each request it sends (and
// each answer) checked against the official spec, and a server that caps page sizes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsmClient } from '../src/portal/client.js';
import { PortalError } from '../src/portal/errors.js';
import { startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, tempDir } from './support/harness.js';
import { conformEachTest } from './support/openapi.js';
import { validFields } from './support/sandbox-client.js';

let sb: SandboxHandle;
let dir: string;
let api: JsmClient;
const seen: Exchange[] = [];

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

beforeAll(async () => {
  dir = tempDir('support-sbc-');
  const clock = fakeClock();
  sb = await startSandbox({ dataDir: path.join(dir, 'data'), clock, maxPageSize: 2, onExchange: (x) => seen.push(x) });
  api = new JsmClient({ baseUrl: sb.url, credentials: { kind: 'basic', email: sb.email, token: sb.token }, userAgent: 'support/test', clock });
});
afterAll(async () => {
  await api.close();
  await sb.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('JsmClient against the sandbox', () => {
  // Not in the saved spec: the newer validate endpoint and the platform's attachment settings.
  conformEachTest(() => seen, { undocumented: ['POST /rest/servicedeskapi/request/validate', 'GET /rest/api/3/attachment/meta'] });
  it('performs every operation the CLI uses', async () => {
    expect((await api.info()).isLicensedForUse).toBe(true);
    expect((await api.myself()).accountId).toBe(sb.users[0]!.accountId);
    const desks = await all(api.serviceDesks());
    expect(desks.map((d) => d.projectKey)).toEqual(['SUP']);
    expect((await api.serviceDesk('1')).projectName).toBe('Atlassian Support (sandbox)');
    // Four types with a server cap of 2 per page: paging must advance by size.
    expect((await all(api.requestTypes('1'))).map((r) => r.id)).toEqual(['1', '2', '3', '4']);
    expect((await all(api.requestTypeGroups('1'))).map((g) => g.id)).toEqual(['1', '2', '3']);
    expect((await api.requestType('1', '2')).name).toContain('Cloud');
    const meta = await api.requestTypeFields('1', '1');
    expect(meta.requestTypeFields?.some((f) => f.fieldId === 'customfield_10013' && f.required)).toBe(true);

    const created = await api.createRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: validFields('1') });
    const key = created.issueKey!;
    expect(key).toMatch(/^SUP-\d+$/);
    expect((await api.request(key, ['status', 'sla', 'participant', 'requestType'])).issueKey).toBe(key);
    expect((await all(api.requests({ ownership: ['OWNED_REQUESTS'], status: 'OPEN_REQUESTS', expand: ['status'] }))).map((r) => r.issueKey)).toContain(key);

    await api.addComment(key, 'first comment');
    await api.addComment(key, 'second comment');
    await api.addComment(key, 'third comment');
    expect((await all(api.comments(key))).map((c) => c.body)).toEqual(['first comment', 'second comment', 'third comment']);

    expect((await api.attachmentMeta()).uploadLimit).toBeGreaterThan(0);
    const f = path.join(dir, 'app.log');
    fs.writeFileSync(f, 'line\n'.repeat(1000));
    const temp = await api.uploadTemporaryFiles('1', [{ path: f }]);
    expect(temp).toHaveLength(1);
    await api.attachTemporaryFiles(key, { temporaryAttachmentIds: temp.map((x) => x.temporaryAttachmentId), public: true, additionalComment: { body: 'logs' } });
    expect((await all(api.attachments(key))).map((a) => a.filename)).toEqual(['app.log']);

    const transitions = await all(api.transitions(key));
    expect(transitions.map((x) => x.name)).toEqual(expect.arrayContaining(['Resolve', 'Escalate']));
    await api.transition(key, transitions.find((x) => x.name === 'Resolve')!.id!, 'fixed, thanks');
    expect((await all(api.statusHistory(key)))[0]!.status).toBe('Resolved');
    expect(await all(api.sla(key))).not.toHaveLength(0);

    await api.addParticipants(key, [sb.users[1]!.accountId]);
    expect((await all(api.participants(key))).map((u) => u.accountId)).toEqual([sb.users[1]!.accountId]);
    await api.removeParticipants(key, [sb.users[1]!.accountId]);
    expect(await all(api.participants(key))).toEqual([]);

    // The Cloud sandbox has /request/validate, as newer Cloud sites do (the Data Center flavor, like older portals, has not).
    expect(await api.validateRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: validFields('1') })).toEqual({ valid: true });
    const invalid = await api.validateRequest({ serviceDeskId: '1', requestTypeId: '1', requestFieldValues: { summary: 'x' } });
    expect(invalid).toMatchObject({ valid: false, errorMessage: expect.stringMatching(/Product/) });
    const missing = await api.request('SUP-9999').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PortalError);
    expect((missing as PortalError).kind).toBe('not-found');
  });
});
