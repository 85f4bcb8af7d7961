import type { Command } from 'commander';
import type { Ctx } from '../context.js';
import { profileName } from '../session.js';
import { examples, type Registrar } from '../command.js';
import type { LogoutJson } from '../json-types.js';

/** What `support logout --json` prints. */
/** What `logout` forgot (printed by `--json`). */
export type LogoutResult = LogoutJson;

/** Forgets the profile: its entry in the config file and its token (keyring or file). */
export async function runLogout(ctx: Ctx): Promise<LogoutResult> {
  const { t, io } = ctx;
  const { ProfileStore } = await import('../../config/profiles.js');
  const profile = profileName(ctx);
  const store = new ProfileStore(ctx.paths.configDir, ctx.env);
  const saved = store.get(profile);
  const removed = await store.remove(profile);
  const result: LogoutResult = { profile, removed, ...(saved ? { portal: saved.portal, tokenStore: saved.tokenStore } : {}) };
  if (ctx.globals.json) ctx.output.json(result);
  else if (saved) {
    io.out(t('auth.logout.done', profile, saved.portal));
    if (saved.tokenStore === 'keyring') io.out(t('auth.logout.done.keyring'));
  } else io.err(t('auth.logout.none', profile));
  if (ctx.env.SUPPORT_TOKEN?.trim() && !ctx.globals.json) io.err(t('auth.logout.envStill'));
  return result;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  program
    .command('logout')
    .description(t('auth.logout.description'))
    .addHelpText('after', examples(t, ['support logout', 'support logout --profile work']))
    .action(async (_o: unknown, cmd: Command) => {
      await runLogout(r.ctx(cmd));
    });
}
