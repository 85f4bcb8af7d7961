/**
 * Approvals where the customer is an approver: the requests waiting for the caller's answer
 * (`GET /request?requestOwnership=APPROVER&approvalStatus=MY_PENDING_APPROVAL`), a request's
 * approvals (`GET /request/{key}/approval`) and the answer (`POST /request/{key}/approval/{id}`
 * with `{decision: approve|decline}`).
 */
import { SERVICEDESK_API, seg, type ClientCalls } from './calls.js';
import type { ApprovalDTO, CustomerRequestDTO } from './types.js';

/** What an approver answers. */
export type ApprovalDecision = 'approve' | 'decline';

/** The requests with an approval waiting for the caller's answer, newest activity first. */
export function pendingApprovalRequests(calls: ClientCalls): AsyncIterable<CustomerRequestDTO> {
  return calls.paged(`${SERVICEDESK_API}/request`, { requestOwnership: 'APPROVER', approvalStatus: 'MY_PENDING_APPROVAL' });
}

/** Every approval of the request, answered or not. */
export function approvalsOf(calls: ClientCalls, key: string): AsyncIterable<ApprovalDTO> {
  return calls.paged(`${SERVICEDESK_API}/request/${seg(key)}/approval`);
}

/** One approval of the request. */
export function approvalOf(calls: ClientCalls, key: string, id: string): Promise<ApprovalDTO> {
  return calls.json({ method: 'GET', path: `${SERVICEDESK_API}/request/${seg(key)}/approval/${seg(id)}`, idempotent: true });
}

/** An approval still waiting for the caller: pending, and the portal says the caller may answer it. */
export function awaitsCaller(a: ApprovalDTO): boolean {
  return a.finalDecision === 'pending' && a.canAnswerApproval === true;
}

/**
 * Answers an approval as the caller. Not retried blindly; after an answer that may have been lost,
 * the caller reads the approval again ({@link approvalOf}) before calling it a failure.
 */
export function answerApproval(calls: ClientCalls, key: string, id: string, decision: ApprovalDecision): Promise<ApprovalDTO> {
  return calls.json({ method: 'POST', path: `${SERVICEDESK_API}/request/${seg(key)}/approval/${seg(id)}`, json: { decision }, idempotent: false });
}
