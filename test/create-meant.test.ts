// `support create` through its public seam files what the person meant: each deployment's own
// products, text limits refused before anything is sent (flags, --from, --dry-run), the portal's
// labels in the user's language, and Enter through the guided Billing form filing no topic.
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDir, type RunOptions } from './support/harness.js';
import { conformEachTest } from './support/openapi.js';
import { caller } from './support/sandbox-client.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';

const API = '/rest/servicedeskapi';
const clock = fakeClock();
const sandboxes: Record<'cloud' | 'dc', SandboxHandle> = {} as Record<'cloud' | 'dc', SandboxHandle>;
const dirs: string[] = [];
let exchanges: Exchange[] = [];
let home: string;

beforeAll(async () => {
  for (const flavor of ['cloud', 'dc'] as const) {
    const dataDir = tempDir(`support-meant-${flavor}-`);
    dirs.push(dataDir);
    sandboxes[flavor] = await startSandbox({ dataDir, clock, flavor, onExchange: (x) => exchanges.push(x) });
  }
});
afterAll(async () => {
  for (const h of Object.values(sandboxes)) await h.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
conformEachTest(() => exchanges, { undocumented: [`POST ${API}/request/validate`, 'GET /rest/api/3/attachment/meta', 'GET /rest/api/2/attachment/meta', 'GET /rest/api/3/user/search', 'GET /rest/api/2/user/search'] });
beforeEach(() => {
  home = tempDir('support-meant-home-');
  exchanges = [];
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function cli(argv: string[], o: RunOptions & { flavor?: 'cloud' | 'dc' } = {}) {
  const h = sandboxes[o.flavor ?? 'cloud'];
  const who = o.flavor === 'dc' ? { SUPPORT_TOKEN: h.token } : { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token };
  return runCli(['--portal', h.url, ...argv], { clock, home, ...o, env: { ...who, ...o.env } });
}

const posts = () => exchanges.filter((x) => x.method === 'POST');
const CLOUD = ['create', '--type', 'technical', '--deployment', 'cloud', '--impact', '3', '--details', 'd', '--grant-access'];

describe('products by deployment', () => {
  it('--deployment cloud --product Crowd is refused (exit 2) naming the Cloud products; nothing is sent', async () => {
    const r = await cli([...CLOUD, '--product', 'Crowd', '--summary', 's', '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--product: "Crowd" is not a choice of Product \(choices: Jira, Jira Service Management, Confluence, Bitbucket, .*Trello/);
    expect(r.stderr).not.toMatch(/choices: [^)]*(Bamboo|Crowd|Fisheye)/);
    expect(posts()).toEqual([]);
  });

  it('the guided Cloud form offers Cloud products only, and the Server form its own', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', pick: /\(Cloud\)/ },
      { kind: 'select', message: /^Product$/, pick: /^Trello$/ },
    ]);
    const r = await cli(['create'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    const cloud = p.asked.find((a) => a.message === 'Product')!.choices!;
    expect(cloud).toEqual(expect.arrayContaining(['Jira', 'Confluence', 'Bitbucket', 'Trello']));
    expect(cloud).not.toEqual(expect.arrayContaining(['Bamboo']));
    expect(cloud.some((c) => /Bamboo|Crowd|Fisheye/.test(c))).toBe(false);
    const server = await cli(['create', '--type', 'technical', '--deployment', 'server', '--product', 'Crowd', '--summary', 's', '--details', 'd', '--impact', '3', '--dry-run', '--json']);
    expect(server.code).toBe(0);
  });
});

describe('text limits before the network', () => {
  it.each([
    ['a summary of 256 characters', ['--summary', 'x'.repeat(256)], /--summary is 256 characters long; at most 255 are allowed/],
    ['a summary of two lines', ['--summary', 'first line\nsecond line'], /--summary must be one line/],
  ])('%s: exit 2 before any call to the portal, with --dry-run too', async (_what, extra, re) => {
    for (const dry of [[], ['--dry-run']]) {
      exchanges = [];
      const r = await cli([...CLOUD, '--product', 'Jira', ...extra, ...dry]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(exchanges).toEqual([]);
    }
  });

  it('a --from file with a long summary is refused the same way', async () => {
    const file = `${home}/request.yaml`;
    fs.writeFileSync(file, `type: technical\ndeployment: cloud\nproduct: Jira\nimpact: 3\ndetails: d\ngrant-access: true\nsummary: "${'y'.repeat(300)}"\n`);
    const r = await cli(['create', '--from', file, '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--summary is 300 characters long/);
    expect(exchanges).toEqual([]);
  });

  it('a one-line text field over 255 characters (--product-version) is refused before the create', async () => {
    const r = await cli(['create', '--type', 'technical', '--deployment', 'server', '--product', 'Jira', '--impact', '3', '--summary', 's', '--details', 'd', '--product-version', '9'.repeat(256), '--dry-run']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--product-version: Product version is 256 characters long; at most 255 are allowed/);
    expect(posts()).toEqual([]);
  });

  it('the sandbox refuses them too, as JSM does', async () => {
    const you = caller(sandboxes.cloud);
    const body = (summary: string, version: string) => ({
      serviceDeskId: '1',
      requestTypeId: '1',
      requestFieldValues: { customfield_10010: { id: '10000' }, summary, customfield_10013: { id: '10103' }, description: 'd', customfield_10014: version },
    });
    const nl = await you('POST', `${API}/request`, body('a\nb', '1'));
    expect(nl.status).toBe(400);
    expect(nl.json.errorMessage).toMatch(/newline/);
    const long = await you('POST', `${API}/request`, body('s', 'v'.repeat(256)));
    expect(long.status).toBe(400);
    expect(long.json.errorMessage).toMatch(/Product version: the text is too long; it must be at most 255 characters/);
  });
});

describe("the portal's labels in the user's language", () => {
  it.each(['cloud', 'dc'] as const)('%s: --lang ja asks with the Japanese request types and field labels the portal serves', async (flavor) => {
    const p = new ScriptedPrompter([
      { kind: 'select', message: /どのような/, pick: /^アカウント$/ },
      { kind: 'input', message: /^要約/, answer: 'cancel' },
    ]);
    const r = await cli(['--lang', 'ja', 'create'], { tty: true, prompter: p, flavor });
    expect(r.code).toBe(130);
    expect(p.asked[0]!.choices).toEqual(expect.arrayContaining(['技術的な問題とバグ (Server / Data Center)', '請求、支払い、価格', 'アカウント']));
    const fields = exchanges.find((x) => /\/requesttype\/4\/field/.test(x.path));
    expect(fields?.query.requestLanguage).toEqual(['ja-JP']);
  });

  it('the Japanese labels keep their roles: a guided Cloud request in Japanese is filed with every field', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', message: /どのような/, pick: /\(Cloud\)/ },
      { kind: 'select', message: /^製品$/, pick: /^Confluence$/ },
      { kind: 'select', message: /^Cloud サイトまたは製品/, enter: true },
      { kind: 'input', message: /^サイト URL/, answer: 'example' },
      { kind: 'input', message: /^要約/, answer: '日本語の要約' },
      { kind: 'confirm', message: /本番環境/, answer: true },
      { kind: 'select', message: /^業務への影響/, pick: /Level 3/ },
      { kind: 'input', message: /^詳細/, answer: '詳細です。' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /添付するファイル/, answer: '' },
      { kind: 'input', message: /^電話番号/, answer: '' },
      { kind: 'confirm', message: /^Cloud サイトのデータへのアクセスを Atlassian サポートに許可する\?/, answer: true },
      { kind: 'input', message: /参加者/, answer: '' },
      { kind: 'input', message: /代理/, answer: '' },
      { kind: 'select', message: /送信しますか/, answer: 'send' },
    ]);
    const r = await cli(['--lang', 'ja', 'create'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('サイトの URL と、サポートがサイトのデータを確認してよいかをお知らせください。');
    const key = /SUP-\d+/.exec(r.stdout)![0];
    const got = await caller(sandboxes.cloud)('GET', `${API}/request/${key}`);
    const f = Object.fromEntries((got.json.requestFieldValues as { fieldId: string; value: unknown }[]).map((x) => [x.fieldId, x.value]));
    expect(f.customfield_10017).toBe('https://example.atlassian.net');
    expect(JSON.stringify(f.customfield_10018)).toContain('Yes, I grant access');
    expect(f.customfield_10016).toBeUndefined();
    // The request itself comes back in the language asked for: view shows the portal's Japanese labels.
    const view = await cli(['--lang', 'ja', 'view', key]);
    expect(view.code, view.stderr).toBe(0);
    expect(view.stdout).toMatch(/サイト URL: https:\/\/example\.atlassian\.net/);
    expect(view.stdout).toContain('技術的な問題とバグ (Cloud)');
    expect(view.stdout).not.toMatch(/Site URL:/);
  });
});

describe('Enter through the guided Billing form', () => {
  it('files no topic the person did not pick', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', pick: /^Billing/ },
      { kind: 'input', message: /Summary/, answer: 'Quote for 50 users' },
      { kind: 'select', message: /Billing topic/, enter: true },
      { kind: 'input', message: /SEN/, answer: '' },
      { kind: 'input', message: /Details/, answer: 'Please send a quote.' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /Files/, answer: '' },
      { kind: 'input', message: /Phone/, answer: '' },
      { kind: 'input', message: /Participants/, answer: '' },
      { kind: 'input', message: /behalf/, answer: '' },
      { kind: 'select', message: /Send this request/, enter: true },
    ]);
    const r = await cli(['create'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    const body = posts().find((x) => x.path === `${API}/request`)!.body as { requestFieldValues: Record<string, unknown> };
    expect(body.requestFieldValues).toEqual({ summary: 'Quote for 50 users', description: 'Please send a quote.' });
    expect(r.stderr).not.toMatch(/Steps to reproduce/);
  });
});
