// Credentials on the wire: never in clear text to another machine (plain http:// only to
// loopback, unless SUPPORT_ALLOW_INSECURE_HTTP=1 says a lab portal is meant), never repeated from
// a URL that holds a password, and a redirect named, not followed.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, type RunOptions } from './support/harness.js';
import { StubServer } from './support/stub-server.js';

const TOKEN = 'wire-token-9f8e7d6c5b';
const homes: string[] = [];
afterAll(() => {
  for (const d of homes) fs.rmSync(d, { recursive: true, force: true });
});
function cli(argv: string[], opts: RunOptions = {}) {
  const h = tempDir('support-wire-');
  homes.push(h);
  return runCli(argv, { home: h, ...opts, env: { SUPPORT_KEYRING: 'off', ...opts.env } });
}

describe('plain http://', () => {
  it('login refuses a portal on another machine before asking for the token, naming the https URL (exit 2)', async () => {
    const r = await cli(['login', '--portal', 'http://jira.example.com:8080/jira', '--token-stdin'], { stdin: `${TOKEN}\n` });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('http://jira.example.com:8080/jira');
    expect(r.stderr).toContain('Use https://jira.example.com:8080/jira');
    expect(r.stderr).toContain('SUPPORT_ALLOW_INSECURE_HTTP=1');
    const ja = await cli(['login', '--portal', 'http://jira.example.com', '--token-stdin', '--lang', 'ja'], { stdin: `${TOKEN}\n` });
    expect(ja.code).toBe(2);
    expect(ja.stderr).toContain('https://jira.example.com を使ってください');
  });

  it('the opt-out is documented in the help, in English and Japanese', async () => {
    for (const lang of ['en', 'ja']) {
      const login = await cli(['login', '--help', '--lang', lang]);
      const top = await cli(['--help', '--lang', lang]);
      expect(login.stdout + login.stderr).toContain('SUPPORT_ALLOW_INSECURE_HTTP=1');
      expect(top.stdout + top.stderr).toContain('SUPPORT_ALLOW_INSECURE_HTTP=1');
    }
  });

  it('every command refuses to send a token from the environment over plain http:// to another machine', async () => {
    const r = await cli(['whoami'], { env: { SUPPORT_PORTAL: 'http://jira.example.com', SUPPORT_TOKEN: TOKEN } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Use https://jira.example.com');
    expect(r.stderr).not.toContain(TOKEN);
  });

  describe('to loopback, and with the opt-out', () => {
    let stub: StubServer;
    beforeAll(async () => {
      stub = await StubServer.start();
    });
    afterAll(async () => {
      await stub.close();
    });
    afterEach(() => stub.assertDone());

    it('goes to localhost over plain http:// without a word', async () => {
      stub.stub('GET', '/rest/api/2/myself', { json: { name: 'admin', displayName: 'Admin' } });
      const url = stub.url.replace('127.0.0.1', 'localhost');
      const r = await cli(['whoami'], { env: { SUPPORT_PORTAL: url, SUPPORT_TOKEN: TOKEN } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('clear text');
    });

    it('SUPPORT_ALLOW_INSECURE_HTTP=1 sends them anyway, with a warning', async (t) => {
      // A portal on this machine's own network address: plain http:// that is not loopback.
      const address = Object.values(os.networkInterfaces())
        .flat()
        .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
      if (!address) return t.skip('no non-loopback IPv4 address to serve on');
      const seen: (string | undefined)[] = [];
      const server = http.createServer((req, res) => {
        seen.push(req.headers.authorization);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'admin', displayName: 'Admin' }));
      });
      await new Promise<void>((resolve) => server.listen(0, address, resolve));
      const url = `http://${address}:${(server.address() as AddressInfo).port}`;
      try {
        const refused = await cli(['whoami'], { env: { SUPPORT_PORTAL: url, SUPPORT_TOKEN: TOKEN } });
        expect(refused.code).toBe(2);
        expect(seen).toEqual([]);
        const r = await cli(['whoami'], { env: { SUPPORT_PORTAL: url, SUPPORT_TOKEN: TOKEN, SUPPORT_ALLOW_INSECURE_HTTP: '1' } });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain(`warning: sending credentials in clear text to ${url}`);
        expect(seen).toEqual([`Bearer ${TOKEN}`]);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('a redirect is not followed; the message names where it points (without its query)', async () => {
      stub.stub('GET', '/rest/api/2/myself', { status: 302, headers: { location: 'https://sso.example.com/login?ticket=ST-123-secret' } });
      const r = await cli(['whoami'], { env: { SUPPORT_PORTAL: stub.url, SUPPORT_TOKEN: TOKEN } });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('redirected the request (HTTP 302) to https://sso.example.com/login;');
      expect(r.stderr).not.toContain('ST-123-secret');
    });
  });
});

describe('a portal URL with a password in it', () => {
  it('is refused and the password is never repeated, from a flag or the environment, in either language', async () => {
    for (const [argv, env] of [
      [['login', '--portal', 'https://admin:Zq-S3cret@jira.example.com', '--token-stdin'], {}],
      [['whoami'], { SUPPORT_PORTAL: 'https://admin:Zq-S3cret@jira.example.com/jira', SUPPORT_TOKEN: TOKEN }],
      [['whoami', '--lang', 'ja'], { SUPPORT_PORTAL: 'admin:Zq-S3cret@jira.example.com', SUPPORT_TOKEN: TOKEN }],
      [['whoami', '--debug'], { SUPPORT_PORTAL: 'http://admin:Zq-S3cret@jira.example.com', SUPPORT_TOKEN: TOKEN }],
    ] as [string[], Record<string, string>][]) {
      const r = await cli(argv, { env, stdin: `${TOKEN}\n` });
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr + r.stdout).not.toContain('Zq-S3cret');
      expect(r.stderr).toContain('admin:***@jira.example.com');
    }
  });

  it('is never saved in a profile', async () => {
    const h = tempDir('support-wire-');
    homes.push(h);
    await runCli(['login', '--portal', 'https://admin:Zq-S3cret@jira.example.com', '--token-stdin'], { home: h, stdin: `${TOKEN}\n`, env: { SUPPORT_KEYRING: 'off' } });
    const files = fs.readdirSync(h, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    for (const f of files) expect(fs.readFileSync(path.join(f.parentPath, f.name), 'utf8')).not.toContain('Zq-S3cret');
  });
});
