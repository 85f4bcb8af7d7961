/**
 * Approvals asked of customers (`support sandbox approval` asks one): a request's approvals, one
 * approval, and an approver's answer. The first answer decides (one approver needed, JSM's
 * default); an approval already decided answers 409. Also which requests wait for a customer's
 * approval, for `GET /request?requestOwnership=APPROVER`.
 */
import type { ApprovalDTO } from '../../portal/types.js';
import { changeRequest, objectBody, paging, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API, type View } from '../dto.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import type { StoredApproval, StoredRequest } from '../store.js';

function approvalDto(view: View, r: StoredRequest, a: StoredApproval, caller: string): ApprovalDTO {
  return {
    id: a.id,
    name: a.name,
    finalDecision: a.finalDecision,
    canAnswerApproval: a.finalDecision === 'pending' && a.approvers.some((x) => x.accountId === caller),
    approvers: a.approvers.map((x) => ({ approver: dto.user(view, x.accountId), approverDecision: x.decision })),
    createdDate: dto.date(a.created),
    ...(a.completed !== undefined ? { completedDate: dto.date(a.completed) } : {}),
    _links: { self: `${view.url}${API}/request/${r.key}/approval/${a.id}` },
  };
}

/**
 * Whether the request is listed for `requestOwnership=APPROVER` with `approvalStatus`: an approval
 * of the customer's still pending (`MY_PENDING_APPROVAL`), or one they answered (`MY_HISTORY_APPROVAL`).
 */
export function listedForApprover(r: StoredRequest, accountId: string, approvalStatus: string | null): boolean {
  const mine = (r.approvals ?? []).flatMap((a) => a.approvers.filter((x) => x.accountId === accountId).map((x) => ({ a, x })));
  if (approvalStatus === 'MY_HISTORY_APPROVAL') return mine.some(({ x }) => x.decision !== 'pending');
  return mine.some(({ a, x }) => a.finalDecision === 'pending' && x.decision === 'pending');
}

function find(c: Call, r: StoredRequest, id: string): StoredApproval {
  const a = (r.approvals ?? []).find((x) => x.id === id);
  if (!a) throw new HttpError(404, c.t('files.sandbox.noApproval', id, r.key), 'sandbox.error.approval.notFound');
  return a;
}

async function answer(c: Call): Promise<Reply> {
  const [key, id] = [c.params[0]!, c.params[1]!];
  visible(c, key);
  const body = await objectBody(c);
  const decision = body.decision;
  if (decision !== 'approve' && decision !== 'decline') {
    throw new HttpError(400, c.t('files.sandbox.decision', JSON.stringify(decision ?? null)), 'sandbox.error.approval.decision');
  }
  const { req, result, view } = await changeRequest(c, key, (_s, r, now) => {
    const a = find(c, r, id);
    const me = a.approvers.find((x) => x.accountId === c.user.accountId);
    if (!me) throw new HttpError(403, c.t('files.sandbox.notApprover', id, r.key), 'sandbox.error.approval.approver');
    if (a.finalDecision !== 'pending') throw new HttpError(409, c.t('files.sandbox.decided', id, a.finalDecision), 'sandbox.error.approval.decided');
    me.decision = decision === 'approve' ? 'approved' : 'declined';
    a.finalDecision = me.decision;
    a.completed = now;
    return a;
  });
  return { status: 200, body: approvalDto(view, req, result, c.user.accountId) };
}

export const approvalRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/request/{key}/approval`,
    handler: async (c) => {
      const r = visible(c, c.params[0]!);
      const all = (r.approvals ?? []).map((a) => approvalDto(c.view, r, a, c.user.accountId));
      return { status: 200, body: dto.page(c.view, all, paging(c), c.url.pathname) };
    },
  },
  {
    method: 'GET',
    path: `${API}/request/{key}/approval/{id}`,
    handler: async (c) => {
      const r = visible(c, c.params[0]!);
      return { status: 200, body: approvalDto(c.view, r, find(c, r, c.params[1]!), c.user.accountId) };
    },
  },
  { method: 'POST', path: `${API}/request/{key}/approval/{id}`, handler: answer },
];
