/**
 * The sandbox's HTTP server: for each request it settles what time did, applies the rate limit,
 * finds the route, authenticates the caller, runs the route's handler and answers (errors in the
 * JSM or platform shape), recording every exchange for whoever listens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createT } from '../i18n/index.js';
import type { Clock } from '../lib/clock.js';
import { authenticate, unauthorized } from './auth.js';
import type { SandboxContext, ServedSetting } from './call.js';
import type { SandboxCatalog } from './catalog.js';
import type { SandboxFlavor, View } from './dto.js';
import { HttpError, errorBody, exchangeOf, headersOf, langOf, sendJson, type Exchange } from './http.js';
import { RateLimiter } from './rate-limit.js';
import { Router } from './router.js';
import { ROUTES } from './routes/index.js';
import { usernameOf, type SandboxState, type Store } from './store.js';
import { settle } from './workflow.js';

export interface ServerConfig {
  store: Store;
  clock: Clock;
  host: string;
  port: number;
  maxPageSize?: number;
  attachmentLimit?: number;
  rateLimitPerMinute?: number;
  rateLimitWritesPerMinute?: number;
  /** The desk, request types and fields served (custom field ids depend on the data folder's offset). */
  catalog: SandboxCatalog;
  flavor: SandboxFlavor;
  ignorePagingStart: boolean;
  onExchange?: (x: Exchange) => void;
}

const WRITES = new Set(['POST', 'PUT', 'DELETE']);

/** The sandbox server; `listen()` resolves once it accepts connections. */
export class SandboxServer {
  private readonly server: http.Server;
  private readonly router: Router;
  private readonly rateLimiter = new RateLimiter();
  private readonly writeLimiter = new RateLimiter();
  private readonly sandbox: SandboxContext;
  url = '';

  constructor(private readonly cfg: ServerConfig) {
    this.sandbox = {
      store: cfg.store,
      now: (state: SandboxState) => cfg.clock.now() + state.clockOffsetMs,
      setting: (state: SandboxState, key: ServedSetting) => cfg[key] ?? state.settings[key],
      catalog: cfg.catalog,
      flavor: cfg.flavor,
      ignorePagingStart: cfg.ignorePagingStart,
    };
    this.router = new Router(ROUTES, cfg.flavor);
    this.server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
    // Clients keep connections alive; closing must not wait for them.
    this.server.keepAliveTimeout = 5_000;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.cfg.port, this.cfg.host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    const addr = this.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `http://${host}:${addr.port}`;
    return this.url;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const t = createT(langOf(req, url));
    const exchange = exchangeOf(req, url);
    const record = this.cfg.onExchange;
    try {
      const state = await this.cfg.store.read();
      const now = this.sandbox.now(state);
      // The answer's Date is the sandbox's clock, which `support sandbox advance` moves.
      res.setHeader('Date', new Date(now).toUTCString());
      settle(state, now);
      this.rateLimiter.check(this.sandbox.setting(state, 'rateLimitPerMinute'), this.cfg.clock.now(), t);
      const found = this.router.match(exchange.method, url.pathname);
      if (!found.route) {
        if (found.allowed.length > 0) {
          throw new HttpError(405, t('sandbox.api.methodNotAllowed', exchange.method), 'sandbox.error.method', { Allow: found.allowed.join(', ') });
        }
        throw new HttpError(404, t('sandbox.api.noRoute', url.pathname), 'sandbox.error.notFound');
      }
      const user = authenticate(req.headers.authorization, state.users);
      if (!user && !found.route.anonymous) throw unauthorized(t, req.headers.authorization !== undefined);
      // Cloud names the caller by accountId on every answer, Data Center by username.
      if (user && this.cfg.flavor === 'cloud') res.setHeader('X-AACCOUNTID', user.accountId);
      if (user && this.cfg.flavor === 'dc') res.setHeader('X-AUSERNAME', usernameOf(user));
      if (WRITES.has(exchange.method)) this.writeLimiter.check(this.sandbox.setting(state, 'rateLimitWritesPerMinute'), this.cfg.clock.now(), t, true);
      // Request types and field labels in the caller's language (requestLanguage or Accept-Language),
      // on every answer that names them: the create form, a request, its fields.
      const view: View = { url: this.url, state, now, catalog: this.cfg.catalog.localized(langOf(req, url)), flavor: this.cfg.flavor };
      // Anonymous routes never read `user`.
      const reply = await found.route.handler({ req, res, url, params: found.params, t, view, user: user!, exchange, sandbox: this.sandbox });
      if ('streamed' in reply) {
        exchange.status = res.statusCode;
        exchange.responseHeaders = headersOf(res);
        record?.(exchange);
        return;
      }
      sendJson(res, exchange, reply.status, reply.body, record);
    } catch (err) {
      if (err instanceof HttpError) {
        for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
        sendJson(res, exchange, err.status, errorBody(url.pathname, err.message, err.i18nKey), record);
      } else {
        sendJson(res, exchange, 500, errorBody(url.pathname, err instanceof Error ? err.message : String(err)), record);
      }
      // A refused upload may still be arriving: drain it so the client reads our answer, not a reset.
      if (!req.readableEnded) req.resume();
    }
  }
}
