/**
 * The transport under the JSM client: one dispatcher (`dispatcher.ts`: proxy from the given environment,
 * private CAs, connect and read timeouts), retries as `retry.ts` decides, classification of
 * answers into {@link PortalError}, and a `--debug` trace that never shows a secret.
 */
import type { Readable } from 'node:stream';
import type { Clock } from '../lib/clock.js';
import { skewFromDateHeader } from '../lib/time-format.js';
import { CancelledError } from '../lib/errors.js';
import { buildDispatcher, type Dispatcher, type DispatchResponse, type NetworkOptions } from './dispatcher.js';
import { CaFileError, PortalError, transportCode, transportCodeOf, type HtmlPageKind, type PortalErrorKind, type PortalFieldError } from './errors.js';
import { DEFAULT_RETRY_POLICY, nextAttempt, parseRateLimitReset, parseRetryAfter, type RetryPolicy } from './retry.js';
import { withoutPassword } from './url.js';

export { buildDispatcher, type Dispatcher, type NetworkOptions } from './dispatcher.js';

/** How to call: credentials, identity, tracing, retries. */
export interface TransportOptions extends NetworkOptions {
  /** The portal's base URL (no trailing slash, may carry a context path such as `/jira`). */
  baseUrl: string;
  /** The full `Authorization` header value, or undefined for anonymous calls. */
  authorization?: string;
  /** Extra secrets to mask in traces (tokens, e-mail:token pairs). The authorization is always masked. */
  secrets?: readonly string[];
  userAgent: string;
  /**
   * The user's language as an `Accept-Language` tag (`ja-JP`, `en-US`): JSM translates status names,
   * request type and field labels and its error messages into it where the portal has translations.
   */
  language?: string;
  clock: Clock;
  retry?: Partial<RetryPolicy>;
  /** One line per event of the `--debug` trace (already masked). */
  debug?: (line: string) => void;
  /** What the user should hear about even without `--debug` (a rate-limit wait, a list cut short). */
  onNotice?: (notice: PortalNotice) => void;
  /** Aborts the call in flight (Ctrl-C). */
  signal?: AbortSignal;
  /** Use this dispatcher instead of building one (tests share one across clients). */
  dispatcher?: Dispatcher;
}

/**
 * Something the client did on its own that the user should know about: waiting out a rate limit
 * before sending a call again, or stopping a list whose pages do not add up (a server or proxy that
 * ignores `start`, repeats a page, or never ends).
 */
export type PortalNotice =
  | { kind: 'rate-limited'; method: string; url: string; waitMs: number; attempt: number; maxAttempts: number }
  | { kind: 'paging-stopped'; url: string; reason: PagingStop; items: number };

/** Why a list was cut short. */
export type PagingStop = 'start-ignored' | 'repeated-page' | 'not-advancing' | 'too-many';

/** One HTTP call. */
export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path after the base URL, starting with `/`. */
  path: string;
  query?: Record<string, string | number | boolean | readonly (string | number)[] | undefined>;
  headers?: Record<string, string>;
  /** A JSON body (serialised here). */
  json?: unknown;
  /**
   * A streamed body, built afresh for each attempt and handed to the dispatcher as is: its chunks
   * may be buffers that are reused once the socket has taken them (see `multipart.ts`).
   */
  stream?: () => { body: AsyncIterable<Uint8Array>; length: number; contentType: string };
  /**
   * Whether sending the call twice does no harm (GETs, validation, temporary uploads). A call that
   * is not (a create, a comment) is sent again only when it certainly was not processed.
   */
  idempotent: boolean;
  /** Statuses that are answers, not errors (e.g. 404 for an optional endpoint). */
  accept?: readonly number[];
}

/** An answer whose body is still to be read (see {@link HttpTransport.stream}). */
export interface StreamAnswer {
  status: number;
  headers: Record<string, string>;
  body: Readable & { dump(): Promise<void> };
}

/** An answer with its body read as text. */
export interface HttpAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/** Replaces every secret in `text` with `****`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (s.length >= 4) out = out.split(s).join('****');
  }
  return out;
}

const SERVICEDESK_API = '/rest/servicedeskapi/';

const SAFE_HEADERS = new Set(['ratelimit-reason', 'content-type', 'content-length', 'accept', 'accept-language', 'user-agent', 'x-atlassian-token', 'retry-after', 'x-seraph-loginreason', 'location', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-aaccountid']);

/** Performs calls against one portal; owns its dispatcher unless one was given. */
export class HttpTransport {
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly policy: RetryPolicy;
  private readonly secrets: string[];
  readonly baseUrl: string;
  /** How far the portal's clock is ahead of ours, from the `Date` header of its latest answer (0 when close). */
  clockSkewMs = 0;

