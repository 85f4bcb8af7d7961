/** Customer requests: create (validated against the request type's fields), list with filters, one by key, its status history and SLA. */
import { expands, idString, intParam, isObject, objectBody, paging, resolveDesk, resolveUser, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { checkFields, type UserLookup } from '../fields.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import { listedForApprover } from './approvals.js';
import type { SandboxState, StoredRequest } from '../store.js';
import { organizationsOf, sharedWith } from '../org-seed.js';
import { consumeTemporary } from '../temporary.js';
import { INITIAL_STATUS, currentStatus, isDone, lastActivity, settle } from '../workflow.js';

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
  if (deskId !== undefined && String(deskId) !== c.view.catalog.desk.id) {
    throw new HttpError(404, c.t('sandbox.api.noDesk', String(deskId)), 'sandbox.error.servicedesk.notFound');
  }
  // Matches the summary, as JSM documents, and also the description: a client that is unsure
  // whether its create went through (timeout after sending) can find the request by a marker
  // it put in the description. `*` wildcards are accepted and ignored.
  const term = q.get('searchTerm')?.replace(/\*/g, '').trim().toLowerCase();
  const me = c.user.accountId;
  const all = own.includes('ALL_REQUESTS');
  const orgId = intParam(c, 'organizationId');
  const myOrgs = organizationsOf(me).map((o) => o.id);
  const found = c.view.state.requests
    .filter((r) => {
      const mine = r.reporter === me;
      const part = r.participants.includes(me);
      const orgs = sharedWith(c.view.catalog, r).filter((id) => myOrgs.includes(id));
      const org = (own.includes('ALL_ORGANIZATIONS') && orgs.length > 0) || (own.includes('ORGANIZATION') && orgId !== undefined && orgs.includes(String(orgId)));
      if (!(all ? mine || part || orgs.length > 0 : (own.includes('OWNED_REQUESTS') && mine) || (own.includes('PARTICIPATED_REQUESTS') && part) || org) && !(own.includes('APPROVER') && listedForApprover(r, me, q.get('approvalStatus')))) return false;
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
    // Latest activity first, as JSM lists them.
    .sort((a, b) => lastActivity(b) - lastActivity(a) || Number(b.issueId) - Number(a.issueId));
  const ex = expands(c.url);
  const values = found.map((r) => dto.request(c.view, r, ex));
  const keep: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(c.exchange.query)) if (k !== 'start' && k !== 'limit') keep[k] = v;
  return { status: 200, body: dto.page(c.view, values, paging(c), c.url.pathname, keep) };
}

/** The create body's fields checked as JSM reads them (ids as strings or numbers); 400 for what is wrong. */
function createFields(c: Call, body: Record<string, unknown>) {
  const deskRef = idString(body.serviceDeskId);
  const typeId = idString(body.requestTypeId);
  if (deskRef === undefined) throw new HttpError(400, c.t('sandbox.api.mustBeString', 'serviceDeskId'), 'sandbox.error.field');
  if (typeId === undefined) throw new HttpError(400, c.t('sandbox.api.mustBeString', 'requestTypeId'), 'sandbox.error.field');
  if (resolveDesk(c.view.catalog, deskRef) === undefined) {
    throw new HttpError(400, c.t('sandbox.api.noDesk', deskRef), 'sandbox.error.servicedesk.notFound');
  }
  const rt = c.view.catalog.requestType(typeId);
  if (!rt) throw new HttpError(400, c.t('sandbox.api.noRequestType', typeId), 'sandbox.error.requesttype.notFound');
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
  return { rt, values, participants: participants as string[], onBehalf };
}

/** The people a create body names, as the flavor names them, checked against the customers (400 naming the unknown ones). */
function people(c: Call, s: SandboxState, refs: readonly string[]): UserLookup {
  const users: UserLookup = { flavor: c.sandbox.flavor, resolve: (ref) => resolveUser(s, c.sandbox.flavor, ref) };
  const unknown = refs.filter((u) => users.resolve(u) === undefined);
  if (unknown.length > 0) throw new HttpError(400, c.t('sandbox.api.noUsers', unknown.join(', ')), 'sandbox.error.user');
  return users;
}

async function create(c: Call): Promise<Reply> {
  const body = await objectBody(c);
  const { rt, values, participants, onBehalf } = createFields(c, body);
  const me = c.user.accountId;
  const desk = c.view.catalog.desk;
  const created = await c.sandbox.store.transact((s) => {
    const now = c.sandbox.now(s);
    settle(s, now);
    const users = people(c, s, [...participants, ...(onBehalf ? [onBehalf] : [])]);
    const fieldValues = checkFields(c.t, c.view.catalog, rt.id, values, users);
    const n = s.nextIssue++;
    const attachmentIds = (fieldValues.attachment as string[] | undefined) ?? [];
    const req: StoredRequest = {
      issueId: String(10_000 + n),
      key: `${desk.projectKey}-${n}`,
      serviceDeskId: desk.id,
      requestTypeId: rt.id,
      reporter: onBehalf ? users.resolve(onBehalf)! : me,
      participants: [...new Set(participants.map((p) => users.resolve(p)!))],
      created: now,
      fieldValues,
      history: [{ status: INITIAL_STATUS.name, at: now }],
      comments: [],
      attachments: [],
      escalated: false,
    };
    if (attachmentIds.length > 0) {
      const moved = consumeTemporary(c.t, s, attachmentIds, me, now, desk.id);
      req.attachments.push(...moved.map((m) => ({ ...m, id: String(s.nextId++) })));
      req.fieldValues.attachment = req.attachments.map((a) => a.id);
    }
    s.requests.push(req);
    return req;
  });
  const view = { ...c.view, now: created.created, state: await c.sandbox.store.read() };
  return { status: 201, body: dto.request(view, created, new Set()) };
}

/**
 * `POST /request/validate` (newer Cloud only): the create checks without creating anything,
 * `{valid: true}` or 400 `{valid: false, errorMessage, errorMessages, fieldErrors, formErrors, reasonKey}`.
 */
async function validate(c: Call): Promise<Reply> {
  const body = await objectBody(c);
  try {
    const { rt, values, participants, onBehalf } = createFields(c, body);
    checkFields(c.t, c.view.catalog, rt.id, values, people(c, c.view.state, [...participants, ...(onBehalf ? [onBehalf] : [])]));
  } catch (err) {
    if (!(err instanceof HttpError) || err.status !== 400) throw err;
    return { status: 400, body: { valid: false, errorMessage: err.message, errorMessages: [err.message], fieldErrors: [], formErrors: [], reasonKey: err.i18nKey } };
  }
  return { status: 200, body: { valid: true } };
}

export const requestRoutes: RouteDef[] = [
  { method: 'POST', path: `${API}/request`, handler: create },
  { method: 'POST', path: `${API}/request/validate`, flavors: ['cloud'], handler: validate },
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
      return { status: 200, body: dto.page(c.view, [...req.history].reverse().map((h) => dto.status(c.view, h)), paging(c), c.url.pathname) };
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
