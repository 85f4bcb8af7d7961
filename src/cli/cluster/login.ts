/**
 * `support login --app URL`: saves the product admin credential that `support bundle --app` uses,
 * after checking it against ATST (`GET info`). A personal access token (Bearer) by default; with
 * `--user NAME`, that user's password (Basic), for products where PATs are off or where a secure
 * administrator session (WebSudo) refuses them. The secret comes from `--token-stdin`,
 * `SUPPORT_APP_TOKEN`/`SUPPORT_APP_PASSWORD` or a hidden prompt, never from argv.
 */
import type { AppCredential } from '../../config/app-credentials.js';
import { UsageError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import type { AppLoginJson } from '../json-types.js';
import { readStdin } from '../stdin.js';
import { atstClientFor, atstErrorText } from './app.js';
import { parsePortalUrl, requireSecureTransport } from '../session.js';

export interface AppLoginOptions {
  app: string;
  user?: string;
  tokenStdin: boolean;
  /** `--token` on the command line: refused here (it would be in the shell history and `ps`). */
  token?: string;
}

/** What `support login --app … --json` prints. */
export type AppLoginResult = AppLoginJson;

/** Verifies and saves the credential; AuthError (4) when the product refuses it, nothing saved. */
export async function runAppLogin(opts: AppLoginOptions, ctx: Ctx): Promise<AppLoginResult> {
  const { t, io } = ctx;
  if (opts.token !== undefined) throw new UsageError(t('cluster.login.noArgv'), { hint: t('cluster.login.noArgvHint') });
  const url = parsePortalUrl(ctx, opts.app);
  requireSecureTransport(ctx, url, false);
  const user = opts.user?.trim() || ctx.env.SUPPORT_APP_USER?.trim() || undefined;
  let secret: string | undefined;
  if (opts.tokenStdin) secret = (await readStdin(ctx, '--token-stdin', 'token')).replace(/\r?\n$/, '');
  else if (user && ctx.env.SUPPORT_APP_PASSWORD) secret = ctx.env.SUPPORT_APP_PASSWORD;
  else if (!user && ctx.env.SUPPORT_APP_TOKEN?.trim()) secret = ctx.env.SUPPORT_APP_TOKEN.trim();
  else if (ctx.interactive) {
    const ask = await ctx.prompter(ctx.signal);
    secret = await ask.password({ message: user ? t('cluster.login.askPassword', user) : t('cluster.login.askToken', url), validate: (v) => (v.trim() ? true : t('auth.login.ask.empty')) });
  }
  if (!secret?.trim()) throw new UsageError(t('cluster.login.missing'), { hint: t('err.seeHelp', 'support login') });
  const credential: AppCredential = user ? { kind: 'basic', user, password: secret } : { kind: 'bearer', token: secret.trim() };
  const [{ AtstError }, { AppCredentialStore }] = await Promise.all([import('../../atst/client.js'), import('../../config/app-credentials.js')]);
  const { client } = await atstClientFor(ctx, url, credential);
  let nodes: string[] = [];
  let clustered = false;
  try {
    if (!ctx.globals.json) io.err(t('auth.login.verifying', url));
    const info = await client.info();
    clustered = Array.isArray(info.nodes);
    nodes = (info.nodes ?? []).map((n) => n.nodeId);
  } catch (err) {
    if (err instanceof AtstError) throw atstErrorText(ctx, url, err);
    throw err;
  } finally {
    await client.close();
  }
  const store = new AppCredentialStore(ctx.paths.configDir, ctx.env);
  const where = await store.save(url, credential, new Date(ctx.clock.now()));
  const result: AppLoginResult = { app: url, kind: credential.kind, user: user ?? null, clustered, nodes, store: where };
  if (ctx.globals.json) ctx.output.json(result satisfies AppLoginJson);
  else {
    io.out(clustered ? t('cluster.login.doneCluster', url, nodes.length, nodes.join(', ')) : t('cluster.login.done', url));
    io.out(where === 'keyring' ? t('auth.login.stored.keyring') : t('auth.login.stored.file', store.file));
  }
  if (!ctx.globals.json && credential.kind === 'bearer') io.err(t('cluster.login.websudoNote'));
  return result;
}