  constructor(private readonly opts: TransportOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.dispatcher = opts.dispatcher ?? buildDispatcher(opts);
    this.ownsDispatcher = opts.dispatcher === undefined;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    const auth = opts.authorization;
    this.secrets = [...(opts.secrets ?? []), ...(auth ? [auth, auth.replace(/^\S+\s+/, '')] : [])]
      // Longest first, so that a token inside a longer secret does not leave the rest visible.
      .sort((a, b) => b.length - a.length);
  }

  /** Closes connections (and the proxy agents). */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  private trace(line: string): void {
    this.opts.debug?.(maskSecrets(line, this.secrets));
  }

  /** Tells the user (through `onNotice`) about something the client did on its own. */
  notice(n: PortalNotice): void {
    this.opts.onNotice?.(n);
  }

  /** The absolute URL of a call (query included). */
  url(path: string, query?: HttpCall['query']): string {
    const u = new URL(this.baseUrl + path);
    // JSM translates request type names, statuses and messages into `requestLanguage` (the
    // Accept-Language header is sent too, for the platform API and for proxies that drop queries).
    if (this.opts.language && path.startsWith(SERVICEDESK_API)) u.searchParams.set('requestLanguage', this.opts.language);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      for (const item of Array.isArray(v) ? v : [v]) u.searchParams.append(k, String(item));
    }
    return u.toString();
  }

  /**
   * Sends a call and returns a 2xx (or accepted) answer; anything else becomes a
   * {@link PortalError}. Failed attempts are sent again as the retry policy says (`nextAttempt`):
   * an idempotent call after any transient failure, a write only when it certainly was not
   * processed. One call is sent at most `maxAttempts` times.
   */
  async send(call: HttpCall): Promise<HttpAnswer> {
    const url = this.url(call.path, call.query);
    return this.retrying(call, (note) => this.attempt(call, url, note));
  }

  /** Runs `attempt` until it succeeds or the retry policy gives up (at most `maxAttempts` times). */
  private async retrying<R>(call: Pick<HttpCall, 'method' | 'idempotent'>, attempt: (note: string) => Promise<R>): Promise<R> {
    const max = Math.max(1, this.policy.maxAttempts);
    for (let n = 1; ; n++) {
      try {
        return await attempt(n > 1 ? ` (attempt ${n}/${max})` : '');
      } catch (err) {
        if (!(err instanceof PortalError)) throw err;
        const next = nextAttempt(err, n, this.policy, call.idempotent);
        if ('giveUp' in next) {
          if (next.giveUp === 'retry-after') this.trace(`no retry: Retry-After ${err.retryAfterMs} ms is longer than ${this.policy.maxRetryAfterMs} ms`);
          throw err;
        }
        const after = err.retryAfterMs !== undefined ? ' (Retry-After)' : '';
        this.trace(`retry ${n + 1}/${max} in ${next.waitMs} ms after ${err.status ?? err.code ?? err.kind}${after}`);
        if (err.status === 429) this.notice({ kind: 'rate-limited', method: call.method, url: err.url, waitMs: next.waitMs, attempt: n + 1, maxAttempts: max });
        await this.opts.clock.sleep(next.waitMs, this.opts.signal).catch((e: unknown) => {
          throw this.opts.signal?.aborted ? new CancelledError({ cause: e }) : e;
        });
      }
    }
  }

  /**
   * A GET whose body is streamed rather than read (a download): the status, headers and body of a
   * 2xx or 3xx answer (a redirect is returned, never followed here); anything else is a
   * {@link PortalError} as for {@link send}, and failures before the answer are retried as for any
   * GET. `url` is absolute and may be on another host: the Authorization header goes with it only
   * when `authorized`, and the trace shows it without its query (a media host's ticket).
   */
  async stream(url: string, authorized: boolean): Promise<StreamAnswer> {
    const u = new URL(url);
    const bareUrl = `${u.protocol}//${u.host}${u.pathname}`;
    return this.retrying({ method: 'GET', idempotent: true }, async (note) => {
      const headers: Record<string, string> = {
        accept: '*/*',
        'user-agent': this.opts.userAgent,
        ...(this.opts.language ? { 'accept-language': this.opts.language } : {}),
        ...(authorized && this.opts.authorization ? { authorization: this.opts.authorization } : {}),
      };
      this.trace(`> GET ${bareUrl}${u.search ? '?…' : ''}${note}${authorized ? '' : ' (no credentials)'}`);
      const started = this.opts.clock.now();
      let res: DispatchResponse;
      try {
        res = await this.dispatcher.request(url, { method: 'GET', headers, ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
      } catch (err) {
        throw this.noAnswer(err, 'GET', bareUrl, started);
      }
      const h = flatHeaders(res.headers);
      this.trace(`< ${res.statusCode} (${this.opts.clock.now() - started} ms)`);
      for (const [k, v] of Object.entries(h)) if (SAFE_HEADERS.has(k) && k !== 'location') this.trace(`< ${k}: ${v}`);
      const login = h['x-seraph-loginreason'];
      const failed = login !== undefined && /AUTHENTICATED_FAILED|AUTHENTICATION_DENIED/i.test(login);
      if (!failed && res.statusCode >= 200 && res.statusCode < 400) return { status: res.statusCode, headers: h, body: res.body };
      const answer: HttpAnswer = { status: res.statusCode, headers: h, text: await res.body.text().catch(() => '') };
      if (failed) throw new PortalError({ kind: 'auth', status: answer.status, loginReason: login, method: 'GET', url: bareUrl, ...portalMessages(answer) });
      const now = this.opts.clock.now();
      throw errorFromAnswer('GET', bareUrl, answer, parseRetryAfter(h['retry-after'], now) ?? parseRateLimitReset(h['x-ratelimit-reset'], now));
    });
  }

  /**
   * What a call that got no answer (or lost it midway) throws: a cancellation when Ctrl-C (or
   * SIGTERM, SIGHUP) stopped it, never a network failure; a CA file that could not be read at the
   * first https connection as what it is; else the PortalError of its transport code, traced.
   */
  private noAnswer(err: unknown, method: string, bareUrl: string, started: number): Error {
    if (this.opts.signal?.aborted) return new CancelledError({ cause: err });
    if (err instanceof CaFileError) return err;
    const code = transportCodeOf(err);
    const { kind, mayHaveBeenSent } = transportCode(code);
    this.trace(`< ${code ?? kind} after ${this.opts.clock.now() - started} ms: ${err instanceof Error ? err.message : String(err)}`);
    // A GET changes nothing; a write that left may have reached the server unless the connection never opened.
    return new PortalError({ kind, code, method, url: bareUrl, cause: err, mayHaveBeenSent: method !== 'GET' && mayHaveBeenSent });
  }

  /** One attempt: the answer when it is a success (or accepted), else the classified PortalError. */
  private async attempt(call: HttpCall, url: string, note: string): Promise<HttpAnswer> {
    const bareUrl = url.split('?')[0]!;
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.opts.userAgent,
      ...(this.opts.language ? { 'accept-language': this.opts.language } : {}),
      ...(this.opts.authorization ? { authorization: this.opts.authorization } : {}),
      ...call.headers,
    };
    let body: string | AsyncIterable<Uint8Array> | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    } else if (call.stream) {
      const s = call.stream();
      // Straight to the dispatcher (it takes an async iterable): a `Readable.from` wrapper cost
      // ~0.25 s of CPU per GiB (bench/README.md, "Attach") and would read ahead of the socket, which
      // the multipart body's reused buffers do not allow.
      body = s.body;
      headers['content-type'] = s.contentType;
      headers['content-length'] = String(s.length);
    }
    this.trace(`> ${call.method} ${url}${note}`);
    for (const [k, v] of Object.entries(headers)) this.trace(`> ${k}: ${k === 'authorization' ? v.replace(/^(\S+)\s.*$/, '$1 ****') : v}`);
    if (typeof body === 'string' && this.opts.debug) this.trace(`> ${truncate(body)}`);
    const started = this.opts.clock.now();
    let answer: HttpAnswer;
    try {
      const res = await this.dispatcher.request(url, { method: call.method, headers, ...(body !== undefined ? { body } : {}), ...(this.opts.signal ? { signal: this.opts.signal } : {}) });
      const text = await res.body.text();
      // Node's agent gives the connection back to its pool a tick after the body ends: a call made
      // at once (attach asks two together right after the request) would open a new connection
      // instead of reusing this one.
      await new Promise((resolve) => setImmediate(resolve));
      answer = { status: res.statusCode, headers: flatHeaders(res.headers), text };
    } catch (err) {
      throw this.noAnswer(err, call.method, bareUrl, started);
    }
    this.trace(`< ${answer.status} (${this.opts.clock.now() - started} ms, ${answer.text.length} bytes)`);
    if (answer.headers.date) this.clockSkewMs = skewFromDateHeader(answer.headers.date, this.opts.clock.now());
    for (const [k, v] of Object.entries(answer.headers)) if (SAFE_HEADERS.has(k)) this.trace(`< ${k}: ${v}`);
    if (this.opts.debug && answer.text) this.trace(`< ${truncate(answer.text)}`);

    const login = answer.headers['x-seraph-loginreason'];
    if (login && /AUTHENTICATED_FAILED|AUTHENTICATION_DENIED/i.test(login)) {
      throw new PortalError({ kind: 'auth', status: answer.status, loginReason: login, method: call.method, url: bareUrl, ...portalMessages(answer) });
    }
    if ((answer.status >= 200 && answer.status < 300) || call.accept?.includes(answer.status)) return answer;
    const now = this.opts.clock.now();
    throw errorFromAnswer(call.method, bareUrl, answer, parseRetryAfter(answer.headers['retry-after'], now) ?? parseRateLimitReset(answer.headers['x-ratelimit-reset'], now));
  }
}

