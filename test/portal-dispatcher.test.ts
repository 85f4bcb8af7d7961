// The connections under the client (src/portal/dispatcher.ts, Node's HTTP client): what an admin's
// network does to them. Proxies that want a password, refuse a tunnel, are down, or take a tunnel
// and never answer; NO_PROXY as curl reads it; a portal that stops in the middle of an answer; a
// gateway that refuses an upload before reading it. Real servers and proxies on 127.0.0.1.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { renderPortalError } from '../src/cli/errors.js';
import { createT } from '../src/i18n/index.js';
import { parseNoProxy } from '../src/portal/dispatcher.js';
import { PortalError } from '../src/portal/errors.js';
import { HttpTransport, type TransportOptions } from '../src/portal/http.js';
import { fakeClock } from './support/harness.js';
import { LoopbackProxy } from './support/proxy.js';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

/** A server on 127.0.0.1 answering with `handler`; closed after the test. */
async function serve(handler: http.RequestListener, onConnection?: () => void): Promise<string> {
  const server = http.createServer(handler);
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    onConnection?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function proxy(opts: Parameters<typeof LoopbackProxy.start>[0] = {}): Promise<LoopbackProxy> {
  const p = await LoopbackProxy.start(opts);
  closers.push(() => p.close());
  return p;
}

function transport(opts: Partial<TransportOptions> & { baseUrl: string }): HttpTransport {
  const t = new HttpTransport({ userAgent: 'support-test', clock: fakeClock(), retry: { maxAttempts: 3 }, ...opts });
  closers.push(() => t.close());
  return t;
}

async function failure(p: Promise<unknown>): Promise<PortalError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(PortalError);
  return err as PortalError;
}

const GET = { method: 'GET', path: '/rest/api/2/myself', idempotent: true } as const;
const POST = { method: 'POST', path: '/rest/servicedeskapi/request', json: { summary: 'x' }, idempotent: false } as const;

