/**
 * Approvals where the customer is an approver: the requests waiting for the caller's answer
 * (`GET /request?requestOwnership=APPROVER&approvalStatus=MY_PENDING_APPROVAL`), a request's
 * approvals (`GET /request/{key}/approval`) and the answer (`POST /request/{key}/approval/{id}`
 * with `{decision: approve|decline}`).
 */
import { SERVICEDESK_API, seg, type PortalApi } from './api.js';
import type { ApprovalDTO, CustomerRequestDTO } from './types.js';

/** What an approver answers. */
export type ApprovalDecision = 'approve' | 'decline';

/** The requests with an approval waiting for the caller's answer, newest activity first. */
export function pendingApprovalRequests(api: PortalApi): AsyncIterable<CustomerRequestDTO> {
  return api.list(`${SERVICEDESK_API}/request`, { requestOwnership: 'APPROVER', approvalStatus: 'MY_PENDING_APPROVAL' });
}

/** Every approval of the request, answered or not. */
export function approvalsOf(api: PortalApi, key: string): AsyncIterable<ApprovalDTO> {
  return api.list(`${SERVICEDESK_API}/request/${seg(key)}/approval`);
}

/** One approval of the request. */
export async function approvalOf(api: PortalApi, key: string, id: string): Promise<ApprovalDTO> {
  const path = `${SERVICEDESK_API}/request/${seg(key)}/approval/${seg(id)}`;
  return (await api.send<ApprovalDTO>({ method: 'GET', path })) ?? {};
}

/** An approval still waiting for the caller: pending, and the portal says the caller may answer it. */
export function awaitsCaller(a: ApprovalDTO): boolean {
  return a.finalDecision === 'pending' && a.canAnswerApproval === true;
}

/**
 * Answers an approval as the caller. Not retried blindly; after an answer that may have been lost,
 * the caller reads the approval again ({@link approvalOf}) before calling it a failure.
 */
export async function answerApproval(api: PortalApi, key: string, id: string, decision: ApprovalDecision): Promise<ApprovalDTO> {
  const path = `${SERVICEDESK_API}/request/${seg(key)}/approval/${seg(id)}`;
  return (await api.send<ApprovalDTO>({ method: 'POST', path, json: { decision } })) ?? {};
}
