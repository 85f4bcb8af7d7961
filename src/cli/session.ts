/**
 * Opens the portal a command talks to: resolves the portal and credentials (flag > environment >
 * profile), or starts the in-process sandbox for `--portal sandbox`, and builds the client with the
 * admin's network settings (proxy, CAs, timeouts), a User-Agent and the `--debug` trace.
 */
import { SANDBOX_PORT } from '../config/paths.js';
import { AuthError, CliError, UsageError } from '../lib/errors.js';
import type { PortalApi } from '../portal/api.js';
import type { Credentials, JsmClient } from '../portal/client.js';
import type { NetworkOptions } from '../portal/http.js';
import type { MyselfDTO } from '../portal/types.js';
import { detectFlavor, normalizePortalUrl, PortalUrlError, type PortalFlavor } from '../portal/url.js';
import type { Ctx } from './context.js';

/** Where the token in use came from (`whoami` reports it). */
export type TokenSource = 'env' | 'keyring' | 'file' | 'sandbox';

export interface PortalSession {
  api: PortalApi;
  /** Base URL, no trailing slash. */
  portalUrl: string;
  profile: string;
  /** The portal's flavor, or the built-in sandbox. */
  flavor: PortalFlavor | 'sandbox';
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

/** A client for `portalUrl` with the context's network settings, User-Agent, signal and `--debug` trace. */
export async function buildClient(ctx: Ctx, portalUrl: string, credentials: Credentials, network: NetworkOptions = networkOptions(ctx)): Promise<JsmClient> {
  const { JsmClient } = await import('../portal/client.js');
  return new JsmClient({
    ...network,
    baseUrl: portalUrl,
    credentials,
    userAgent: `support/${ctx.version} (Jira Service Management CLI)`,
    language: ctx.lang === 'ja' ? 'ja-JP' : 'en-US',
    clock: ctx.clock,
    signal: ctx.signal,
    debug: ctx.globals.debug ? (line) => ctx.io.err(`debug: ${line}`) : undefined,
  });
}

/** The portal URL as typed, normalised; a UsageError (exit 2) when it is not one. */
export function parsePortalUrl(ctx: Ctx, input: string): string {
  try {
    return normalizePortalUrl(input);
  } catch (err) {
    if (err instanceof PortalUrlError) throw new UsageError(ctx.t('portal.err.badUrl', input));
    throw err;
  }
}

/** True when `--portal`/`SUPPORT_PORTAL` asks for the built-in sandbox. */
export function wantsSandbox(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'sandbox';
}

async function openSandbox(ctx: Ctx, profile: string): Promise<PortalSession> {
  const { startSandbox } = await import('../sandbox/index.js');
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
  const flavor: PortalFlavor = same?.deployment ?? (ctx.env.SUPPORT_EMAIL?.trim() ? 'cloud' : detectFlavor(url));
  if (envToken) return { portalUrl: url, flavor, email, token: envToken, source: 'env' };
  if (same) {
    const tok = await store.token(profile);
    if (!tok) {
      if (same.tokenStore === 'keyring') throw new AuthError(t('auth.err.keyringLost', profile));
      throw notSignedIn();
    }
    return { portalUrl: url, flavor, email, token: tok.token, source: tok.source };
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
  const client = await buildClient(ctx, r.portalUrl, credentials);
  return {
    api: client,
    portalUrl: r.portalUrl,
    profile,
    flavor: r.flavor,
    tokenSource: r.source,
    ...(r.email ? { email: r.email } : {}),
    close: () => client.close(),
  };
}
