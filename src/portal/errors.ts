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
  /** System or connection error code of the cause (`ECONNREFUSED`, `HEADERS_TIMEOUT`, `SELF_SIGNED_CERT_IN_CHAIN`...). */
  code?: string;
  /** The raw `X-Seraph-LoginReason` header when it caused an auth error. */
  loginReason?: string;
  /** Milliseconds the server asked us to wait (429). */
  retryAfterMs?: number;
  /** Where a 3xx answer pointed (no query string, no credentials): redirects are never followed. */
  redirectTo?: string;
  /** True when the request body may have reached the server (an ambiguous failure for a create). */
  mayHaveBeenSent?: boolean;
  cause?: unknown;
}

/**
 * A failed portal call, classified: `kind` and `status` say what happened, `mayHaveBeenSent` whether
 * a write may have been processed anyway, `retryAfterMs` how long the portal asked us to wait. The
 * retry policy (`retry.ts`) decides from these; `cli/errors.ts` picks the exit code.
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
  readonly redirectTo: string | undefined;
  readonly mayHaveBeenSent: boolean;

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
    this.redirectTo = init.redirectTo;
    this.mayHaveBeenSent = init.mayHaveBeenSent ?? false;
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

/** What a transport failure (no HTTP answer) means, by its system, TLS or connection error code (`dispatcher.ts`). */
export interface TransportCode {
  kind: 'network' | 'timeout' | 'tls';
  /** False when the connection never opened, so no byte of the request reached the server. */
  mayHaveBeenSent: boolean;
  /** Whether sending again may succeed (resets, refusals, timeouts; not DNS misses nor TLS trust). */
  retryable: boolean;
  /** A TLS trust failure that a private CA (`--ca-file`, `NODE_EXTRA_CA_CERTS`) would fix. */
  unknownCa?: boolean;
}

const notConnected = (kind: TransportCode['kind'], retryable: boolean): TransportCode => ({ kind, mayHaveBeenSent: false, retryable });
const cut = (kind: TransportCode['kind']): TransportCode => ({ kind, mayHaveBeenSent: true, retryable: true });
const untrusted = (unknownCa: boolean): TransportCode => ({ kind: 'tls', mayHaveBeenSent: false, retryable: false, ...(unknownCa ? { unknownCa } : {}) });

/**
 * Every transport error code the client knows, in one table: its kind, whether the request may have
 * reached the server, and whether it is worth retrying. An unknown code is a network failure that
 * may have been sent and is not retried.
 */
export const TRANSPORT_CODES: Readonly<Record<string, TransportCode>> = {
  ECONNREFUSED: notConnected('network', true),
  ENOTFOUND: notConnected('network', false),
  EAI_AGAIN: notConnected('network', true),
  EHOSTUNREACH: notConnected('network', true),
  ENETUNREACH: notConnected('network', true),
  CONNECT_TIMEOUT: notConnected('timeout', true),
  PROXY_UNREACHABLE: notConnected('network', true),
  PROXY_UNAVAILABLE: notConnected('network', true),
  PROXY_AUTH: notConnected('network', false),
  PROXY_REFUSED: notConnected('network', false),
  ECONNRESET: cut('network'),
  EPIPE: cut('network'),
  ETIMEDOUT: cut('timeout'),
  HEADERS_TIMEOUT: cut('timeout'),
  BODY_TIMEOUT: cut('timeout'),
  SELF_SIGNED_CERT_IN_CHAIN: untrusted(true),
  DEPTH_ZERO_SELF_SIGNED_CERT: untrusted(true),
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: untrusted(true),
  UNABLE_TO_GET_ISSUER_CERT: untrusted(true),
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: untrusted(true),
  CERT_UNTRUSTED: untrusted(true),
  CERT_HAS_EXPIRED: untrusted(false),
  CERT_NOT_YET_VALID: untrusted(false),
  ERR_TLS_CERT_ALTNAME_INVALID: untrusted(false),
  CERT_REJECTED: untrusted(false),
};

const UNKNOWN_CODE: TransportCode = { kind: 'network', mayHaveBeenSent: true, retryable: false };

/** The table's entry for a code, when the table knows it. */
export function knownTransportCode(code: string | undefined): TransportCode | undefined {
  return code !== undefined && Object.hasOwn(TRANSPORT_CODES, code) ? TRANSPORT_CODES[code] : undefined;
}

/** The table's entry for a code (an unknown or absent code: a network failure that may have been sent). */
export function transportCode(code: string | undefined): TransportCode {
  return knownTransportCode(code) ?? UNKNOWN_CODE;
}

/**
 * The most telling code of a transport failure and its causes: a TLS code first, then a timeout,
 * then a system code (`ECONNREFUSED` rather than a wrapper's), else the outermost.
 */
export function transportCodeOf(err: unknown): string | undefined {
  const codes = errorCodes(err);
  const known = (kind: TransportCode['kind']) => codes.find((c) => knownTransportCode(c)?.kind === kind);
  return known('tls') ?? known('timeout') ?? codes.find((c) => /^E[A-Z]+$/.test(c)) ?? codes[0];
}

/** True for TLS trust failures that a private CA (`--ca-file`, `NODE_EXTRA_CA_CERTS`) would fix. */
export function isUnknownCa(code: string | undefined): boolean {
  return transportCode(code).unknownCa === true;
}

/** Why a path given on the command line cannot be sent. */
export type FileProblemReason = 'missing' | 'unreadable' | 'not-a-file';

export interface FileProblem {
  path: string;
  reason: FileProblemReason;
}

/**
 * Files that cannot be sent (bad input: the CLI exits 2), every bad path at once so the user fixes
 * them all in one go. `problems` lets a caller build its own (translated) message; `message` is
 * the one the caller gave.
 */
export class UnreadableFilesError extends Error {
  constructor(
    readonly problems: readonly FileProblem[],
    message: string,
  ) {
    super(message);
    this.name = 'UnreadableFilesError';
  }
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
