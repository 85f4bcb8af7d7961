/**
 * Files both ways and what follows the answer (download, view, notify, feedback, approvals,
 * approve) against Stoplight Prism: as a validating proxy (`--errors`) in front of the sandbox,
 * where no exchange may break Atlassian's spec, and mocking the spec (static examples and
 * `--dynamic` answers), where every command must finish with sensible output or a clear error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAgentAttach, sandboxAskApproval } from '../src/sandbox/index.js';
import { API, PLATFORM_API, conformFollow, followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { fakeClock, runCli, tempDirsFor, type RunResult } from './support/harness.js';
import { loadSpec, specPath, noSpecNote, skippedWithoutSpec } from './support/openapi.js';
import { startPrism, type Prism } from './support/prism.js';

const spec = loadSpec();
/** Three Prisms load the spec at once on a shared machine. */
const START_MS = 150_000;
const dir = tempDirsFor('support-files-prism-');
let s: FollowSandbox | undefined;
let proxy: Prism | undefined;
const mocks: Partial<Record<'static' | 'dynamic', Prism>> = {};

beforeAll(async () => {
  if (!spec) return;
  s = await followSandbox();
  [proxy, mocks.static, mocks.dynamic] = await Promise.all([
    startPrism({ mode: 'proxy', spec: binaryContentSpec(), upstream: s.h.url, startTimeoutMs: START_MS }),
    startPrism({ mode: 'mock', spec: specPath(), startTimeoutMs: START_MS }),
    startPrism({ mode: 'mock', spec: specPath(), dynamic: true, startTimeoutMs: START_MS }),
  ]);
}, START_MS + 30_000);
afterAll(async () => {
  await Promise.all([proxy?.close(), mocks.static?.close(), mocks.dynamic?.close()]);
  await s?.close();
}, 30_000);

/**
 * The spec with one declaration put right, in a temp copy: `getAttachmentContent` answers the
 * file's bytes (any media type), where the spec says `application/json` (NOTES.md §7: "The spec
 * wrongly declares application/json"). Prism's proxy follows Cloud's 303 to the media host itself
 * and would flag every real download against the wrong declaration; everything else is unchanged.
 */
