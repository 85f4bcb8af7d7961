/**
 * Opens the portal a command talks to: resolves the portal and credentials (flag > environment >
 * profile), or starts the in-process sandbox for `--portal sandbox`, and builds the client with the
 * admin's network settings (proxy, CAs, timeouts), a User-Agent and the `--debug` trace.
 */
import { SANDBOX_PORT } from '../config/paths.js';
import { AuthError, CliError, UsageError } from '../lib/errors.js';
import type { PortalApi } from '../portal/api.js';
import type { Credentials, JsmClient } from '../portal/client.js';
import type { NetworkOptions, PortalNotice } from '../portal/http.js';
import type { MyselfDTO } from '../portal/types.js';
import { detectFlavor, flavorOfInfo, httpsUrlOf, isCleartext, normalizePortalUrl, PortalUrlError, type PortalFlavor } from '../portal/url.js';
import type { Ctx } from './context.js';
import { errWrapped } from '../ui/io.js';

/** Where the token in use came from (`whoami` reports it). */
export type TokenSource = 'env' | 'keyring' | 'file' | 'sandbox';

export interface PortalSession {
  api: PortalApi;
  /** Base URL, no trailing slash. */
  portalUrl: string;
  profile: string;
  /** The portal's flavor (as login saved it, else as the host suggests), or the built-in sandbox. */
  flavor: PortalFlavor | 'sandbox';
  /**
   * The portal's flavor, for what must be named its way (user fields): the saved one; without a profile,
   * what the portal's `/info` reports (asked once), else the host's guess. The sandbox is Cloud.
   */
  portalFlavor(): Promise<PortalFlavor>;
  /** Closes the client (and the in-process sandbox when --portal sandbox). */
  close(): Promise<void>;
  /** Where the token came from. */
  tokenSource?: TokenSource;
  /** The sign-in e-mail, when Basic auth is used. */
  email?: string;
}

/** The identifying members of a `myself` answer (Cloud: accountId; Data Center: name), without empty ones. */
export function accountOf(me: MyselfDTO): { accountId?: string; name?: string; displayName?: string; emailAddress?: string } {
  return {
    ...(me.accountId ? { accountId: me.accountId } : {}),
    ...(me.name ? { name: me.name } : {}),
    ...(me.displayName ? { displayName: me.displayName } : {}),
    ...(me.emailAddress ? { emailAddress: me.emailAddress } : {}),
  };
}

/** The profile a command uses: `--profile`, else `SUPPORT_PROFILE`, else `default`. */
export function profileName(ctx: Ctx): string {
  return ctx.globals.profile?.trim() || ctx.env.SUPPORT_PROFILE?.trim() || 'default';
}

function seconds(ctx: Ctx, name: string): number | undefined {
  const v = ctx.env[name]?.trim();
  if (!v) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(ctx.t('auth.err.badSeconds', name, v));
  return Math.round(n * 1000);
}

/** Network settings from the context: proxies from `ctx.env`, `--ca-file` and `NODE_EXTRA_CA_CERTS`, timeouts. */
export function networkOptions(ctx: Ctx): NetworkOptions {
  const caFiles = [ctx.globals.caFile, ctx.env.NODE_EXTRA_CA_CERTS].filter((f): f is string => Boolean(f && f.trim()));
  return {
    env: ctx.env,
    caFiles: caFiles.map((f) => (f.startsWith('/') ? f : `${ctx.cwd}/${f}`)),
    connectTimeoutMs: seconds(ctx, 'SUPPORT_CONNECT_TIMEOUT'),
    readTimeoutMs: seconds(ctx, 'SUPPORT_READ_TIMEOUT'),
  };
}

/**
 * Refuses a portal that would receive credentials in clear text: plain http:// to a host other
 * than this machine (exit 2, naming the https address), unless SUPPORT_ALLOW_INSECURE_HTTP=1 says
 * a lab portal without TLS is meant; then it only warns (when `warn`).
 */
export function requireSecureTransport(ctx: Ctx, portalUrl: string, warn = true): void {
  if (!isCleartext(portalUrl)) return;
  if (ctx.env.SUPPORT_ALLOW_INSECURE_HTTP?.trim() === '1') {
    if (warn) ctx.io.err(ctx.t('portal.warn.insecureHttp', portalUrl));
    return;
  }
  throw new UsageError(ctx.t('portal.err.insecureHttp', portalUrl, httpsUrlOf(portalUrl)), { hint: ctx.t('portal.hint.insecureHttp') });
}

