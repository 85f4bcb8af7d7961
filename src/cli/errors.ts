import { ConfigCorruptError, ConfigWriteError, InsecureConfigError } from '../config/errors.js';
import { catalogs, type MessageKey, type T } from '../i18n/index.js';
import { AuthError, CancelledError, CliError, EditorError, UsageError, type CancelReason } from '../lib/errors.js';
import { CaFileError, isUnknownCa, PortalError, UnreadableFilesError } from '../portal/errors.js';

export { AuthError, CancelledError, CliError, UsageError } from '../lib/errors.js';

/** The exit codes of the CLI: 0 done, 1 failure, 2 bad input or usage, 4 authentication or permission, 130 cancelled. */
export type ExitCode = 0 | 1 | 2 | 4 | 130;

/**
 * The exit code for a thrown value; the only place that assigns one. Lower layers throw typed
 * errors (and the portal classifies its failures by kind); this maps them.
 */
export function exitCodeFor(err: unknown): ExitCode {
  if (err instanceof CancelledError) return 130;
  if (err instanceof UsageError || err instanceof UnreadableFilesError) return 2;
  if (err instanceof AuthError) return 4;
  if (err instanceof PortalError && (err.kind === 'auth' || err.kind === 'permission')) return 4;
  return 1;
}

/** A thrown value turned into the lines the user reads on stderr. */
export interface RenderedError {
  message: string;
  hint?: string;
}

const CANCEL_MESSAGES = {
  review: 'form.review.cancelled',
  'consent-refused': 'form.consent.refused',
  'redirect-edit': 'form.review.redirectEdit',
  bundle: 'bundle.err.cancelled',
  'create-sent': 'create.cancelledWhileSending',
} as const satisfies Record<CancelReason, MessageKey>;

/** A cancellation in the user's language: what was cancelled, and how to go on when a draft was kept. */
export function renderCancel(err: CancelledError, t: T): RenderedError {
  const key = err.reason ? CANCEL_MESSAGES[err.reason] : err.resumable ? 'create.cancelled' : 'err.cancelled';
  if (err.reason === 'create-sent') return { message: t(key), hint: t('create.hint.cancelledWhileSending') };
  return { message: t(key), ...(err.resumable ? { hint: t('create.hint.resume') } : {}) };
}

/**
 * Errors we threw ourselves carry a translated message (and maybe a hint); portal failures and
 * cancellations are worded here. Anything else is a bug or an unexpected failure: say so, with
 * the original message.
 */
export function renderError(err: unknown, t: T): RenderedError {
  if (err instanceof PortalError) return renderPortalError(err, t);
  if (err instanceof CancelledError) return renderCancel(err, t);
  if (err instanceof CaFileError) return { message: t('portal.err.caFile', err.file, err.reason), hint: t('portal.hint.caFile') };
  if (err instanceof EditorError) {
    const said = t(err.problem === 'not-found' ? 'err.editor.notFound' : 'err.editor.failed', err.editor, err.detail);
    return { message: err.kept ? `${said}\n${t('err.editor.kept', err.kept)}` : said, hint: t('err.editor.hint') };
  }
  if (err instanceof ConfigWriteError) return { message: t('config.err.write', err.file, configCause(err.code, t)), hint: t('config.hint.write') };
  if (err instanceof ConfigCorruptError) return { message: t('config.err.corrupt', err.file, err.reason), hint: t('config.hint.corrupt') };
  if (err instanceof InsecureConfigError) return { message: t('portal.err.insecureConfig', err.file, err.mode.toString(8)) };
  if (err instanceof UnreadableFilesError) return { message: err.message };
  if (err instanceof CliError) return { message: err.message, ...(err.hint !== undefined ? { hint: err.hint } : {}) };
  const msg = err instanceof Error ? err.message : String(err);
  return { message: t('err.unexpected', msg) };
}

/** Why a file of ours could not be written, in words. */
function configCause(code: string | undefined, t: T): string {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EACCES':
    case 'EPERM':
    case 'EROFS':
      return t(`config.cause.${code}`);
    default:
      return t('config.cause.other', code ?? 'unknown');
  }
}

