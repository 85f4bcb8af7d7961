// The guided form in a real pseudo-terminal: the built binary runs in tmux against the in-process
// sandbox (`--portal sandbox`), driven with typed text and arrow keys; the request is then read
// back from the sandbox's data folder with every field.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { startSandbox } from '../src/sandbox/index.js';
import { tempDir } from './support/harness.js';
import { REPO } from './support/built-cli.js';
import { caller } from './support/sandbox-client.js';
import { Tmux } from './support/tmux.js';

const home = tempDir('support-e2e-create-');
const term = new Tmux('e2e-create');
/** Each test's pane, read with soft-wrapped rows joined. */
const read = { joined: true, history: 200 } as const;
const waitFor = (re: RegExp, timeoutMs?: number) => term.waitFor(re, { ...read, timeoutMs });
const keys = (...k: string[]) => term.keys(...k);
const type = (text: string) => term.type(text);

/**
 * Skips (fails under CI) without tmux or the build, then runs `support create ARGS` in a new
 * 120-column session `name`, with a config folder of its own (returned) and `env` added.
 */
function openCreate(ctx: TestContext, name: string, args = '--portal sandbox', env = ''): string {
  const config = path.join(home, `config-${name}`);
  const cmd = `cd ${JSON.stringify(REPO)} && env -u EDITOR -u VISUAL -u CI SUPPORT_LANG=en ${env} SUPPORT_CONFIG_DIR=${JSON.stringify(config)} node bin/support.js create ${args}; echo EXIT=$?; sleep 60`;
  term.open(ctx, name, cmd, { columns: 120, rows: 40 });
  return config;
}

