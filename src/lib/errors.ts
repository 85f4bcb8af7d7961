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
 * screen's "cancel", a refused consent, an edit that would redirect the request, a bundle being
 * built, a create stopped while its body was on the way (it may have been filed).
 */
export type CancelReason = 'review' | 'consent-refused' | 'redirect-edit' | 'bundle' | 'create-sent';

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

  constructor(detail: CancelDetail = {}) {
    // An English summary for logs; users read the translated text.
    super('Cancelled.', detail.cause === undefined ? undefined : { cause: detail.cause });
    this.name = 'CancelledError';
    this.reason = detail.reason;
    this.resumable = detail.resumable ?? false;
  }
}

/**
 * The text editor (`$VISUAL`, `$EDITOR`) could not be used: it could not be started (`not-found`:
 * no such program, not executable) or it failed (`failed`: a non-zero exit or a signal). `kept` is
 * the file that holds what was written so far, left in place so that nothing typed is lost.
 */
export class EditorError extends Error {
  constructor(
    readonly editor: string,
    readonly problem: 'not-found' | 'failed',
    readonly detail: string,
    readonly kept?: string,
  ) {
    super(`editor ${editor}: ${problem} (${detail})`);
    this.name = 'EditorError';
  }
}
