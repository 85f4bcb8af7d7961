/**
 * Typed failures of the portal client. The client has no translator: it records what happened
 * (kind, status, the portal's own messages, host, cause code) and `cli/errors.ts` turns that into
 * a translated message and an exit code.
 */

/** What went wrong, from the user's point of view. */
export type PortalErrorKind =
  /** 401, or any answer carrying `X-Seraph-LoginReason: AUTHENTICATED_FAILED|AUTHENTICATION_DENIED`. */
  | 'auth'
  /** 403 (JSON from JSM, or an HTML page from a proxy or an unlicensed JSM: see `html`). */
  | 'permission'
  | 'not-found'
  /** 400 and friends: the portal's own messages are in `messages` and `fieldErrors`. */
  | 'validation'
  /** 429 after the retries (or with a Retry-After longer than we are willing to wait). */
  | 'rate-limited'
  /** 5xx, or an answer we cannot read. */
  | 'server'
  /** The connection failed (refused, reset, DNS, proxy). */
  | 'network'
  /** Connect or read timeout. */
  | 'timeout'
  /** The server's certificate is not trusted (unknown CA, expired, wrong name). */
  | 'tls';

/** Which HTML page a 403 came with, when it was not JSM's JSON. */
export type HtmlPageKind = 'unlicensed' | 'proxy';

/** A field the portal rejected (`fieldErrors[]` or the platform's `errors{}`). */
export interface PortalFieldError {
  field: string;
  message: string;
}

export interface PortalErrorInit {
  kind: PortalErrorKind;
  method: string;
  /** The URL without its query string (never carries credentials). */
  url: string;
  status?: number;
  messages?: string[];
  fieldErrors?: PortalFieldError[];
  html?: HtmlPageKind;
  /** System or undici error code of the cause (`ECONNREFUSED`, `UND_ERR_HEADERS_TIMEOUT`, `SELF_SIGNED_CERT_IN_CHAIN`...). */
  code?: string;
  /** The raw `X-Seraph-LoginReason` header when it caused an auth error. */
  loginReason?: string;
  /** Milliseconds the server asked us to wait (429). */
  retryAfterMs?: number;
  /** True when the request body may have reached the server (an ambiguous failure for a create). */
  mayHaveBeenSent?: boolean;
  cause?: unknown;
}

/**
 * A failed portal call. `exitCode` follows DESIGN §3: 4 for authentication and permission, 1 for
 * everything else (a caller that treats a validation error as bad input maps it to 2 itself).
 */
export class PortalError extends Error {
  readonly kind: PortalErrorKind;
  readonly method: string;
  readonly url: string;
  readonly host: string;
  readonly status: number | undefined;
  /** The portal's own messages (`errorMessage`, `errorMessages[]`), shown as they are. */
  readonly messages: string[];
  readonly fieldErrors: PortalFieldError[];
  readonly html: HtmlPageKind | undefined;
  readonly code: string | undefined;
  readonly loginReason: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly mayHaveBeenSent: boolean;
  readonly exitCode: number;

  constructor(init: PortalErrorInit) {
    super(describe(init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'PortalError';
    this.kind = init.kind;
    this.method = init.method;
    this.url = init.url;
    this.host = hostOf(init.url);
    this.status = init.status;
    this.messages = init.messages ?? [];
    this.fieldErrors = init.fieldErrors ?? [];
    this.html = init.html;
    this.code = init.code;
    this.loginReason = init.loginReason;
    this.retryAfterMs = init.retryAfterMs;
    this.mayHaveBeenSent = init.mayHaveBeenSent ?? false;
    this.exitCode = init.kind === 'auth' || init.kind === 'permission' ? 4 : 1;
  }

  /** Every message the portal gave, field errors included (`field: message`). */
  get portalMessages(): string[] {
    return [...this.messages, ...this.fieldErrors.map((f) => `${f.field}: ${f.message}`)];
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

// An English summary for logs and `--debug`; users read the translated text from cli/errors.ts.
function describe(init: PortalErrorInit): string {
  const what = `${init.method} ${init.url}`;
  const detail = [...(init.messages ?? []), ...(init.fieldErrors ?? []).map((f) => `${f.field}: ${f.message}`)].join('; ');
  const status = init.status === undefined ? '' : ` ${init.status}`;
  const code = init.code ? ` (${init.code})` : '';
  return `${init.kind}${status}${code}: ${what}${detail ? `: ${detail}` : ''}`;
}

/** Error codes of a thrown value and its causes, outermost first. */
export function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') codes.push(c);
    e = (e as { cause?: unknown }).cause;
  }
  return codes;
}

const TLS_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ETIMEDOUT']);

/** Classifies a transport failure (no HTTP answer) as network, timeout or tls, with its most telling code. */
export function classifyTransportError(err: unknown): { kind: 'network' | 'timeout' | 'tls'; code: string | undefined } {
  const codes = errorCodes(err);
  const tls = codes.find((c) => TLS_CODES.has(c));
  if (tls) return { kind: 'tls', code: tls };
  const timeout = codes.find((c) => TIMEOUT_CODES.has(c));
  if (timeout) return { kind: 'timeout', code: timeout };
  // Prefer the system code (ECONNREFUSED) over undici's wrapper (UND_ERR_SOCKET).
  const sys = codes.find((c) => /^E[A-Z]+$/.test(c));
  return { kind: 'network', code: sys ?? codes[0] };
}

/** True for TLS trust failures that a private CA (`--ca-file`, `NODE_EXTRA_CA_CERTS`) would fix. */
export function isUnknownCa(code: string | undefined): boolean {
  return (
    code === 'SELF_SIGNED_CERT_IN_CHAIN' ||
    code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ||
    code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT' ||
    code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' ||
    code === 'CERT_UNTRUSTED'
  );
}

/** Raised when a CA file cannot be read or holds no certificate. */
export class CaFileError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`cannot use CA file ${file}: ${reason}`);
    this.name = 'CaFileError';
  }
}
