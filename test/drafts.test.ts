// Drafts are never clobbered: a plain create on a terminal offers to resume (default yes), a
// script never touches a person's draft, several drafts live side by side and --resume lists them.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { tempDir } from './support/harness.js';
import { ACCOUNT_AFTER_SUMMARY } from './support/guided-steps.js';
import { ScriptedPrompter, type Step } from './support/scripted-prompter.js';

let s: FollowSandbox;
let home: string;
beforeAll(async () => {
  s = await followSandbox();
});
afterAll(async () => {
  await s.close();
});
beforeEach(() => {
  home = tempDir('support-drafts-home-');
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

const draftsDir = () => path.join(home, 'config', 'drafts');
const drafts = () => (fs.existsSync(draftsDir()) ? fs.readdirSync(draftsDir()).sort() : []);
const read = (name: string) => fs.readFileSync(path.join(draftsDir(), name), 'utf8');

/** A guided Account request cancelled at Details: its draft holds the summary. */
async function startAndCancel(summary: string): Promise<void> {
  const p = new ScriptedPrompter([
    { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
    { kind: 'input', message: /Summary/, answer: summary },
    { kind: 'input', message: /Details/, answer: 'cancel' },
  ]);
  const r = await s.cli(['create'], { tty: true, prompter: p, home });
  expect(r.code).toBe(130);
}

const rest: Step[] = [...ACCOUNT_AFTER_SUMMARY];

async function summaries(): Promise<string[]> {
  const r = await s.call('GET', '/rest/servicedeskapi/request?requestStatus=ALL_REQUESTS&limit=100');
  return (r.json.values as { requestFieldValues: { fieldId: string; value: unknown }[] }[]).map(
    (v) => v.requestFieldValues.find((f) => f.fieldId === 'summary')?.value as string,
  );
}

describe('drafts are never clobbered', () => {
  it('a plain create on a terminal over an unfinished draft offers to resume it (default yes) and files it', async () => {
    await startAndCancel('Resume me by default');
    const p = new ScriptedPrompter([{ kind: 'confirm', message: /unfinished request: "Resume me by default".*Resume it\?/, answer: true }, ...rest]);
    const r = await s.cli(['create'], { tty: true, prompter: p, home });
    expect(r.code, r.stderr).toBe(0);
    expect(await summaries()).toContain('Resume me by default');
    expect(drafts()).toEqual([]);
  });

  it('"no" starts a new request and keeps the old draft; --resume then lists both, and --resume ID continues one', async () => {
    await startAndCancel('Old one');
    const before = drafts();
    expect(before).toEqual(['create-default.json']);
    const oldText = read('create-default.json');
    const p = new ScriptedPrompter([
      { kind: 'confirm', message: /unfinished request: "Old one"/, answer: false },
      { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
      { kind: 'input', message: /Summary/, answer: 'New one' },
      { kind: 'input', message: /Details/, answer: 'cancel' },
    ]);
    expect((await s.cli(['create'], { tty: true, prompter: p, home })).code).toBe(130);
    const now = drafts();
    expect(now).toHaveLength(2);
    expect(read('create-default.json')).toBe(oldText);

    const list = await s.cli(['create', '--resume', '--no-input'], { home });
    expect(list.code).toBe(2);
    expect(list.stderr).toContain('there are several drafts to resume');
    expect(list.stderr).toMatch(/"Old one"/);
    expect(list.stderr).toMatch(/"New one"/);
    expect(list.stderr).toContain('support create --resume ID');
    const oldId = (JSON.parse(oldText) as { id: string }).id;

    const pick = new ScriptedPrompter(rest);
    const r = await s.cli(['create', '--resume', oldId], { tty: true, prompter: pick, home });
    expect(r.code, r.stderr).toBe(0);
    expect(await summaries()).toContain('Old one');
    expect(drafts()).toHaveLength(1);
    expect(read(drafts()[0]!)).toContain('New one');
  });

  it('on a terminal, --resume with several drafts asks which one', async () => {
    await startAndCancel('First draft');
    const p = new ScriptedPrompter([
      { kind: 'confirm', answer: false },
      { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
      { kind: 'input', message: /Summary/, answer: 'Second draft' },
      { kind: 'input', message: /Details/, answer: 'cancel' },
    ]);
    await s.cli(['create'], { tty: true, prompter: p, home });
    const pick = new ScriptedPrompter([{ kind: 'select', message: /Which one\?/, pick: /"Second draft"/ }, ...rest]);
    const r = await s.cli(['create', '--resume'], { tty: true, prompter: pick, home });
    expect(r.code, r.stderr).toBe(0);
    expect(await summaries()).toContain('Second draft');
    expect(read(drafts()[0]!)).toContain('First draft');
  });

  it('a scripted create (--no-input) never touches a person’s draft', async () => {
    await startAndCancel('Typed by a person');
    const before = read('create-default.json');
    const r = await s.cli(['create', '--no-input', '--type', 'account', '--summary', 'From a script', '--details', 'd', '--field', 'customfield_10020=Other'], { home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 unfinished draft of this profile is kept');
    expect(drafts()).toEqual(['create-default.json']);
    expect(read('create-default.json')).toBe(before);
  });
});
