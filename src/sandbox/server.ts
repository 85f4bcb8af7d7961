/**
 * The sandbox's HTTP server: node:http, a route table, Basic/Bearer auth, paging with a cap,
 * optional rate limiting, and the customer-side behaviour of the seed's portal (DESIGN §2, §5).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createT, type T } from '../i18n/index.js';
import type { Clock } from '../lib/clock.js';
import type { CustomerTransitionDTO, MyselfDTO, SoftwareInfoDTO } from '../portal/types.js';
import * as dto from './dto.js';
import { API, type PageQuery, type View } from './dto.js';
import { MultipartError, boundaryOf, readMultipart } from './multipart.js';
import { DESK, GROUPS, MAX_FILES_PER_UPLOAD, REQUEST_TYPES, TEMP_ATTACHMENT_TTL_MS, fieldsOf, type SeedField } from './seed.js';
import type { SandboxState, StoredRequest, StoredUser, Store } from './store.js';
import {
  CUSTOMER_ACTIVITY,
  INITIAL_STATUS,
  applyMove,
  currentStatus,
  isDone,
  offeredTransitions,
  settle,
  takeTransition,
} from './workflow.js';

/** One request the sandbox answered, as tests see it (to check it against the spec). */
export interface Exchange {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string[]>;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** The parsed JSON body, when there was one. */
  body?: unknown;
  /** Part names of a multipart body, in order. */
  parts?: string[];
  status: number;
  responseHeaders: Record<string, string>;
  /** The parsed JSON response; undefined for empty or binary responses. */
  responseBody?: unknown;
}

export interface ServerConfig {
  store: Store;
  clock: Clock;
  host: string;
  port: number;
  maxPageSize?: number;
  attachmentLimit?: number;
  rateLimitPerMinute?: number;
  onExchange?: (x: Exchange) => void;
}

export const DEFAULT_MAX_PAGE_SIZE = 50;
export const DEFAULT_ATTACHMENT_LIMIT = 100 * 1024 * 1024;
const MAX_JSON_BODY = 1024 * 1024;

/** An answer that is not a success; `platform` picks the `/rest/api` error shape. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly i18nKey: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Call {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  params: string[];
  t: T;
  view: View;
  user: StoredUser;
  exchange: Exchange;
}

type Handler = (c: Call) => Promise<Reply>;

/** What a handler answers: JSON, nothing (204), or a file already streamed by the handler. */
type Reply = { status: number; body?: unknown } | { streamed: true };

interface Route {
  method: string;
  pattern: RegExp;
  handler: Handler;
  /** Anonymous access allowed (JSM's /info). */
  anonymous?: boolean;
}

function langOf(req: http.IncomingMessage, url: URL): 'en' | 'ja' {
  const wanted = url.searchParams.get('requestLanguage') ?? req.headers['accept-language'] ?? '';
  return /^ja\b/i.test(wanted.trim()) ? 'ja' : 'en';
}

function isPlatform(p: string): boolean {
  return p.startsWith('/rest/api/');
}

/** The sandbox server; `listen()` resolves once it accepts connections. */
export class SandboxServer {
  private readonly server: http.Server;
  private readonly routes: Route[];
  private windowStart = 0;
  private windowCount = 0;
  url = '';

