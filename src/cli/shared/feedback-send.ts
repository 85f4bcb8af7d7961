/**
 * Customer satisfaction from the CLI: the rating sent at most once (after an answer that may have
 * been lost, the portal is asked what it holds before anything is sent again), and the question
 * `resolve` asks on a terminal once a request is resolved (Enter skips it).
 */
import { CancelledError, CliError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { PortalError } from '../../portal/errors.js';
import { MAX_RATING, MIN_RATING, getFeedback, postFeedback } from '../../portal/feedback.js';
import { mayHaveBeenSent } from '../../portal/retry.js';
import { flavorOfInfo } from '../../portal/url.js';
import type { Ctx } from '../context.js';
import type { FeedbackValueJson } from '../json-types.js';

/** A rating as typed: a whole number from 1 to 5, else undefined. */
export function parseRating(text: string): number | undefined {
  const s = text.trim();
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= MIN_RATING && n <= MAX_RATING ? n : undefined;
}

/**
 * Rates the request. A 404 from the feedback endpoint (the request was found a moment ago) is a
 * portal that takes no ratings through its API: said so (exit 1).
 */
export async function sendFeedback(ctx: Ctx, api: PortalApi, key: string, value: FeedbackValueJson): Promise<void> {
  try {
    await postFeedback(api, key, value.rating, value.comment || undefined);
  } catch (err) {
    if (err instanceof PortalError && err.kind === 'not-found') throw new CliError(ctx.t('files.feedback.err.unsupported', err.host), { cause: err });
    if (err instanceof CancelledError || !mayHaveBeenSent(err)) throw err;
    const held = await getFeedback(api, key).catch(() => undefined);
    if (held?.rating !== value.rating) throw err;
  }
}

/**
 * Asks for a rating and an optional comment (Enter skips either); undefined when skipped.
 */
export async function promptRating(ctx: Ctx, key: string): Promise<FeedbackValueJson | undefined> {
  const { t } = ctx;
  const p = await ctx.prompter(ctx.signal);
  const rating = await p.input({
    message: t('files.feedback.ask', key),
    validate: (v) => (v.trim() === '' || parseRating(v) !== undefined ? true : t('files.feedback.invalid')),
  });
  if (rating.trim() === '') return undefined;
  const comment = await p.input({ message: t('files.feedback.askComment') });
  return { rating: parseRating(rating)!, comment: comment.trim() };
}

/**
 * After `resolve` on a terminal: the rating the portal's survey asks for. Skipped on Data Center
 * (no ratings through the API) and with Enter; a failure to send is a warning, never a failed
 * resolve.
 */
export async function askFeedback(ctx: Ctx, api: PortalApi, key: string): Promise<void> {
  if (!ctx.interactive || ctx.globals.json) return;
  const { t } = ctx;
  try {
    if (flavorOfInfo(await api.info().catch(() => undefined)) === 'dc') return;
    const value = await promptRating(ctx, key);
    if (!value) return;
    await sendFeedback(ctx, api, key, value);
    ctx.io.err(t('files.feedback.thanks', key, value.rating));
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    if (err instanceof CancelledError) return;
    const { renderError } = await import('../errors.js');
    ctx.io.err(t('files.feedback.warnFailed', renderError(err, t).message));
  }
}
