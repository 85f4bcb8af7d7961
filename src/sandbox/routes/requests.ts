/** Customer requests: create (validated against the request type's fields), list with filters, one by key, its status history and SLA. */
import { expands, intParam, isObject, objectBody, paging, resolveDesk, resolveUser, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { checkFields } from '../fields.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import { DESK, REQUEST_TYPES } from '../seed.js';
import type { StoredRequest } from '../store.js';
import { consumeTemporary } from '../temporary.js';
import { INITIAL_STATUS, currentStatus, isDone, settle } from '../workflow.js';

const OWNERSHIPS = ['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS', 'ORGANIZATION', 'ALL_ORGANIZATIONS', 'APPROVER', 'ALL_REQUESTS'];
const DEFAULT_OWNERSHIP = ['OWNED_REQUESTS', 'PARTICIPATED_REQUESTS', 'ALL_ORGANIZATIONS'];
const REQUEST_STATUSES = ['OPEN_REQUESTS', 'CLOSED_REQUESTS', 'ALL_REQUESTS'];

async function list(c: Call): Promise<Reply> {
  const q = c.url.searchParams;
  const ownership = q.getAll('requestOwnership').flatMap((v) => v.split(',')).filter(Boolean);
  for (const o of ownership) {
    if (!OWNERSHIPS.includes(o)) throw new HttpError(404, c.t('sandbox.api.badEnum', 'requestOwnership', o), 'sandbox.error.param');
  }
  const own = ownership.length === 0 ? DEFAULT_OWNERSHIP : ownership;
  const status = q.get('requestStatus') ?? 'ALL_REQUESTS';
  if (!REQUEST_STATUSES.includes(status)) {
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
  const found = c.view.state.requests
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
  const values = found.map((r) => dto.request(c.view, r, ex));
  const keep: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(c.exchange.query)) if (k !== 'start' && k !== 'limit') keep[k] = v;
  return { status: 200, body: dto.page(c.view, values, paging(c), c.url.pathname, keep) };
}

async function create(c: Call): Promise<Reply> {
  const body = await objectBody(c);
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
  const created = await c.sandbox.store.transact((s) => {
    const now = c.sandbox.now(s);
    settle(s, now);
    const userIds = new Set(s.users.map((u) => u.accountId));
    const unknownUsers = [...(participants as string[]), ...(onBehalf ? [onBehalf] : [])].filter((u) => !userIds.has(resolveUser(s, u) ?? ''));
    if (unknownUsers.length > 0) throw new HttpError(400, c.t('sandbox.api.noUsers', unknownUsers.join(', ')), 'sandbox.error.user');
    const fieldValues = checkFields(c.t, c.view.fields, rt.id, values);
    const n = s.nextIssue++;
    const attachmentIds = (fieldValues.attachment as string[] | undefined) ?? [];
    const req: StoredRequest = {
      issueId: String(10_000 + n),
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
      const moved = consumeTemporary(c.t, s, attachmentIds, me, now, DESK.id);
      req.attachments.push(...moved.map((m) => ({ ...m, id: String(s.nextId++) })));
      req.fieldValues.attachment = req.attachments.map((a) => a.id);
    }
    s.requests.push(req);
    return req;
  });
  const view = { ...c.view, now: created.created, state: await c.sandbox.store.read() };
  return { status: 201, body: dto.request(view, created, new Set()) };
}

export const requestRoutes: RouteDef[] = [
  { method: 'POST', path: `${API}/request`, handler: create },
  { method: 'GET', path: `${API}/request`, handler: list },
  {
    method: 'GET',
    path: `${API}/request/{key}`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      return { status: 200, body: dto.request(c.view, req, expands(c.url)) };
    },
  },
  {
    method: 'GET',
    path: `${API}/request/{key}/status`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      return { status: 200, body: dto.page(c.view, [...req.history].reverse().map(dto.status), paging(c), c.url.pathname) };
    },
  },
  {
    method: 'GET',
    path: `${API}/request/{key}/sla`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      return { status: 200, body: dto.page(c.view, [dto.sla(c.view, req)], paging(c), c.url.pathname) };
    },
  },
];
