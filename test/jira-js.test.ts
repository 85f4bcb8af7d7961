/**
 * A client nobody here wrote drives the sandbox: jira.js (the widely used JSM client) calls the
 * ServiceDesk API through Stoplight Prism as a validating proxy (`--errors`: a request or answer
 * that breaks the spec becomes an error, so the call fails), and every exchange the sandbox
 * recorded is also checked against the spec by our own validator.
 */
import fs from 'node:fs';
import { ServiceDeskClient } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, tempDir } from './support/harness.js';
import { conformEachTest, loadSpec, specPath } from './support/openapi.js';
import { startPrism, type Prism } from './support/prism.js';
import { validFields } from './support/sandbox-client.js';

const spec = loadSpec();
const exchanges: Exchange[] = [];
let sandbox: SandboxHandle | undefined;
let prism: Prism | undefined;
let jira: ServiceDeskClient;
/** `/info` is anonymous; the spec's security for it is "none or OAuth2", so Prism refuses Basic there. */
let anonymous: ServiceDeskClient;
/**
 * The spec declares only "none or OAuth2" for one request type by id, so Prism refuses Basic
 * there too: that call goes to the sandbox directly (our validator still checks it).
 */
let direct: ServiceDeskClient;
const dataDir = tempDir('support-jirajs-');