  constructor(private readonly cfg: ServerConfig) {
    this.routes = this.table();
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

  private now(state: SandboxState): number {
    return this.cfg.clock.now() + state.clockOffsetMs;
  }

  private setting<K extends 'maxPageSize' | 'attachmentLimit' | 'rateLimitPerMinute'>(state: SandboxState, key: K): number | undefined {
    return this.cfg[key] ?? state.settings[key];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const lang = langOf(req, url);
    const t = createT(lang);
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
    const exchange: Exchange = { method: req.method ?? 'GET', path: url.pathname, query, headers, status: 0, responseHeaders: {} };
    const platform = isPlatform(url.pathname);
    try {
      const state = await this.cfg.store.read();
      const now = this.now(state);
      settle(state, now);
      this.rateLimit(state, t);
      const { route, params, allowed } = this.match(exchange.method, url.pathname);
      if (!route) {
        if (allowed.length > 0) {
          throw new HttpError(405, t('sandbox.api.methodNotAllowed', exchange.method), 'sandbox.error.method', { Allow: allowed.join(', ') });
        }
        throw new HttpError(404, t('sandbox.api.noRoute', url.pathname), 'sandbox.error.notFound');
      }
      const user = this.authenticate(req, state);
      if (!user && !route.anonymous) {
        const given = req.headers.authorization !== undefined;
        throw new HttpError(401, t('sandbox.api.unauthorized'), 'sandbox.error.unauthorized', {
          'WWW-Authenticate': 'Basic realm="support sandbox", Bearer',
          ...(given ? { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' } : {}),
        });
      }
      if (user) res.setHeader('X-AACCOUNTID', user.accountId);
      const view: View = { url: this.url, state, now };
      const reply = await route.handler({ req, res, url, params, t, view, user: user!, exchange });
      if ('streamed' in reply) {
        exchange.status = res.statusCode;
        exchange.responseHeaders = headersOf(res);
        this.cfg.onExchange?.(exchange);
        return;
      }
      this.send(res, exchange, reply.status, reply.body);
    } catch (err) {
      if (err instanceof HttpError) {
        for (const [k, v] of Object.entries(err.headers)) res.setHeader(k, v);
        const body = platform
          ? { errorMessages: [err.message], errors: {} }
          : { errorMessage: err.message, i18nErrorMessage: { i18nKey: err.i18nKey, parameters: [] } };
        this.send(res, exchange, err.status, body);
      } else {
        const message = err instanceof Error ? err.message : String(err);
        this.send(res, exchange, 500, platform ? { errorMessages: [message], errors: {} } : { errorMessage: message });
      }
      // A refused upload may still be arriving: drain it so the client reads our answer, not a reset.
      if (!req.readableEnded) req.resume();
    }
  }

  private send(res: http.ServerResponse, exchange: Exchange, status: number, body: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.statusCode = status;
    let text: string | undefined;
    if (body !== undefined && status !== 204) {
      text = JSON.stringify(body);
      res.setHeader('Content-Type', 'application/json;charset=UTF-8');
      res.setHeader('Content-Length', Buffer.byteLength(text));
    }
    exchange.status = status;
    exchange.responseHeaders = headersOf(res);
    exchange.responseBody = text === undefined ? undefined : (JSON.parse(text) as unknown);
    this.cfg.onExchange?.(exchange);
    res.end(text);
  }

  /**
   * A fixed one-minute window per server instance that counts every request, as a gateway in
   * front of a portal would; it runs on the injected clock so tests can step through it.
   */
  private rateLimit(state: SandboxState, t: T): void {
    const limit = this.setting(state, 'rateLimitPerMinute');
    if (!limit || limit <= 0) return;
    const now = this.cfg.clock.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount <= limit) return;
    const reset = this.windowStart + 60_000;
    throw new HttpError(429, t('sandbox.api.rateLimited'), 'sandbox.error.rateLimit', {
      'Retry-After': String(Math.max(1, Math.ceil((reset - now) / 1000))),
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': new Date(reset).toISOString(),
    });
  }

  private match(method: string, p: string): { route?: Route; params: string[]; allowed: string[] } {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.pattern.exec(p);
      if (!m) continue;
      if (r.method === method) return { route: r, params: m.slice(1).map((s) => decodeURIComponent(s)), allowed };
      allowed.push(r.method);
    }
    return { params: [], allowed };
  }

  private authenticate(req: http.IncomingMessage, state: SandboxState): StoredUser | undefined {
    const h = req.headers.authorization;
    if (!h) return undefined;
    const basic = /^Basic\s+(\S+)$/i.exec(h);
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i < 0) return undefined;
      const email = decoded.slice(0, i).toLowerCase();
      const token = decoded.slice(i + 1);
      return state.users.find((u) => u.email.toLowerCase() === email && safeEqual(u.token, token));
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(h);
    if (bearer) return state.users.find((u) => safeEqual(u.token, bearer[1]!));
    return undefined;
  }

  // ---- routes -------------------------------------------------------------------------------

