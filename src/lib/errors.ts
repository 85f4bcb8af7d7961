/**
 * The CLI's typed errors. Any layer may throw them; none picks an exit code: `cli/errors.ts` maps
 * each class to its code and renders it. The message of a `CliError` is translated by the thrower,
 * which has the translator from its deps; a `CancelledError` carries no text and is translated
 * when it is rendered.
 */
export class CliError extends Error {
  /** A next step for the user, printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Invalid input or usage. */
export class UsageError extends CliError {}

/** Authentication or permission. */
export class AuthError extends CliError {}

/**
 * What was cancelled, when the renderer has more telling words than "Cancelled.": the review
 * screen's "cancel", a refused consent, an edit that would redirect the request, a bundle being built.
 */
export type CancelReason = 'review' | 'consent-refused' | 'redirect-edit' | 'bundle';

/** What a {@link CancelledError} tells its renderer. */
export interface CancelDetail {
  reason?: CancelReason;
  /** The answers so far were kept in a draft that `support create --resume` continues. */
  resumable?: boolean;
  cause?: unknown;
}

/**
 * The user cancelled (Ctrl-C, or "no" at a confirmation). It carries no text: the renderer words
 * it in the user's language from `reason` and `resumable`.
 */
export class CancelledError extends Error {
  readonly reason: CancelReason | undefined;
  readonly resumable: boolean;
  /**
   * @deprecated Text translated by a thrower not yet moved to `reason`; rendered as given.
   * New code passes a {@link CancelDetail}.
   */
  readonly text: string | undefined;
  /** @deprecated Comes with `text`; new code sets `resumable`. */
  readonly hint: string | undefined;

  constructor(detail: CancelDetail | string = {}, legacy: { hint?: string; cause?: unknown } = {}) {
    const d: CancelDetail = typeof detail === 'string' ? { cause: legacy.cause } : detail;
    // An English summary for logs; users read the translated text.
    super(typeof detail === 'string' ? detail : 'Cancelled.', d.cause === undefined ? undefined : { cause: d.cause });
    this.name = 'CancelledError';
    this.reason = d.reason;
    this.resumable = d.resumable ?? false;
    this.text = typeof detail === 'string' ? detail : undefined;
    this.hint = legacy.hint;
  }
}
