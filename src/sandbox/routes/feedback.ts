/**
 * Customer satisfaction (`/request/{key}/feedback`), as Cloud serves it: experimental (412 without
 * `X-ExperimentalApi: opt-in`), the reporter rates a resolved request 1-5 with an optional comment;
 * a new rating replaces the old one. Data Center has no such endpoint (404).
 */
import type { CSATFeedbackFullDTO } from '../../portal/types.js';
import { changeRequest, isObject, objectBody, visible, type Call, type Reply } from '../call.js';
import { API } from '../dto.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import type { StoredFeedback } from '../store.js';
import { currentStatus, isDone } from '../workflow.js';

function experimental(c: Call): void {
  if (String(c.req.headers['x-experimentalapi'] ?? '').toLowerCase() !== 'opt-in') {
    throw new HttpError(412, c.t('files.sandbox.experimental'), 'sandbox.error.experimental');
  }
}

function feedbackDto(f: StoredFeedback): CSATFeedbackFullDTO {
  return { type: 'csat', rating: f.rating, ...(f.comment !== undefined ? { comment: { body: f.comment } } : {}) };
}

async function get(c: Call): Promise<Reply> {
  experimental(c);
  const r = visible(c, c.params[0]!);
  if (!r.feedback) throw new HttpError(404, c.t('files.sandbox.noFeedback', r.key), 'sandbox.error.feedback.notFound');
  return { status: 200, body: feedbackDto(r.feedback) };
}

async function post(c: Call): Promise<Reply> {
  experimental(c);
  const key = c.params[0]!;
  visible(c, key);
  const body = await objectBody(c);
  if (body.type !== 'csat') throw new HttpError(400, c.t('files.sandbox.feedbackType'), 'sandbox.error.feedback.type');
  const rating = body.rating;
  if (typeof rating !== 'number' || !Number.isInteger(rating) || rating < 1 || rating > 5) {
    throw new HttpError(400, c.t('files.sandbox.rating', JSON.stringify(rating ?? null)), 'sandbox.error.feedback.rating');
  }
  if (body.comment !== undefined && !(isObject(body.comment) && typeof body.comment.body === 'string')) {
    throw new HttpError(400, c.t('files.sandbox.feedbackComment'), 'sandbox.error.feedback.comment');
  }
  const comment = isObject(body.comment) && typeof body.comment.body === 'string' && body.comment.body !== '' ? body.comment.body : undefined;
  const { result } = await changeRequest(c, key, (_s, r, now) => {
    if (r.reporter !== c.user.accountId) throw new HttpError(403, c.t('files.sandbox.notReporter', r.key), 'sandbox.error.feedback.reporter');
    if (!isDone(currentStatus(r).status)) throw new HttpError(400, c.t('files.sandbox.notResolved', r.key), 'sandbox.error.feedback.open');
    r.feedback = { rating, ...(comment !== undefined ? { comment } : {}), at: now };
    return r.feedback;
  });
  return { status: 201, body: feedbackDto(result) };
}

export const feedbackRoutes: RouteDef[] = [
  { method: 'GET', path: `${API}/request/{key}/feedback`, flavors: ['cloud'], handler: get },
  { method: 'POST', path: `${API}/request/{key}/feedback`, flavors: ['cloud'], handler: post },
];