  private table(): Route[] {
    const r = (method: string, p: string, handler: Handler, anonymous = false): Route => ({
      method,
      pattern: new RegExp(`^${p.replace(/\{[^}]+\}/g, '([^/]+)')}/?$`),
      handler,
      anonymous,
    });
    return [
      r('GET', `${API}/info`, async (c) => ({ status: 200, body: this.info(c) }), true),
      r('GET', '/rest/api/2/myself', async (c) => ({ status: 200, body: myself(c) })),
      r('GET', '/rest/api/3/myself', async (c) => ({ status: 200, body: myself(c) })),
      r('GET', '/rest/api/3/user/search', async (c) => ({ status: 200, body: this.userSearch(c, 'query').map((u) => cloudUser(c, u)) })),
      r('GET', '/rest/api/2/user/search', async (c) => ({ status: 200, body: this.userSearch(c, 'username').map((u) => dcUser(c, u)) })),
      r('GET', '/rest/api/3/attachment/meta', async (c) => ({
        status: 200,
        body: { enabled: true, uploadLimit: this.setting(c.view.state, 'attachmentLimit') ?? DEFAULT_ATTACHMENT_LIMIT },
      })),
      r('GET', `${API}/servicedesk`, async (c) => ({ status: 200, body: dto.page(c.view, [dto.serviceDesk(c.view)], this.paging(c), c.url.pathname) })),
      r('GET', `${API}/servicedesk/{id}`, async (c) => {
        desk(c, c.params[0]!);
        return { status: 200, body: dto.serviceDesk(c.view) };
      }),
      r('GET', `${API}/servicedesk/{id}/requesttypegroup`, async (c) => {
        desk(c, c.params[0]!);
        return { status: 200, body: dto.page(c.view, GROUPS.map((g) => ({ ...g })), this.paging(c), c.url.pathname) };
      }),
      r('GET', `${API}/servicedesk/{id}/requesttype`, async (c) => this.requestTypes(c)),
      r('GET', `${API}/servicedesk/{id}/requesttype/{rt}`, async (c) => {
        desk(c, c.params[0]!);
        const rt = requestTypeOf(c, c.params[1]!);
        return { status: 200, body: dto.requestType(c.view, rt, expands(c.url).has('field')) };
      }),
      r('GET', `${API}/servicedesk/{id}/requesttype/{rt}/field`, async (c) => {
        desk(c, c.params[0]!);
        const rt = requestTypeOf(c, c.params[1]!);
        return { status: 200, body: dto.fieldMeta(rt.id) };
      }),
      r('POST', `${API}/servicedesk/{id}/attachTemporaryFile`, async (c) => this.upload(c)),
      r('POST', `${API}/request`, async (c) => this.create(c)),
      r('GET', `${API}/request`, async (c) => this.list(c)),
      r('GET', `${API}/request/{key}`, async (c) => {
        const req = visible(c, c.params[0]!);
        return { status: 200, body: dto.request(c.view, req, expands(c.url)) };
      }),
      r('GET', `${API}/request/{key}/comment`, async (c) => {
        const req = visible(c, c.params[0]!);
        const wantPublic = boolParam(c, 'public') ?? true;
        // Customers never see internal comments, whatever `internal` asks for.
        const list = wantPublic ? req.comments.filter((x) => x.public) : [];
        const ex = expands(c.url);
        return { status: 200, body: dto.page(c.view, list.map((x) => dto.comment(c.view, req, x, ex)), this.paging(c), c.url.pathname) };
      }),
      r('GET', `${API}/request/{key}/comment/{id}`, async (c) => {
        const req = visible(c, c.params[0]!);
        const found = req.comments.find((x) => x.id === c.params[1] && x.public);
        if (!found) throw new HttpError(404, c.t('sandbox.api.noComment', c.params[1]!), 'sandbox.error.comment.notFound');
        return { status: 200, body: dto.comment(c.view, req, found, expands(c.url)) };
      }),
      r('POST', `${API}/request/{key}/comment`, async (c) => this.addComment(c)),
      r('GET', `${API}/request/{key}/attachment`, async (c) => {
        const req = visible(c, c.params[0]!);
        return { status: 200, body: dto.page(c.view, req.attachments.map((a) => dto.attachment(c.view, req, a)), this.paging(c), c.url.pathname) };
      }),
      r('POST', `${API}/request/{key}/attachment`, async (c) => this.attach(c)),
      r('GET', `${API}/request/{key}/attachment/{id}`, async (c) => this.download(c)),
      r('GET', `${API}/request/{key}/transition`, async (c) => {
        const req = visible(c, c.params[0]!);
        return { status: 200, body: dto.page(c.view, offeredTransitions(req).map((t): CustomerTransitionDTO => ({ id: t.id, name: t.name })), this.paging(c), c.url.pathname) };
      }),
      r('POST', `${API}/request/{key}/transition`, async (c) => this.transition(c)),
      r('GET', `${API}/request/{key}/status`, async (c) => {
        const req = visible(c, c.params[0]!);
        return { status: 200, body: dto.page(c.view, [...req.history].reverse().map(dto.status), this.paging(c), c.url.pathname) };
      }),
      r('GET', `${API}/request/{key}/participant`, async (c) => {
        const req = visible(c, c.params[0]!);
        return { status: 200, body: dto.page(c.view, req.participants.map((p) => dto.user(c.view, p)), this.paging(c), c.url.pathname) };
      }),
      r('POST', `${API}/request/{key}/participant`, async (c) => this.participants(c, 'add')),
      r('DELETE', `${API}/request/{key}/participant`, async (c) => this.participants(c, 'remove')),
      r('GET', `/servicedesk/customer/portal/{portal}/{key}`, async (c) => this.webPage(c)),
      r('GET', `${API}/request/{key}/sla`, async (c) => {
        const req = visible(c, c.params[0]!);
        return { status: 200, body: dto.page(c.view, [dto.sla(c.view, req)], this.paging(c), c.url.pathname) };
      }),
    ];
  }

  private info(c: Call): SoftwareInfoDTO {
    return {
      version: '1001.0.0-SANDBOX',
      platformVersion: '1001.0.0-SANDBOX',
      buildDate: dto.date(Date.parse('2026-01-01T00:00:00Z')),
      buildChangeSet: 'support-sandbox',
      isLicensedForUse: true,
      _links: { self: `${c.view.url}${API}/info` },
    };
  }

  private paging(c: Call): PageQuery {
    const cap = this.setting(c.view.state, 'maxPageSize') ?? DEFAULT_MAX_PAGE_SIZE;
    const start = intParam(c, 'start') ?? 0;
    const limit = intParam(c, 'limit') ?? DEFAULT_MAX_PAGE_SIZE;
    // Like JSM, a limit above the server's maximum is silently capped (clients must follow
    // isLastPage), and out-of-range values are clamped rather than refused.
    return { start: Math.max(0, start), limit: Math.min(Math.max(1, limit), cap) };
  }

  private async requestTypes(c: Call): Promise<Reply> {
    desk(c, c.params[0]!);
    const search = c.url.searchParams.get('searchQuery')?.toLowerCase();
    const groupId = intParam(c, 'groupId');
    const withFields = expands(c.url).has('field');
    const list = REQUEST_TYPES.filter(
      (rt) =>
        (search === undefined || rt.name.toLowerCase().includes(search) || rt.description.toLowerCase().includes(search)) &&
        (groupId === undefined || rt.groupIds.includes(String(groupId))),
    ).map((rt) => dto.requestType(c.view, rt, withFields));
    return { status: 200, body: dto.page(c.view, list, this.paging(c), c.url.pathname) };
  }

