import { CliError, UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { NotifyJson } from '../json-types.js';
import { parseKey } from '../shared/common.js';

export interface NotifyOptions {
  key: string;
  on: boolean;
}

export const register = defineCommand<[string, string], object>((t) => ({
  name: 'notify',
  description: t('files.notify.description'),
  args: [
    ['<key>', t('follow.arg.key')],
    ['<on|off>', t('files.notify.arg.state')],
  ],
  examples: ['support notify SUP-12 off', 'support notify SUP-12 on --json'],
  action: async (ctx, [key, state]) => {
    const s = state.trim().toLowerCase();
    if (s !== 'on' && s !== 'off') throw new UsageError(ctx.t('files.notify.err.state', state));
    await runNotify({ key: parseKey(key, ctx.t), on: s === 'on' }, ctx);
  },
}));

/** Turns the request's notifications on or off, then reports what the portal says it holds. */
export async function runNotify(opts: NotifyOptions, ctx: Ctx): Promise<void> {
  const [{ withPortal, fetchRequest }, n, { PortalError }] = await Promise.all([
    import('../shared/common.js'),
    import('../../portal/notification.js'),
    import('../../portal/errors.js'),
  ]);
  await withPortal(ctx, async (api) => {
    const req = await fetchRequest(api, opts.key, ctx.t);
    const key = req.issueKey ?? opts.key;
    try {
      await n.setSubscribed(api, key, opts.on);
    } catch (err) {
      if (err instanceof PortalError && err.kind === 'not-found') throw new CliError(ctx.t('files.notify.err.unsupported', err.host), { cause: err });
      throw err;
    }
    const now = (await n.isSubscribed(api, key)) ?? opts.on;
    const state = now ? ('on' as const) : ('off' as const);
    if (ctx.globals.json) ctx.output.json({ key, notifications: state, url: req._links?.web ?? '' } satisfies NotifyJson);
    else ctx.io.out(ctx.t(now ? 'files.notify.on' : 'files.notify.off', key));
  });
}
