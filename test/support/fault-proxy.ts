/**
 * The adversary between the CLI and the portal: a loopback reverse proxy that forwards to a target
 * (the sandbox) and misbehaves on the requests its rules match.
 *
 * Faults that never reach the portal (a clean refusal, or a connection that dies first):
 *   - `refuse-429`   answers 429 with `Retry-After` and a JSON error body
 *   - `refuse-503`   answers 503 with a JSON error body
 *   - `refuse-reset` resets the connection once the request is read
 *   - `drop-mid-upload` reads `afterBytes` of the body, then resets the connection
 * Faults after the portal did the work (the request was forwarded and answered):
 *   - `forward-drop`  the answer is thrown away and the connection reset
 *   - `forward-stall` the answer never comes (until the client gives up or the proxy closes)
 *   - `forward-502` / `forward-500` a gateway error instead of the answer
 *   - `forward-html`  `200` with an HTML page instead of the answer (a login or proxy page)
 * And `pass`: forward as is, for a rule that only counts or runs a hook (to send a signal at that step).
 *
 * Rules match by method and path (a string is the exact path without the query, a RegExp is tested
 * against the path with its query), are counted, and fire `times` times (default 1; `Infinity` for
 * persistent). `onArrive` runs when the request arrived, before anything is forwarded; `onAnswered`
 * after the portal answered, before the client sees anything. Both are awaited, so a test can kill
 * the CLI at that exact step.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type FaultKind =
  | 'pass'
  | 'refuse-429'
  | 'refuse-503'
  | 'refuse-reset'
  | 'drop-mid-upload'
  | 'forward-drop'
  | 'forward-stall'
  | 'forward-502'
  | 'forward-500'
  | 'forward-html';

/** Every fault, for tests that go through them all. */
export const FAULTS: readonly Exclude<FaultKind, 'pass'>[] = [
  'refuse-429',
  'refuse-503',
  'refuse-reset',
  'drop-mid-upload',
  'forward-drop',
  'forward-stall',
  'forward-502',
  'forward-500',
  'forward-html',
];

/** Faults after which the portal has done the work. */
export const AFTER_FORWARD: readonly FaultKind[] = ['forward-drop', 'forward-stall', 'forward-502', 'forward-500', 'forward-html'];

export interface Seen {
  method: string;
  /** Path with its query string. */
  url: string;
  /** Path without the query. */
  path: string;
  /** The fault applied, if a rule matched. */
  fault?: FaultKind;
  /** The portal's status when the request was forwarded. */
  upstreamStatus?: number;
}

export interface RuleSpec {
  method: string;
  path: string | RegExp;
  fault: FaultKind;
  /** How many matching requests the rule applies to (default 1). */
  times?: number;
  /** Matching requests let through untouched before the rule applies (default 0). */
  skip?: number;
  /** Seconds in the `Retry-After` of `refuse-429` (default 1). */
  retryAfter?: number;
  /** Bytes of the body read before `drop-mid-upload` cuts (default 1024, or the whole body when shorter). */
  afterBytes?: number;
  onArrive?: (seen: Seen) => void | Promise<void>;
  onAnswered?: (seen: Seen) => void | Promise<void>;
}

export interface Rule extends RuleSpec {
  /** Requests the rule applied to so far. */
  hits: number;
  /** Requests the rule matched but let through (skipped, or after it was used up). */
  passed: number;
  /** Requests the rule matched, in all. */
  matched: number;
}

const HTML_PAGE = '<!DOCTYPE html><html><head><title>Log in</title></head><body><form action="/login.jsp">Please log in</form></body></html>';

export class FaultProxy {
  readonly seen: Seen[] = [];
  readonly rules: Rule[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly stalled = new Set<http.ServerResponse>();

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
    private readonly target: URL,
  ) {}

