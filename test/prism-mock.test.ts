/**
 * The CLI against a portal nobody here wrote: Stoplight Prism mocking Atlassian's JSM spec, with its
 * static examples (whose pages claim `isLastPage: false` forever and whose requests have no
 * summary at the top) and with `--dynamic` answers generated from the schemas (any value a schema
 * allows). Every command must finish, bounded by a timeout, with sensible output or a clear error:
 * never a hang, never "this is a bug".
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeClock, runCli, tempDir, type RunResult } from './support/harness.js';
import { loadSpec, specPath, noSpecNote, skippedWithoutSpec } from './support/openapi.js';
import { startPrism, type Prism } from './support/prism.js';

const spec = loadSpec();
const mocks: Partial<Record<'static' | 'dynamic', Prism>> = {};
const dir = tempDir('support-prism-');
const file = path.join(dir, 'screen.png');
fs.writeFileSync(file, 'png');

beforeAll(async () => {
  if (!spec) return;
  const [a, b] = await Promise.all([startPrism({ mode: 'mock', spec: specPath() }), startPrism({ mode: 'mock', spec: specPath(), dynamic: true })]);
  mocks.static = a;
  mocks.dynamic = b;
}, 90_000);
afterAll(async () => {
  await Promise.all(Object.values(mocks).map((m) => m.close()));
  fs.rmSync(dir, { recursive: true, force: true });
}, 30_000);

const COMMAND_TIMEOUT_MS = 15_000;

/** Runs one command against the mock, aborting it (and failing) when it does not finish in time. */
async function run(mock: Prism, argv: string[]): Promise<RunResult> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(new Error('timeout')), COMMAND_TIMEOUT_MS);
  try {
    const r = await runCli(['--portal', mock.url, ...argv], {
      env: { SUPPORT_EMAIL: 'mia@example.com', SUPPORT_TOKEN: 'api-token' },
      clock: fakeClock(),
      signal: ac.signal,
    });
    expect(ac.signal.aborted, `${argv.join(' ')} did not finish within ${COMMAND_TIMEOUT_MS} ms`).toBe(false);
    return r;
  } finally {
    clearTimeout(timer);
  }
}

/** Finished with output (a list may be empty), or with an error that says what happened (not an internal one). */
function sensible(name: string, r: RunResult): void {
  expect(r.stderr).not.toMatch(/This is a bug|unexpected error|Cannot read properties/);
  if (r.code !== 0) expect(r.stderr).toMatch(/^error: /m);
  else if (!name.startsWith('list') && !(EMPTY_SAYS_SO.some((c) => name.startsWith(c)) && r.stdout.trim() === '')) expect(r.stdout.trim()).not.toBe('');
  // An empty answer (possible with generated ones) is an empty list, said so on stderr.
  else if (r.stdout.trim() === '' && !name.startsWith('list')) expect(r.stderr).toMatch(/has no participants|belong to no organisation|No article matches/);
}

/** Commands whose list may be empty, which they then say on stderr (stdout stays empty for scripts). */
const EMPTY_SAYS_SO = ['kb search', 'participants', 'orgs'];

const COMMANDS: { name: string; argv: string[] }[] = [
  { name: 'whoami', argv: ['whoami'] },
  { name: 'list --limit 0', argv: ['list', '--status', 'all', '--limit', '0'] },
  { name: 'list --json', argv: ['list', '--json'] },
  { name: 'view', argv: ['view', 'HELPDESK-1'] },
  { name: 'view --json', argv: ['view', 'HELPDESK-1', '--json'] },
  { name: 'create --dry-run', argv: ['create', '--dry-run', '--service-desk', '10', '--request-type', '25', '--summary', 'Printer on fire', '--details', 'Smoke.', '--no-input'] },
  { name: 'create', argv: ['create', '--service-desk', '10', '--request-type', '25', '--summary', 'Printer on fire', '--details', 'Smoke.', '--no-input'] },
  { name: 'comment', argv: ['comment', 'HELPDESK-1', '--body', 'More detail.'] },
  { name: 'attach', argv: ['attach', 'HELPDESK-1', file] },
  { name: 'resolve', argv: ['resolve', 'HELPDESK-1', '--yes'] },
  { name: 'kb search', argv: ['kb', 'search', 'stolen computer'] },
  { name: 'kb search --service-desk --json', argv: ['kb', 'search', 'computer', '--service-desk', '10', '--json'] },
  { name: 'participants', argv: ['participants', 'HELPDESK-1'] },
  { name: 'participants --add --remove', argv: ['participants', 'HELPDESK-1', '--add', '5b10ac8d82e05b22cc7d4ef5', '--remove', 'qm:a713c8ea-1075-4e30-9d96-891a7d181739:5ad6d3581db05e2a66fa80b'] },
  { name: 'orgs', argv: ['orgs'] },
  { name: 'orgs --json', argv: ['orgs', '--json'] },
  { name: 'list --organization', argv: ['list', '--organization', '1', '--limit', '5'] },
];

describe.skipIf(!spec)(`the CLI against Prism mocking the JSM spec${noSpecNote(spec)}`, () => {
  for (const mode of ['static', 'dynamic'] as const) {
    describe(`${mode} answers`, () => {
      for (const c of COMMANDS) {
        it(`${c.name} finishes with sensible output or a clear error`, { timeout: COMMAND_TIMEOUT_MS + 5_000 }, async () => {
          const r = await run(mocks[mode]!, c.argv);
          sensible(c.name, r);
          if (mode === 'static' && ['whoami', 'list --limit 0', 'view'].includes(c.name)) expect(r.code).toBe(0);
        });
      }
    });
  }

  it('static: a list whose pages never end is cut short with a notice; the request without a top-level summary shows the one in its fields', { timeout: COMMAND_TIMEOUT_MS + 5_000 }, async () => {
    const r = await run(mocks.static!, ['list', '--status', 'all', '--limit', '0', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/cut short/);
    const view = await run(mocks.static!, ['view', 'HELPDESK-1', '--json']);
    expect(view.code).toBe(0);
    expect((JSON.parse(view.stdout) as { summary: string }).summary).not.toBe('');
  });
});

if (!spec) {
  describe('the CLI against Prism', () => {
    skippedWithoutSpec('the CLI against Prism mocking the JSM spec');
  });
}
