/**
 * A client nobody here wrote drives the sandbox: jira.js (the widely used JSM client) calls the
 * ServiceDesk API through Stoplight Prism as a validating proxy (`--errors`: a request or answer
 * that breaks the spec becomes an error, so the call fails), and every exchange the sandbox
 * recorded is also checked against the spec by our own validator.
 */
import fs from 'node:fs';
import { ServiceDeskClient } from 'jira.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Exchange, type SandboxFlavor, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, tempDir } from './support/harness.js';
import { conformEachTest, loadSpec, noSpecNote, specPath, skippedWithoutSpec } from './support/openapi.js';
import { startPrism, type Prism } from './support/prism.js';
import { validFields } from './support/sandbox-client.js';

const spec = loadSpec();
const exchanges: Exchange[] = [];

/** One sandbox flavour behind its own Prism proxy, with the jira.js clients that talk to it. */
interface Rig {
  sandbox: SandboxHandle;
  prism: Prism;
  jira: ServiceDeskClient;
  /** `/info` is anonymous; the spec's security for it is "none or OAuth2", so Prism refuses Basic there. */
  anonymous: ServiceDeskClient;
  /**
   * The spec declares only "none or OAuth2" for one request type by id, so Prism refuses Basic
   * there too: that call goes to the sandbox directly (our validator still checks it).
   */
  direct: ServiceDeskClient;
  dataDir: string;
}
const rigs: Partial<Record<SandboxFlavor, Rig>> = {};

async function rig(flavor: SandboxFlavor): Promise<Rig> {
  const dataDir = tempDir('support-jirajs-');
  const sandbox = await startSandbox({ dataDir, clock: fakeClock(), flavor, onExchange: (x) => exchanges.push(x) });
  const prism = await startPrism({ mode: 'proxy', spec: specPath(), upstream: sandbox.url });
  const basic = { basic: { email: sandbox.email, apiToken: sandbox.token } };
  return {
    sandbox,
    prism,
    dataDir,
    jira: new ServiceDeskClient({ host: prism.url, authentication: basic }),
    anonymous: new ServiceDeskClient({ host: prism.url }),
    direct: new ServiceDeskClient({ host: sandbox.url, authentication: basic }),
  };
}

beforeAll(async () => {
  if (!spec) return;
  [rigs.cloud, rigs.dc] = await Promise.all([rig('cloud'), rig('dc')]);
}, 90_000);
afterAll(async () => {
  for (const r of Object.values(rigs)) {
    await r.prism.close();
    await r.sandbox.close();
    fs.rmSync(r.dataDir, { recursive: true, force: true });
  }
}, 30_000);

/** Prism's own verdicts: with --errors a violation is an error answer, and it logs each one. */
function violations(r: Rig): string[] {
  return r.prism.log.filter((l) => /✖|violation/i.test(l));
}