describe('NO_PROXY, read as curl reads it', () => {
  const bypass = (value: string, url: string) => parseNoProxy(value)(new URL(url));
  it.each([
    ['*', 'https://jira.example.com', true],
    ['example.com', 'https://example.com', true],
    ['example.com', 'https://jira.example.com', true],
    ['example.com', 'https://badexample.com', false],
    ['.example.com', 'https://jira.example.com', true],
    ['*.example.com', 'https://jira.example.com', true],
    ['EXAMPLE.com', 'https://Jira.Example.COM', true],
    ['jira.example.com:8443', 'https://jira.example.com:8443', true],
    ['jira.example.com:8443', 'https://jira.example.com', false],
    ['jira.example.com:443', 'https://jira.example.com', true],
    ['localhost, 127.0.0.1', 'http://127.0.0.1:8080', true],
    ['localhost 127.0.0.1', 'http://localhost:8080', true],
    ['10.0.0.0/8', 'https://10.20.30.40', true],
    ['10.0.0.0/8', 'https://11.0.0.1', false],
    ['10.0.0.0/8', 'https://ten.example.com', false],
    ['1.2.3.4', 'https://1.2.3.45', false],
    ['[::1]', 'http://[::1]:8080', true],
    ['::1', 'http://[::1]:8080', true],
    ['fd00::/8', 'http://[fd12::5]', true],
    ['', 'https://jira.example.com', false],
  ])('%j for %s: %s', (value, url, expected) => {
    expect(bypass(value, url)).toBe(expected);
  });

  it('a CIDR range in NO_PROXY keeps the portal off the proxy', async () => {
    const base = await serve((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    const p = await proxy();
    const a = await transport({ baseUrl: base, env: { HTTP_PROXY: p.url, NO_PROXY: 'intranet.example, 127.0.0.0/8' } }).send(GET);
    expect(a.status).toBe(200);
    expect(p.seen).toEqual([]);
  });
});

describe('proxies', () => {
  it('forwards http:// with the absolute URI and the proxy credentials of its URL, never to the portal', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const base = await serve((req, res) => {
      seen.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const p = await proxy();
    const u = new URL(p.url);
    u.username = 'proxy-user';
    u.password = 'p@ss:word';
    await transport({ baseUrl: base, env: { http_proxy: u.href } }).send(GET);
    expect(p.seen).toEqual([`GET ${base}/rest/api/2/myself`]);
    expect(p.auth).toEqual([`Basic ${Buffer.from('proxy-user:p@ss:word').toString('base64')}`]);
    // The test proxy passes every header on: ours must not have been given the portal's Authorization.
    expect(seen[0]?.host).toBe(new URL(base).host);
  });

  it('a proxy that asks for a password (407) to open a tunnel: PROXY_AUTH, said once, never retried, nothing reached the portal', async () => {
    const p = await proxy({ connect: 407 });
    const u = new URL(p.url);
    u.username = 'me';
    u.password = 'wrong';
    const err = await failure(transport({ baseUrl: 'https://portal.example:8443', env: { HTTPS_PROXY: u.href } }).send(POST));
    expect([err.kind, err.code, err.mayHaveBeenSent]).toEqual(['network', 'PROXY_AUTH', false]);
    expect(p.seen).toEqual(['CONNECT portal.example:8443']);
    expect(p.auth).toEqual([`Basic ${Buffer.from('me:wrong').toString('base64')}`]);
  });

  it('a proxy that refuses the tunnel (403) is not asked again', async () => {
    const p = await proxy({ connect: 403 });
    const err = await failure(transport({ baseUrl: 'https://portal.example', env: { HTTPS_PROXY: p.url } }).send(GET));
    expect([err.code, err.mayHaveBeenSent]).toEqual(['PROXY_REFUSED', false]);
    expect(p.seen).toHaveLength(1);
    // Said as the proxy's refusal, with what to do about it, not as the portal's.
    const said = renderPortalError(err, createT('en'));
    expect(said.message).toContain('the proxy refused the connection (PROXY_REFUSED)');
    expect(said.hint).toContain('NO_PROXY');
    expect(renderPortalError(err, createT('ja')).hint).toContain('ネットワーク管理者');
  });

  it('a proxy that cannot reach the portal (503): a create is tried again, since it never left', async () => {
    const p = await proxy({ connect: 503 });
    const err = await failure(transport({ baseUrl: 'https://portal.example', env: { HTTPS_PROXY: p.url } }).send(POST));
    expect([err.code, err.mayHaveBeenSent]).toEqual(['PROXY_UNAVAILABLE', false]);
    expect(p.seen).toHaveLength(3);
    expect(renderPortalError(err, createT('en')).hint).toContain('could not connect to the portal');
  });

  it('a proxy that nothing answers at: PROXY_UNREACHABLE, through a tunnel and forwarding alike, said as the proxy\'s failure', async () => {
    // A port that was just free: nothing listens there.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const dead = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    for (const [baseUrl, env] of [
      ['https://portal.example', { HTTPS_PROXY: dead }],
      ['http://portal.example:8080', { HTTP_PROXY: dead }],
    ] as const) {
      const err = await failure(transport({ baseUrl, env, retry: { maxAttempts: 1 } }).send(POST));
      expect([err.kind, err.code, err.mayHaveBeenSent], baseUrl).toEqual(['network', 'PROXY_UNREACHABLE', false]);
      const said = renderPortalError(err, createT('en'));
      expect(said.message).toContain('the proxy could not be reached (PROXY_UNREACHABLE)');
      expect(said.hint).toContain('HTTPS_PROXY / HTTP_PROXY');
    }
  });

  it('a proxy that takes the tunnel and never answers: CONNECT_TIMEOUT within the connect timeout, and the create was not sent', async () => {
    const p = await proxy({ connect: 'stall' });
    const started = Date.now();
    const err = await failure(transport({ baseUrl: 'https://portal.example', env: { HTTPS_PROXY: p.url }, connectTimeoutMs: 300, retry: { maxAttempts: 1 } }).send(POST));
    expect([err.kind, err.code, err.mayHaveBeenSent]).toEqual(['timeout', 'CONNECT_TIMEOUT', false]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('HTTPS_PROXY is not used for http://, and HTTP_PROXY is used for https:// when HTTPS_PROXY is not set', async () => {
    const base = await serve((_req, res) => res.writeHead(200).end('{}'));
    const p = await proxy({ connect: 403 });
    expect((await transport({ baseUrl: base, env: { HTTPS_PROXY: p.url } }).send(GET)).status).toBe(200);
    expect(p.seen).toEqual([]);
    await failure(transport({ baseUrl: 'https://portal.example', env: { HTTP_PROXY: p.url }, retry: { maxAttempts: 1 } }).send(GET));
    expect(p.seen).toEqual(['CONNECT portal.example:443']);
  });
});

describe('a portal that stops', () => {
  it('in the middle of an answer: BODY_TIMEOUT after the read timeout, and a GET is tried again', async () => {
    let n = 0;
    const base = await serve((_req, res) => {
      n++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      if (n === 1) res.write('{"accountId":');
      else res.end(JSON.stringify({ accountId: 'a'.padEnd(84, 'b') }));
    });
    const err = await failure(transport({ baseUrl: base, readTimeoutMs: 200, retry: { maxAttempts: 1 } }).send(GET));
    expect([err.kind, err.code]).toEqual(['timeout', 'BODY_TIMEOUT']);
    n = 0;
    const a = await transport({ baseUrl: base, readTimeoutMs: 200 }).send(GET);
    expect(JSON.parse(a.text).accountId).toHaveLength(84);
    expect(n).toBe(2);
  });

  it('before the answer, a create is not sent again (HEADERS_TIMEOUT, may have been processed)', async () => {
    let n = 0;
    const base = await serve(() => {
      n++;
    });
    const err = await failure(transport({ baseUrl: base, readTimeoutMs: 200 }).send(POST));
    expect([err.kind, err.code, err.mayHaveBeenSent]).toEqual(['timeout', 'HEADERS_TIMEOUT', true]);
    expect(n).toBe(1);
  });
});

describe('idle connections', () => {
  it('are reused while fresh, and closed by the client once idle for the idle timeout: a later create goes out on a new one', async () => {
    let connections = 0;
    const base = await serve(
      (_req, res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{}'),
      () => connections++,
    );
    const t = transport({ baseUrl: base, idleTimeoutMs: 200 });
    await t.send(POST);
    await t.send(POST);
    expect(connections).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    await t.send(POST);
    expect(connections).toBe(2);
  });
});

describe('an upload refused before it is read', () => {
  it('a gateway that answers 413 at once and closes: the 413 is reported, not a reset connection', async () => {
    const base = await serve((req, res) => {
      res.writeHead(413, { 'content-type': 'text/html', connection: 'close' }).end('<html><body>413 Request Entity Too Large</body></html>');
      req.socket.end();
    });
    const t = transport({ baseUrl: base, retry: { maxAttempts: 1 } });
    const size = 64 * 1024 * 1024;
    const chunk = Buffer.alloc(1024 * 1024, 1);
    async function* body(): AsyncGenerator<Uint8Array> {
      for (let sent = 0; sent < size; sent += chunk.length) yield chunk;
    }
    const err = await failure(t.send({ method: 'POST', path: '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile', idempotent: true, stream: () => ({ body: body(), length: size, contentType: 'application/octet-stream' }) }));
    expect([err.status, err.kind]).toEqual([413, 'validation']);
  });
});
