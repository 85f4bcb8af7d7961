import fs from 'node:fs';
import stringWidth from 'string-width';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './support/harness.js';
import { API, followSandbox, conformFollow, type FollowSandbox } from './support/follow-sandbox.js';

let s: FollowSandbox;
let dir: string;
let key: string;
beforeAll(async () => {
  s = await followSandbox({ attachmentLimit: 1024 });
  dir = tempDir('support-attach-cli-');
});
// Each test attaches to a request of its own.
beforeEach(async () => {
  key = await s.create('attach things');
});
afterAll(async () => {
  await s.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
conformFollow(() => s.exchanges);

function file(name: string, size: number): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, Buffer.alloc(size, 'a'));
  return p;
}
const uploads = () => s.exchanges.filter((x) => x.path.endsWith('/attachTemporaryFile'));

describe('support attach', () => {
  it('checks every path before sending anything: exit 2 naming each bad one', async () => {
    const ok = file('ok.txt', 10);
    const before = s.exchanges.length;
    const r = await s.cli(['attach', key, ok, 'missing-1.log', dir, 'missing-2.log'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nothing was sent');
    for (const p of ['missing-1.log (not found)', `${dir} (not a regular file)`, 'missing-2.log (not found)']) expect(r.stderr).toContain(p);
    expect(s.exchanges.length).toBe(before);
  });

  it('attaches files with a comment and says what was attached', async () => {
    const a = file('a.log', 100);
    const b = file('screen shot.png', 200);
    const r = await s.cli(['attach', key, a, b, '--comment', 'logs from node 2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Attached a.log (100 B) to ${key}.\nAttached screen shot.png (200 B) to ${key}.\n`);
    const attach = s.exchanges.filter((x) => x.method === 'POST' && x.path === `${API}/request/${key}/attachment`).at(-1);
    expect(attach?.body).toMatchObject({ public: true, additionalComment: { body: 'logs from node 2' } });
    const got = await s.call('GET', `${API}/request/${key}/attachment?start=0&limit=50`);
    expect(got.json.values.map((x: { filename: string }) => x.filename)).toEqual(expect.arrayContaining(['a.log', 'screen shot.png']));
  });

  it('over the portal limit: the others are attached, the big one named, exit 1; the hint does not repeat the failing command', async () => {
    const small = file('small.txt', 10);
    const big = file('big.bin', 2048);
    const before = uploads().length;
    const r = await s.cli(['attach', key, small, big, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout);
    expect(j.attached.map((f: { name: string }) => f.name)).toEqual(['small.txt']);
    expect(j.failed).toEqual([{ name: 'big.bin', path: big, size: 2048, reason: 'too-large', message: "2.0 KiB is over the portal's limit of 1.0 KiB" }]);
    expect(r.stderr).toContain('1 file was not attached (1 file was attached)');
    expect(r.stderr).not.toContain(`support attach ${key} ${big}`);
    expect(r.stderr).toContain('The portal takes files up to 1.0 KiB: compress or split the file first.');
    expect(r.stderr).toContain(`support attach ${key} --bundle --since 1d`);
    expect(uploads().length).toBe(before + 1);
  });

  it('61 files go in two uploads (60 + 1)', async () => {
    const many = Array.from({ length: 61 }, (_, i) => file(`m${String(i).padStart(2, '0')}.txt`, 3));
    const before = uploads().length;
    const r = await s.cli(['attach', key, ...many]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(61);
    expect(uploads().length).toBe(before + 2);
  });

  it('shows byte progress on a terminal (stderr), never in a pipe', async () => {
    const f = file('p.txt', 500);
    const tty = await s.cli(['attach', key, f], { tty: true });
    expect(tty.code).toBe(0);
    expect(tty.stderr).toMatch(/p\.txt +100% +500 B \/ 500 B/);
    const pipe = await s.cli(['attach', key, f]);
    expect(pipe.stderr).toBe('');
  });

  it('someone else’s request: exit 1, nothing uploaded', async () => {
    const theirs = await s.create('theirs', { as: 1 });
    const before = uploads().length;
    const r = await s.cli(['attach', theirs, file('x.txt', 1)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`request ${theirs} was not found`);
    expect(uploads().length).toBe(before);
  });
});

describe('support attach when the portal takes the upload but names no temporary file (as Prism mocking the spec does)', () => {
  it('each line fits the terminal at spaces, a paging notice is said once, and the command to try again stands on a line of its own', async () => {
    const http = await import('node:http');
    const { runCli } = await import('./support/harness.js');
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const p = new URL(req.url ?? '/', 'http://x').pathname;
        const [status, body] =
          req.method === 'GET' && p === `${API}/request/HELPDESK-1`
            ? [200, { issueId: '1', issueKey: 'HELPDESK-1', serviceDeskId: '1', currentStatus: { status: 'Open' } }]
            : req.method === 'GET' && p === '/rest/api/3/attachment/meta'
              ? [200, { enabled: true, uploadLimit: 1024 ** 2 }]
              : req.method === 'GET' && p === `${API}/request/HELPDESK-1/attachment`
                ? // The same page whatever is asked, as Prism's static mock answers.
                  [200, { start: 0, limit: 50, size: 1, isLastPage: false, values: [{ filename: 'other.txt', size: 3 }] }]
                : req.method === 'POST' && p === `${API}/servicedesk/1/attachTemporaryFile`
                  ? [201, { temporaryAttachments: [] }]
                  : [404, { errorMessage: 'no' }];
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const f = file(`${'a-rather-long-file-name-'.repeat(2)}.txt`, 10);
      const portal = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      for (const lang of ['en', 'ja']) {
        const r = await runCli(['attach', 'HELPDESK-1', f], { tty: true, columns: 80, env: { SUPPORT_PORTAL: portal, SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 't', SUPPORT_LANG: lang, TERM: 'dumb' } });
        expect(r.code, lang).toBe(1);
        // What stays on the screen of each line: after its last carriage return, without escapes (no
        // spinner: TERM=dumb; ours draws only on a real terminal, which the test's stream is not).
        // eslint-disable-next-line no-control-regex
        const lines = r.stderr.split('\n').map((l) => (l.split('\r').at(-1) ?? '').replace(/\u001b\[[0-9;]*[A-Za-z]/g, ''));
        // The list of attachments is read before and after the upload; its paging notice is said once.
        expect(r.stderr.match(/HELPDESK-1\/attachment/g), lang).toHaveLength(1);
        // The command is whole on its own line, ready to copy.
        expect(lines, lang).toContain(`  support attach HELPDESK-1 ${f}`);
        for (const l of lines.filter((x) => !x.includes('support attach'))) expect(stringWidth(l), `${lang}: ${l}`).toBeLessThanOrEqual(80);
      }
    } finally {
      server.close();
    }
  });
});