/** A cause code in words ("connection refused"), or the code itself when the catalog has no words for it. */
export function describeCause(code: string | undefined, t: T): string {
  const key = `portal.cause.${code ?? ''}`;
  if (code !== undefined && code !== 'other' && Object.hasOwn(catalogs.en, key)) return `${t(key as 'portal.cause.ECONNREFUSED')} (${code})`;
  return t('portal.cause.other', code ?? 'unknown');
}

/** What to do when the proxy, not the portal, said no (the codes of `portal/dispatcher.ts`). */
const PROXY_HINTS: Readonly<Record<string, 'portal.hint.proxyUnreachable' | 'portal.hint.proxyAuth' | 'portal.hint.proxyRefused' | 'portal.hint.proxyUnavailable'>> = {
  PROXY_UNREACHABLE: 'portal.hint.proxyUnreachable',
  PROXY_AUTH: 'portal.hint.proxyAuth',
  PROXY_REFUSED: 'portal.hint.proxyRefused',
  PROXY_UNAVAILABLE: 'portal.hint.proxyUnavailable',
};

/**
 * A portal failure in the user's language: who answered, what it means, what to do, and the
 * portal's own messages exactly as it gave them.
 */
export function renderPortalError(err: PortalError, t: T): RenderedError {
  const said = err.portalMessages;
  const withSaid = (m: string): string => (said.length > 0 ? `${m}\n${t('portal.err.portalSaid')}\n${said.map((s) => `  ${s}`).join('\n')}` : m);
  const host = err.host;
  switch (err.kind) {
    case 'auth':
      if (err.loginReason && /AUTHENTICATION_DENIED/i.test(err.loginReason)) return { message: t('portal.err.authDenied', host), hint: t('portal.hint.authDenied') };
      if (err.loginReason) return { message: t('portal.err.authSeraph', host, err.loginReason), hint: t('portal.hint.auth') };
      return { message: withSaid(t('portal.err.auth', host)), hint: t('portal.hint.auth') };
    case 'permission':
      if (err.html === 'unlicensed') return { message: t('portal.err.unlicensed', host), hint: t('portal.hint.unlicensed') };
      if (err.html === 'proxy') return { message: t('portal.err.proxyPage', host), hint: t('portal.hint.proxyPage') };
      return { message: withSaid(t('portal.err.permission', host)) };
    case 'not-found':
      return { message: withSaid(t('portal.err.notFound', host, new URL(err.url).pathname)), hint: t('portal.hint.notFound') };
    case 'validation':
      return { message: withSaid(t('portal.err.validation', host, err.status ?? 400)) };
    case 'rate-limited':
      return {
        message: withSaid(t('portal.err.rateLimited', host)),
        hint: t('portal.hint.rateLimited', err.retryAfterMs === undefined ? undefined : Math.ceil(err.retryAfterMs / 1000)),
      };
    case 'server':
      if (err.redirectTo) return { message: t('portal.err.redirect', host, err.status ?? 302, err.redirectTo), hint: t('portal.hint.redirect') };
      return { message: withSaid(t('portal.err.server', host, err.status ?? 500)), hint: t('portal.hint.server') };
    case 'timeout':
      return { message: t('portal.err.timeout', host, describeCause(err.code, t)), hint: t('portal.hint.timeout') };
    case 'tls':
      if (isUnknownCa(err.code)) return { message: t('portal.err.tlsUnknownCa', host, err.code ?? 'TLS'), hint: t('portal.hint.tlsUnknownCa') };
      return { message: t('portal.err.tls', host, err.code ?? 'TLS'), hint: t('portal.hint.tls') };
    case 'network':
    default:
      return { message: t('portal.err.network', host, describeCause(err.code, t)), hint: t(err.code !== undefined && Object.hasOwn(PROXY_HINTS, err.code) ? PROXY_HINTS[err.code]! : 'portal.hint.network') };
  }
}