function binaryContentSpec(): string {
  const doc = JSON.parse(fs.readFileSync(specPath(), 'utf8')) as { paths: Record<string, { get: { responses: Record<string, { content?: unknown }> } }> };
  const op = doc.paths['/rest/servicedeskapi/request/{issueIdOrKey}/attachment/{attachmentId}']!.get;
  op.responses['200']!.content = { '*/*': { schema: { type: 'string', format: 'binary' } } };
  const file = path.join(dir(), 'jsm-binary-content.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  return file;
}

describe.skipIf(!spec)(`files and after-the-answer commands through Prism as a validating proxy in front of the sandbox${noSpecNote(spec)}`, () => {
  // The media host Cloud redirects downloads to is not part of the JSM API.
  conformFollow(() => s?.exchanges ?? [], { undocumented: [...PLATFORM_API, 'GET /media/'] });
  it('download, view, notify, feedback, approvals and approve pass with no violation', { timeout: 90_000 }, async () => {
    const through = (argv: string[]) => runCli(['--portal', proxy!.url, ...argv], { clock: s!.clock, env: { SUPPORT_EMAIL: s!.h.email, SUPPORT_TOKEN: s!.h.token } });
    const key = await s!.create('Heap grows until OOM');
    const src = path.join(dir(), 'heap-analysis.txt');
    fs.writeFileSync(src, 'retained by the cache\n');
    await sandboxAgentAttach(s!.dataDir, key, [{ path: src, mimeType: 'text/plain' }], 'Our analysis.', s!.clock);
    const out = dir();
    const ok = (r: RunResult) => expect(r.code, r.stderr).toBe(0);
    ok(await through(['download', key, '--all', '--output', out]));
    expect(fs.readFileSync(path.join(out, 'heap-analysis.txt'), 'utf8')).toBe('retained by the cache\n');
    // The sandbox answered 303 to its media host, which Prism's proxy follows by itself (so the
    // client's own redirect handling is tested against stub portals in download.test.ts).
    expect(s!.exchanges.filter((x) => x.path.startsWith('/media/')).map((x) => x.status)).toEqual([200]);
    ok(await through(['notify', key, 'off']));
    ok(await through(['notify', key, 'on']));
    expect((await s!.call('POST', `${API}/request/${key}/transition`, { id: '11' })).status).toBe(204);
    ok(await through(['feedback', key, '--rating', '5', '--comment', 'Spot on']));
    ok(await through(['view', key]));
    const theirs = await s!.create('Buy 100 more seats', { as: 1 });
    await sandboxAskApproval(s!.dataDir, theirs, [s!.h.email], 'Purchase', s!.clock);
    const list = await through(['approvals', '--json']);
    ok(list);
    expect((JSON.parse(list.stdout) as { key: string }[]).map((x) => x.key)).toEqual([theirs]);
    ok(await through(['approve', theirs, '--yes']));
    ok(await through(['view', theirs, '--json']));
    const platform = (l: string) => /get \/rest\/api\/[23]\/attachment\/meta .*NO_PATH_MATCHED/.test(l);
    expect(proxy!.log.filter((l) => /✖|violation/i.test(l) && !platform(l))).toEqual([]);
  });
});

const COMMAND_TIMEOUT_MS = 15_000;

async function mocked(mock: Prism, argv: string[]): Promise<RunResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('timeout')), COMMAND_TIMEOUT_MS);
  try {
    const r = await runCli(['--portal', mock.url, ...argv], { env: { SUPPORT_EMAIL: 'mia@example.com', SUPPORT_TOKEN: 'api-token' }, clock: fakeClock(), signal: ac.signal });
    expect(ac.signal.aborted, `${argv.join(' ')} did not finish within ${COMMAND_TIMEOUT_MS} ms`).toBe(false);
    return r;
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!spec)(`files and after-the-answer commands against Prism mocking the JSM spec${noSpecNote(spec)}`, () => {
  const commands = (out: string): { name: string; argv: string[] }[] => [
    { name: 'download --all', argv: ['download', 'HELPDESK-1', '--all', '--output', out, '--force'] },
    { name: 'feedback', argv: ['feedback', 'HELPDESK-1', '--rating', '4', '--comment', 'Thanks'] },
    { name: 'notify off', argv: ['notify', 'HELPDESK-1', 'off'] },
    { name: 'approvals', argv: ['approvals', '--json'] },
    { name: 'approve', argv: ['approve', 'HELPDESK-1', '--yes'] },
    { name: 'view', argv: ['view', 'HELPDESK-1'] },
  ];
  for (const mode of ['static', 'dynamic'] as const) {
    for (const c of commands('')) {
      it(`${mode}: ${c.name} finishes with sensible output or a clear error`, { timeout: COMMAND_TIMEOUT_MS + 5_000 }, async () => {
        const out = dir();
        const argv = commands(out).find((x) => x.name === c.name)!.argv;
        const r = await mocked(mocks[mode]!, argv);
        expect(r.stderr).not.toMatch(/This is a bug|unexpected error|Cannot read properties/);
        if (r.code !== 0) expect(r.stderr).toMatch(/^error: /m);
        // Nothing half-written is left, whatever the mock answered.
        expect(fs.readdirSync(out).filter((f) => f.endsWith('.part'))).toEqual([]);
        if (mode === 'static' && ['notify off', 'feedback', 'view'].includes(c.name)) expect(r.code, r.stderr).toBe(0);
      });
    }
  }

  it('static: the lists of the modules of their own (approvals, organisations) end with the paging notice, not a hang', { timeout: 2 * COMMAND_TIMEOUT_MS + 5_000 }, async () => {
    for (const argv of [['approvals', '--json'], ['orgs', '--json']]) {
      const r = await mocked(mocks.static!, argv);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/The list \S+ was cut short after \d+ items?: /);
    }
  });
});

if (!spec) {
  describe('files commands through Prism', () => {
    skippedWithoutSpec('files commands through Prism');
  });
}
