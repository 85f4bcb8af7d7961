import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CreatedJson, DryRunJson, RedirectJson } from '../src/cli/create/json.js';
import { startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDir, type RunOptions } from './support/harness.js';
import { conformEachTest } from './support/openapi.js';
import { caller } from './support/sandbox-client.js';
import { accountSteps } from './support/guided-steps.js';
import { ScriptedPrompter, type Step } from './support/scripted-prompter.js';

const API = '/rest/servicedeskapi';

/**
 * A loopback proxy in front of the sandbox that can misbehave on chosen requests: answer a status
 * of its own without forwarding, or forward and then cut the connection before the answer (the
 * "timeout after send" case).
 */
type Fault = { status: number } | 'reset-after-forward';
interface Proxy {
  url: string;
  faults: Map<string, Fault>;
  close(): Promise<void>;
}

async function startProxy(target: string): Promise<Proxy> {
  const faults = new Map<string, Fault>();
  const t = new URL(target);
  const server = http.createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    const fault = [...faults.entries()].find(([k]) => key === k || (k.endsWith('*') && key.startsWith(k.slice(0, -1))))?.[1];
    if (fault && fault !== 'reset-after-forward') {
      req.resume();
      req.on('end', () => {
        res.writeHead(fault.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errorMessage: 'injected failure' }));
      });
      return;
    }
    const up = http.request(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, host: t.host } },
      (ur) => {
        if (fault === 'reset-after-forward') {
          ur.resume();
          ur.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    faults,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

let h: SandboxHandle;
let dataDir: string;
let exchanges: Exchange[];
const clock = fakeClock();
let home: string;

beforeAll(async () => {
  dataDir = tempDir('support-create-sbx-');
  exchanges = [];
  h = await startSandbox({ dataDir, clock, onExchange: (x) => exchanges.push(x) });
});
afterAll(async () => {
  await h.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
// The platform's attachment settings and user search are outside the servicedeskapi document.
conformEachTest(() => exchanges, {
  undocumented: [`POST ${API}/request/validate`, 'GET /rest/api/3/attachment/meta', 'GET /rest/api/3/user/search', 'GET /rest/api/2/user/search'],
});
beforeEach(() => {
  home = tempDir('support-create-home-');
});
afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
});

function cli(argv: string[], o: RunOptions & { portal?: string } = {}) {
  return runCli(['--portal', o.portal ?? h.url, ...argv], {
    clock,
    home,
    ...o,
    env: { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token, ...o.env },
  });
}

async function requestOf(key: string) {
  const r = await caller(h)('GET', `${API}/request/${key}`);
  expect(r.status).toBe(200);
  const fields = Object.fromEntries(
    (r.json.requestFieldValues as { fieldId: string; value: unknown }[]).map((f) => [f.fieldId, f.value]),
  );
  return { ...r.json, fields } as { issueKey: string; currentStatus: { status: string }; fields: Record<string, unknown> };
}

async function countBySummary(summary: string): Promise<number> {
  const r = await caller(h)('GET', `${API}/request?requestStatus=ALL_REQUESTS&limit=50`);
  return (r.json.values as { summary: string }[]).filter((v) => v.summary === summary).length;
}

const draftFile = () => path.join(home, 'config', 'drafts', 'create-default.json');

const SERVER = [
  'create', '--type', 'technical', '--deployment', 'server', '--product', 'Confluence',
  '--sen', '1234567', '--impact', '2', '--production', '--product-version', '9.2.1',
  '--details', 'Export a page with Japanese text.\nText is missing.', '--phone', '+81 3-1234-5678',
  '--field', 'customfield_10011=Confluence Data Center',
];

describe('support create (scripted)', () => {
  it('files a Server/DC request from flags: key and URL on stdout, every field on the portal', async () => {
    const before = exchanges.length;
    const r = await cli([...SERVER, '--summary', 'PDF export drops Japanese text', '--participant', h.users[1]!.email]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [key, url] = r.stdout.trim().split('\t');
    expect(key).toMatch(/^SUP-\d+$/);
    expect(url).toBe(`${h.url}/servicedesk/customer/portal/1/${key}`);
    const req = await requestOf(key!);
    expect(req.fields.summary).toBe('PDF export drops Japanese text');
    expect(req.fields.customfield_10012).toBe('SEN-1234567');
    expect(req.fields.customfield_10014).toBe('9.2.1');
    expect(req.fields.customfield_10015).toBe('+81 3-1234-5678');
    expect(JSON.stringify(req.fields.customfield_10010)).toMatch(/Confluence/);
    expect(JSON.stringify(req.fields.customfield_10011)).toMatch(/Confluence Data Center/);
    expect(JSON.stringify(req.fields.customfield_10013)).toMatch(/Level 2/);
    // What the engineer must know and has no field for; nothing of the tool's own.
    expect(req.fields.description).toBe('Export a page with Japanese text.\nText is missing.\n\nProduction instance: yes');
    const posts = exchanges.slice(before).filter((x) => x.method === 'POST' && x.path === `${API}/request`);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.body).toMatchObject({ serviceDeskId: '1', requestTypeId: '1', requestParticipants: [h.users[1]!.accountId] });
    expect(fs.existsSync(draftFile())).toBe(false);
  });

  it('--json prints one document with key, url, status, fields and attachments', async () => {
    const file = path.join(home, 'notes.txt');
    fs.writeFileSync(file, 'hello');
    const r = await cli([
      'create', '--json', '--type', 'account', '--summary', 'New billing contact', '--details', 'Replace Alice by Bob.',
      '--field', 'Account topic=Change of contacts', '--attach', file,
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc).sort()).toEqual(['attachments', 'fields', 'key', 'status', 'url']);
    expect(doc.status).toBe('Atlassian investigating');
    expect(doc.attachments).toEqual([{ file: 'notes.txt', attached: true }]);
    expect((doc.fields as Record<string, { value: unknown }>).summary!.value).toBe('New billing contact');
  });

  it('names every missing flag at once without a TTY (exit 2) and files nothing', async () => {
    const before = exchanges.filter((x) => x.method === 'POST').length;
    const r = await cli(['create', '--type', 'technical', '--deployment', 'cloud']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing required values: --product, --summary, --impact, --details, --grant-access');
    // A script's incomplete answers are not left behind as a draft.
    expect(fs.existsSync(draftFile())).toBe(false);
    expect(exchanges.filter((x) => x.method === 'POST').length).toBe(before);
  });

  it('names the request type flags when the type is not given', async () => {
    const r = await cli(['create', '--no-input']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required values: --request-type \(--type technical\|billing\|account\), --summary, --details/);
  });

  it('Levels 1-2 need --production in a script', async () => {
    const r = await cli(SERVER.filter((a) => a !== '--production').concat('--summary', 'x'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/missing required values: --production/);
  });

  it.each<[string[], RegExp]>([
    [['--product', 'Photoshop'], /--product: "Photoshop" is not a choice of Product/],
    [['--field', 'customfield_99999=x'], /--field customfield_99999: no such field/],
    [['--site-url', 'example'], /--site-url: this request type has no such field/],
  ])('refuses %j with exit 2', async (extra, re) => {
    const r = await cli([...SERVER, '--summary', 'x', ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
  });

  it.each([
    ['Trello', /Trello is not supported on this portal.*trello\.com\/contact/],
    ['Sourcetree', /Sourcetree is supported through the Atlassian Community/],
  ])('%s: redirected, nothing filed; exit 2 in a script, filed:false under --json', async (product, re) => {
    const before = exchanges.filter((x) => x.method === 'POST').length;
    const r = await cli(['create', '--json', '--type', 'technical', '--deployment', 'cloud', '--product', product, '--summary', 's']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(JSON.parse(r.stdout)).toMatchObject({ filed: false, redirect: { product: product.toLowerCase() } });
    expect(exchanges.filter((x) => x.method === 'POST').length).toBe(before);
  });

  it('--dry-run prints the body and files nothing', async () => {
    const before = exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request`).length;
    const r = await cli([...SERVER, '--summary', 'Dry run only', '--dry-run']);
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout) as { requestFieldValues: Record<string, unknown> };
    expect(body.requestFieldValues.customfield_10012).toBe('SEN-1234567');
    expect(r.stderr).toMatch(/^Valid \(checked by the (portal|field metadata)\); nothing was filed\./);
    expect(exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request`).length).toBe(before);
    expect(await countBySummary('Dry run only')).toBe(0);
  });

  it('--from YAML fills the form; flags override it', async () => {
    fs.writeFileSync(
      path.join(home, 'req.yaml'),
      ['type: technical', 'deployment: cloud', 'product: Jira', 'summary: From the file', 'impact: 4', 'site-url: example', 'grant-access: true', 'details: |', '  Automation fails.', ''].join('\n'),
    );
    const r = await cli(['create', '--from', 'req.yaml', '--summary', 'From the flag'], { cwd: home });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const req = await requestOf(r.stdout.split('\t')[0]!);
    expect(req.fields.summary).toBe('From the flag');
    expect(req.fields.customfield_10017).toBe('https://example.atlassian.net');
    expect(JSON.stringify(req.fields.customfield_10018)).toMatch(/Yes, I grant access/);
    // Consent is the portal's own field; the description carries no sentence of ours about it.
    expect(req.fields.description).not.toMatch(/Consent/);
  });
});

describe('support create (guided, scripted prompter)', () => {
  it('asks, reviews and files an Account request; Japanese works too', async () => {
    const steps: Step[] = accountSteps('Trial extension');
    const p = new ScriptedPrompter(steps);
    const r = await cli(['create'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(p.done).toBe(true);
    expect(r.stderr).toMatch(/Review your request:[\s\S]*Summary \*: Trial extension/);
    const req = await requestOf(r.stdout.split('\t')[0]!);
    expect(JSON.stringify(req.fields.customfield_10020)).toMatch(/Trial account/);
  });

  it('with --yes on a terminal, flags prefill and only the missing required questions are asked: no optional ones, no review', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
      { kind: 'input', message: /Details/, answer: 'Please extend our trial.' },
      { kind: 'input', answer: '' },
    ]);
    const r = await cli(['create', '--summary', 'Trial extension', '--yes'], { tty: true, prompter: p });
    expect(r.stderr).not.toMatch(/error:/);
    expect(r.code).toBe(0);
    expect(p.done).toBe(true);
    expect(p.asked.map((q) => q.message).join('\n')).not.toMatch(/Phone|Participants|behalf|Send this request/);
    const req = await requestOf(r.stdout.split('\t')[0]!);
    expect(req.fields.summary).toBe('Trial extension');
  });

  it('Ctrl-C exits 130 with the resume hint; --resume asks only what is missing and files once', async () => {
    const first = new ScriptedPrompter([
      { kind: 'select', pick: /^Billing/ },
      { kind: 'input', message: /Summary/, answer: 'Resume me' },
      { kind: 'select', message: /Billing topic/, pick: /Invoice/ },
      { kind: 'input', message: /SEN/, answer: '' },
      { kind: 'input', message: /Details/, answer: 'cancel' },
    ]);
    const a = await cli(['create'], { tty: true, prompter: first });
    expect(a.code).toBe(130);
    expect(a.stderr).toMatch(/support create --resume/);
    const draft = JSON.parse(fs.readFileSync(draftFile(), 'utf8')) as { state: { values: Record<string, unknown> } };
    expect(draft.state.values.summary).toBe('Resume me');
    expect((fs.statSync(draftFile()).mode & 0o777).toString(8)).toBe('600');

    const second = new ScriptedPrompter([
      { kind: 'input', message: /Details/, answer: 'Invoice 42 has the wrong address.' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /Files/, answer: '' },
      { kind: 'input', message: /Phone/, answer: '' },
      { kind: 'input', message: /Participants/, answer: '' },
      { kind: 'input', message: /behalf/, answer: '' },
      { kind: 'select', message: /Send/, answer: 'send' },
    ]);
    const b = await cli(['create', '--resume'], { tty: true, prompter: second });
    expect(b.code).toBe(0);
    expect(second.done).toBe(true);
    expect(await countBySummary('Resume me')).toBe(1);
    expect(fs.existsSync(draftFile())).toBe(false);
  });
});

describe('support create: cancelling keeps the answers', () => {
  it('Ctrl-C at a question says the answers are in the draft (exit 130)', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', message: /What do you need help with/, pick: /^Account$/ },
      { kind: 'input', message: /Summary/, answer: 'Cancel me' },
      { kind: 'input', message: /Details/, answer: 'cancel' },
    ]);
    const r = await cli(['create'], { tty: true, prompter: p });
    expect(r.code).toBe(130);
    expect(p.done).toBe(true);
    expect(r.stderr).toContain('Cancelled; your answers are saved in a draft.');
    expect(r.stderr).toContain('support create --resume');
    expect(JSON.parse(fs.readFileSync(draftFile(), 'utf8'))).toMatchObject({ state: { values: { summary: 'Cancel me' } } });
  });

  it('in Japanese too (the portal names its request types in Japanese)', async () => {
    const p = new ScriptedPrompter([
      { kind: 'select', pick: /^アカウント$/ },
      { kind: 'input', answer: 'Cancel me' },
      { kind: 'input', answer: 'cancel' },
    ]);
    const r = await cli(['--lang', 'ja', 'create'], { tty: true, prompter: p });
    expect(r.stderr).not.toMatch(/ScriptedPrompter/);
    expect(r.code).toBe(130);
    expect(p.done).toBe(true);
    expect(r.stderr).toContain('キャンセルしました。回答は下書きに保存されています。');
  });

  it('"Cancel" on the review keeps its own reason, with the resume hint', async () => {
    // Flags answer the required questions; the four optional ones (files, phone, participants, on behalf of) are skipped.
    const skipOptional = Array.from({ length: 4 }, () => ({ kind: 'input' as const, answer: '' }));
    const p = new ScriptedPrompter([...skipOptional, { kind: 'select', message: /Send this request/, pick: /^Cancel$/ }]);
    const r = await cli(['create', '--type', 'account', '--summary', 'Cancel me', '--details', 'd', '--field', 'customfield_10020=Other'], {
      tty: true,
      prompter: p,
    });
    expect(r.code).toBe(130);
    expect(p.done).toBe(true);
    expect(r.stderr).toContain('Cancelled; nothing was filed.');
    expect(r.stderr).toContain('support create --resume');
    expect(fs.existsSync(draftFile())).toBe(true);
  });
});

/** Each member of a --json document: whether it is always there. Typed so a change to the shape must change these. */
type Members<J> = Record<keyof J, 'always' | 'sometimes'>;
const CREATED: Members<CreatedJson> = {
  key: 'always',
  url: 'always',
  status: 'always',
  fields: 'always',
  attachments: 'always',
  bundle: 'sometimes',
  participants: 'sometimes',
  onBehalfOf: 'sometimes',
};
const DRY_RUN: Members<DryRunJson> = {
  dryRun: 'always',
  valid: 'always',
  validatedBy: 'always',
  problems: 'always',
  body: 'always',
  participants: 'sometimes',
  onBehalfOf: 'sometimes',
};
const REDIRECT: Members<RedirectJson> = { filed: 'always', redirect: 'always' };

function expectShape(doc: Record<string, unknown>, members: Record<string, 'always' | 'sometimes'>) {
  expect(Object.keys(doc).filter((k) => !(k in members))).toEqual([]);
  expect(Object.keys(members).filter((k) => members[k] === 'always' && !(k in doc))).toEqual([]);
}

describe('support create --json: the documents match their exported types', () => {
  const ACCOUNT = ['create', '--json', '--type', 'account', '--summary', 'Typed', '--details', 'd', '--field', 'customfield_10020=Other'];

  it('filed: CreatedJson', async () => {
    const r = await cli([...ACCOUNT, '--participant', h.users[1]!.email]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expectShape(doc, CREATED);
    expect(doc.participants).toEqual([{ input: h.users[1]!.email, id: h.users[1]!.accountId }]);
  });

  it('--dry-run: DryRunJson', async () => {
    const r = await cli([...ACCOUNT, '--dry-run']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expectShape(doc, DRY_RUN);
    expect(doc).toMatchObject({ dryRun: true, valid: true, problems: [] });
  });

  it('redirected: RedirectJson', async () => {
    const r = await cli(['create', '--json', '--type', 'technical', '--deployment', 'cloud', '--product', 'Trello', '--summary', 's']);
    expectShape(JSON.parse(r.stdout) as Record<string, unknown>, REDIRECT);
  });
});

describe('support create (guided): redirect and language', () => {
  it('picking Trello on a terminal explains, files nothing, exits 0 with nothing on stdout', async () => {
    const before = exchanges.filter((x) => x.method === 'POST').length;
    const p = new ScriptedPrompter([
      { kind: 'select', pick: /\(Cloud\)/ },
      { kind: 'select', message: /Product/, pick: /^Trello$/ },
    ]);
    const r = await cli(['create'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Trello is not supported on this portal\. Contact Trello support at https:\/\/trello\.com\/contact/);
    expect(exchanges.filter((x) => x.method === 'POST').length).toBe(before);
    expect(fs.existsSync(draftFile())).toBe(false);
  });

  it('speaks Japanese when asked to', async () => {
    const r = await cli(['--lang', 'ja', 'create', '--type', 'billing']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('必須の値が足りません: --summary, --details');
  });
});

describe('faults', () => {
  let proxy: Proxy;
  beforeEach(async () => {
    proxy = await startProxy(h.url);
  });
  afterEach(async () => {
    await proxy.close();
  });

  const ACCOUNT = ['create', '--type', 'account', '--details', 'd', '--field', 'customfield_10020=Other'];

  it('portal failing at submit: draft kept (exit 1); --resume files it exactly once', async () => {
    proxy.faults.set(`POST ${API}/request`, { status: 503 });
    const a = await cli([...ACCOUNT, '--summary', 'Down at submit'], { portal: proxy.url });
    expect(a.code).toBe(1);
    expect(fs.existsSync(draftFile())).toBe(true);
    expect(await countBySummary('Down at submit')).toBe(0);
    proxy.faults.clear();
    const b = await cli(['create', '--resume', '--no-input'], { portal: proxy.url });
    expect(b.code).toBe(0);
    expect(await countBySummary('Down at submit')).toBe(1);
    expect(fs.existsSync(draftFile())).toBe(false);
  });

  it('connection cut after the body was sent: finds the request instead of filing it twice', async () => {
    proxy.faults.set(`POST ${API}/request`, 'reset-after-forward');
    const r = await cli([...ACCOUNT, '--summary', 'Cut after send'], { portal: proxy.url });
    expect(r.stderr).toMatch(/looking for it before sending again/);
    expect(r.stderr).toMatch(/filed already: SUP-\d+/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SUP-\d+\t/);
    expect(await countBySummary('Cut after send')).toBe(1);
  });

  it('attachment failing after create: key printed, exact support attach command, exit 1', async () => {
    proxy.faults.set(`POST ${API}/servicedesk/1/attachTemporaryFile`, { status: 500 });
    const file = path.join(home, 'support zip.zip');
    fs.writeFileSync(file, 'zip');
    const r = await cli([...ACCOUNT, '--summary', 'Attach fails', '--attach', file], { portal: proxy.url });
    expect(r.code).toBe(1);
    const key = r.stdout.split('\t')[0]!;
    expect(key).toMatch(/^SUP-\d+$/);
    expect(r.stderr).toContain(`support attach ${key} '${file}'`);
    expect(await countBySummary('Attach fails')).toBe(1);
  });
});
