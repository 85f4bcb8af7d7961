// Nothing filed twice by `support create`: every fault at the create call (with the search after it
// failing too), then what the user does next: the same command again, `--resume`, or the printed
// hint. Each ends with exactly one request, and no draft left once it is known.
import { describe, expect, it } from 'vitest';
import { hintCommand, NOT_A_BUG } from './support/built-cli.js';
import { AFTER_FORWARD, FAULTS } from './support/fault-proxy.js';
import { API, useFaultSandbox } from './support/fault-sandbox.js';
import type { RunResult } from './support/harness.js';

const f = useFaultSandbox();

const ACCOUNT = ['create', '--type', 'account', '--details', 'Please merge my two accounts.\nBoth use the same e-mail.', '--field', 'customfield_10020=Other'];


type Next = 'again' | 'resume' | 'hint';

describe('create: every fault at the create call, then the user’s next step, files exactly one request', () => {
  for (const fault of FAULTS) {
    for (const next of ['again', 'resume', 'hint'] as const satisfies readonly Next[]) {
      it(`${fault}, then ${next}`, async () => {
        const summary = `create ${fault} ${next}`;
        const argv = [...ACCOUNT, '--summary', summary];
        f.proxy.rule({ method: 'POST', path: `${API}/request`, fault });
        // The search that follows an unconfirmed create fails too: the run cannot tell, the next one must.
        f.proxy.rule({ method: 'GET', path: `${API}/request`, fault: 'refuse-503', times: Infinity });
        const a = await f.cli(argv);
        const filedFirst = await f.requestsBySummary(summary);
        if (a.code === 0) {
          // Found despite the fault: it says which request, and the user has nothing left to do.
          expect(filedFirst).toHaveLength(1);
          expect(a.stdout).toMatch(new RegExp(`^${filedFirst[0]}\\t`));
          expect(f.drafts()).toEqual([]);
          return;
        }
        expect(a.stderr, 'never "this is a bug"').not.toMatch(NOT_A_BUG);
        // Nothing lost: the answers are kept to send again.
        expect(f.drafts().length, a.stderr).toBeGreaterThan(0);
        f.proxy.clear();
        let b: RunResult;
        if (next === 'again') b = await f.cli(argv);
        else if (next === 'resume') b = await f.cli(['create', '--resume', '--no-input']);
        else {
          const cmd = hintCommand(a.stderr);
          expect(cmd, a.stderr).toBeDefined();
          b = await f.cli(cmd!);
        }
        expect(b.code, b.stderr).toBe(0);
        const filed = await f.requestsBySummary(summary);
        expect(filed, `requests titled "${summary}"`).toHaveLength(1);
        expect(b.stdout).toMatch(new RegExp(`^${filed[0]}\\t`));
        if (AFTER_FORWARD.includes(fault)) expect(filedFirst).toEqual(filed);
        expect(f.drafts(), 'the draft goes once the request is known').toEqual([]);
      });
    }
  }

  it('a re-run that finds the request prints its key and files nothing; --json says alreadyFiled', async () => {
    const summary = 'create json after drop';
    const argv = [...ACCOUNT, '--summary', summary];
    f.proxy.rule({ method: 'POST', path: `${API}/request`, fault: 'forward-500' });
    f.proxy.rule({ method: 'GET', path: `${API}/request`, fault: 'refuse-503', times: Infinity });
    expect((await f.cli(argv)).code).toBe(1);
    f.proxy.clear();
    const [key] = await f.requestsBySummary(summary);
    expect(key).toBeDefined();
    const posts = f.proxy.count('POST', `${API}/request`);
    const b = await f.cli(['--json', ...argv]);
    expect(b.code, b.stderr).toBe(0);
    expect(JSON.parse(b.stdout)).toEqual({ key, alreadyFiled: true });
    expect(f.proxy.count('POST', `${API}/request`)).toBe(posts);
  });

  it('a new request with other content is filed even right after an ambiguous one', async () => {
    f.proxy.rule({ method: 'POST', path: `${API}/request`, fault: 'forward-drop' });
    await f.cli([...ACCOUNT, '--summary', 'first of two']);
    const b = await f.cli([...ACCOUNT, '--summary', 'second of two']);
    expect(b.code, b.stderr).toBe(0);
    expect(await f.requestsBySummary('first of two')).toHaveLength(1);
    expect(await f.requestsBySummary('second of two')).toHaveLength(1);
  });

  it('the ticket carries no tool internals: no draft marker, no consent sentence in the description', async () => {
    const r = await f.cli([...ACCOUNT, '--summary', 'clean description']);
    expect(r.code, r.stderr).toBe(0);
    const key = r.stdout.split('\t')[0]!;
    const got = await f.s.call('GET', `${API}/request/${key}`);
    const description = (got.json.requestFieldValues as { fieldId: string; value: unknown }[]).find((f) => f.fieldId === 'description')?.value;
    expect(description).toBe('Please merge my two accounts.\nBoth use the same e-mail.');
  });
});

