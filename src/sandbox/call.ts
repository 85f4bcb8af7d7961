/**
 * One call as the routes see it (the request, the caller, the state it was answered from) and the
 * helpers every route shares: query parameters, paging, finding the desk, request type or request
 * the caller may see, and changing a request under the store lock.
 */
import type http from 'node:http';
import type { T } from '../i18n/index.js';
import type { SandboxCatalog, SeedRequestType } from './catalog.js';
import type { PageQuery, SandboxFlavor, View } from './dto.js';
import { HttpError, readJsonBody, type Exchange } from './http.js';
import { usernameOf, type SandboxState, type StoredRequest, type StoredUser, type Store } from './store.js';
import { seesThroughOrganization } from './org-seed.js';
import { settle } from './workflow.js';

export const DEFAULT_MAX_PAGE_SIZE = 50;
export const DEFAULT_ATTACHMENT_LIMIT = 100 * 1024 * 1024;

/** What the routes need of the running server. */
export interface SandboxContext {
  store: Store;
  /** Sandbox time in `state`: the host clock plus the data folder's offset. */
  now(state: SandboxState): number;
  /** A start option, or else the data folder's setting. */
  setting(state: SandboxState, key: ServedSetting): number | undefined;
  /** The desk, request types and fields this server serves. */
  catalog: SandboxCatalog;
  flavor: SandboxFlavor;
  /** Answer every page from the start, whatever `start` asks for (a proxy that drops it). */
  ignorePagingStart: boolean;
}

/** The data folder's settings that a start option overrides request by request. */
export type ServedSetting = 'maxPageSize' | 'attachmentLimit' | 'rateLimitPerMinute' | 'rateLimitWritesPerMinute';

export interface Call {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  url: URL;
  /** The path parameters, decoded, in order. */
  params: string[];
  t: T;
  view: View;
  /** The authenticated customer (absent only on anonymous routes). */
  user: StoredUser;
  exchange: Exchange;
  sandbox: SandboxContext;
}

/** What a handler answers: JSON, nothing (204), or an answer the handler already wrote itself. */
export type Reply = { status: number; body?: unknown } | { streamed: true };

export type Handler = (c: Call) => Promise<Reply>;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The call's JSON body, which must be an object (400 otherwise). */
export async function objectBody(c: Call): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c.req, c.exchange, c.t);
  if (!isObject(body)) throw new HttpError(400, c.t('sandbox.api.bodyNotObject'), 'sandbox.error.body');
  return body;
}

/** The values of every `expand` parameter, comma-separated or repeated. */
export function expands(url: URL): Set<string> {
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

export function intParam(c: Call, name: string): number | undefined {
  const v = c.url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badParam(c, name);
  return Number(v);
}

export function boolParam(c: Call, name: string): boolean | undefined {
  const v = c.url.searchParams.get(name);
  if (v === null || v === '') return undefined;
  if (v !== 'true' && v !== 'false') throw badParam(c, name);
  return v === 'true';
}

export function paging(c: Call): PageQuery {
  const cap = c.sandbox.setting(c.view.state, 'maxPageSize') ?? DEFAULT_MAX_PAGE_SIZE;
  const start = c.sandbox.ignorePagingStart ? 0 : (intParam(c, 'start') ?? 0);
  const limit = intParam(c, 'limit') ?? DEFAULT_MAX_PAGE_SIZE;
  // Like JSM, a limit above the server's maximum is silently capped (clients must follow
  // isLastPage), and out-of-range values are clamped rather than refused.
  return { start: Math.max(0, start), limit: Math.min(Math.max(1, limit), cap) };
}

/** A desk id in any of the forms JSM accepts: `1`, `SUP`, `projectKey:SUP`, `projectId:10000`, `serviceDeskId:1`. */
export function resolveDesk(catalog: SandboxCatalog, id: string): string | undefined {
  const d = catalog.desk;
  const forms = [d.id, d.projectKey, `projectKey:${d.projectKey}`, `projectId:${d.projectId}`, `serviceDeskId:${d.id}`];
  return forms.includes(id) ? d.id : undefined;
}

/** The desk `id` names, or 404. */
export function desk(c: Call, id: string): string {
  const d = resolveDesk(c.view.catalog, id);
  if (!d) throw new HttpError(404, c.t('sandbox.api.noDesk', id), 'sandbox.error.servicedesk.notFound');
  return d;
}

/** The request type `id`, or 404. */
export function requestTypeOf(c: Call, id: string): SeedRequestType {
  const rt = c.view.catalog.requestType(id);
  if (!rt) throw new HttpError(404, c.t('sandbox.api.noRequestType', id), 'sandbox.error.requesttype.notFound');
  return rt;
}

/**
 * The accountId of a customer named as the flavor's API names people: by accountId on Cloud, by
 * username on Data Center (whose usernames are case-insensitive). Either also takes an e-mail
 * address, as the sandbox always has.
 */
export function resolveUser(s: SandboxState, flavor: SandboxFlavor, ref: string): string | undefined {
  const low = ref.toLowerCase();
  const named = (u: StoredUser) => (flavor === 'dc' ? usernameOf(u).toLowerCase() === low : u.accountId === ref);
  return s.users.find((u) => named(u) || u.email.toLowerCase() === low)?.accountId;
}

/** A JSON id given as a string or a whole number (Jira reads both), as a string. */
export function idString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return undefined;
}

/** Whether the customer was asked to approve the request (approvers see it, as on JSM). */
export function isApprover(r: StoredRequest, accountId: string): boolean {
  return (r.approvals ?? []).some((a) => a.approvers.some((x) => x.accountId === accountId));
}

/** A request by key (any case) or issue id, if the user may see it: reporter, participant, approver, or member of an organization it is shared with. */
function findVisible(s: SandboxState, catalog: SandboxCatalog, key: string, user: StoredUser): StoredRequest | undefined {
  const k = key.toUpperCase();
  const r = s.requests.find((x) => x.key === k || x.issueId === key);
  return r && (r.reporter === user.accountId || r.participants.includes(user.accountId) || isApprover(r, user.accountId) || seesThroughOrganization(catalog, r, user.accountId)) ? r : undefined;
}

function notFoundRequest(c: Call, key: string): HttpError {
  // The same answer whether the request does not exist or belongs to someone else, as on JSM.
  return new HttpError(404, c.t('sandbox.api.noRequest', key), 'sandbox.error.request.notFound');
}

/** The request `key` as the caller may see it, or 404. */
export function visible(c: Call, key: string): StoredRequest {
  const r = findVisible(c.view.state, c.view.catalog, key, c.user);
  if (!r) throw notFoundRequest(c, key);
  return r;
}

/**
 * Runs `change` on the request `key` under the store lock (404 when the caller cannot see it) and
 * returns the changed request, what `change` returned, and a view of the saved state.
 */
export async function changeRequest<R>(
  c: Call,
  key: string,
  change: (s: SandboxState, r: StoredRequest, now: number) => R,
): Promise<{ req: StoredRequest; result: R; view: View }> {
  let now = 0;
  const out = await c.sandbox.store.transact((s) => {
    now = c.sandbox.now(s);
    settle(s, now);
    const r = findVisible(s, c.view.catalog, key, c.user);
    if (!r) throw notFoundRequest(c, key);
    return { req: r, result: change(s, r, now), state: s };
  });
  return { req: out.req, result: out.result, view: { ...c.view, state: out.state, now } };
}