for (const flavor of ['cloud', 'dc'] as const) {
  describe.skipIf(!spec)(`jira.js 5 drives the ${flavor} sandbox through a Prism proxy (--errors) on ${spec ? spec.file : specPath()}${noSpecNote(spec)}`, () => {
    conformEachTest(() => exchanges);
    let r: Rig;
    /** How the flavour names the other customer: accountId on Cloud, username on Data Center. */
    let other: { accountIds: string[] } | { usernames: string[] };
    const otherId = () => ('accountIds' in other ? other.accountIds[0]! : other.usernames[0]!);
    beforeAll(() => {
      if (!spec) return;
      r = rigs[flavor]!;
      other = flavor === 'dc' ? { usernames: [r.sandbox.users[1]!.username!] } : { accountIds: [r.sandbox.users[1]!.accountId] };
    });
    /** Files a request with the other customer as participant, through jira.js; each test has its own. */
    const file = async (summary: string): Promise<string> => {
      const created = await r.jira.request.createCustomerRequest({
        serviceDeskId: '1',
        requestTypeId: '1',
        requestFieldValues: validFields('1', summary),
        requestParticipants: [otherId()],
      });
      expect(created.issueKey).toMatch(/^SUP-\d+$/);
      return created.issueKey!;
    };
    it('info, service desks, request type groups, request types and their fields', { timeout: 30_000 }, async () => {
      const info = await r.anonymous.info.getInfo();
      expect(info.isLicensedForUse).toBe(true);
      const desks = await r.jira.serviceDesk.getServiceDesks();
      expect(desks.values?.map((d) => d.projectKey)).toEqual(['SUP']);
      expect((await r.jira.serviceDesk.getServiceDeskById({ serviceDeskId: 'SUP' })).id).toBe('1');
      const groups = await r.jira.serviceDesk.getRequestTypeGroups({ serviceDeskId: '1' });
      expect(groups.values?.length).toBe(3);
      const types = await r.jira.serviceDesk.getRequestTypes({ serviceDeskId: '1', searchQuery: 'cloud', expand: ['field'] });
      expect(types.values?.map((t) => t.id)).toEqual(['2']);
      expect((await r.direct.serviceDesk.getRequestTypeById({ serviceDeskId: '1', requestTypeId: 1 })).name).toMatch(/Data Center/);
      const fields = await r.jira.serviceDesk.getRequestTypeFields({ serviceDeskId: '1', requestTypeId: 1 });
      expect(fields.requestTypeFields?.map((f) => f.fieldId)).toContain('customfield_10013');
      expect(violations(r)).toEqual([]);
    });

    it('creates a request with a participant, lists it with filters and expands, and reads it with every expand', { timeout: 30_000 }, async () => {
      const key = await file('PDF export loses Japanese text');
      const list = await r.jira.request.getCustomerRequests({ requestStatus: 'OPEN_REQUESTS', serviceDeskId: 1, requestTypeId: 1, searchTerm: 'Japanese', expand: ['status', 'participant', 'requestType'], start: 0, limit: 10 });
      expect(list.values?.map((x) => x.issueKey)).toEqual([key]);
      const full = await r.jira.request.getCustomerRequestByIdOrKey({
        issueIdOrKey: key,
        expand: ['serviceDesk', 'requestType', 'participant', 'sla', 'status', 'attachment', 'action', 'comment'],
      });
      expect(full.participants?.values?.map((p) => (flavor === 'dc' ? (p as { name?: string }).name : p.accountId))).toEqual([otherId()]);
      expect(full.actions?.addComment?.allowed).toBe(true);
      expect(violations(r)).toEqual([]);
    });

    it('comments, participants, SLA and status history', { timeout: 30_000 }, async () => {
      const key = await file('Comments and participants');
      const comment = await r.jira.request.createRequestComment({ issueIdOrKey: key, body: 'Here is the log.', public: true });
      expect((await r.jira.request.getRequestCommentById({ issueIdOrKey: key, commentId: Number(comment.id), expand: ['renderedBody'] })).body).toBe('Here is the log.');
      expect((await r.jira.request.getRequestComments({ issueIdOrKey: key, public: true, start: 0, limit: 10 })).size).toBe(1);
      await r.jira.request.removeRequestParticipants({ issueIdOrKey: key, ...other });
      await r.jira.request.addRequestParticipants({ issueIdOrKey: key, ...other });
      expect((await r.jira.request.getRequestParticipants({ issueIdOrKey: key })).size).toBe(1);
      expect((await r.jira.request.getSlaInformation({ issueIdOrKey: key })).values?.[0]?.name).toBe('Time to first response');
      expect((await r.jira.request.getCustomerRequestStatus({ issueIdOrKey: key })).values?.[0]?.status).toBe('Atlassian investigating');
      expect(violations(r)).toEqual([]);
    });

    it('uploads a temporary file and attaches it with a comment', { timeout: 30_000 }, async () => {
      const key = await file('An attachment');
      const temp = await r.jira.serviceDesk.attachTemporaryFile({ serviceDeskId: '1', attachment: { filename: 'atlassian-jira.log', file: Buffer.from('2026-11-30 ERROR boom\n'), mimeType: 'text/plain' } });
      const ids = (temp as { temporaryAttachments: { temporaryAttachmentId: string }[] }).temporaryAttachments.map((x) => x.temporaryAttachmentId);
      expect(ids).toHaveLength(1);
      const attached = await r.jira.request.createAttachment({ issueIdOrKey: key, temporaryAttachmentIds: ids, public: true, additionalComment: { body: 'the log' } });
      expect(attached.attachments?.values?.[0]?.filename).toBe('atlassian-jira.log');
      expect((await r.jira.request.getAttachmentsForRequest({ issueIdOrKey: key, start: 0, limit: 10 })).size).toBe(1);
      expect(violations(r)).toEqual([]);
    });

    it('takes the transitions the portal offers: resolve, then reopen', { timeout: 30_000 }, async () => {
      const key = await file('Transitions');
      const offered = await r.jira.request.getCustomerTransitions({ issueIdOrKey: key });
      const resolve = offered.values?.find((t) => t.name === 'Resolve');
      expect(resolve).toBeDefined();
      await r.jira.request.performCustomerTransition({ issueIdOrKey: key, id: resolve!.id!, additionalComment: { body: 'fixed by the upgrade' } });
      const after = await r.jira.request.getCustomerTransitions({ issueIdOrKey: key });
      expect(after.values?.map((t) => t.name)).toEqual(['Reopen']);
      await r.jira.request.performCustomerTransition({ issueIdOrKey: key, id: after.values![0]!.id! });
      const status = (await r.jira.request.getCustomerRequestByIdOrKey({ issueIdOrKey: key })).currentStatus;
      expect(status?.status).toBe('Atlassian investigating');
      expect(status?.statusCategory).toBe(flavor === 'dc' ? undefined : 'INDETERMINATE');
      expect(violations(r)).toEqual([]);
    });
  });
}

if (!spec) {
  describe('jira.js against the sandbox', () => {
    skippedWithoutSpec('jira.js against the sandbox through Prism');
  });
}