  private async list(c: Call): Promise<Reply> {
    const q = c.url.searchParams;
    const ownership = q.getAll('requestOwnership').flatMap((v) => v.split(',')).filter(Boolean);
    const known = ['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS', 'ORGANIZATION', 'ALL_ORGANIZATIONS', 'APPROVER', 'ALL_REQUESTS'];
    for (const o of ownership) {
      if (!known.includes(o)) throw new HttpError(404, c.t('sandbox.api.badEnum', 'requestOwnership', o), 'sandbox.error.param');
    }
    const own = ownership.length === 0 ? ['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS', 'ALL_ORGANIZATIONS'] : ownership;
    const status = q.get('requestStatus') ?? 'ALL_REQUESTS';
    if (!['OPEN_REQUESTS', 'CLOSED_REQUESTS', 'ALL_REQUESTS'].includes(status)) {
      throw new HttpError(404, c.t('sandbox.api.badEnum', 'requestStatus', status), 'sandbox.error.param');
    }
    const deskId = intParam(c, 'serviceDeskId');
    const typeId = intParam(c, 'requestTypeId');
    if (typeId !== undefined && deskId === undefined) {
      throw new HttpError(404, c.t('sandbox.api.typeNeedsDesk'), 'sandbox.error.param');
    }
    if (deskId !== undefined && String(deskId) !== DESK.id) {
      throw new HttpError(404, c.t('sandbox.api.noDesk', String(deskId)), 'sandbox.error.servicedesk.notFound');
    }
    // Matches the summary, as JSM documents, and also the description: a client that is unsure
    // whether its create went through (timeout after sending) can find the request by a marker
    // it put in the description. `*` wildcards are accepted and ignored.
    const term = q.get('searchTerm')?.replace(/\*/g, '').trim().toLowerCase();
    const me = c.user.accountId;
    const all = own.includes('ALL_REQUESTS');
    const list = c.view.state.requests
      .filter((r) => {
        const mine = r.reporter === me;
        const part = r.participants.includes(me);
        if (!(all ? mine || part : (own.includes('OWNED_REQUESTS') && mine) || (own.includes('PARTICIPATED_REQUESTS') && part))) return false;
        const done = isDone(currentStatus(r).status);
        if (status === 'OPEN_REQUESTS' && done) return false;
        if (status === 'CLOSED_REQUESTS' && !done) return false;
        if (typeId !== undefined && r.requestTypeId !== String(typeId)) return false;
        if (term) {
          const text = `${String(r.fieldValues.summary ?? '')}\n${String(r.fieldValues.description ?? '')}`.toLowerCase();
          if (!text.includes(term)) return false;
        }
        return true;
      })
      .sort((a, b) => b.created - a.created || Number(b.issueId) - Number(a.issueId));
    const ex = expands(c.url);
    const values = list.map((r) => dto.request(c.view, r, ex));
    const keep: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(c.exchange.query)) if (k !== 'start' && k !== 'limit') keep[k] = v;
    return { status: 200, body: dto.page(c.view, values, this.paging(c), c.url.pathname, keep) };
  }

  private async create(c: Call): Promise<Reply> {
    const body = await jsonBody(c);
    if (!isObject(body)) throw new HttpError(400, c.t('sandbox.api.bodyNotObject'), 'sandbox.error.body');
    if (typeof body.serviceDeskId !== 'string') throw new HttpError(400, c.t('sandbox.api.mustBeString', 'serviceDeskId'), 'sandbox.error.field');
    if (typeof body.requestTypeId !== 'string') throw new HttpError(400, c.t('sandbox.api.mustBeString', 'requestTypeId'), 'sandbox.error.field');
    if (resolveDesk(body.serviceDeskId) === undefined) {
      throw new HttpError(400, c.t('sandbox.api.noDesk', body.serviceDeskId), 'sandbox.error.servicedesk.notFound');
    }
    const rt = REQUEST_TYPES.find((x) => x.id === body.requestTypeId);
    if (!rt) throw new HttpError(400, c.t('sandbox.api.noRequestType', body.requestTypeId), 'sandbox.error.requesttype.notFound');
    const values = body.requestFieldValues ?? {};
    if (!isObject(values)) throw new HttpError(400, c.t('sandbox.api.mustBeObject', 'requestFieldValues'), 'sandbox.error.field');
    const participants = body.requestParticipants ?? [];
    if (!Array.isArray(participants) || participants.some((p) => typeof p !== 'string')) {
      throw new HttpError(400, c.t('sandbox.api.mustBeStrings', 'requestParticipants'), 'sandbox.error.field');
    }
    const onBehalf = body.raiseOnBehalfOf;
    if (onBehalf !== undefined && typeof onBehalf !== 'string') {
      throw new HttpError(400, c.t('sandbox.api.mustBeString', 'raiseOnBehalfOf'), 'sandbox.error.field');
    }
    const me = c.user.accountId;
    const created = await this.cfg.store.transact((s) => {
      const now = this.now(s);
      settle(s, now);
      const userIds = new Set(s.users.map((u) => u.accountId));
      const unknownUsers = [...(participants as string[]), ...(onBehalf ? [onBehalf] : [])].filter((u) => !userIds.has(resolveUser(s, u) ?? ''));
      if (unknownUsers.length > 0) throw new HttpError(400, c.t('sandbox.api.noUsers', unknownUsers.join(', ')), 'sandbox.error.user');
      const fieldValues = checkFields(c, rt.id, values);
      const n = s.nextIssue++;
      const issueId = String(10_000 + n);
      const attachmentIds = (fieldValues.attachment as string[] | undefined) ?? [];
      const req: StoredRequest = {
        issueId,
        key: `${DESK.projectKey}-${n}`,
        serviceDeskId: DESK.id,
        requestTypeId: rt.id,
        reporter: onBehalf ? resolveUser(s, onBehalf)! : me,
        participants: [...new Set((participants as string[]).map((p) => resolveUser(s, p)!))],
        created: now,
        fieldValues,
        history: [{ status: INITIAL_STATUS.name, at: now }],
        comments: [],
        attachments: [],
        escalated: false,
      };
      if (attachmentIds.length > 0) {
        const moved = consumeTemporary(c, s, attachmentIds, me, now, DESK.id);
        req.attachments.push(...moved.map((m) => ({ ...m, id: String(s.nextId++) })));
        req.fieldValues.attachment = req.attachments.map((a) => a.id);
      }
      s.requests.push(req);
      return req;
    });
    const view = { ...c.view, now: created.created };
    view.state = await this.cfg.store.read();
    return { status: 201, body: dto.request(view, created, new Set()) };
  }

  private async addComment(c: Call): Promise<Reply> {
    const key = c.params[0]!;
    visible(c, key);
    const body = await jsonBody(c);
    if (!isObject(body)) throw new HttpError(400, c.t('sandbox.api.bodyNotObject'), 'sandbox.error.body');
    if (typeof body.body !== 'string' || body.body.trim() === '') {
      throw new HttpError(400, c.t('sandbox.api.commentEmpty'), 'sandbox.error.comment.body');
    }
    if (typeof body.public !== 'boolean') throw new HttpError(400, c.t('sandbox.api.publicMissing'), 'sandbox.error.comment.public');
    if (!body.public) throw new HttpError(400, c.t('sandbox.api.customerInternal'), 'sandbox.error.comment.internal');
    const text = body.body;
    const { req, comment, view } = await this.mutate(c, key, (s, r, now) => {
      const cm = { id: String(s.nextId++), body: text, public: true, author: c.user.accountId, created: now, attachmentIds: [] };
      r.comments.push(cm);
      applyMove(r, CUSTOMER_ACTIVITY, now);
      return cm;
    });
    return { status: 201, body: dto.comment(view, req, comment, new Set()) };
  }

  /** Runs `change` on the request `key` under the store lock; 404 when the caller cannot see it. */
  private async mutate<R>(
    c: Call,
    key: string,
    change: (s: SandboxState, r: StoredRequest, now: number) => R,
  ): Promise<{ req: StoredRequest; comment: R; view: View }> {
    let now = 0;
    const out = await this.cfg.store.transact((s) => {
      now = this.now(s);
      settle(s, now);
      const r = find(s, key);
      if (!r || !canSee(r, c.user)) throw notFoundRequest(c, key);
      return { req: r, comment: change(s, r, now), state: s };
    });
    return { req: out.req, comment: out.comment, view: { url: c.view.url, state: out.state, now } };
  }

  private async transition(c: Call): Promise<Reply> {
    const key = c.params[0]!;
    visible(c, key);
    const body = await jsonBody(c);
    if (!isObject(body) || typeof body.id !== 'string') throw new HttpError(400, c.t('sandbox.api.transitionId'), 'sandbox.error.transition');
    const comment = isObject(body.additionalComment) && typeof body.additionalComment.body === 'string' ? body.additionalComment.body : undefined;
    const id = body.id;
    await this.mutate(c, key, (s, r, now) => {
      const tr = offeredTransitions(r).find((x) => x.id === id);
      if (!tr) throw new HttpError(400, c.t('sandbox.api.transitionInvalid', id, r.key), 'sandbox.error.transition');
      if (comment && comment.trim() !== '') {
        r.comments.push({ id: String(s.nextId++), body: comment, public: true, author: c.user.accountId, created: now, attachmentIds: [] });
      }
      takeTransition(r, tr, now);
    });
    return { status: 204 };
  }

  /**
   * The platform user search as a lenient portal answers it to anyone signed in: users whose e-mail
   * or display name contains the query (case-insensitive), active ones only. Cloud's parameter is
   * `query`, Data Center's `username`; both reject a search without one (400).
   */
  private userSearch(c: Call, param: 'query' | 'username'): StoredUser[] {
    const q = (c.url.searchParams.get(param) ?? '').trim().toLowerCase();
    if (q === '') throw new HttpError(400, c.t('sandbox.api.mustBeString', param), 'sandbox.error.param');
    const max = Number(c.url.searchParams.get('maxResults') ?? '50');
    const users = c.view.state.users.filter((u) => u.email.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q));
    return users.slice(0, Number.isInteger(max) && max > 0 ? max : 50);
  }

  private async participants(c: Call, op: 'add' | 'remove'): Promise<Reply> {
    const key = c.params[0]!;
    visible(c, key);
    const body = await jsonBody(c);
    if (!isObject(body)) throw new HttpError(400, c.t('sandbox.api.bodyNotObject'), 'sandbox.error.body');
    const ids = [...asStrings(body.accountIds), ...asStrings(body.usernames)];
    if (ids.length === 0) throw new HttpError(400, c.t('sandbox.api.noAccountIds'), 'sandbox.error.participant');
    const { comment: changed, view } = await this.mutate(c, key, (s, r) => {
      const resolved = ids.map((id) => ({ id, accountId: resolveUser(s, id) }));
      const unknown = resolved.filter((x) => !x.accountId).map((x) => x.id);
      if (unknown.length > 0) throw new HttpError(400, c.t('sandbox.api.noUsers', unknown.join(', ')), 'sandbox.error.user');
      const accountIds = [...new Set(resolved.map((x) => x.accountId!))];
      if (op === 'add') {
        const added = accountIds.filter((a) => !r.participants.includes(a));
        r.participants.push(...added);
        return accountIds;
      }
      const missing = accountIds.filter((a) => !r.participants.includes(a));
      if (missing.length > 0) throw new HttpError(400, c.t('sandbox.api.notParticipant', missing.join(', ')), 'sandbox.error.participant');
      r.participants = r.participants.filter((a) => !accountIds.includes(a));
      return r.participants;
    });
    const users = changed.map((a) => dto.user(view, a));
    return { status: 200, body: dto.page(view, users, { start: 0, limit: DEFAULT_MAX_PAGE_SIZE }, `${API}/request/${key}/participant`) };
  }

  private async upload(c: Call): Promise<Reply> {
    const deskId = desk(c, c.params[0]!);
    if (String(c.req.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') {
      throw new HttpError(403, c.t('sandbox.api.xsrf'), 'sandbox.error.xsrf');
    }
    const boundary = boundaryOf(c.req.headers['content-type']);
    if (!boundary) throw new HttpError(400, c.t('sandbox.api.notMultipart'), 'sandbox.error.multipart');
    const limit = this.setting(c.view.state, 'attachmentLimit') ?? DEFAULT_ATTACHMENT_LIMIT;
    const parts: string[] = [];
    c.exchange.parts = parts;
    let files;
    try {
      files = await readMultipart(c.req, boundary, {
        maxFileSize: limit,
        maxFiles: MAX_FILES_PER_UPLOAD,
        partName: 'file',
        newPath: () => this.cfg.store.tempUploadPath(),
        onPart: (n) => parts.push(n),
      });
    } catch (err) {
      if (!(err instanceof MultipartError)) throw err;
      c.res.setHeader('Connection', 'close');
      switch (err.kind) {
        case 'tooLarge':
          throw new HttpError(400, c.t('sandbox.api.tooLarge', err.detail, limit), 'sandbox.error.attachment.size');
        case 'tooMany':
          throw new HttpError(413, c.t('sandbox.api.tooMany', MAX_FILES_PER_UPLOAD), 'sandbox.error.attachment.count');
        case 'badPartName':
          throw new HttpError(400, c.t('sandbox.api.badPartName', err.detail), 'sandbox.error.multipart');
        case 'noFiles':
          throw new HttpError(400, c.t('sandbox.api.noFiles'), 'sandbox.error.multipart');
        default:
          throw new HttpError(400, c.t('sandbox.api.malformedMultipart', err.detail), 'sandbox.error.multipart');
      }
    }
    const moved = await Promise.all(
      files.map(async (f) => {
        const blob = `t-${randomBytes(10).toString('hex')}`;
        await fsp.rename(f.path, this.cfg.store.blobPath(blob));
        return { ...f, blob };
      }),
    );
    let expired: string[] = [];
    const temps = await this.cfg.store.transact((s) => {
      const now = this.now(s);
      expired = s.temporary.filter((x) => now - x.created > TEMP_ATTACHMENT_TTL_MS).map((x) => x.blob);
      s.temporary = s.temporary.filter((x) => now - x.created <= TEMP_ATTACHMENT_TTL_MS);
      const added = moved.map((f) => ({
        id: `temp${BigInt('0x' + randomBytes(8).toString('hex')).toString().slice(0, 19)}`,
        fileName: path.basename(f.filename),
        mimeType: f.contentType.split(';')[0]!.trim() || 'application/octet-stream',
        size: f.size,
        created: now,
        uploader: c.user.accountId,
        serviceDeskId: deskId,
        blob: f.blob,
      }));
      s.temporary.push(...added);
      return added;
    });
    await Promise.all(expired.map((b) => fsp.rm(this.cfg.store.blobPath(b), { force: true })));
    return { status: 201, body: { temporaryAttachments: temps.map((x) => ({ temporaryAttachmentId: x.id, fileName: x.fileName })) } };
  }

  private async attach(c: Call): Promise<Reply> {
    const key = c.params[0]!;
    visible(c, key);
    const body = await jsonBody(c);
    if (!isObject(body)) throw new HttpError(400, c.t('sandbox.api.bodyNotObject'), 'sandbox.error.body');
    const ids = body.temporaryAttachmentIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string')) {
      throw new HttpError(400, c.t('sandbox.api.mustBeStrings', 'temporaryAttachmentIds'), 'sandbox.error.attachment');
    }
    if (typeof body.public !== 'boolean') throw new HttpError(400, c.t('sandbox.api.publicMissing'), 'sandbox.error.comment.public');
    if (!body.public) throw new HttpError(400, c.t('sandbox.api.customerInternal'), 'sandbox.error.comment.internal');
    const text = isObject(body.additionalComment) && typeof body.additionalComment.body === 'string' ? body.additionalComment.body : '';
    const { req, comment, view } = await this.mutate(c, key, (s, r, now) => {
      const moved = consumeTemporary(c, s, ids as string[], c.user.accountId, now, r.serviceDeskId);
      const added = moved.map((m) => ({ ...m, id: String(s.nextId++) }));
      r.attachments.push(...added);
      const cm = { id: String(s.nextId++), body: text, public: true, author: c.user.accountId, created: now, attachmentIds: added.map((a) => a.id) };
      r.comments.push(cm);
      applyMove(r, CUSTOMER_ACTIVITY, now);
      return { cm, added };
    });
    const atts = comment.added.map((a) => dto.attachment(view, req, a));
    return {
      status: 201,
      body: {
        attachments: dto.page(view, atts, { start: 0, limit: Math.max(atts.length, 1) }, `${API}/request/${key}/attachment`),
        comment: dto.comment(view, req, comment.cm, new Set(['attachment'])),
      },
    };
  }

  /**
   * The request's portal page (`_links.web`), so that `support view --web` leads somewhere: a plain
   * read-only page behind the same Basic auth (a browser asks for the e-mail and token).
   */
  private async webPage(c: Call): Promise<Reply> {
    if (c.params[0] !== DESK.portalId) throw new HttpError(404, c.t('sandbox.api.noDesk', c.params[0]!), 'sandbox.error.servicedesk.notFound');
    const r = visible(c, c.params[1]!);
    const v = c.view;
    const esc = (x: unknown) => String(x ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
    const cur = currentStatus(r);
    const fields = dto.request(v, r, new Set()).requestFieldValues ?? [];
    const show = (x: unknown): string =>
      Array.isArray(x) ? x.map(show).join(', ') : typeof x === 'object' && x !== null ? String((x as { value?: unknown; filename?: unknown }).value ?? (x as { filename?: unknown }).filename ?? '') : String(x);
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.key)} ${esc(r.fieldValues.summary)}</title></head><body>
<h1>${esc(r.key)}: ${esc(r.fieldValues.summary)}</h1>
<p><strong>${esc(cur.status)}</strong> (${esc(dto.date(cur.at).iso8601)})</p>
<dl>${fields.map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(show(f.value)).replace(/\n/g, '<br>')}</dd>`).join('')}</dl>
<h2>Comments</h2>${r.comments
      .filter((x) => x.public)
      .map((x) => `<section><p><em>${esc(dto.user(v, x.author).displayName)}, ${esc(dto.date(x.created).iso8601)}</em></p><p>${esc(x.body).replace(/\n/g, '<br>')}</p></section>`)
      .join('')}
</body></html>`;
    c.res.statusCode = 200;
    c.res.setHeader('Content-Type', 'text/html;charset=UTF-8');
    c.res.end(html);
    return { streamed: true };
  }

  private async download(c: Call): Promise<Reply> {
    const req = visible(c, c.params[0]!);
    const a = req.attachments.find((x) => x.id === c.params[1]);
    if (!a) throw new HttpError(404, c.t('sandbox.api.noAttachment', c.params[1]!), 'sandbox.error.attachment.notFound');
    const file = this.cfg.store.blobPath(a.blob);
    const st = await fsp.stat(file).catch(() => undefined);
    if (!st) throw new HttpError(404, c.t('sandbox.api.noAttachment', a.id), 'sandbox.error.attachment.notFound');
    c.res.statusCode = 200;
    c.res.setHeader('Content-Type', a.mimeType);
    c.res.setHeader('Content-Length', st.size);
    c.res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
    await pipeline(fs.createReadStream(file), c.res);
    return { streamed: true };
  }
}