/**
 * A client for `portalUrl` with the context's network settings, User-Agent, signal and `--debug`
 * trace. Credentials never go over plain http:// to another machine (see {@link requireSecureTransport}).
 */
export async function buildClient(
  ctx: Ctx,
  portalUrl: string,
  credentials: Credentials,
  network: NetworkOptions = networkOptions(ctx),
  flavor?: PortalFlavor,
): Promise<JsmClient> {
  requireSecureTransport(ctx, portalUrl);
  const { JsmClient } = await import('../portal/client.js');
  // A list read again in the same command (attach reads the request's attachments before and
  // after the upload) stops the same way: its notice is said once.
  const said = new Set<string>();
  return new JsmClient({
    ...network,
    baseUrl: portalUrl,
    credentials,
    userAgent: `support/${ctx.version} (Jira Service Management CLI)`,
    language: ctx.lang === 'ja' ? 'ja-JP' : 'en-US',
    clock: ctx.clock,
    signal: ctx.signal,
    debug: ctx.globals.debug ? (line) => ctx.io.err(`debug: ${line}`) : undefined,
    onNotice: (n) => {
      const text = noticeText(ctx, n);
      if (n.kind === 'paging-stopped' && said.has(text)) return;
      said.add(text);
      errWrapped(ctx.io, text);
    },
    ...(flavor ? { flavor } : {}),
  });
}

/** A notice of the client, as the user reads it on stderr. */
export function noticeText(ctx: Ctx, n: PortalNotice): string {
  const u = new URL(n.url);
  if (n.kind === 'rate-limited') return ctx.t('portal.notice.rateLimited', u.host, Math.ceil(n.waitMs / 1000), n.attempt, n.maxAttempts);
  return ctx.t('portal.notice.paging', u.pathname, n.reason, n.items);
}

/** The portal URL as typed, normalised; a UsageError (exit 2) when it is not one. */
export function parsePortalUrl(ctx: Ctx, input: string): string {
  try {
    return normalizePortalUrl(input);
  } catch (err) {
    if (err instanceof PortalUrlError && err.credentials) throw new UsageError(ctx.t('portal.err.credentialsInUrl', err.input), { hint: ctx.t('portal.hint.credentialsInUrl') });
    if (err instanceof PortalUrlError) throw new UsageError(ctx.t('portal.err.badUrl', err.input));
    throw err;
  }
}

/** True when `--portal`/`SUPPORT_PORTAL` asks for the built-in sandbox. */
export function wantsSandbox(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'sandbox';
}

async function openSandbox(ctx: Ctx, profile: string): Promise<PortalSession> {
  const [{ startSandbox }, { sandboxNoticeOnce }] = await Promise.all([import('../sandbox/index.js'), import('./sandbox-notice.js')]);
  await sandboxNoticeOnce(ctx, ctx.paths.dataDir);
  let handle;
  try {
    // The well-known port when it is free, so the links printed stay valid for `support sandbox`
    // (which serves the same data there); any free port when something already listens on it.
    handle = await startSandbox({ dataDir: ctx.paths.dataDir, port: SANDBOX_PORT, clock: ctx.clock }).catch((err: unknown) => {
      if ((err as { code?: string } | null)?.code !== 'EADDRINUSE') throw err;
      return startSandbox({ dataDir: ctx.paths.dataDir, port: 0, clock: ctx.clock });
    });
  } catch (err) {
    throw new CliError(ctx.t('auth.err.sandbox', err instanceof Error ? err.message : String(err)), { cause: err });
  }
  // Loopback traffic never goes through a proxy, whatever the environment says.
  const client = await buildClient(ctx, handle.url, { kind: 'basic', email: handle.email, token: handle.token }, { ...networkOptions(ctx), env: {} });
  return {
    api: client,
    portalUrl: handle.url,
    profile,
    flavor: 'sandbox',
    portalFlavor: async () => 'cloud',
    tokenSource: 'sandbox',
    email: handle.email,
    close: async () => {
      await client.close();
      await handle.close();
    },
  };
}

