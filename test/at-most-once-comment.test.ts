// Nothing added twice by `support comment`: every fault at the comment call, then the same command
// again or the printed hint: exactly one comment with that body.
import { describe, expect, it, beforeAll } from 'vitest';
import { hintCommand, NOT_A_BUG } from './support/built-cli.js';
import { FAULTS } from './support/fault-proxy.js';
import { API, useFaultSandbox } from './support/fault-sandbox.js';
import type { RunResult } from './support/harness.js';

const f = useFaultSandbox();

describe('comment: every fault at the comment call, then again or the hint, adds exactly one comment', () => {
  let key: string;
  beforeAll(async () => {
    key = await f.s.create('comment target');
  });
  for (const fault of FAULTS) {
    for (const next of ['again', 'hint'] as const) {
      it(`${fault}, then ${next}`, async () => {
        const body = `comment ${fault} ${next}`;
        f.proxy.rule({ method: 'POST', path: `${API}/request/${key}/comment`, fault });
        const a = await f.cli(['comment', key, '--body', body]);
        if (a.code !== 0) expect(a.stderr).not.toMatch(NOT_A_BUG);
        f.proxy.clear();
        let b: RunResult | undefined;
        if (next === 'again') b = await f.cli(['comment', key, '--body', body]);
        else if (a.code !== 0) {
          const cmd = hintCommand(a.stderr);
          if (cmd) b = await f.cli(cmd);
        }
        if (b) expect(b.code, b.stderr).toBe(0);
        expect(await f.commentsWith(key, body)).toBe(1);
      });
    }
  }

  it('the status check after the comment fails: running it again adds no second comment', async () => {
    const body = 'comment then status check fails';
    // The first GET of the request is the check before; the ones after the comment fail (with retries).
    f.proxy.rule({ method: 'GET', path: `${API}/request/${key}`, fault: 'refuse-503', skip: 1, times: 10 });
    const a = await f.cli(['comment', key, '--body', body]);
    // The comment is there: the run says so, and that the status could not be read.
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toContain(`Comment added to ${key}.`);
    expect(a.stderr).toContain('the status could not be read');
    f.proxy.clear();
    const b = await f.cli(['comment', key, '--body', body]);
    expect(b.code, b.stderr).toBe(0);
    expect(await f.commentsWith(key, body)).toBe(1);
  });

  it('the same words later (not within minutes of the first) are a new comment', async () => {
    const body = 'thanks, that helped';
    expect((await f.cli(['comment', key, '--body', body])).code).toBe(0);
    f.s.clock.advance(60 * 60_000);
    expect((await f.cli(['comment', key, '--body', body])).code).toBe(0);
    expect(await f.commentsWith(key, body)).toBe(2);
  });
});

