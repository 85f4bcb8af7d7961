/**
 * The connections under the transport (`http.ts`): Node's own HTTP client with keep-alive pools,
 * the proxies of the given environment, NO_PROXY, private CAs, and connect and read timeouts.
 *
 * Why not undici, which this was before (measured, bench/README.md "Fixed costs"): undici parses
 * HTTP with a WebAssembly build of llhttp, which every run compiled (~10 ms) and ran cold (~18 ms
 * in its first calls), and its code was a fifth of the bundle's; `node:http` parses with the C++
 * llhttp inside Node and its JavaScript comes from Node's own snapshot. For the few calls a command
 * makes, and for a 1 GiB upload, Node's client is as fast.
 *
 * - Proxies: `http_proxy` for http:// targets (the request goes to the proxy with the absolute URI,
 *   as curl does; a CONNECT to a port other than 443 is refused by a default Squid), `https_proxy`
 *   (else `http_proxy`) for https:// targets through a CONNECT tunnel, TLS to the portal inside it.
 *   User and password in the proxy's URL become `Proxy-Authorization: Basic`.
 * - NO_PROXY as curl reads it: `*`, host names matching themselves and their subdomains (a leading
 *   `.` or `*.` allowed), an optional `:port`, IP addresses and CIDR ranges.
 * - Nothing of TLS is loaded before the first https connection: an http:// portal (the sandbox, a
 *   lab) never loads `node:tls` nor reads a CA file. With CA files the trusted roots are one secure
 *   context, made once and shared by every connection.
 */
import fs from 'node:fs';
import http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { Readable } from 'node:stream';
import type * as Tls from 'node:tls';
import type { SecureContext } from 'node:tls';
import { CaFileError } from './errors.js';

/** Network settings an admin controls. */
export interface NetworkOptions {
  /** `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` (either case) are read from here, never from the process. */
  env?: Readonly<Record<string, string | undefined>>;
  /** PEM files of extra trusted CAs (`--ca-file`, `NODE_EXTRA_CA_CERTS`), added to the default roots. */
  caFiles?: readonly string[];
  /** Default 10 s: TCP, the proxy's tunnel and the TLS handshake together. */
  connectTimeoutMs?: number;
  /** Time allowed with no data either way on the connection once it is open; default 60 s. */
  readTimeoutMs?: number;
  /**
   * How long an idle connection is kept for the next call; default 4 s (undici's). A create sent
   * after minutes of prompts must not go out on a connection the server or a balancer has since
   * closed: it would fail as "may have been sent", and never be sent again.
   */
  idleTimeoutMs?: number;
}

/** One request through a {@link Dispatcher}. */
export interface DispatchRequest {
  method: string;
  headers: Record<string, string>;
  /**
   * A string, or an iterable whose next chunk is asked for only once the socket has taken the last
   * one (a write above the socket's high-water mark waits for 'drain'): its chunks may be buffers
   * that are reused (see `multipart.ts`). A `content-length` header must come with an iterable.
   */
  body?: string | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** On a connection of its own, closed after the answer (a balancer that routes per connection picks a node again). */
  fresh?: boolean;
}

/** An answer's body, streamed; `text()` reads it all as UTF-8, `dump()` throws it away. */
export type ResponseBody = Readable & { text(): Promise<string>; dump(): Promise<void> };

/** An answer whose headers have arrived. */
export interface DispatchResponse {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  body: ResponseBody;
}

/** Sends requests over pooled connections; `close()` ends them. */
export interface Dispatcher {
  request(url: string, req: DispatchRequest): Promise<DispatchResponse>;
  close(): Promise<void>;
}

/**
 * A failure of the connection itself, named by a code of our own where Node has none
 * (`CONNECT_TIMEOUT`, `HEADERS_TIMEOUT`, `BODY_TIMEOUT`, `PROXY_UNREACHABLE`, `PROXY_AUTH`,
 * `PROXY_REFUSED`, `PROXY_UNAVAILABLE`: see TRANSPORT_CODES in `errors.ts`).
 */
export class ConnectionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ConnectionError';
  }
}

interface Proxy {
  url: URL;
  /** `Basic …` from the URL's user and password, if any. */
  auth?: string;
}

const CONNECTED = Symbol('connected');
type Socket = net.Socket & { [CONNECTED]?: boolean };
type ConnectOptions = { host?: string | null; port?: number | string | null };
type Connect = (options: ConnectOptions, done: (err: Error | null, socket?: net.Socket) => void) => void;

const lazy = createRequire(import.meta.url);