/** The credentials a profile or the environment gives for a portal, and their source. */
interface Resolved {
  portalUrl: string;
  flavor: PortalFlavor;
  /** Whether `flavor` is what login saved (else the host's guess). */
  saved: boolean;
  email?: string;
  token: string;
  source: TokenSource;
}

async function resolve(ctx: Ctx, profile: string, requested: string | undefined): Promise<Resolved> {
  const { t } = ctx;
  const portalUrl = requested ? parsePortalUrl(ctx, requested) : undefined;
  const { ProfileStore } = await import('../config/profiles.js');
  const store = new ProfileStore(ctx.paths.configDir, ctx.env);
  const saved = store.get(profile);
  const url = portalUrl ?? saved?.portal;
  const notSignedIn = () => new AuthError(t('auth.err.notSignedIn'), { hint: t('auth.err.notSignedIn.hint', profile) });
  if (!url) throw notSignedIn();
  // A profile's token is only ever sent to the portal it was saved for.
  const same = saved !== undefined && saved.portal === url ? saved : undefined;
  const envToken = ctx.env.SUPPORT_TOKEN?.trim();
  const email = ctx.env.SUPPORT_EMAIL?.trim() || same?.email;
  // What login found (from /info, or --deployment); without a profile, the host says it. An e-mail
  // does not make a portal Cloud: Data Center takes username and password as Basic too.
  const flavor: PortalFlavor = same?.deployment ?? detectFlavor(url);
  const known = same?.deployment !== undefined;
  if (envToken) return { portalUrl: url, flavor, saved: known, email, token: envToken, source: 'env' };
  if (same) {
    const tok = await store.token(profile);
    if (!tok) {
      if (same.tokenStore === 'keyring') throw new AuthError(t('auth.err.keyringLost', profile));
      throw notSignedIn();
    }
    return { portalUrl: url, flavor, saved: known, email, token: tok.token, source: tok.source };
  }
  if (portalUrl) throw new AuthError(t('auth.err.noTokenForPortal', url), { hint: t('auth.err.notSignedIn.hint', profile) });
  throw notSignedIn();
}

/**
 * Resolves portal + credentials (flag > env SUPPORT_PORTAL/SUPPORT_EMAIL/SUPPORT_TOKEN > profile),
 * or starts the in-process sandbox for `--portal sandbox` (data dir `ctx.paths.dataDir`; port
 * SANDBOX_PORT when it is free, any other otherwise; `ctx.clock`), and builds the client (debug
 * trace, proxy, CA, User-Agent). Throws AuthError (exit 4) "not signed in; run: support login"
 * when nothing is configured.
 */
export async function openPortal(ctx: Ctx): Promise<PortalSession> {
  const profile = profileName(ctx);
  const requested = ctx.globals.portal?.trim() || ctx.env.SUPPORT_PORTAL?.trim() || undefined;
  if (wantsSandbox(requested)) return openSandbox(ctx, profile);
  const r = await resolve(ctx, profile, requested);
  const credentials: Credentials = r.email ? { kind: 'basic', email: r.email, token: r.token } : { kind: 'bearer', token: r.token };
  const client = await buildClient(ctx, r.portalUrl, credentials, networkOptions(ctx), r.flavor);
  let asked: Promise<PortalFlavor> | undefined;
  const portalFlavor = (): Promise<PortalFlavor> => {
    if (r.saved) return Promise.resolve(r.flavor);
    asked ??= client.info().then(
      (info) => flavorOfInfo(info) ?? r.flavor,
      () => r.flavor,
    );
    return asked;
  };
  return {
    api: client,
    portalUrl: r.portalUrl,
    profile,
    flavor: r.flavor,
    portalFlavor,
    tokenSource: r.source,
    ...(r.email ? { email: r.email } : {}),
    close: () => client.close(),
  };
}

/**
 * An answer of the portal this client could not read (a date JavaScript cannot hold, a member of
 * another type than the spec says, a list where an object belongs) surfaces as a TypeError or
 * RangeError while it is used: said as what it is, with the way to see the answer, never as a bug.
 * Other errors are returned unchanged.
 */
export function oddAnswer(ctx: Ctx, portalUrl: string, err: unknown): unknown {
  if (!(err instanceof TypeError || err instanceof RangeError)) return err;
  return new CliError(ctx.t('portal.err.oddAnswer', new URL(portalUrl).host, err.message), { hint: ctx.t('portal.hint.oddAnswer'), cause: err });
}
