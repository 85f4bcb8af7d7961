/**
 * A strict stub HTTP server on 127.0.0.1 for fault tests. Every expected request is declared with
 * `stub(method, path, reply, { times })`; a request nothing matches is answered 599 and recorded,
 * and `assertDone()` fails the test on unmatched requests or stubs left unused. Replies can be
 * canned (status, headers, JSON or text) or raw handlers (reset the socket, never answer, ...).
 *
 *   const s = await StubServer.start();
 *   s.stub('GET', '/rest/servicedeskapi/info', { status: 503 });
 *   s.stub('GET', '/rest/servicedeskapi/info', { json: { version: '5.0' } });
 *   ... call s.url ...
 *   s.assertDone();
 *   await s.close();
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request as the stub saw it (body fully read). */
export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A canned answer. */
export interface CannedReply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  text?: string;
}

/** A raw handler: full control of the response (or the socket). */
export type RawReply = (req: StubRequest, res: http.ServerResponse) => void | Promise<void>;

export type StubReply = CannedReply | RawReply;

interface Stub {
  method: string;
  path: string | RegExp;
  query?: Record<string, string>;
  reply: StubReply;
  remaining: number;
  declared: number;
}

export class StubServer {
  readonly requests: StubRequest[] = [];
  readonly unmatched: StubRequest[] = [];
  private readonly stubs: Stub[] = [];
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  /** Starts a server on an ephemeral loopback port. */
  static async start(): Promise<StubServer> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new StubServer(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => void self.handle(req, res));
    return self;
  }

  /**
   * Expects `times` (default 1) requests matching method, path (exact, or a RegExp on the path)
   * and, when given, these query parameters. Stubs match in declaration order, so declaring the
   * same route twice scripts a sequence (503, then 200).
   */
  stub(method: string, path: string | RegExp, reply: StubReply, opts: { times?: number; query?: Record<string, string> } = {}): this {
    const times = opts.times ?? 1;
    this.stubs.push({ method: method.toUpperCase(), path, query: opts.query, reply, remaining: times, declared: times });
    return this;
  }

  private match(r: StubRequest): Stub | undefined {
    return this.stubs.find(
      (s) =>
        s.remaining > 0 &&
        s.method === r.method &&
        (typeof s.path === 'string' ? s.path === r.path : s.path.test(r.path)) &&
        Object.entries(s.query ?? {}).every(([k, v]) => r.query.get(k) === v),
    );
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const u = new URL(req.url ?? '/', this.url);
    const r: StubRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body: Buffer.concat(chunks) };
    this.requests.push(r);
    const s = this.match(r);
    if (!s) {
      this.unmatched.push(r);
      res.writeHead(599, { 'content-type': 'text/plain' }).end(`stub: no stub for ${r.method} ${u.pathname}${u.search}`);
      return;
    }
    s.remaining -= 1;
    if (typeof s.reply === 'function') {
      await s.reply(r, res);
      return;
    }
    const c = s.reply;
    const headers: Record<string, string> = { ...c.headers };
    let body = '';
    if (c.json !== undefined) {
      body = JSON.stringify(c.json);
      headers['content-type'] ??= 'application/json';
    } else if (c.text !== undefined) body = c.text;
    res.writeHead(c.status ?? 200, headers).end(body);
  }

  /** Fails when a request matched no stub, or a stub was not used as many times as declared. */
  assertDone(): void {
    const problems: string[] = [];
    for (const u of this.unmatched) problems.push(`unexpected request ${u.method} ${u.path}?${u.query.toString()}`);
    for (const s of this.stubs) {
      if (s.remaining > 0) problems.push(`stub ${s.method} ${String(s.path)} used ${s.declared - s.remaining} of ${s.declared} time(s)`);
    }
    if (problems.length > 0) throw new Error(`stub server:\n  ${problems.join('\n  ')}`);
  }

  /** Stops listening and drops open connections (a handler that never answers does not block). */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