afterAll(() => {
  term.kill();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('support create in a terminal (tmux)', () => {
  it('fills the Cloud form with arrow keys and typing; the request is on the sandbox with every field', async (ctx) => {
    const config = openCreate(ctx, 'create');

    await waitFor(/\? What do you need help with\?/);
    keys('Down', 'Enter');
    await waitFor(/\? Product/);
    keys('Enter');
    // The portal asks for the site first, the consent last.
    await waitFor(/\? Cloud site or product \(optional\)\n❯ \(none\)/);
    keys('Down', 'Down', 'Enter');
    await waitFor(/\? Site URL/);
    type('bitbucket.org/team/repo');
    await waitFor(/\? Summary/);
    type('E2E automation rule fails');
    await waitFor(/\? Is this about a production instance\?/);
    type('y');
    await waitFor(/\? Business impact[\s\S]*Level 1 - Critical — production is down/);
    keys('Down', 'Down', 'Enter');
    await waitFor(/\? Details/);
    type('Rule X fails on every run since Monday.');
    await waitFor(/\? … \(empty line to finish\)/);
    // A person's lines come well apart (lines closer together are one paste). The second one, with
    // the prompt before it, is wider than the terminal's 120 columns.
    await new Promise((r) => setTimeout(r, 100));
    type('The audit log says the actor lacks the Browse projects permission on HELPDESK since the upgrade to 10.3.');
    await waitFor(/lacks the Browse[\s\S]*\? … \(empty line to finish\)/);
    await new Promise((r) => setTimeout(r, 100));
    // A stack-trace line that starts with a tab: 27 cells of prompt, the tab to column 32, then 92
    // characters: 124 columns on screen, though its characters alone would fit in 120.
    type('\tat com.atlassian.automation.rules.RuleExecutorService.executeRule(RuleExecutorImpl.java:421)');
    await waitFor(/RuleExecutorImpl\.java:421\)[\s\S]*\? … \(empty line to finish\)/);
    await new Promise((r) => setTimeout(r, 100));
    keys('Enter');
    const afterDetails = await waitFor(/\? Files to attach/);
    // Every line of the text is shown indented, as one block; no continuation prompt is left, neither
    // before a line nor the empty one that ended the text.
    expect(afterDetails).toContain('\n  Rule X fails on every run since Monday.\n  The audit log says the actor lacks the Browse projects permission on HELPDESK since the upgrade to 10.3.\n');
    expect(afterDetails).toMatch(/\n {2}\s*at com\.atlassian\.automation\.rules\.RuleExecutorService\.executeRule\(RuleExecutorImpl\.java:421\)\n/);
    expect(afterDetails).not.toContain('(empty line to finish)');
    keys('Enter');
    await waitFor(/\? Phone number/);
    type('12345');
    await waitFor(/is not a telephone number/);
    keys('C-u');
    type('+81 3-1234-5678');
    // Not given yet: the default is no, and the prompt says so.
    await waitFor(/\? Grant Atlassian Support access to the data in my Cloud site\? \(y\/N\)/);
    type('y');
    await waitFor(/\? Participants/);
    keys('Enter');
    await waitFor(/\? Raise on behalf of/);
    keys('Enter');
    const review = await waitFor(/\? Send this request\?/);
    expect(review).toContain('Site URL: https://bitbucket.org/team/');
    expect(review).toContain('Production instance: yes');
    keys('Enter');
    const end = await waitFor(/EXIT=\d+/, 20_000);
    expect(end).toMatch(/EXIT=0/);
    const key = /(SUP-\d+)\s+http:\/\/127\.0\.0\.1:\d+\/servicedesk\/customer\/portal\/1\/SUP-\d+/.exec(end)?.[1];
    expect(key).toBeDefined();
    expect(fs.existsSync(path.join(config, 'drafts', 'create-default.json'))).toBe(false);

    // The request as the sandbox stores it (same data folder as --portal sandbox used).
    const h = await startSandbox({ dataDir: path.join(config, 'data') });
    try {
      const r = await caller(h)('GET', `/rest/servicedeskapi/request/${key}`);
      expect(r.status).toBe(200);
      const f = Object.fromEntries((r.json.requestFieldValues as { fieldId: string; value: unknown }[]).map((x) => [x.fieldId, x.value]));
      expect(r.json.requestTypeId).toBe('2');
      expect(f.summary).toBe('E2E automation rule fails');
      expect(JSON.stringify(f.customfield_10010)).toContain('Jira');
      expect(JSON.stringify(f.customfield_10013)).toContain('Level 3');
      expect(f.description).toBe('Rule X fails on every run since Monday.\nThe audit log says the actor lacks the Browse projects permission on HELPDESK since the upgrade to 10.3.\n\tat com.atlassian.automation.rules.RuleExecutorService.executeRule(RuleExecutorImpl.java:421)\n\nProduction instance: yes');
      expect(JSON.stringify(f.customfield_10018)).toContain('Yes, I grant access');
      expect(f.customfield_10015).toBe('+81 3-1234-5678');
      expect(JSON.stringify(f.customfield_10016)).toContain('Bitbucket Cloud');
      expect(f.customfield_10017).toBe('https://bitbucket.org/team/');
    } finally {
      await h.close();
    }
  }, 60_000);

  it('a multi-line paste at Details keeps every line, blank ones inside it too', async (ctx) => {
    // A sandbox of its own (not --portal sandbox, whose well-known port other test files use).
    const h = await startSandbox({ dataDir: path.join(home, 'data-paste') });
    const who = `SUPPORT_EMAIL=${JSON.stringify(h.email)} SUPPORT_TOKEN=${JSON.stringify(h.token)}`;
    openCreate(ctx, 'paste', `--portal ${h.url} --type account --summary Pasted`, who);
    await waitFor(/\? Details/);
    const trace = ['java.lang.NullPointerException: boom', '\tat com.example.A.run(A.java:12)', '', 'Caused by: java.io.IOException', '\tat com.example.B.read(B.java:7)'];
    // A real paste: the terminal gets every line at once (tmux turns the newlines into Enter).
    term.run('set-buffer', '-b', 'trace', trace.join('\n') + '\n');
    term.run('paste-buffer', '-b', 'trace', '-t', 'paste');
    await waitFor(/B\.java:7/);
    await new Promise((r) => setTimeout(r, 200));
    keys('Enter');
    await waitFor(/\? Files to attach/);
    keys('Enter');
    await waitFor(/\? Phone/);
    keys('Enter');
    await waitFor(/\? Account topic/);
    keys('Enter');
    await waitFor(/\? Participants/);
    keys('Enter');
    await waitFor(/\? Raise on behalf of/);
    keys('Enter');
    await waitFor(/\? Send this request\?/);
    keys('Enter');
    const end = await waitFor(/EXIT=\d+/, 20_000);
    expect(end).toMatch(/EXIT=0/);
    const key = /(SUP-\d+)\s+http/.exec(end)?.[1];
    try {
      const r = await caller(h)('GET', `/rest/servicedeskapi/request/${key}`);
      const f = Object.fromEntries((r.json.requestFieldValues as { fieldId: string; value: unknown }[]).map((x) => [x.fieldId, x.value]));
      expect(f.description).toBe(trace.join('\n'));
    } finally {
      await h.close();
    }
  }, 60_000);

  it('Ctrl-C at a prompt exits 130, says how to resume, and keeps the answers in the draft', async (ctx) => {
    const config = openCreate(ctx, 'cancel');
    await waitFor(/\? What do you need help with\?/);
    keys('Enter');
    await waitFor(/\? Product/);
    keys('Down', 'Down', 'Enter');
    await waitFor(/\? Data Center \/ Server product/);
    keys('Enter');
    await waitFor(/\? Support Entitlement Number/);
    keys('Enter');
    await waitFor(/\? Summary/);
    keys('C-c');
    const end = await waitFor(/EXIT=\d+/);
    expect(end).toMatch(/EXIT=130/);
    expect(end).toContain('support create --resume');
    const draft = JSON.parse(fs.readFileSync(path.join(config, 'drafts', 'create-default.json'), 'utf8')) as {
      requestTypeId: string;
      state: { values: Record<string, unknown> };
    };
    expect(draft.requestTypeId).toBe('1');
    expect(draft.state.values.customfield_10010).toBe('10002');
  }, 60_000);
  it('Ctrl-C at a choice leaves a clean screen: the choices and key help are erased, the answers given stay', async (ctx) => {
    openCreate(ctx, 'clean');
    await waitFor(/\? What do you need help with\?/);
    keys('Enter');
    await waitFor(/\? Product\n❯ Jira[\s\S]*navigate/);
    keys('C-c');
    const end = await waitFor(/EXIT=\d+/);
    expect(end).toMatch(/EXIT=130/);
    expect(end).toContain('✔ What do you need help with? Technical issues and bugs (Server / Data Center)');
    expect(end).not.toMatch(/\? Product|❯|navigate|Jira Service Management/);
  }, 60_000);
});