// ---- helpers ----------------------------------------------------------------------------------

function headersOf(res: http.ServerResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.getHeaders())) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function myself(c: Call): MyselfDTO {
  return cloudUser(c, c.user);
}

/** A Cloud `/rest/api/3/user/search` entry (a customer's account), also what `myself` answers. */
function cloudUser(c: Call, u: StoredUser): MyselfDTO {
  return {
    self: `${c.view.url}/rest/api/3/user?accountId=${encodeURIComponent(u.accountId)}`,
    accountId: u.accountId,
    accountType: 'customer',
    emailAddress: u.email,
    displayName: u.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    locale: 'en_US',
  };
}

/** A Data Center `/rest/api/2/user/search` entry: the sandbox's username and key are the accountId. */
function dcUser(c: Call, u: StoredUser): Record<string, unknown> {
  return {
    self: `${c.view.url}/rest/api/2/user?username=${encodeURIComponent(u.accountId)}`,
    name: u.accountId,
    key: u.accountId,
    emailAddress: u.email,
    displayName: u.displayName,
    active: true,
    timeZone: 'Etc/UTC',
  };
}

/** A desk id in any of the forms JSM accepts: `1`, `SUP`, `projectKey:SUP`, `projectId:10000`, `serviceDeskId:1`. */
function resolveDesk(id: string): string | undefined {
  const forms = [DESK.id, DESK.projectKey, `projectKey:${DESK.projectKey}`, `projectId:${DESK.projectId}`, `serviceDeskId:${DESK.id}`];
  return forms.includes(id) ? DESK.id : undefined;
}

