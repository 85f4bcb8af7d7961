/**
 * The HTTP plumbing of the sandbox server: what one exchange records, error answers in JSM's two
 * shapes, reading a JSON body with a size cap, and writing a JSON answer.
 */
import type http from 'node:http';
import type { T } from '../i18n/index.js';

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

/** An answer that is not a success, with the i18n key JSM puts in its error body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly i18nKey: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const MAX_JSON_BODY = 1024 * 1024;

/** The language of the answer: `requestLanguage`, else Accept-Language; Japanese or English. */
export function langOf(req: http.IncomingMessage, url: URL): 'en' | 'ja' {
  const wanted = url.searchParams.get('requestLanguage') ?? req.headers['accept-language'] ?? '';
  return /^ja\b/i.test(wanted.trim()) ? 'ja' : 'en';
}

/** The record of a request as it arrived; the answer is filled in when it is sent. */
export function exchangeOf(req: http.IncomingMessage, url: URL): Exchange {
  const query: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { method: req.method ?? 'GET', path: url.pathname, query, headers, status: 0, responseHeaders: {} };
}

/**
 * The error body: the platform API (`/rest/api/...`) answers `{errorMessages, errors}`, the
 * servicedesk API `{errorMessage, i18nErrorMessage}`.
 */
export function errorBody(path: string, message: string, i18nKey?: string): unknown {
  if (path.startsWith('/rest/api/')) return { errorMessages: [message], errors: {} };
  return i18nKey === undefined ? { errorMessage: message } : { errorMessage: message, i18nErrorMessage: { i18nKey, parameters: [] } };
}

/** The response headers as sent, lower-case names. */
export function headersOf(res: http.ServerResponse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.getHeaders())) if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** Sends `body` as JSON (nothing for 204), completing the exchange record and handing it to `record`. */
export function sendJson(res: http.ServerResponse, exchange: Exchange, status: number, body: unknown, record?: (x: Exchange) => void): void {
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
  record?.(exchange);
  res.end(text);
}

/** Reads a JSON body of at most 1 MiB and records it in the exchange; 400/413 otherwise. */
export async function readJsonBody(req: http.IncomingMessage, exchange: Exchange, t: T): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new HttpError(413, t('sandbox.api.bodyTooLarge'), 'sandbox.error.body');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError(400, t('sandbox.api.bodyMissing'), 'sandbox.error.body');
  try {
    const body = JSON.parse(text) as unknown;
    exchange.body = body;
    return body;
  } catch {
    throw new HttpError(400, t('sandbox.api.malformedJson'), 'sandbox.error.json');
  }
}
