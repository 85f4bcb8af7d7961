/**
 * The retry policy, in one place: which failures another attempt may get past, which calls may be
 * sent again (a write only when it certainly was not processed), how long to wait (one backoff,
 * stretched to a Retry-After), and when to give up. Decisions read the {@link PortalError}'s kind,
 * status and transport code, never an exit code. Time and randomness are injected so that tests
 * neither sleep nor flake.
 */
import { CancelledError } from '../lib/errors.js';
import { knownTransportCode, PortalError, transportCode, transportCodeOf, type TransportCode } from './errors.js';

/** A capped exponential backoff, with full jitter when `random` is given. */
export interface Backoff {
  /** Backoff before the second attempt, doubled each time. */
  baseDelayMs: number;
  /** Cap of one backoff. */
  maxDelayMs: number;
  /** A number in [0, 1) for jitter (`Math.random` in production); without it, the full backoff. */
  random?: () => number;
}

/** How the client retries. */
export interface RetryPolicy extends Backoff {
  /** Total attempts including the first (1 disables retries). */
  maxAttempts: number;
  /** A Retry-After longer than this is not waited for: the call fails as rate limited. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 120_000,
  random: Math.random,
};

/**
 * Parses `Retry-After` (delta-seconds or an HTTP date) into milliseconds from `now`; `undefined`
 * when absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The wait after failed attempt number `attempt` (from 1): the capped exponential backoff (half of
 * it guaranteed and half jitter, when the backoff has `random`), or the portal's Retry-After when
 * that is longer.
 */
export function backoffDelay(attempt: number, backoff: Backoff, retryAfterMs?: number): number {
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  const wait = backoff.random ? Math.round(ceiling / 2 + (backoff.random() * ceiling) / 2) : ceiling;
  return Math.max(wait, retryAfterMs ?? 0);
}

/** Statuses another attempt may get past: a timeout, a rate limit, a failing or overloaded server. */
const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * Whether another attempt at the same call may succeed: a retryable status (408, 429, 5xx) or a
 * transport failure the code table calls retryable (resets, refusals, timeouts). Anything else
 * (a refusal, a TLS trust failure, a cancellation, a bug) is final. Takes any thrown value.
 */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PortalError) {
    return err.status !== undefined ? RETRYABLE_STATUSES.has(err.status) : transportCode(err.code).retryable;
  }
  return rawTransportCode(err)?.retryable ?? false;
}

/**
 * Whether a failed write may nevertheless have been processed (the body may have reached the
 * portal: a reset, a read timeout, a gateway that gave up). A refused connection or a refusal
 * answer processed nothing. Takes any thrown value; false for anything that is not a transport or
 * portal failure.
 */
export function mayHaveBeenSent(err: unknown): boolean {
  if (err instanceof PortalError) return err.mayHaveBeenSent;
  return rawTransportCode(err)?.mayHaveBeenSent ?? false;
}

/** Milliseconds the portal asked us to wait before the next call (429 Retry-After), if it did. */
export function retryAfterOf(err: unknown): number | undefined {
  return err instanceof PortalError ? err.retryAfterMs : undefined;
}

/**
 * Failures no later call gets past either: the credentials were refused, access was denied, or
 * the user cancelled. A job of many calls (an upload in batches) stops on these.
 */
export function stopsEveryCall(err: unknown): boolean {
  if (err instanceof CancelledError) return true;
  return err instanceof PortalError && (err.kind === 'auth' || err.kind === 'permission');
}

/**
 * Whether to send a call again after `err`. An idempotent call is sent again after any retryable
 * failure; a write only when it certainly was not processed: the connection never opened, or the
 * portal refused it with 429.
 */
export function shouldRetry(err: unknown, idempotent: boolean): boolean {
  if (!isRetryable(err)) return false;
  if (idempotent) return true;
  return err instanceof PortalError && (err.status === 429 || (err.status === undefined && !err.mayHaveBeenSent));
}

/** Why the policy gave up after a failed attempt, for the `--debug` trace. */
export type GiveUp = 'final' | 'attempts' | 'retry-after';

/**
 * The policy's answer after failed attempt number `attempt` of a call: how long to wait before the
 * next one, or why not to try again (not retryable for this call, out of attempts, or a
 * Retry-After longer than the policy waits).
 */
export function nextAttempt(err: unknown, attempt: number, policy: RetryPolicy, idempotent: boolean): { waitMs: number } | { giveUp: GiveUp } {
  if (!shouldRetry(err, idempotent)) return { giveUp: 'final' };
  if (attempt >= Math.max(1, policy.maxAttempts)) return { giveUp: 'attempts' };
  const after = retryAfterOf(err);
  if (after !== undefined && after > policy.maxRetryAfterMs) return { giveUp: 'retry-after' };
  return { waitMs: backoffDelay(attempt, policy, after) };
}

/** The code table's entry for a raw transport failure (not yet a PortalError), when it knows the code. */
function rawTransportCode(err: unknown): TransportCode | undefined {
  return knownTransportCode(transportCodeOf(err));
}