beforeAll(async () => {
  if (!spec) return;
  sandbox = await startSandbox({ dataDir, clock: fakeClock(), onExchange: (x) => exchanges.push(x) });
  prism = await startPrism({ mode: 'proxy', spec: specPath(), upstream: sandbox.url });
  jira = new ServiceDeskClient({ host: prism.url, authentication: { basic: { email: sandbox.email, apiToken: sandbox.token } } });
  anonymous = new ServiceDeskClient({ host: prism.url });
  direct = new ServiceDeskClient({ host: sandbox.url, authentication: { basic: { email: sandbox.email, apiToken: sandbox.token } } });
}, 90_000);
afterAll(async () => {
  await prism?.close();
  await sandbox?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

/** Prism's own verdicts: with --errors a violation is an error answer, and it logs each one. */
function violations(): string[] {
  return (prism?.log ?? []).filter((l) => /✖|violation/i.test(l));
}

describe.skipIf(!spec)(`jira.js 5 drives the sandbox through a Prism proxy (--errors) on ${spec ? spec.file : specPath()}`, () => {
  conformEachTest(() => exchanges);
  let key = '';

  it('info, service desks, request type groups, request types and their fields', { timeout: 30_000 }, async () => {
    const info = await anonymous.info.getInfo();
    expect(info.isLicensedForUse).toBe(true);
    const desks = await jira.serviceDesk.getServiceDesks();
    expect(desks.values?.map((d) => d.projectKey)).toEqual(['SUP']);
    expect((await jira.serviceDesk.getServiceDeskById({ serviceDeskId: 'SUP' })).id).toBe('1');
    const groups = await jira.serviceDesk.getRequestTypeGroups({ serviceDeskId: '1' });
    expect(groups.values?.length).toBe(3);
    const types = await jira.serviceDesk.getRequestTypes({ serviceDeskId: '1', searchQuery: 'cloud', expand: ['field'] });
    expect(types.values?.map((t) => t.id)).toEqual(['2']);
    expect((await direct.serviceDesk.getRequestTypeById({ serviceDeskId: '1', requestTypeId: 1 })).name).toMatch(/Data Center/);
    const fields = await jira.serviceDesk.getRequestTypeFields({ serviceDeskId: '1', requestTypeId: 1 });
    expect(fields.requestTypeFields?.map((f) => f.fieldId)).toContain('customfield_10013');
    expect(violations()).toEqual([]);
  });

  it('creates a request with a participant, lists it with filters and expands, and reads it with every expand', { timeout: 30_000 }, async () => {
    const created = await jira.request.createCustomerRequest({
      serviceDeskId: '1',
      requestTypeId: '1',
      requestFieldValues: validFields('1', 'PDF export loses Japanese text'),
      requestParticipants: [sandbox!.users[1]!.accountId],
    });
    key = created.issueKey!;
    expect(key).toMatch(/^SUP-\d+$/);
    const list = await jira.request.getCustomerRequests({ requestStatus: 'OPEN_REQUESTS', serviceDeskId: 1, requestTypeId: 1, searchTerm: 'Japanese', expand: ['status', 'participant', 'requestType'], start: 0, limit: 10 });
    expect(list.values?.map((r) => r.issueKey)).toEqual([key]);
    const full = await jira.request.getCustomerRequestByIdOrKey({
      issueIdOrKey: key,
      expand: ['serviceDesk', 'requestType', 'participant', 'sla', 'status', 'attachment', 'action', 'comment'],
    });
    expect(full.participants?.values?.map((p) => p.accountId)).toEqual([sandbox!.users[1]!.accountId]);
    expect(full.actions?.addComment?.allowed).toBe(true);
    expect(violations()).toEqual([]);
  });

  it('comments, participants, SLA and status history', { timeout: 30_000 }, async () => {
    const comment = await jira.request.createRequestComment({ issueIdOrKey: key, body: 'Here is the log.', public: true });
    expect((await jira.request.getRequestCommentById({ issueIdOrKey: key, commentId: Number(comment.id), expand: ['renderedBody'] })).body).toBe('Here is the log.');
    expect((await jira.request.getRequestComments({ issueIdOrKey: key, public: true, start: 0, limit: 10 })).size).toBe(1);
    await jira.request.removeRequestParticipants({ issueIdOrKey: key, accountIds: [sandbox!.users[1]!.accountId] });
    await jira.request.addRequestParticipants({ issueIdOrKey: key, accountIds: [sandbox!.users[1]!.accountId] });
    expect((await jira.request.getRequestParticipants({ issueIdOrKey: key })).size).toBe(1);
    expect((await jira.request.getSlaInformation({ issueIdOrKey: key })).values?.[0]?.name).toBe('Time to first response');
    expect((await jira.request.getCustomerRequestStatus({ issueIdOrKey: key })).values?.[0]?.status).toBe('Atlassian investigating');
    expect(violations()).toEqual([]);
  });

  it('uploads a temporary file and attaches it with a comment', { timeout: 30_000 }, async () => {
    const temp = await jira.serviceDesk.attachTemporaryFile({ serviceDeskId: '1', attachment: { filename: 'atlassian-jira.log', file: Buffer.from('2026-11-30 ERROR boom\n'), mimeType: 'text/plain' } });
    const ids = (temp as { temporaryAttachments: { temporaryAttachmentId: string }[] }).temporaryAttachments.map((x) => x.temporaryAttachmentId);
    expect(ids).toHaveLength(1);
    const attached = await jira.request.createAttachment({ issueIdOrKey: key, temporaryAttachmentIds: ids, public: true, additionalComment: { body: 'the log' } });
    expect(attached.attachments?.values?.[0]?.filename).toBe('atlassian-jira.log');
    expect((await jira.request.getAttachmentsForRequest({ issueIdOrKey: key, start: 0, limit: 10 })).size).toBe(1);
    expect(violations()).toEqual([]);
  });

  it('takes the transitions the portal offers: resolve, then reopen', { timeout: 30_000 }, async () => {
    const offered = await jira.request.getCustomerTransitions({ issueIdOrKey: key });
    const resolve = offered.values?.find((t) => t.name === 'Resolve');
    expect(resolve).toBeDefined();
    await jira.request.performCustomerTransition({ issueIdOrKey: key, id: resolve!.id!, additionalComment: { body: 'fixed by the upgrade' } });
    const after = await jira.request.getCustomerTransitions({ issueIdOrKey: key });
    expect(after.values?.map((t) => t.name)).toEqual(['Reopen']);
    await jira.request.performCustomerTransition({ issueIdOrKey: key, id: after.values![0]!.id! });
    expect((await jira.request.getCustomerRequestByIdOrKey({ issueIdOrKey: key })).currentStatus?.statusCategory).toBe('INDETERMINATE');
    expect(violations()).toEqual([]);
  });
});

if (!spec) {
  describe('jira.js against the sandbox', () => {
    it.skip(`skipped: no JSM spec at ${specPath()} (set SUPPORT_JSM_SPEC)`, () => undefined);
  });
}
