/**
 * `create --bundle` and `attach KEY --bundle` against a real sandbox: the zip is built from temp
 * folders (discovery rooted with SUPPORT_BUNDLE_ROOT), uploaded and attached; over the portal's limit
 * nothing is sent. Bundles are built with `--level 0` (stored entries) so their bytes can be searched
 * for secrets directly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { API, conformFollow, followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import type { Exchange } from './support/openapi.js';
import type { RunOptions } from './support/harness.js';
import { tempDir } from './support/harness.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';

const SECRET = 'hunter2-Secret-Value';
const CONFIG_MARKER = 'CLI-CONFIG-MARKER-9f3a';

let s: FollowSandbox;
let small: FollowSandbox;
let root: string;

beforeAll(async () => {
  [s, small] = await Promise.all([followSandbox(), followSandbox({ attachmentLimit: 2048 })]);
});
afterAll(async () => {
  await Promise.all([s.close(), small.close()]);
});
// --dry-run probes `POST /request/validate`, which is not in the spec (the sandbox answers 405 and the CLI validates locally).
const notValidate = (x: Exchange) => !x.path.endsWith('/request/validate');
conformFollow([() => s.exchanges, () => small.exchanges], { filter: notValidate });
beforeEach(() => {
  root = tempDir('support-bundle-send-');
  // The CLI's own config folder lives inside what is collected: it must never reach the zip.
  write('config/profiles.json', `{"token":"${CONFIG_MARKER}"}\n`);
  write('logs/app.log', `start\nlogin password=${SECRET} ok\n`.repeat(40));
  write('logs/other.txt', 'plain line\n'.repeat(200));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function write(rel: string, content: string): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

/** The CLI run from `root`, config under `root/config`, discovery rooted at `root`. */
function cli(box: FollowSandbox, argv: string[], o: RunOptions = {}) {
  return box.cli(argv, { cwd: root, home: root, ...o, env: { SUPPORT_BUNDLE_ROOT: root, ...o.env } });
}

/** The stored bytes of the attachments of a request, by file name. */
function attachmentsOf(box: FollowSandbox, key: string): Map<string, Buffer> {
  const state = JSON.parse(fs.readFileSync(path.join(box.dataDir, 'state.json'), 'utf8')) as {
    requests: { key: string; attachments: { filename: string; blob: string }[] }[];
  };
  const req = state.requests.find((r) => r.key === key);
  return new Map((req?.attachments ?? []).map((a) => [a.filename, fs.readFileSync(path.join(box.dataDir, 'blobs', a.blob))]));
}

function expectClean(zip: Buffer): void {
  expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
  expect(zip.includes(Buffer.from('manifest.json'))).toBe(true);
  // Stored entries: the redacted log is there in clear, without its secret.
  expect(zip.includes(Buffer.from('login password='))).toBe(true);
  expect(zip.includes(Buffer.from(SECRET))).toBe(false);
  expect(zip.includes(Buffer.from(CONFIG_MARKER))).toBe(false);
  expect(zip.includes(Buffer.from('profiles.json'))).toBe(false);
}

const ACCOUNT = ['create', '--type', 'account', '--details', 'd', '--field', 'customfield_10020=Other'];
const SERVER = [
  'create', '--type', 'technical', '--deployment', 'server', '--product', 'Confluence', '--sen', '1234567', '--impact', '3',
  '--details', 'Export fails.', '--field', 'customfield_10011=Confluence Data Center',
];
const uploadsOf = (box: FollowSandbox) => box.exchanges.filter((x) => x.path.endsWith('/attachTemporaryFile')).length;
const postsOf = (box: FollowSandbox) => box.exchanges.filter((x) => x.method === 'POST').length;

