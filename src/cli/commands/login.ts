import type { Command } from 'commander';
import { AuthError, CliError, UsageError } from '../../lib/errors.js';
import type { Profile } from '../../config/profiles.js';
import type { Credentials } from '../../portal/client.js';
import type { PortalFlavor } from '../../portal/url.js';
import type { MyselfDTO, SoftwareInfoDTO } from '../../portal/types.js';
import type { Ctx } from '../context.js';
import { accountOf, buildClient, parsePortalUrl, profileName, requireSecureTransport, wantsSandbox } from '../session.js';
import { examples, type Registrar } from '../command.js';
import type { LoginJson } from '../json-types.js';
import { readStdin } from '../stdin.js';

/** `support login` after parsing. */
export interface LoginOptions {
  /** From the global --portal (or SUPPORT_PORTAL). */
  portal?: string;
  email?: string;
  /** --token (discouraged: shell history). */
  token?: string;
  tokenStdin: boolean;
  /** --cloud / --dc; detected from the host when absent. */
  flavor?: PortalFlavor;
}

interface RawLogin {
  email?: string;
  token?: string;
  tokenStdin?: boolean;
  cloud?: boolean;
  dc?: boolean;
  deployment?: string;
  /** `--app URL`: the product admin credential for support zips instead (see cluster/login.ts). */
  app?: string;
  user?: string;
}

/** What `support login --json` prints. */
/** What `login` saved (printed by `--json`). */
export type LoginResult = LoginJson;

/** Checks the flags that contradict each other (exit 2). */
export function parseLoginOptions(raw: RawLogin, ctx: Ctx): LoginOptions {
  const { t } = ctx;
  if (raw.deployment !== undefined && raw.deployment !== 'cloud' && raw.deployment !== 'dc') {
    throw new UsageError(t('auth.login.badDeployment', raw.deployment), { hint: t('err.seeHelp', 'support login') });
  }
  const named = [raw.cloud && 'cloud', raw.dc && 'dc', raw.deployment].filter(Boolean);
  if (new Set(named).size > 1) throw new UsageError(t('auth.login.bothFlavors'), { hint: t('err.seeHelp', 'support login') });
  if (raw.deployment === 'cloud') raw.cloud = true;
  if (raw.deployment === 'dc') raw.dc = true;
  if (raw.token !== undefined && raw.tokenStdin) throw new UsageError(t('auth.login.tokenSources'), { hint: t('err.seeHelp', 'support login') });
  const portal = ctx.globals.portal?.trim() || ctx.env.SUPPORT_PORTAL?.trim() || undefined;
  return {
    ...(portal ? { portal } : {}),
    ...(raw.email ? { email: raw.email.trim() } : {}),
    ...(raw.token !== undefined ? { token: raw.token } : {}),
    tokenStdin: Boolean(raw.tokenStdin),
    ...(raw.cloud ? { flavor: 'cloud' as const } : raw.dc ? { flavor: 'dc' as const } : {}),
  };
}

/** The profile already saved under `name`, if any (an unreadable config file counts as none here: saving reports it). */
function signedIn(store: { get(name: string): Profile | undefined }, name: string): Profile | undefined {
  try {
    return store.get(name);
  } catch {
    return undefined;
  }
}

/**
 * Cloud or Data Center: Atlassian's Cloud hosts are Cloud; any other host is asked, without
 * credentials, what it runs (`GET /info`, which JSM answers anonymously), so that a Cloud portal
 * elsewhere (a proxy, a test portal) is not taken for Data Center. Data Center when it cannot say.
 */
async function flavorOfPortal(ctx: Ctx, portalUrl: string): Promise<PortalFlavor> {
  const { detectFlavor, flavorOfInfo, isCloudHost } = await import('../../portal/url.js');
  if (isCloudHost(new URL(portalUrl).hostname)) return 'cloud';
  const client = await buildClient(ctx, portalUrl, { kind: 'none' });
  try {
    return flavorOfInfo(await client.info()) ?? detectFlavor(portalUrl);
  } catch {
    return detectFlavor(portalUrl);
  } finally {
    await client.close();
  }
}

