/**
 * Errors that carry their exit code. Every layer throws these (or errors with an `exitCode`);
 * only `cli/run.ts` turns them into a message and a code. Messages are already translated by the
 * thrower, which has the translator from its deps.
 */
export class CliError extends Error {
  readonly exitCode: number = 1;
  /** A next step for the user, printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

/** Invalid input or usage; exit 2. */
export class UsageError extends CliError {
  override readonly exitCode: number = 2;
}

/** Authentication or permission; exit 4. */
export class AuthError extends CliError {
  override readonly exitCode: number = 4;
}

/** The user cancelled (Ctrl-C, or "no" at a confirmation); exit 130. */
export class CancelledError extends CliError {
  override readonly exitCode: number = 130;
}

/** The exit code an error asks for: its own `exitCode` when it has a valid one, else 1. */
export function exitCodeOf(err: unknown): number {
  if (err && typeof err === 'object' && 'exitCode' in err) {
    const c = (err as { exitCode: unknown }).exitCode;
    if (typeof c === 'number' && [0, 1, 2, 4, 130].includes(c)) return c;
  }
  return 1;
}
