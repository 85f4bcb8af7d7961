/**
 * The guided `create` suggests knowledge-base articles once the summary is typed: "Did one of these
 * solve it?" yes ends without filing (exit 0, the draft kept), no goes on and files. Nothing is
 * asked with --no-suggest, for a summary no article matches, or of a script.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { API } from './support/follow-sandbox.js';
import { sandboxForDescribe } from './support/kb-flow.js';
import { ACCOUNT_AFTER_SUMMARY, accountSteps } from './support/guided-steps.js';
import { tempDir } from './support/harness.js';
import { ScriptedPrompter, type Step } from './support/scripted-prompter.js';

const box = sandboxForDescribe();
/** Each test's own home, so that a draft one test keeps does not meet the next. */
let home = '';
const homes: string[] = [];
const freshHome = () => {
  home = tempDir('support-suggest-');
  homes.push(home);
};
afterAll(() => {
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

const SUMMARY = 'Customers do not receive notifications';
const drafts = () => {
  const dir = path.join(home, 'config', 'drafts');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
};
const filed = async (summary: string) => {
  const r = await box().call('GET', `${API}/request?requestStatus=ALL_REQUESTS&limit=50`);
  return (r.json.values as { summary: string }[]).filter((v) => v.summary === summary).length;
};
const kbCalls = () => box().exchanges.filter((x) => x.path.endsWith('/knowledgebase/article'));

describe('create suggests articles after the summary', () => {
  beforeEach(freshHome);
  it('"yes, it solved it" ends without filing: exit 0, the titles and links shown, the draft kept', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
      { kind: 'input', message: /Summary/, answer: SUMMARY },
      { kind: 'confirm', message: /Did one of these solve it\?/, answer: true },
    ]);
    const r = await box().cli(['create'], { tty: true, prompter: p, home });
    expect(r.code, r.stderr).toBe(0);
    expect(p.done).toBe(true);
    expect(r.stderr).toContain('These articles may answer it:');
    expect(r.stderr).toContain('1. Customers do not receive notifications from the service desk');
    expect(r.stderr).toMatch(new RegExp(`${box().h.url}${API}/knowledgebase/article/view/\\d+`));
    expect(r.stderr).toContain('Nothing was filed.');
    expect(r.stderr).toContain('support create --resume');
    expect(r.stdout).toBe('');
    expect(await filed(SUMMARY)).toBe(0);
    expect(drafts()).toHaveLength(1);
    // The service desk's own knowledge base, at most five articles.
    expect(kbCalls().at(-1)).toMatchObject({ path: `${API}/servicedesk/1/knowledgebase/article`, query: { query: [SUMMARY], limit: ['5'] } });
  });

  it('"no" goes on with the form and files the request', async () => {
    const steps: Step[] = [
      { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
      { kind: 'input', message: /Summary/, answer: `${SUMMARY} (2)` },
      { kind: 'confirm', message: /Did one of these solve it\?/, answer: false },
      ...ACCOUNT_AFTER_SUMMARY,
    ];
    const p = new ScriptedPrompter(steps);
    const r = await box().cli(['create'], { tty: true, prompter: p, home });
    expect(r.code, r.stderr).toBe(0);
    expect(p.done).toBe(true);
    expect(await filed(`${SUMMARY} (2)`)).toBe(1);
    expect(drafts()).toHaveLength(0);
  });

  it('--no-suggest asks nothing about articles and searches nothing', async () => {
    const before = kbCalls().length;
    const p = new ScriptedPrompter(accountSteps(`${SUMMARY} (3)`));
    const r = await box().cli(['create', '--no-suggest'], { tty: true, prompter: p, home });
    expect(r.code, r.stderr).toBe(0);
    expect(p.done).toBe(true);
    expect(kbCalls().length).toBe(before);
    expect(await filed(`${SUMMARY} (3)`)).toBe(1);
  });

  it('a summary no article matches asks nothing more', async () => {
    const before = kbCalls().length;
    const p = new ScriptedPrompter(accountSteps('Trial extension'));
    const r = await box().cli(['create'], { tty: true, prompter: p, home });
    expect(r.code, r.stderr).toBe(0);
    expect(kbCalls().length).toBe(before + 1);
    expect(r.stderr).not.toContain('These articles may answer it');
  });

  it('a script (--no-input) is never asked, and no search is made', async () => {
    const before = kbCalls().length;
    const r = await box().cli(['create', '--no-input', '--type', 'account', '--summary', `${SUMMARY} (4)`, '--details', 'No mails since Monday.'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(kbCalls().length).toBe(before);
    expect(await filed(`${SUMMARY} (4)`)).toBe(1);
  });
});
