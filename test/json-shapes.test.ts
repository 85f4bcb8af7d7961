// Each command's real `--json` output against the type cli/json-types.ts declares for it: JSON Schemas
// are generated from the exported types (no extra properties allowed), and every document or line a
// command prints against the sandbox must validate. A field added, renamed or retyped on one side only fails here.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxReply } from '../src/sandbox/index.js';
import { runCli, tempDir } from './support/harness.js';
import { API, followSandbox, pollClock, type FollowSandbox } from './support/follow-sandbox.js';

const root = new URL('..', import.meta.url).pathname;
let s: FollowSandbox;
let ajv: Ajv;

beforeAll(async () => {
  const schema = createGenerator({
    path: path.join(root, 'src/cli/json-types.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: '*',
    additionalProperties: false,
    skipTypeCheck: true,
  }).createSchema('*');
  ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(schema, 'json-types');
  s = await followSandbox({ attachmentLimit: 64 });
}, 60_000);
afterAll(async () => {
  await s.close();
});

function validator(type: string): ValidateFunction {
  const v = ajv.getSchema(`json-types#/definitions/${type}`);
  if (!v) throw new Error(`cli/json-types.ts exports no type ${type}`);
  return v;
}

/** The value validates against the type; on failure the message names each mismatch. */
function expectShape(type: string, value: unknown): void {
  const v = validator(type);
  expect(v(value) ? [] : (v.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`), type).toEqual([]);
}

async function json(argv: string[], opts: Parameters<FollowSandbox['cli']>[1] = {}, code = 0): Promise<unknown> {
  const r = await s.cli([...argv, '--json'], opts);
  expect(r.code, r.stderr).toBe(code);
  return JSON.parse(r.stdout);
}

describe('--json output matches cli/json-types.ts', () => {
  it('a drifted document fails (the check can fail)', () => {
    const v = validator('TransitionJson');
    const good = { key: 'SUP-1', transition: { id: '11', name: 'Resolve' }, previousStatus: 'Open', status: 'Resolved', statusCategory: 'DONE', url: '' };
    expect(v(good)).toBe(true);
    expect(v({ ...good, extra: 1 })).toBe(false);
    expect(v({ ...good, status: 3 })).toBe(false);
    const { url: _url, ...missing } = good;
    expect(v(missing)).toBe(false);
  });

  it('list, view, comment, resolve/escalate/reopen', async () => {
    const key = await s.create('shapes', { impact: 'Level 2 - Significant' });
    await sandboxReply(s.dataDir, key, 'Please send the logs.', s.clock);
    const list = await json(['list']);
    expect((list as unknown[]).length).toBeGreaterThan(0);
    expectShape('ListJson', list);
    const view = (await json(['view', key])) as { autoResolve?: unknown; comments: unknown[] };
    expect(view.autoResolve).toBeDefined();
    expect(view.comments.length).toBe(1);
    expectShape('RequestView', view);
    expectShape('CommentJson', await json(['comment', key, '--body', 'Logs attached.']));
    expectShape('TransitionJson', await json(['resolve', key, '--yes']));
    expectShape('TransitionJson', await json(['reopen', key, '--yes']));
    expectShape('TransitionJson', await json(['escalate', key, '--yes']));
  });

  it('attach, with one file over the portal limit', async () => {
    const key = await s.create('attach shapes');
    const dir = tempDir('support-shapes-');
    fs.writeFileSync(path.join(dir, 'small.txt'), 'ok\n');
    fs.writeFileSync(path.join(dir, 'big.log'), 'x'.repeat(200));
    const doc = (await json(['attach', key, 'small.txt', 'big.log'], { cwd: dir }, 1)) as { attached: unknown[]; failed: unknown[] };
    expect([doc.attached.length, doc.failed.length]).toEqual([1, 1]);
    expectShape('AttachJson', doc);
  });

  it('watch: start, comment, status, done and timeout lines', async () => {
    const key = await s.create('watch shapes');
    const clock = pollClock(s, async (n) => {
      if (n === 1) await sandboxReply(s.dataDir, key, 'Try the patch.', s.clock);
      if (n === 2) expect((await s.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
    });
    const done = await s.cli(['watch', key, '--interval', '1m', '--json'], { clock });
    const timeout = await s.cli(['watch', key, '--until', 'Waiting for customer', '--interval', '1m', '--timeout', '2m', '--json'], { clock });
    const events = [done, timeout].flatMap((r) => r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { event: string }));
    expect(new Set(events.map((e) => e.event))).toEqual(new Set(['start', 'comment', 'status', 'done', 'timeout']));
    for (const e of events) expectShape('WatchEvent', e);
  });

  it('login, whoami, logout', async () => {
    const home = tempDir('support-shapes-home-');
    const opts = { home, env: { SUPPORT_KEYRING: 'off' } };
    const login = await runCli(['login', '--portal', s.h.url, '--email', s.h.email, '--token-stdin', '--json'], { ...opts, stdin: `${s.h.token}\n` });
    expect(login.code, login.stderr).toBe(0);
    expectShape('LoginJson', JSON.parse(login.stdout));
    const whoami = await runCli(['whoami', '--json'], opts);
    expect(whoami.code, whoami.stderr).toBe(0);
    expectShape('WhoamiJson', JSON.parse(whoami.stdout));
    const logout = await runCli(['logout', '--json'], opts);
    expect(logout.code, logout.stderr).toBe(0);
    expectShape('LogoutJson', JSON.parse(logout.stdout));
  });

  it('bundle and bundle --dry-run', async () => {
    const dir = tempDir('support-shapes-bundle-');
    fs.mkdirSync(path.join(dir, 'l'));
    fs.writeFileSync(path.join(dir, 'l', 'app.log'), 'user=alice password=hunter2\n');
    const opts = { cwd: dir, env: { SUPPORT_BUNDLE_ROOT: dir } };
    const dry = await runCli(['bundle', '--path', 'l', '--output', 'b.zip', '--dry-run', '--json'], opts);
    expect(dry.code, dry.stderr).toBe(0);
    expectShape('BundleDryRunJson', JSON.parse(dry.stdout));
    const built = await runCli(['bundle', '--path', 'l', '--output', 'b.zip', '--json'], opts);
    expect(built.code, built.stderr).toBe(0);
    expectShape('BundleJson', JSON.parse(built.stdout));
  });

  it('download, feedback, notify, approvals, approve, decline; view with rating, notifications and approvals; sandbox attach and approval', async () => {
    const key = await s.create('files shapes');
    const dir = tempDir('support-shapes-files-');
    fs.writeFileSync(path.join(dir, 'fix.sh'), 'echo ok\n');
    const attach = await runCli(['sandbox', 'attach', key, 'fix.sh', '--comment', 'Run this.', '--data', s.dataDir, '--json'], { clock: s.clock, cwd: dir });
    expect(attach.code, attach.stderr).toBe(0);
    expectShape('SandboxAttachJson', JSON.parse(attach.stdout));
    const download = (await json(['download', key, '--all', '--output', tempDir('support-shapes-dl-')])) as { files: unknown[] };
    expect(download.files.length).toBe(1);
    expectShape('DownloadJson', download);
    expectShape('NotifyJson', await json(['notify', key, 'off']));
    expect((await s.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
    expectShape('FeedbackJson', await json(['feedback', key, '--rating', '4', '--comment', 'Thanks']));

    const theirs = await s.create('approval shapes', { as: 1 });
    for (const name of ['Budget', 'Access']) {
      const ask = await runCli(['sandbox', 'approval', theirs, '--approver', s.h.email, '--name', name, '--data', s.dataDir, '--json'], { clock: s.clock });
      expect(ask.code, ask.stderr).toBe(0);
      expectShape('SandboxApprovalJson', JSON.parse(ask.stdout));
    }
    const pending = (await json(['approvals'])) as { approval: { id: string } }[];
    expect(pending.length).toBe(2);
    expectShape('ApprovalsJson', pending);
    expectShape('ApprovalAnswerJson', await json(['approve', theirs, '--approval', pending[0]!.approval.id, '--yes']));
    expectShape('ApprovalAnswerJson', await json(['decline', theirs, '--approval', pending[1]!.approval.id, '--yes']));
    expectShape('ApprovalAnswerJson', await json(['decline', theirs, '--approval', pending[1]!.approval.id, '--yes']));

    const mine = (await json(['view', key])) as { feedback?: unknown; notifications?: unknown; attachments: unknown[] };
    expect([mine.feedback, mine.notifications, mine.attachments.length]).toEqual([{ rating: 4, comment: 'Thanks' }, 'off', 1]);
    expectShape('RequestView', mine);
    const approvals = (await json(['view', theirs])) as { approvals?: unknown[] };
    expect(approvals.approvals?.length).toBe(2);
    expectShape('RequestView', approvals);
  });

  it('sandbox reply and advance', async () => {
    const key = await s.create('sandbox shapes');
    const reply = await runCli(['sandbox', 'reply', key, 'hello', '--data', s.dataDir, '--json'], { clock: s.clock });
    expect(reply.code, reply.stderr).toBe(0);
    expectShape('SandboxReplyJson', JSON.parse(reply.stdout));
    const advance = await runCli(['sandbox', 'advance', '1h', '--data', s.dataDir, '--json'], { clock: s.clock });
    expect(advance.code, advance.stderr).toBe(0);
    expectShape('SandboxAdvanceJson', JSON.parse(advance.stdout));
  });

  it('kb search, participants, orgs', async () => {
    const kb = (await json(['kb', 'search', 'OutOfMemoryError'])) as { articles: unknown[] };
    expect(kb.articles.length).toBe(2);
    expectShape('KbSearchJson', kb);
    expectShape('KbSearchJson', await json(['kb', 'search', 'nothing like this', '--service-desk', '1']));
    const key = await s.create('participants shapes');
    const added = (await json(['participants', key, '--add', s.h.users[1]!.email])) as { participants: unknown[] };
    expect(added.participants.length).toBe(1);
    expectShape('ParticipantsJson', added);
    expectShape('ParticipantsJson', await json(['participants', key, '--remove', s.h.users[1]!.email]));
    const orgs = (await json(['orgs'])) as unknown[];
    expect(orgs.length).toBeGreaterThan(0);
    expectShape('OrgsJson', orgs);
  });
});
