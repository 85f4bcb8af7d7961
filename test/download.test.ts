/**
 * `support download`: the files the support engineer put on a request, saved whole under safe
 * names, never over an existing file without --force, all or nothing; `view` says who put each file
 * there and the command that downloads it. Against the sandbox (both flavours, traffic checked
 * against the spec), and against stub portals for redirects to a media host, a body cut short and
 * Ctrl-C.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sandboxAgentAttach } from '../src/sandbox/index.js';
import { safeFileName } from '../src/portal/download.js';
import { PLATFORM_API, sharedFollowSandbox } from './support/follow-sandbox.js';
import { fakeClock, runCli, tempDirsFor } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

/** Where the content comes from outside the JSM API: Cloud's media host, Data Center's attachment servlet. */
const MEDIA = ['GET /media/', 'GET /secure/attachment/'];
const dir = tempDirsFor('support-download-');

/** A file of `text` in a fresh folder, for the engineer to attach. */
function source(name: string, text: string | Buffer): string {
  const p = path.join(dir(), name);
  fs.writeFileSync(p, text);
  return p;
}

describe('safe file names', () => {
  it('keep the last segment, drop control and bidi characters, refuse dots and reserved names', () => {
    // [name the portal sent, fallback, the file name used]
    const cases: [string, string, string][] = [
      ['../../etc/passwd', 'x', 'passwd'],
      ['..\\..\\boot.ini', 'x', 'boot.ini'],
      ['/abs/path/run.sh', 'x', 'run.sh'],
      ['..', 'attachment-1', 'attachment-1'],
      ['...', 'attachment-1', 'attachment-1'],
      ['', 'attachment-1', 'attachment-1'],
      ['evil\u001b[31m.sh', 'x', 'evil[31m.sh'],
      ['invoice\u202egpj.exe', 'x', 'invoicegpj.exe'],
      ['a\nb\r\u0000c.txt', 'x', 'abc.txt'],
      ['.bashrc', 'x', 'bashrc'],
      ['what?<>:"|*.txt', 'x', 'what_______.txt'],
      ['CON.txt', 'x', '_CON.txt'],
      ['設定ファイル.xml', 'x', '設定ファイル.xml'],
    ];
    for (const [name, fallback, want] of cases) expect(safeFileName(name, fallback), JSON.stringify(name)).toBe(want);
    const long = safeFileName(`${'あ'.repeat(100)}.log`, 'x');
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(200);
    expect(long.endsWith('.log')).toBe(true);
  });
});

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`download from the sandbox (${flavor})`, () => {
    const s = sharedFollowSandbox({ flavor }, { undocumented: [...PLATFORM_API, ...MEDIA] });

    it('saves the files support attached, by name, id or --all, under safe names, with their contents', async () => {
      const key = await s.create('Reindex fails');
      const script = source('fix-index.sh', '#!/bin/sh\necho fixed\n');
      const jar = source('plugin.jar', Buffer.alloc(300_000, 7));
      const ids = await sandboxAgentAttach(s.dataDir, key, [{ path: script, name: 'fix-index.sh' }, { path: jar, name: 'patched-plugin.jar' }], 'Try these.', s.clock);
      const out = dir();
      const one = await s.cli(['download', key, 'fix-index.sh', '--output', out]);
      expect(one.code, one.stderr).toBe(0);
      expect(fs.readFileSync(path.join(out, 'fix-index.sh'), 'utf8')).toBe('#!/bin/sh\necho fixed\n');
      expect(one.stdout).toContain(`Saved ${path.join(out, 'fix-index.sh')}`);
      expect(one.stdout).toContain('from Atlassian Support (sandbox engineer)');

      const byId = await s.cli(['download', key, ids[1]!, '--output', out, '--json']);
      expect(byId.code, byId.stderr).toBe(0);
      expect(JSON.parse(byId.stdout)).toEqual({
        key,
        files: [{ id: ids[1], filename: 'patched-plugin.jar', path: path.join(out, 'patched-plugin.jar'), size: 300_000, mimeType: 'application/octet-stream', author: 'Atlassian Support (sandbox engineer)' }],
      });
      expect(fs.readFileSync(path.join(out, 'patched-plugin.jar')).equals(Buffer.alloc(300_000, 7))).toBe(true);

      const hostile = await sandboxAgentAttach(s.dataDir, key, [{ path: script, name: '../../evil\u001b[31m.sh' }], '', s.clock);
      const all = dir();
      const r = await s.cli(['download', key, '--all'], { cwd: all });
      expect(r.code, r.stderr).toBe(0);
      expect(fs.readdirSync(all).sort()).toEqual(['evil[31m.sh', 'fix-index.sh', 'patched-plugin.jar']);
      expect(r.stdout).not.toContain('\u001b');
      expect(hostile).toHaveLength(1);
    });

    it('an unknown name among several downloads none of them (exit 2), and says what there is', async () => {
      const key = await s.create('Unknown name');
      const a = source('a.txt', 'a');
      await sandboxAgentAttach(s.dataDir, key, [{ path: a }, { path: source('b.txt', 'b') }], '', s.clock);
      const out = dir();
      const r = await s.cli(['download', key, 'a.txt', 'nope.txt', 'b.txt', '--output', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${key} has no attachment nope.txt; nothing was downloaded`);
      expect(r.stderr).toMatch(/Attachments: a\.txt \(\d+\), b\.txt \(\d+\)/);
      expect(fs.readdirSync(out)).toEqual([]);
      const none = await s.cli(['download', key, '--output', out]);
      expect(none.code).toBe(2);
      expect(none.stderr).toContain(`name the attachments of ${key} to download, or use --all`);
      const both = await s.cli(['download', key, 'a.txt', '--all']);
      expect(both.code).toBe(2);
      const empty = await s.create('No files');
      const nothing = await s.cli(['download', empty, '--all', '--output', out]);
      expect(nothing.code).toBe(2);
      expect(nothing.stderr).toContain(`${empty} has no attachments`);
      const badDir = await s.cli(['download', key, 'a.txt', '--output', path.join(out, 'missing')]);
      expect(badDir.code).toBe(2);
      expect(badDir.stderr).toContain('is not a folder');
    });

    it('never overwrites a file without --force; with --force it replaces it', async () => {
      const key = await s.create('Overwrite');
      await sandboxAgentAttach(s.dataDir, key, [{ path: source('notes.txt', 'from support') }, { path: source('other.txt', 'other') }], '', s.clock);
      const out = dir();
      fs.writeFileSync(path.join(out, 'notes.txt'), 'mine');
      const r = await s.cli(['download', key, '--all', '--output', out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('these files exist already; nothing was downloaded');
      expect(r.stderr).toContain('--force');
      expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
      expect(fs.readdirSync(out)).toEqual(['notes.txt']);
      const forced = await s.cli(['download', key, '--all', '--output', out, '--force']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(fs.readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('from support');
      expect(fs.readdirSync(out).sort()).toEqual(['notes.txt', 'other.txt']);
    });

    it('view says who attached each file and prints the command that downloads it', async () => {
      const key = await s.create('View attachments');
      const [id] = await sandboxAgentAttach(s.dataDir, key, [{ path: source('analysis.txt', 'thread dump analysis') }], 'See the analysis.', s.clock);
      const view = await s.cli(['view', key]);
      expect(view.code, view.stderr).toBe(0);
      // The author column of the aligned table (cut to its width; --json below has the whole name).
      expect(view.stdout).toMatch(/analysis\.txt\s+20 B\s+Atlassian Support \(sand/);
      expect(view.stdout).toContain(`support --portal ${s.h.url} download ${key} analysis.txt`);
      const json = JSON.parse((await s.cli(['view', key, '--json'])).stdout) as { attachments: { id: string; download: string; author: string }[] };
      expect(json.attachments).toEqual([expect.objectContaining({ id, author: 'Atlassian Support (sandbox engineer)', download: `support --portal ${s.h.url} download ${key} analysis.txt` })]);
    });
  });
}

describe('download from a portal that redirects, cuts the body short, or is interrupted', () => {
  let portal: StubServer;
  let media: StubServer;
  const env = { SUPPORT_EMAIL: 'mia@example.com', SUPPORT_TOKEN: 'api-token' };
  const API = '/rest/servicedeskapi';
  beforeAll(async () => {
    [portal, media] = await Promise.all([StubServer.start(), StubServer.start()]);
  });
  afterEach(() => {
    portal.assertDone();
    media.assertDone();
  });
  afterAll(async () => {
    await Promise.all([portal.close(), media.close()]);
  });

  function list(size: number, name = 'heap-analysis.txt') {
    portal.stub('GET', `${API}/request/HD-1/attachment`, {
      json: {
        size: 1,
        start: 0,
        limit: 50,
        isLastPage: true,
        values: [{ filename: name, size, mimeType: 'text/plain', author: { displayName: 'Sam Support' }, _links: { self: `${portal.url}${API}/request/HD-1/attachment/10042`, content: `${portal.url}${API}/request/HD-1/attachment/10042` } }],
      },
    });
  }

  it('follows a 303 to a media host without the portal credentials (the ticket in the link is enough)', async () => {
    list(11);
    portal.stub('GET', `${API}/request/HD-1/attachment/10042`, { status: 303, headers: { location: `${media.url}/file/abc/binary?token=ticket-123&client=x` } });
    media.stub('GET', '/file/abc/binary', (req, res) => {
      res.writeHead(req.headers.authorization === undefined && req.query.get('token') === 'ticket-123' ? 200 : 401, { 'content-type': 'text/plain', 'content-length': '11' });
      res.end('hello world');
    });
    const out = dir();
    const r = await runCli(['--portal', portal.url, 'download', 'HD-1', 'heap-analysis.txt', '--output', out, '--debug'], { env, clock: fakeClock() });
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(out, 'heap-analysis.txt'), 'utf8')).toBe('hello world');
    expect(portal.requests.at(-1)!.headers.authorization).toMatch(/^Basic /);
    expect(media.requests[0]!.headers.authorization).toBeUndefined();
    expect(r.stderr).not.toContain('ticket-123');
  });

  it('a body cut short leaves no file (exit 1, nothing saved)', async () => {
    list(100);
    portal.stub('GET', `${API}/request/HD-1/attachment/10042`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('x'.repeat(40));
      setTimeout(() => res.destroy(), 20);
    });
    const out = dir();
    const r = await runCli(['--portal', portal.url, 'download', 'HD-1', '--all', '--output', out], { env, clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: /m);
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('a length that does not match the attachment leaves no file', async () => {
    list(12);
    portal.stub('GET', `${API}/request/HD-1/attachment/10042`, { status: 200, headers: { 'content-type': 'text/plain' }, text: 'short' });
    const out = dir();
    const r = await runCli(['--portal', portal.url, 'download', 'HD-1', '10042', '--output', out], { env, clock: fakeClock() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('heap-analysis.txt (10042) arrived incomplete (5 of 12 bytes)');
    expect(r.stderr).toContain('Nothing was saved');
    expect(fs.readdirSync(out)).toEqual([]);
  });

  it('Ctrl-C while a file arrives leaves nothing behind (exit 130)', async () => {
    list(1_000_000);
    const ac = new AbortController();
    portal.stub('GET', `${API}/request/HD-1/attachment/10042`, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': '1000000' });
      res.write(Buffer.alloc(64 * 1024));
      setTimeout(() => ac.abort(), 50);
    });
    const out = dir();
    const r = await runCli(['--portal', portal.url, 'download', 'HD-1', '--all', '--output', out], { env, clock: fakeClock(), signal: ac.signal });
    expect(r.code).toBe(130);
    expect(fs.readdirSync(out)).toEqual([]);
  });
});