function desk(c: Call, id: string): string {
  const d = resolveDesk(id);
  if (!d) throw new HttpError(404, c.t('sandbox.api.noDesk', id), 'sandbox.error.servicedesk.notFound');
  return d;
}

function requestTypeOf(c: Call, id: string) {
  const rt = REQUEST_TYPES.find((x) => x.id === id);
  if (!rt) throw new HttpError(404, c.t('sandbox.api.noRequestType', id), 'sandbox.error.requesttype.notFound');
  return rt;
}

function find(s: SandboxState, key: string): StoredRequest | undefined {
  const k = key.toUpperCase();
  return s.requests.find((r) => r.key === k || r.issueId === key);
}

function canSee(r: StoredRequest, u: StoredUser): boolean {
  return r.reporter === u.accountId || r.participants.includes(u.accountId);
}

function notFoundRequest(c: Call, key: string): HttpError {
  // The same answer whether the request does not exist or belongs to someone else, as on JSM.
  return new HttpError(404, c.t('sandbox.api.noRequest', key), 'sandbox.error.request.notFound');
}

function visible(c: Call, key: string): StoredRequest {
  const r = find(c.view.state, key);
  if (!r || !canSee(r, c.user)) throw notFoundRequest(c, key);
  return r;
}

function resolveUser(s: SandboxState, idOrEmail: string): string | undefined {
  const low = idOrEmail.toLowerCase();
  return s.users.find((u) => u.accountId === idOrEmail || u.email.toLowerCase() === low)?.accountId;
}

