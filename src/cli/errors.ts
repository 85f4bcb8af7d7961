import type { T } from '../i18n/index.js';
import { exitCodeOf } from '../lib/errors.js';

export { AuthError, CancelledError, CliError, UsageError } from '../lib/errors.js';

/** Exit code for an error (DESIGN §3): 1, 2, 4 or 130. */
export function exitCodeFor(err: unknown): number {
  return exitCodeOf(err);
}

/** A thrown value turned into the lines the user reads on stderr. */
export interface RenderedError {
  message: string;
  hint?: string;
}

/**
 * Errors we threw ourselves carry a translated message (and maybe a hint). Anything else is a bug
 * or an unexpected failure: say so, with the original message.
 */
export function renderError(err: unknown, t: T): RenderedError {
  if (err && typeof err === 'object' && 'exitCode' in err && err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return { message: err.message, ...(typeof hint === 'string' ? { hint } : {}) };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { message: t('err.unexpected', msg) };
}
