/**
 * Optional rate limiting: a fixed one-minute window per server instance that counts every request,
 * as a gateway in front of a portal would. It runs on the injected clock so tests can step through it.
 */
import type { T } from '../i18n/index.js';
import { HttpError } from './http.js';

const WINDOW_MS = 60_000;

export class RateLimiter {
  private windowStart = 0;
  private windowCount = 0;

  /** Counts one request at host time `now`; throws 429 with Retry-After beyond `limit` per minute (no limit when unset or 0). */
  check(limit: number | undefined, now: number, t: T): void {
    if (!limit || limit <= 0) return;
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount <= limit) return;
    const reset = this.windowStart + WINDOW_MS;
    throw new HttpError(429, t('sandbox.api.rateLimited'), 'sandbox.error.rateLimit', {
      'Retry-After': String(Math.max(1, Math.ceil((reset - now) / 1000))),
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': new Date(reset).toISOString(),
    });
  }
}