  /** Starts the proxy on 127.0.0.1:0 in front of `target` (a base URL). */
  static async start(target: string): Promise<FaultProxy> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const self = new FaultProxy(server, `http://127.0.0.1:${port}`, new URL(target));
    server.on('connection', (s: Socket) => {
      self.sockets.add(s);
      s.on('close', () => self.sockets.delete(s));
    });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      void self.handle(req, res).catch(() => res.destroy());
    });
    return self;
  }

  /** Adds a rule; returns it so the test can read its counters. */
  rule(spec: RuleSpec): Rule {
    const r: Rule = { times: 1, ...spec, hits: 0, passed: 0, matched: 0 };
    this.rules.push(r);
    return r;
  }

  /** Removes every rule (the counters of the returned rules stay readable). */
  clear(): void {
    this.rules.length = 0;
  }

  /** How many requests with this method went to a path matching `path`. */
  count(method: string, path: string | RegExp): number {
    return this.seen.filter((s) => s.method === method && matches(path, s)).length;
  }

  /** Answers every stalled request's connection with a reset (a stall ends when the test says so). */
  releaseStalls(): void {
    for (const r of this.stalled) r.destroy();
    this.stalled.clear();
  }

  async close(): Promise<void> {
    this.releaseStalls();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private pick(seen: Seen): Rule | undefined {
    for (const r of this.rules) {
      if (r.method !== seen.method || !matches(r.path, seen)) continue;
      r.matched += 1;
      if (r.matched > (r.skip ?? 0) && r.hits < (r.times ?? 1)) {
        r.hits += 1;
        return r;
      }
      r.passed += 1;
    }
    return undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const seen: Seen = { method: req.method ?? 'GET', url, path: url.split('?')[0]! };
    this.seen.push(seen);
    const rule = this.pick(seen);
    if (rule) seen.fault = rule.fault;
    await rule?.onArrive?.(seen);
    switch (rule?.fault) {
      case 'refuse-429':
      case 'refuse-503': {
        await drain(req);
        const status = rule.fault === 'refuse-429' ? 429 : 503;
        res.writeHead(status, {
          'content-type': 'application/json',
          ...(status === 429 ? { 'retry-after': String(rule.retryAfter ?? 1) } : {}),
        });
        res.end(JSON.stringify({ errorMessage: status === 429 ? 'Rate limit exceeded.' : 'Service unavailable.' }));
        return;
      }
      case 'refuse-reset':
        await drain(req);
        req.socket.destroy();
        return;
      case 'drop-mid-upload': {
        const limit = rule.afterBytes ?? 1024;
        let n = 0;
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          req.on('data', (c: Buffer) => {
            n += c.length;
            if (n >= limit) {
              req.socket.destroy();
              done();
            }
          });
          req.on('end', () => {
            req.socket.destroy();
            done();
          });
          req.on('close', done);
        });
        return;
      }
      default:
        break;
    }
    const answer = await this.forward(req);
    seen.upstreamStatus = answer.status;
    await rule?.onAnswered?.(seen);
    switch (rule?.fault) {
      case 'forward-drop':
        req.socket.destroy();
        return;
      case 'forward-stall':
        this.stalled.add(res);
        res.on('close', () => this.stalled.delete(res));
        return;
      case 'forward-502':
      case 'forward-500': {
        const status = rule.fault === 'forward-502' ? 502 : 500;
        res.writeHead(status, { 'content-type': 'text/plain' });
        res.end(status === 502 ? 'Bad Gateway' : 'Internal Server Error');
        return;
      }
      case 'forward-html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(HTML_PAGE);
        return;
      default:
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
    }
  }

  /** Sends the request on to the target and reads the whole answer. */
  private forward(req: http.IncomingMessage): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const up = http.request(
        {
          host: this.target.hostname,
          port: this.target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: this.target.host },
        },
        (ur) => {
          const chunks: Buffer[] = [];
          ur.on('data', (c: Buffer) => chunks.push(c));
          ur.on('end', () => resolve({ status: ur.statusCode ?? 502, headers: ur.headers, body: Buffer.concat(chunks) }));
          ur.on('error', reject);
        },
      );
      up.on('error', reject);
      req.pipe(up);
    });
  }
}

function matches(path: string | RegExp, seen: Seen): boolean {
  return typeof path === 'string' ? seen.path === path : path.test(seen.url);
}

function drain(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.readableEnded) return resolve();
    req.on('end', resolve);
    req.on('close', resolve);
    req.resume();
  });
}