function expands(url: URL): Set<string> {
  return new Set(url.searchParams.getAll('expand').flatMap((v) => v.split(',').map((x) => x.trim())).filter(Boolean));
}

/**
 * Jira's REST layer (Jersey) answers 404 when a query parameter cannot be read as its declared type,
 * and the spec declares no 400 on the list endpoints, so the sandbox does the same (with a message
 * that says which parameter).
 */
function badParam(c: Call, name: string): HttpError {
  return new HttpError(404, c.t('sandbox.api.badParam', name), 'sandbox.error.param');
}

function intParam(c: Call, name: string): number | undefined {
  const v = c.url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badParam(c, name);
  return Number(v);
}

function boolParam(c: Call, name: string): boolean | undefined {
  const v = c.url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (v !== 'true' && v !== 'false') throw badParam(c, name);
  return v === 'true';
}

async function jsonBody(c: Call): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of c.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new HttpError(413, c.t('sandbox.api.bodyTooLarge'), 'sandbox.error.body');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, c.t('sandbox.api.bodyMissing'), 'sandbox.error.body');
  try {
    const body = JSON.parse(text) as unknown;
    c.exchange.body = body;
    return body;
  } catch {
    throw new HttpError(400, c.t('sandbox.api.malformedJson'), 'sandbox.error.json');
  }
}