describe('create --bundle', () => {
  it('builds the bundle, files the request and attaches the zip (--json has a bundle member)', async () => {
    const r = await cli(s, [...ACCOUNT, '--summary', 'With a bundle', '--bundle', '--path', '.', '--level', '0', '--output', 'out/b.zip', '--json']);
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.key).toMatch(/^SUP-\d+$/);
    expect(j.attachments).toEqual([{ file: 'b.zip', attached: true }]);
    const out = path.join(root, 'out/b.zip');
    expect(j.bundle).toMatchObject({ output: out, zipBytes: fs.statSync(out).size, files: 2, mappingFile: null });
    expect(j.bundle.redactions).toEqual(expect.objectContaining({}));
    expect(Object.values(j.bundle.redactions as Record<string, number>).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(40);
    expect(r.stderr).toContain(`Support bundle: ${out}`);
    const stored = attachmentsOf(s, j.key).get('b.zip');
    expect(stored?.equals(fs.readFileSync(out))).toBe(true);
    expectClean(stored!);
  });

  it("follows --product for the bundle when that product is installed here; --bundle-product wins", async () => {
    write('var/atlassian/application-data/confluence/confluence.cfg.xml', '<property name="hibernate.connection.password">cfpass</property>\n');
    write('var/atlassian/application-data/confluence/logs/atlassian-confluence.log', 'confluence says hi\n');
    write('var/atlassian/application-data/jira/dbconfig.xml', '<password>x</password>\n');
    write('var/atlassian/application-data/jira/log/atlassian-jira.log', 'jira says hi\n');
    const a = await cli(s, [...SERVER, '--summary', 'Confluence bundle', '--bundle', '--level', '0', '--output', 'c.zip']);
    expect(a.code).toBe(0);
    const zip = attachmentsOf(s, a.stdout.split('\t')[0]!).get('c.zip')!;
    expect(zip.includes(Buffer.from('confluence says hi'))).toBe(true);
    expect(zip.includes(Buffer.from('jira says hi'))).toBe(false);
    expect(zip.includes(Buffer.from('cfpass'))).toBe(false);

    const b = await cli(s, [...SERVER, '--summary', 'Jira bundle', '--bundle', '--bundle-product', 'jira', '--level', '0', '--output', 'j.zip']);
    expect(b.code).toBe(0);
    const zb = attachmentsOf(s, b.stdout.split('\t')[0]!).get('j.zip')!;
    expect(zb.includes(Buffer.from('jira says hi'))).toBe(true);
    expect(zb.includes(Buffer.from('confluence says hi'))).toBe(false);
  });

  it('over the portal limit: nothing is filed or sent, the message names the flags, exit 1', async () => {
    write('logs/big.log', 'x'.repeat(50_000));
    const posts = postsOf(small);
    const r = await cli(small, [...ACCOUNT, '--summary', 'Too big', '--bundle', '--path', 'logs', '--level', '0', '--output', 'big.zip']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/over the portal's attachment limit of 2\.0 KiB: nothing was uploaded/);
    expect(r.stderr).toMatch(/Try again with --max-total \S+/);
    expect(postsOf(small)).toBe(posts);
    // The zip stays for the user; no request was filed.
    expect(fs.existsSync(path.join(root, 'big.zip'))).toBe(true);
    const list = await small.call('GET', `${API}/request?requestStatus=ALL_REQUESTS&limit=50`);
    expect((list.json.values as { summary: string }[]).some((v) => v.summary === 'Too big')).toBe(false);
  });

  it('bundle flags need --bundle: every one is named, exit 2, nothing sent', async () => {
    const before = s.exchanges.length;
    const r = await cli(s, [...ACCOUNT, '--summary', 'x', '--since', '2d', '--no-redact', '--bundle-product', 'jira']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--since, --no-redact, --bundle-product: bundle flags that only apply with --bundle.');
    const bad = await cli(s, [...ACCOUNT, '--summary', 'x', '--bundle', '--since', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since "soon" is not a duration.');
    expect(s.exchanges.length).toBe(before);
  });

  it('--dry-run says what the bundle would hold and builds nothing', async () => {
    const r = await cli(s, [...ACCOUNT, '--summary', 'dry', '--bundle', '--path', 'logs', '--output', 'dry.zip', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/--bundle: would collect 2 files, about \S+ \S+ zipped/);
    expect(fs.existsSync(path.join(root, 'dry.zip'))).toBe(false);
  });

  it('the guided form offers a bundle at the attachments question; yes builds one from what it finds', async () => {
    write('var/atlassian/application-data/confluence/confluence.cfg.xml', '<property name="hibernate.connection.password">cfpass</property>\n');
    write('var/atlassian/application-data/confluence/logs/atlassian-confluence.log', `user password=${SECRET}\n`);
    const p = new ScriptedPrompter([
      { kind: 'confirm', message: /^Build a support bundle now \(found: confluence\) and attach it\?$/, answer: true },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    // Everything but the attachments is given by flags, so the form asks just that question.
    const r = await cli(s, [...SERVER, '--summary', 'Guided bundle', '--product-version', '9', '--phone', '+81 3-1234-5678', '--participant', s.h.users[1]!.email], {
      tty: true,
      prompter: new AttachFirst(p),
    });
    expect(r.code).toBe(0);
    expect(p.done).toBe(true);
    expect(r.stderr).toMatch(/Attachments: \+ support bundle \(confluence\)/);
    const key = /(SUP-\d+)\t/.exec(r.stdout)?.[1];
    const atts = attachmentsOf(s, key!);
    const [name, zip] = [...atts.entries()][0]!;
    expect(name).toMatch(/^support-bundle-confluence-\d{8}-\d{6}\.zip$/);
    expect(zip.length).toBeGreaterThan(100);
  });


  it('when discovery finds no product, "yes" asks for the product and its home folder', async () => {
    write('jh/dbconfig.xml', '<password>dbsecret</password>\n');
    write('jh/log/atlassian-jira.log', 'jira node log\n');
    const p = new ScriptedPrompter([
      { kind: 'confirm', message: /^Build a support bundle of this machine's logs now and attach it\?$/, answer: true },
      { kind: 'select', message: /No Atlassian product was found here/, answer: 'jira' },
      { kind: 'input', message: /^Home folder of jira/, answer: 'jh' },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    const r = await cli(s, [...SERVER, '--summary', 'Named home', '--product-version', '9', '--phone', '+81 3-1234-5678', '--participant', s.h.users[1]!.email], {
      tty: true,
      prompter: new AttachFirst(p),
    });
    expect(r.code).toBe(0);
    expect(p.done).toBe(true);
    expect(r.stderr).toMatch(/Attachments: \+ support bundle \(jira\)/);
    const zip = [...attachmentsOf(s, /(SUP-\d+)\t/.exec(r.stdout)![1]!).values()][0]!;
    expect(zip.length).toBeGreaterThan(0);
    const local = fs.readdirSync(root).find((f) => /^support-bundle-jira-.*\.zip$/.test(f));
    expect(local).toBeDefined();
    expect(zip.equals(fs.readFileSync(path.join(root, local!)))).toBe(true);
  });
});

/**
 * Answers the attachments question with no files and the "on behalf of" question with Enter,
 * passing every other question to the script (their order is the form's business, not this test's).
 */
class AttachFirst extends ScriptedPrompter {
  constructor(private readonly inner: ScriptedPrompter) {
    super([]);
  }
  override async input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
    if (/Files to attach|behalf/.test(q.message)) return '';
    return this.inner.input(q);
  }
  override confirm(q: { message: string; default?: boolean }): Promise<boolean> {
    return this.inner.confirm(q);
  }
  override select<V>(q: Parameters<ScriptedPrompter['select']>[0]): Promise<V> {
    return this.inner.select(q) as Promise<V>;
  }
}

describe('attach --bundle', () => {
  it('builds the bundle and attaches it with the files and the comment', async () => {
    const key = await s.create('attach a bundle');
    write('shot.png', 'png-bytes');
    const r = await cli(s, ['attach', key, 'shot.png', '--bundle', '--path', 'logs', '--level', '0', '--output', 'a.zip', '--comment', 'logs from node 1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Attached shot\\.png \\(9 B\\) to ${key}\\.\\nAttached a\\.zip \\(\\S+ \\S+\\) to ${key}\\.\\n$`));
    expect(r.stderr).toMatch(/^2 files, \S+ \S+ collected, zip \S+ \S+$/m);
    const atts = attachmentsOf(s, key);
    expect([...atts.keys()].sort()).toEqual(['a.zip', 'shot.png']);
    expectClean(atts.get('a.zip')!);
    const attach = s.exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request/${key}/attachment`).at(-1);
    expect(attach?.body).toMatchObject({ additionalComment: { body: 'logs from node 1' } });
  });

  it('over the limit: nothing at all is sent (not even the small files), flags named, exit 1', async () => {
    const key = await small.create('too big');
    write('logs/big.log', 'y'.repeat(50_000));
    write('note.txt', 'n');
    const uploads = uploadsOf(small);
    const r = await cli(small, ['attach', key, 'note.txt', '--bundle', '--path', 'logs', '--level', '0', '--json']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/nothing was uploaded/);
    expect(r.stderr).toMatch(/--max-total/);
    expect(uploadsOf(small)).toBe(uploads);
    expect(attachmentsOf(small, key).size).toBe(0);
  });

  it('needs files or --bundle; bundle flags alone are refused before any call', async () => {
    const before = s.exchanges.length;
    const none = await cli(s, ['attach', 'SUP-1']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Nothing to attach: give FILE... or --bundle.');
    const stray = await cli(s, ['attach', 'SUP-1', 'x.txt', '--product', 'jira', '--max-total', '1GB']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('--product, --max-total: bundle flags that only apply with --bundle.');
    expect(s.exchanges.length).toBe(before);
  });
});