/** Builds the dispatcher for these network settings. */
export function buildDispatcher(opts: NetworkOptions): Dispatcher {
  return new NodeDispatcher(opts);
}

class NodeDispatcher implements Dispatcher {
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly connectTimeout: number;
  private readonly readTimeout: number;
  private readonly idleTimeout: number;
  private readonly noProxy: NoProxy;
  private readonly agents = new Map<string, http.Agent>();
  /** The proxy of https:// (true) and http:// (false) targets, once read. */
  private readonly proxies = new Map<boolean, Proxy | undefined>();
  private context: SecureContext | undefined;

  constructor(private readonly opts: NetworkOptions) {
    this.env = opts.env ?? {};
    this.connectTimeout = opts.connectTimeoutMs ?? 10_000;
    this.readTimeout = opts.readTimeoutMs ?? 60_000;
    this.idleTimeout = opts.idleTimeoutMs ?? 4_000;
    this.noProxy = parseNoProxy(this.pick('no_proxy'));
  }

  private pick(name: string): string {
    return this.env[name.toLowerCase()] ?? this.env[name.toUpperCase()] ?? '';
  }

  async close(): Promise<void> {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** The proxy for `target`, unless NO_PROXY names it or none is set (each variable read once). */
  private proxyFor(target: URL): Proxy | undefined {
    const secure = target.protocol === 'https:';
    if (!this.proxies.has(secure)) this.proxies.set(secure, parseProxy(secure ? this.pick('https_proxy') || this.pick('http_proxy') : this.pick('http_proxy')));
    const proxy = this.proxies.get(secure);
    return proxy && !this.noProxy(target) ? proxy : undefined;
  }

  /** The trusted roots with the CA files, made at the first https connection; undefined: Node's own. */
  private secureContext(): SecureContext | undefined {
    const files = this.opts.caFiles ?? [];
    if (files.length === 0) return undefined;
    if (!this.context) {
      const ca = readCaFiles(files);
      const tls = lazy('node:tls') as typeof Tls;
      this.context = tls.createSecureContext({ ca: [...tls.rootCertificates, ...ca] });
    }
    return this.context;
  }

  /** A TLS connection over `socket` (or to host:port), verified against {@link secureContext}. */
  private tls(host: string, port: number, socket?: net.Socket): net.Socket {
    const tls = lazy('node:tls') as typeof Tls;
    const secureContext = this.secureContext();
    // No SNI for an IP address (RFC 6066; Node warns); the certificate is then checked against the IP.
    return tls.connect({ host, port, ...(socket ? { socket } : {}), ...(net.isIP(host) ? {} : { servername: host }), ...(secureContext ? { secureContext } : {}), ALPNProtocols: ['http/1.1'] });
  }

  /**
   * Opens a connection for an agent: TCP (and TLS) to `options`' host (`toProxy`: a proxy that
   * requests are forwarded to), or a tunnel through `proxy` for https. Within the connect timeout,
   * or it fails with CONNECT_TIMEOUT.
   */
  private opener(secure: boolean, tunnel: Proxy | undefined, toProxy = false): Connect {
    return (options, done) => {
      const host = unbracket(String(options.host ?? 'localhost'));
      const port = Number(options.port) || (secure ? 443 : 80);
      let finished = false;
      let socket: Socket | undefined;
      // Set once the connection is under way (below); `finish` may come first, from a throw.
      const deadline: { timer?: NodeJS.Timeout } = {};
      const finish = (err: Error | null, s?: Socket): void => {
        if (finished) return;
        finished = true;
        clearTimeout(deadline.timer);
        if (err) {
          socket?.destroy();
          done(err);
        } else done(null, s);
      };
      // A CA file that cannot be read fails here, at the first https connection, as a CaFileError.
      const open = (make: () => Socket): void => {
        let s: Socket;
        try {
          s = make();
        } catch (err) {
          finish(err as Error);
          return;
        }
        socket = s;
        s.once(secure ? 'secureConnect' : 'connect', () => {
          s[CONNECTED] = true;
          finish(null, s);
        });
        s.once('error', (err) => finish(toProxy ? proxyUnreachable(`${host}:${port}`, err) : err));
      };
      let cancel: ((err: Error) => void) | undefined;
      if (!tunnel) open(() => (secure ? this.tls(host, port) : net.connect({ host, port })));
      else
        cancel = this.openTunnel(tunnel, host, port, (err, raw) => {
          if (err || !raw) finish(err ?? new Error('no tunnel'));
          else open(() => this.tls(host, port, raw));
        });
      if (finished) return;
      deadline.timer = setTimeout(() => {
        const err = new ConnectionError('CONNECT_TIMEOUT', `connecting to ${host}:${port} took more than ${this.connectTimeout} ms`);
        cancel?.(err);
        finish(err);
      }, this.connectTimeout);
    };
  }

  /** `CONNECT host:port` through the proxy; `done` gets the tunnel's socket. Returns a way to give up. */
  private openTunnel(proxy: Proxy, host: string, port: number, done: (err: Error | null, socket?: net.Socket) => void): (err: Error) => void {
    const secureProxy = proxy.url.protocol === 'https:';
    const mod = secureProxy ? (lazy('node:https') as typeof Https) : http;
    const authority = `${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
    const proxyHost = unbracket(proxy.url.hostname);
    const secureContext = secureProxy ? this.secureContext() : undefined;
    const req = mod.request({
      host: proxyHost,
      port: Number(proxy.url.port) || (secureProxy ? 443 : 80),
      method: 'CONNECT',
      path: authority,
      agent: false,
      headers: { host: authority, ...(proxy.auth ? { 'proxy-authorization': proxy.auth } : {}) },
      ...(secureContext ? { secureContext } : {}),
    });
    req.once('connect', (res: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        socket.destroy();
        const code = status === 407 ? 'PROXY_AUTH' : status === 502 || status === 503 || status === 504 ? 'PROXY_UNAVAILABLE' : 'PROXY_REFUSED';
        done(new ConnectionError(code, `the proxy ${proxyHost} answered ${status} to CONNECT ${authority}`));
        return;
      }
      if (head.length > 0) socket.unshift(head);
      done(null, socket);
    });
    req.once('error', (err) => done(proxyUnreachable(`${proxyHost}:${Number(proxy.url.port) || (secureProxy ? 443 : 80)}`, err)));
    req.end();
    return (err) => req.destroy(err);
  }

  /** The pooled agent for this kind of connection; `fresh`: an agent of its own that keeps nothing. */
  private agent(secure: boolean, proxy: Proxy | undefined, fresh: boolean): http.Agent {
    const forward = proxy !== undefined && !secure;
    const key = `${secure ? 's' : 'p'} ${proxy?.url.href ?? ''}`;
    const kept = fresh ? undefined : this.agents.get(key);
    if (kept) return kept;
    // Forwarding to a proxy: the agent's connections go to the proxy, over TLS for an https:// one.
    const overTls = forward ? proxy.url.protocol === 'https:' : secure;
    const Agent = overTls ? (lazy('node:https') as typeof Https).Agent : http.Agent;
    // `timeout`: how long a pooled connection may sit idle before the agent closes it (a request
    // sets its own read timeout while it runs).
    const agent = new Agent({ keepAlive: !fresh, scheduling: 'lifo', timeout: this.idleTimeout });
    (agent as unknown as { createConnection: Connect }).createConnection = this.opener(overTls, forward ? undefined : secure ? proxy : undefined, forward);
    if (!fresh) this.agents.set(key, agent);
    return agent;
  }

  request(url: string, r: DispatchRequest): Promise<DispatchResponse> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const secure = target.protocol === 'https:';
      const proxy = this.proxyFor(target);
      const forward = proxy !== undefined && !secure;
      const agent = this.agent(secure, proxy, r.fresh === true);
      const headers: Record<string, string> = { host: target.host, ...r.headers };
      if (forward && proxy.auth) headers['proxy-authorization'] = proxy.auth;
      if (typeof r.body === 'string') headers['content-length'] = String(Buffer.byteLength(r.body));
      const via = forward ? proxy.url : target;
      const overTls = via.protocol === 'https:';
      let req: http.ClientRequest;
      try {
        req = (overTls ? (lazy('node:https') as typeof Https) : http).request({
          host: unbracket(via.hostname),
          port: Number(via.port) || (overTls ? 443 : 80),
          path: forward ? `${target.origin}${target.pathname}${target.search}` : `${target.pathname}${target.search}`,
          method: r.method,
          headers,
          agent,
          ...(r.signal ? { signal: r.signal } : {}),
        });
      } catch (err) {
        // An invalid header value (a control character) is refused before anything is sent.
        reject(err as Error);
        return;
      }
      let res: http.IncomingMessage | undefined;
      req.setTimeout(this.readTimeout, () => {
        // The connect timer covers the time before the connection is open.
        if (!(req.socket as Socket | null)?.[CONNECTED]) return;
        if (!res) req.destroy(new ConnectionError('HEADERS_TIMEOUT', `no answer within ${this.readTimeout} ms`));
        else if (!res.complete) res.destroy(new ConnectionError('BODY_TIMEOUT', `the answer stopped for ${this.readTimeout} ms`));
      });
      req.on('error', (err) => {
        if (!res) reject(err);
      });
      req.once('response', (message: http.IncomingMessage) => {
        res = message;
        resolve({ statusCode: message.statusCode ?? 0, headers: message.headers, body: withReaders(message) });
      });
      if (r.body === undefined || typeof r.body === 'string') req.end(r.body);
      else
        sendBody(req, r.body).catch((err: unknown) => {
          req.destroy(err as Error);
        });
    });
  }
}

/** Writes an iterable body, asking for the next chunk only once the socket has taken the last. */
async function sendBody(req: http.ClientRequest, body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const chunk of body) {
    if (req.destroyed) return;
    if (!req.write(chunk)) {
      await new Promise<void>((resolve) => {
        const go = (): void => {
          req.off('drain', go);
          req.off('close', go);
          resolve();
        };
        req.on('drain', go);
        req.on('close', go);
      });
      if (req.destroyed) return;
    }
  }
  req.end();
}

function withReaders(res: http.IncomingMessage): ResponseBody {
  return Object.assign(res, {
    text(): Promise<string> {
      return new Promise<string>((resolve, reject) => {
        const parts: string[] = [];
        res.setEncoding('utf8');
        res.on('data', (s: string) => parts.push(s));
        res.once('end', () => resolve(parts.join('')));
        res.once('error', reject);
      });
    },
    dump(): Promise<void> {
      return new Promise<void>((resolve) => {
        if (res.complete || res.destroyed) return resolve();
        res.once('end', resolve);
        res.once('close', resolve);
        res.once('error', () => resolve());
        res.resume();
      });
    },
  });
}

/**
 * The proxy itself could not be reached (nothing listens there, its name is unknown: a system
 * error): said as the proxy's failure, not the portal's. The system code stays in the message, not
 * as the cause, whose code would be taken for the portal's. Anything else (a timeout, TLS) as it is.
 */
function proxyUnreachable(where: string, err: Error): Error {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  if (err instanceof ConnectionError || !/^E[A-Z_]+$/.test(code)) return err;
  return new ConnectionError('PROXY_UNREACHABLE', `the proxy ${where} could not be reached: ${code}`);
}

/** A proxy variable's value (`host:port` or a URL, with `user:password@` if the proxy wants them); undefined when empty. */
function parseProxy(raw: string): Proxy | undefined {
  if (!raw) return undefined;
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  const user = decodeURIComponent(url.username);
  const auth = user || url.password ? `Basic ${Buffer.from(`${user}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
  return { url, ...(auth ? { auth } : {}) };
}

function unbracket(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

type NoProxy = (target: URL) => boolean;

/**
 * NO_PROXY as curl reads it: comma- or space-separated; `*` alone bypasses the proxy for every
 * host; a name matches itself and its subdomains (`example.com`, `.example.com`, `*.example.com`);
 * an IP address matches itself, `10.0.0.0/8` a range; `:port` narrows an entry to one port.
 */
export function parseNoProxy(value: string): NoProxy {
  const entries = value
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (entries.includes('*')) return () => true;
  const rules = entries.map((entry) => {
    const m = /^(\[[^\]]+\]|[^:]+|[0-9a-f:]+\/\d+)(?::(\d+))?$/.exec(entry);
    const host = unbracket(m?.[1] ?? entry).replace(/^\*?\./, '');
    return { host, port: m?.[2] };
  });
  return (target) => {
    const host = unbracket(target.hostname.toLowerCase());
    const port = target.port || (target.protocol === 'https:' ? '443' : '80');
    return rules.some((r) => {
      if (r.port !== undefined && r.port !== port) return false;
      const cidr = /^(.+)\/(\d+)$/.exec(r.host);
      if (cidr) return net.isIP(host) !== 0 && inRange(host, cidr[1]!, Number(cidr[2]));
      return host === r.host || (net.isIP(host) === 0 && host.endsWith(`.${r.host}`));
    });
  };
}

function inRange(ip: string, base: string, bits: number): boolean {
  const family = net.isIPv6(base) ? 'ipv6' : 'ipv4';
  if (net.isIP(base) === 0 || (family === 'ipv6') !== net.isIPv6(ip)) return false;
  const list = new net.BlockList();
  list.addSubnet(base, bits, family);
  return list.check(ip, family);
}

function readCaFiles(files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new CaFileError(file, (err as NodeJS.ErrnoException).code ?? String(err));
    }
    const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
    if (!certs) throw new CaFileError(file, 'no PEM certificate in it');
    out.push(...certs);
  }
  return out;
}
