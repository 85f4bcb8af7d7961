// Network settings admins rely on: HTTP(S)_PROXY through a loopback proxy and NO_PROXY around it;
// a private CA (generated here with openssl, never committed) through --ca-file and
// NODE_EXTRA_CA_CERTS; an unknown CA refused with a message that says what to do.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { runCli, tempDir } from './support/harness.js';
import { hasTool, need } from './support/needs.js';
import { LoopbackProxy } from './support/proxy.js';
import { StubServer } from './support/stub-server.js';

const TOKEN = 'net-token-5a4b3c2d1e';
const ME = { accountId: 'acc-1', displayName: 'Net Admin', emailAddress: 'net@example.com' };


describe('proxy', () => {
  let stub: StubServer;
  let proxy: LoopbackProxy;
  beforeAll(async () => {
    [stub, proxy] = await Promise.all([StubServer.start(), LoopbackProxy.start()]);
  });
  afterAll(async () => {
    await Promise.all([stub.close(), proxy.close()]);
  });

  it('goes through HTTP_PROXY from the environment', async () => {
    stub.stub('GET', '/rest/api/2/myself', { json: ME });
    const before = proxy.seen.length;
    const r = await runCli(['whoami', '--json'], { env: { SUPPORT_PORTAL: stub.url, SUPPORT_TOKEN: TOKEN, HTTP_PROXY: proxy.url, SUPPORT_KEYRING: 'off' } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).account.displayName).toBe('Net Admin');
    const port = new URL(stub.url).port;
    expect(proxy.seen.slice(before).some((s) => s.includes(`127.0.0.1:${port}`))).toBe(true);
    stub.assertDone();
  });

  it('bypasses the proxy for NO_PROXY hosts (lower-case variables too)', async () => {
    stub.stub('GET', '/rest/api/2/myself', { json: ME });
    const before = proxy.seen.length;
    const r = await runCli(['whoami'], { env: { SUPPORT_PORTAL: stub.url, SUPPORT_TOKEN: TOKEN, http_proxy: proxy.url, no_proxy: 'localhost,127.0.0.1', SUPPORT_KEYRING: 'off' } });
    expect(r.code).toBe(0);
    expect(proxy.seen.length).toBe(before);
    stub.assertDone();
  });
});

describe('private CA', () => {
  let dir: string;
  let server: https.Server;
  let url: string;
  let ca: string;
  let proxy: LoopbackProxy;
  let started: Promise<void> | undefined;

  /** Skips each test (fails it under CI) without openssl; the CA and the server are made once, by the first test that runs. */
  function setUp(ctx: TestContext): Promise<void> {
    need(ctx, hasTool('openssl', ['version']), 'openssl');
    started ??= start();
    return started;
  }

  async function start(): Promise<void> {
    dir = tempDir('support-tls-');
    const sh = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
    sh(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Support Test CA']);
    sh(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    fs.writeFileSync(path.join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n');
    sh(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'ext.cnf']);
    ca = path.join(dir, 'ca.pem');
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) }, (req, res) => {
      if (req.url === '/rest/api/2/myself') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(ME));
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy = await LoopbackProxy.start();
  }
  afterAll(async () => {
    if (!started) return;
    await started;
    await proxy.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const env = () => ({ SUPPORT_PORTAL: url, SUPPORT_TOKEN: TOKEN, SUPPORT_KEYRING: 'off' });

  it('refuses an unknown CA and says how to trust it', async (ctx) => {
    await setUp(ctx);
    const r = await runCli(['whoami'], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('127.0.0.1');
    expect(r.stderr).toMatch(/does not trust \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)/);
    expect(r.stderr).toContain('--ca-file FILE');
    expect(r.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('trusts the CA given with --ca-file', async (ctx) => {
    await setUp(ctx);
    const r = await runCli(['whoami', '--ca-file', ca], { env: env() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('account\tNet Admin');
    expect(r.code).toBe(0);
  });

  it('trusts the CA given with NODE_EXTRA_CA_CERTS', async (ctx) => {
    await setUp(ctx);
    const r = await runCli(['whoami'], { env: { ...env(), NODE_EXTRA_CA_CERTS: ca } });
    expect(r.code).toBe(0);
  });

  it('tunnels https through HTTPS_PROXY and still verifies with the private CA', async (ctx) => {
    await setUp(ctx);
    const r = await runCli(['whoami', '--ca-file', ca], { env: { ...env(), HTTPS_PROXY: proxy.url } });
    expect(r.code).toBe(0);
    expect(proxy.seen).toContain(`CONNECT ${new URL(url).host}`);
  });

  it('explains an unreadable CA file', async (ctx) => {
    await setUp(ctx);
    const r = await runCli(['whoami', '--ca-file', path.join(dir, 'nope.pem')], { env: env() });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot use the CA file');
  });
});
