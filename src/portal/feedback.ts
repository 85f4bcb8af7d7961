/**
 * Customer satisfaction (CSAT) on a request: `GET`/`POST /request/{key}/feedback`. Experimental in
 * the customer API: every call carries `X-ExperimentalApi: opt-in` (without it JSM answers 412).
 * Cloud only; a portal without the endpoint answers 404.
 */
import { SERVICEDESK_API, seg, type PortalApi } from './api.js';
import type { CSATFeedbackFullDTO } from './types.js';

const EXPERIMENTAL = { 'x-experimentalapi': 'opt-in' } as const;

/** The ratings the portal takes. */
export const MIN_RATING = 1;
export const MAX_RATING = 5;

/** True for a whole number from 1 to 5. */
export function isRating(n: number): boolean {
  return Number.isInteger(n) && n >= MIN_RATING && n <= MAX_RATING;
}

/**
 * The rating given on the request, or `undefined` when there is none (404: none given yet, or a
 * portal without the endpoint, which JSM does not tell apart).
 */
export async function getFeedback(api: PortalApi, key: string): Promise<CSATFeedbackFullDTO | undefined> {
  const body = await api.send<CSATFeedbackFullDTO>({ method: 'GET', path: `${SERVICEDESK_API}/request/${seg(key)}/feedback`, headers: EXPERIMENTAL, absentOn: [404] });
  return typeof body?.rating === 'number' ? body : undefined;
}

/**
 * Rates the request (`type: csat`, `rating` 1-5, an optional comment). Not retried blindly: a
 * portal may refuse a second rating, so after an answer that may have been lost the caller looks
 * with {@link getFeedback}.
 */
export async function postFeedback(api: PortalApi, key: string, rating: number, comment?: string): Promise<CSATFeedbackFullDTO | undefined> {
  const body: CSATFeedbackFullDTO = { type: 'csat', rating, ...(comment ? { comment: { body: comment } } : {}) };
  return api.send<CSATFeedbackFullDTO>({ method: 'POST', path: `${SERVICEDESK_API}/request/${seg(key)}/feedback`, headers: EXPERIMENTAL, json: body });
}