/** Takes the caller's unexpired temporary files for `deskId`, or throws 400 naming the bad ids. */
function consumeTemporary(c: Call, s: SandboxState, ids: readonly string[], uploader: string, now: number, deskId: string) {
  const bad = ids.filter((id) => {
    const t = s.temporary.find((x) => x.id === id);
    return !t || t.uploader !== uploader || t.serviceDeskId !== deskId || now - t.created > TEMP_ATTACHMENT_TTL_MS;
  });
  if (bad.length > 0) throw new HttpError(400, c.t('sandbox.api.badTemporary', bad.join(', ')), 'sandbox.error.attachment.temporary');
  const taken = ids.map((id) => s.temporary.find((x) => x.id === id)!);
  s.temporary = s.temporary.filter((x) => !ids.includes(x.id));
  return taken.map((t) => ({ filename: t.fileName, mimeType: t.mimeType, size: t.size, created: now, author: uploader, blob: t.blob }));
}

/** An option given as `{id}` or `{value}` (the Jira field input formats), matched against the field's options. */
function option(field: SeedField, v: unknown): { id: string; value: string } | undefined {
  if (!isObject(v)) return undefined;
  const opts = field.validValues ?? [];
  const o =
    typeof v.id === 'string' ? opts.find((x) => x.value === v.id) : typeof v.value === 'string' ? opts.find((x) => x.label === v.value) : undefined;
  return o ? { id: o.value, value: o.label } : undefined;
}

/**
 * Checks `requestFieldValues` against the request type like a portal does, naming every problem
 * at once, and returns them normalised for storage.
 */
function checkFields(c: Call, requestTypeId: string, values: Record<string, unknown>): Record<string, unknown> {
  const defs = fieldsOf(requestTypeId);
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(values)) {
    if (!defs.some((d) => d.field.fieldId === id)) problems.push(c.t('sandbox.api.fieldNotOnType', id));
  }
  for (const { field, required } of defs) {
    const v = values[field.fieldId];
    const empty = v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
    if (empty) {
      if (required) problems.push(c.t('sandbox.api.fieldRequired', field.name, field.fieldId));
      continue;
    }
    const schema = field.jiraSchema;
    if (field.fieldId === 'attachment') {
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) problems.push(c.t('sandbox.api.fieldAttachment', field.name));
      else out.attachment = v;
    } else if (schema.type === 'string') {
      if (typeof v !== 'string') problems.push(c.t('sandbox.api.fieldString', field.name, field.fieldId));
      else if (field.fieldId === 'summary' && v.length > 255) problems.push(c.t('sandbox.api.summaryTooLong'));
      else if (schema.custom?.endsWith(':url') && !/^https?:\/\/[^\s/]+/i.test(v)) problems.push(c.t('sandbox.api.fieldUrl', field.name));
      else out[field.fieldId] = v;
    } else if (schema.type === 'option') {
      const o = option(field, v);
      if (!o) problems.push(c.t('sandbox.api.fieldOption', field.name, (field.validValues ?? []).map((x) => x.label).join(', ')));
      else out[field.fieldId] = o;
    } else if (schema.type === 'array' && schema.items === 'option') {
      const list = Array.isArray(v) ? v.map((x) => option(field, x)) : [undefined];
      if (list.some((x) => !x)) problems.push(c.t('sandbox.api.fieldOption', field.name, (field.validValues ?? []).map((x) => x.label).join(', ')));
      else out[field.fieldId] = list;
    }
  }
  if (problems.length > 0) {
    throw new HttpError(400, c.t('sandbox.api.createInvalid', problems.join(' ')), 'sandbox.error.request.invalid');
  }
  return out;
}
