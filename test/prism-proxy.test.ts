/**
 * The CLI's follow-up traffic through Stoplight Prism as a validating proxy (`--errors`) in front of
 * the sandbox: a request or an answer that breaks the JSM spec becomes an error answer (so the
 * command fails) and a logged violation. The suite's traffic must produce none.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followFlow } from './support/follow-flow.js';
import { kbFlow } from './support/kb-flow.js';
import { conformFollow, followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { runCli } from './support/harness.js';
import { loadSpec, specPath, noSpecNote, skippedWithoutSpec } from './support/openapi.js';
import { startPrism, type Prism } from './support/prism.js';

const spec = loadSpec();
let s: FollowSandbox | undefined;
let prism: Prism | undefined;
const dirs: string[] = [];

beforeAll(async () => {
  if (!spec) return;
  s = await followSandbox();
  prism = await startPrism({ mode: 'proxy', spec: specPath(), upstream: s.h.url });
}, 90_000);
afterAll(async () => {
  await prism?.close();
  await s?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
}, 30_000);

describe.skipIf(!spec)(`the CLI through Prism as a validating proxy (--errors) in front of the sandbox${noSpecNote(spec)}`, () => {
  conformFollow(() => s?.exchanges ?? []);
  it('the whole follow-up flow passes with no violation', { timeout: 90_000 }, async () => {
    const through = (argv: string[]) => runCli(['--portal', prism!.url, ...argv], { clock: s!.clock, env: { SUPPORT_EMAIL: s!.h.email, SUPPORT_TOKEN: s!.h.token } });
    await followFlow(s!, through, dirs);
    // The platform API's attachment settings (/rest/api/{3,2}/attachment/meta) are not in the JSM
    // spec, so Prism has no route for them; the client then goes without the size check.
    const platform = (l: string) => /get \/rest\/api\/[23]\/attachment\/meta .*NO_PATH_MATCHED/.test(l);
    expect(prism!.log.filter((l) => /✖|violation/i.test(l) && !platform(l))).toEqual([]);
  });
  it('knowledge-base search, organisations, --share-with and participants pass with no violation', { timeout: 90_000 }, async () => {
    const from = prism!.log.length;
    const through = (argv: string[]) => runCli(['--portal', prism!.url, ...argv], { clock: s!.clock, env: { SUPPORT_EMAIL: s!.h.email, SUPPORT_TOKEN: s!.h.token } });
    await kbFlow(s!, through);
    expect(prism!.log.slice(from).filter((l) => /✖|violation/i.test(l))).toEqual([]);
  });
});

if (!spec) {
  describe('the CLI through Prism', () => {
    skippedWithoutSpec('the CLI through Prism as a validating proxy');
  });
}
