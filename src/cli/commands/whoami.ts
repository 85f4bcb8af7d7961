import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { accountOf, oddAnswer, openPortal } from '../session.js';
import { examples, type Registrar } from '../command.js';
import type { WhoamiJson } from '../json-types.js';

/** What `support whoami --json` prints. */
/** Who the credentials belong to (printed by `--json`). */
export type WhoamiResult = WhoamiJson;

/** Asks the portal who the credentials belong to (exit 4 when not signed in or rejected). */
export async function runWhoami(ctx: Ctx): Promise<WhoamiResult> {
  const { t, io } = ctx;
  const session = await openPortal(ctx);
  let me;
  try {
    me = await session.api.myself();
  } catch (err) {
    throw oddAnswer(ctx, session.portalUrl, err);
  } finally {
    await session.close();
  }
  const name = me.displayName ?? me.name ?? me.accountId ?? '';
  // `name` is always there (the README promises it): the username where the portal has usernames
  // (Data Center), else the name the portal shows (Cloud has no usernames).
  const account = { ...accountOf(me), name: me.name ?? name };
  const result: WhoamiResult = { account, portal: session.portalUrl, deployment: session.flavor, profile: session.profile, ...(session.tokenSource ? { tokenSource: session.tokenSource } : {}) };
  const email = me.emailAddress ?? session.email ?? '';
  if (ctx.globals.json) {
    ctx.output.json(result);
  } else if (io.stdoutIsTTY) {
    io.out(`${t('auth.whoami.account')}${name}${me.accountId && me.accountId !== name ? ` (${me.accountId})` : ''}`);
    if (email) io.out(`${t('auth.whoami.email')}${email}`);
    io.out(`${t('auth.whoami.portal')}${session.portalUrl}`);
    io.out(`${t('auth.whoami.deployment')}${t(`auth.flavor.${session.flavor}`)}`);
    io.out(`${t('auth.whoami.profile')}${session.profile}`);
    if (session.tokenSource) io.out(`${t('auth.whoami.token')}${t(`auth.source.${session.tokenSource}`)}`);
  } else {
    // Stable, untranslated keys for scripts reading a pipe.
    io.out(`account\t${name}`);
    io.out(`accountId\t${me.accountId ?? me.name ?? ''}`);
    io.out(`email\t${email}`);
    io.out(`portal\t${session.portalUrl}`);
    io.out(`deployment\t${session.flavor}`);
    io.out(`profile\t${session.profile}`);
    io.out(`token\t${session.tokenSource ?? ''}`);
  }
  return result;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  program
    .command('whoami')
    .description(t('auth.whoami.description'))
    .addHelpText('after', examples(t, ['support whoami', 'support whoami --json --profile work', 'support whoami --portal sandbox']))
    .action(async (_o: unknown, cmd: Command) => {
      await runWhoami(r.ctx(cmd));
    });
}
