import { InsecureConfigError } from '../config/errors.js';
import type { T } from '../i18n/index.js';
import { exitCodeOf } from '../lib/errors.js';
import { CaFileError, isUnknownCa, PortalError } from '../portal/errors.js';

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
  if (err instanceof PortalError) return renderPortalError(err, t);
  if (err instanceof CaFileError) return { message: t('portal.err.caFile', err.file, err.reason), hint: t('portal.hint.caFile') };
  if (err instanceof InsecureConfigError) return { message: t('portal.err.insecureConfig', err.file, err.mode.toString(8)) };
  if (err && typeof err === 'object' && 'exitCode' in err && err instanceof Error) {
    const hint = (err as { hint?: unknown }).hint;
    return { message: err.message, ...(typeof hint === 'string' ? { hint } : {}) };
  }
  const msg = err instanceof Error ? err.message : String(err);
  return { message: t('err.unexpected', msg) };
}

/** A cause code in words ("connection refused"), or the code itself when we have no words for it. */
export function describeCause(code: string | undefined, t: T): string {
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return `${t(`portal.cause.${code}`)} (${code})`;
    default:
      return t('portal.cause.other', code ?? 'unknown');
  }
}

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
      return { message: withSaid(t('portal.err.server', host, err.status ?? 500)), hint: t('portal.hint.server') };
    case 'timeout':
      return { message: t('portal.err.timeout', host, describeCause(err.code, t)), hint: t('portal.hint.timeout') };
    case 'tls':
      if (isUnknownCa(err.code)) return { message: t('portal.err.tlsUnknownCa', host, err.code ?? 'TLS'), hint: t('portal.hint.tlsUnknownCa') };
      return { message: t('portal.err.tls', host, err.code ?? 'TLS'), hint: t('portal.hint.tls') };
    case 'network':
    default:
      return { message: t('portal.err.network', host, describeCause(err.code, t)), hint: t('portal.hint.network') };
  }
}