/** Where the token is made: Atlassian's account page for a Cloud site of Atlassian's, the portal's profile page for Data Center. */
async function tokenPointer(ctx: Ctx, flavor: PortalFlavor, portalUrl: string): Promise<string> {
  if (flavor === 'dc') return ctx.t('auth.login.tokenPointer.dc', portalUrl);
  const { isCloudHost } = await import('../../portal/url.js');
  return isCloudHost(new URL(portalUrl).hostname) ? ctx.t('auth.login.tokenPointer.cloud') : ctx.t('auth.login.tokenPointer.cloudOther', portalUrl);
}

function who(m: MyselfDTO): string {
  const name = m.displayName ?? m.name ?? m.accountId ?? '?';
  return m.emailAddress ? `${name} <${m.emailAddress}>` : name;
}

/**
 * Signs in: asks (on a TTY) or takes from flags the portal, e-mail and token, verifies them with
 * `myself` and `info`, and only then saves the profile. A rejected token exits 4 and saves nothing.
 */
export async function runLogin(opts: LoginOptions, ctx: Ctx): Promise<LoginResult | undefined> {
  const { t, io } = ctx;
  const { ProfileStore, isValidProfileName } = await import('../../config/profiles.js');
  const profile = profileName(ctx);
  if (!isValidProfileName(profile)) throw new UsageError(t('auth.login.badProfile', profile));
  if (wantsSandbox(opts.portal)) {
    io.err(t('auth.login.sandbox'));
    return undefined;
  }

  const missing: string[] = [];
  const nonEmpty = (v: string) => (v.trim() === '' ? t('auth.login.ask.empty') : true);
  let ask: Awaited<ReturnType<Ctx['prompter']>> | undefined;
  const prompter = async () => (ask ??= await ctx.prompter(ctx.signal));

  const store = new ProfileStore(ctx.paths.configDir, ctx.env);
  const saved = signedIn(store, profile);
  if (saved && ctx.interactive) io.err(t('auth.login.already', saved.account?.displayName ?? saved.account?.name ?? saved.email ?? '?', saved.portal, profile));

  let portalUrl: string | undefined;
  if (opts.portal) portalUrl = parsePortalUrl(ctx, opts.portal);
  else if (ctx.interactive) {
    const answer = await (await prompter()).input({
      message: t('auth.login.ask.portal'),
      ...(saved ? { default: saved.portal } : {}),
      validate: (v) => {
        if (v.trim() === '') return t('auth.login.ask.empty');
        try {
          requireSecureTransport(ctx, parsePortalUrl(ctx, v), false);
          return true;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
    });
    portalUrl = parsePortalUrl(ctx, answer);
  } else missing.push('--portal URL');
  // Refused before the token is asked for: it would travel in clear text.
  if (portalUrl) requireSecureTransport(ctx, portalUrl, false);

  const flavor = opts.flavor ?? (portalUrl ? await flavorOfPortal(ctx, portalUrl) : undefined);
  if (portalUrl && flavor && ctx.interactive && !opts.flavor) io.err(t('auth.login.detected', t(`auth.flavor.${flavor}`)));

  let email = opts.email ?? (ctx.env.SUPPORT_EMAIL?.trim() || undefined);
  if (!email && flavor === 'cloud') {
    if (ctx.interactive) email = (await (await prompter()).input({ message: t('auth.login.ask.email'), validate: nonEmpty })).trim();
    else missing.push('--email E');
  }

  let token: string | undefined;
  if (opts.tokenStdin) {
    token = (await readStdin(ctx, '--token-stdin', 'token')).replace(/\r?\n$/, '').trim();
    if (!token) throw new UsageError(t('auth.login.emptyStdin'));
  } else if (opts.token !== undefined) {
    io.err(t('auth.login.tokenFlagWarning'));
    token = opts.token.trim();
  } else if (ctx.env.SUPPORT_TOKEN?.trim()) {
    token = ctx.env.SUPPORT_TOKEN.trim();
  } else if (ctx.interactive && portalUrl && flavor) {
    io.err(await tokenPointer(ctx, flavor, portalUrl));
    token = (await (await prompter()).password({ message: t(flavor === 'cloud' ? 'auth.login.ask.token.cloud' : 'auth.login.ask.token.dc'), validate: nonEmpty })).trim();
  } else if (!ctx.interactive) missing.push('--token-stdin');

  if (missing.length > 0 || !portalUrl || !token || !flavor) {
    throw new UsageError(t('auth.login.missing', missing.join(', ')), { hint: t('err.seeHelp', 'support login') });
  }

  const credentials: Credentials = email ? { kind: 'basic', email, token } : { kind: 'bearer', token };
  const client = await buildClient(ctx, portalUrl, credentials);
  const { PortalError } = await import('../../portal/errors.js');
  const host = new URL(portalUrl).host;
  let me: MyselfDTO;
  let info: SoftwareInfoDTO | undefined;
  try {
    if (!ctx.globals.json) io.err(t('auth.login.verifying', portalUrl));
    try {
      me = await client.myself();
      info = await client.info();
    } catch (err) {
      if (err instanceof PortalError && err.kind === 'auth') {
        throw new AuthError(t('auth.login.rejected', host), {
          hint: t(email ? 'auth.login.rejected.hint.cloud' : 'auth.login.rejected.hint.dc'),
          cause: err,
        });
      }
      if (err instanceof PortalError && err.kind === 'not-found') throw new CliError(t('auth.login.notJsm', host), { cause: err });
      throw err;
    }
  } finally {
    await client.close();
  }
  if (info?.isLicensedForUse === false) io.err(t('auth.login.unlicensedWarning', host));
  // The portal says what it is; --cloud, --dc or --deployment say otherwise when it is wrong.
  const { flavorOfInfo } = await import('../../portal/url.js');
  const deployment = opts.flavor ?? flavorOfInfo(info) ?? flavor;

  const account = accountOf(me);
  const tokenStore = await store.save(
    profile,
    { portal: portalUrl, deployment, ...(email ? { email } : {}), account, savedAt: new Date(ctx.clock.now()).toISOString() },
    token,
  );
  const result: LoginResult = { profile, portal: portalUrl, deployment, account, tokenStore };
  if (ctx.globals.json) {
    ctx.output.json(result);
  } else {
    io.out(t('auth.login.done', who(me), portalUrl, profile));
    io.out(tokenStore === 'keyring' ? t('auth.login.stored.keyring') : t('auth.login.stored.file', store.file));
  }
  return result;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  program
    .command('login')
    .description(t('auth.login.description'))
    .option('--email <email>', t('auth.login.opt.email'))
    .option('--token-stdin', t('auth.login.opt.tokenStdin'))
    .option('--token <token>', t('auth.login.opt.token'))
    .option('--cloud', t('auth.login.opt.cloud'))
    .option('--dc', t('auth.login.opt.dc'))
    .option('--deployment <cloud|dc>', t('auth.login.opt.deployment'))
    .option('--app <url>', t('cluster.login.opt.app'))
    .option('--user <name>', t('cluster.login.opt.user'))
    .addHelpText(
      'after',
      `${t('auth.login.help.after')}${examples(t, [
        'support login',
        'support login --portal https://example.atlassian.net --email me@example.com --token-stdin < token.txt',
        'printf %s "$JIRA_PAT" | support login --portal https://jira.example.com --token-stdin',
        'support login --profile work --portal https://work.atlassian.net',
      ])}`,
    )
    .action(async (raw: RawLogin, cmd: Command) => {
      const ctx = r.ctx(cmd);
      if (raw.app !== undefined) {
        await (await import('../cluster/login.js')).runAppLogin({ app: raw.app, user: raw.user, tokenStdin: Boolean(raw.tokenStdin), token: raw.token }, ctx);
        return;
      }
      await runLogin(parseLoginOptions(raw, ctx), ctx);
    });
}