function truncate(s: string, max = 2000): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max)}… (${s.length} chars)` : one;
}

function flatHeaders(h: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function isHtml(a: HttpAnswer): boolean {
  return /text\/html|application\/xhtml/i.test(a.headers['content-type'] ?? '') || /^\s*<(!doctype html|html)/i.test(a.text);
}

/** Which HTML page a 403 is: JSM without a licence says so; anything else came from in between. */
function htmlKind(text: string): HtmlPageKind {
  return /licen[cs]e|service ?management|servicedesk|service desk/i.test(text) ? 'unlicensed' : 'proxy';
}

/** The portal's messages from a JSM (`errorMessage`) or platform (`errorMessages`, `errors`) body. */
function portalMessages(a: HttpAnswer): { messages?: string[]; fieldErrors?: PortalFieldError[] } {
  if (!a.text || isHtml(a)) return {};
  let body: unknown;
  try {
    body = JSON.parse(a.text);
  } catch {
    const line = a.text.trim().split('\n')[0]!.slice(0, 300);
    return line ? { messages: [line] } : {};
  }
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const messages: string[] = [];
  if (typeof b.errorMessage === 'string' && b.errorMessage) messages.push(b.errorMessage);
  if (Array.isArray(b.errorMessages)) for (const m of b.errorMessages) if (typeof m === 'string' && !messages.includes(m)) messages.push(m);
  if (typeof b.message === 'string' && messages.length === 0) messages.push(b.message);
  const fieldErrors: PortalFieldError[] = [];
  if (Array.isArray(b.fieldErrors)) {
    for (const f of b.fieldErrors as { field?: unknown; message?: unknown }[]) {
      if (f && typeof f.message === 'string') fieldErrors.push({ field: typeof f.field === 'string' ? f.field : '?', message: f.message });
    }
  }
  if (b.errors && typeof b.errors === 'object') {
    for (const [field, message] of Object.entries(b.errors as Record<string, unknown>)) {
      if (typeof message === 'string') fieldErrors.push({ field, message });
    }
  }
  return { messages, fieldErrors };
}

/** Turns a non-success answer into the matching {@link PortalError}. */
export function errorFromAnswer(method: string, url: string, a: HttpAnswer, retryAfterMs?: number): PortalError {
  const s = a.status;
  let kind: PortalErrorKind;
  if (s === 401) kind = 'auth';
  else if (s === 403) kind = 'permission';
  else if (s === 404) kind = 'not-found';
  else if (s === 429) kind = 'rate-limited';
  else if (s >= 400 && s < 500) kind = 'validation';
  else kind = 'server';
  const html = s === 403 && isHtml(a) ? htmlKind(a.text) : undefined;
  const said = portalMessages(a);
  // Only a clean refusal proves a write was not processed: 429, or a 4xx that says why (the
  // portal's error body, or the page of a proxy or an unlicensed portal). A 5xx, a gateway that
  // gave up, or a 4xx with nothing to say may come after the portal did the work.
  const refused = s === 429 || (s >= 400 && s < 500 && (html !== undefined || (said.messages?.length ?? 0) + (said.fieldErrors?.length ?? 0) > 0));
  const mayHaveBeenSent = method !== 'GET' && !refused;
  const redirectTo = s >= 300 && s < 400 && a.headers.location ? redirectTarget(a.headers.location, url) : undefined;
  return new PortalError({ kind, status: s, method, url, html, retryAfterMs, mayHaveBeenSent, redirectTo, ...said });
}

/** Where a redirect points, resolved against the request: scheme, host and path only (a query may carry a ticket). */
function redirectTarget(location: string, from: string): string {
  try {
    const u = new URL(location, from);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return withoutPassword(location.replace(/[?#].*$/s, ''));
  }
}
