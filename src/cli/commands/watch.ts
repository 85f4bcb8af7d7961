import { UsageError } from '../../lib/errors.js';
import { parseDuration } from '../../lib/units.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import { parseKey } from '../shared/common.js';
import type { WatchOptions } from '../shared/watch-loop.js';

export type { WatchOptions } from '../shared/watch-loop.js';

export const register = defineCommand<[string], { until?: string; interval?: string; timeout?: string }>((t) => ({
  name: 'watch',
  description: t('follow.watch.description'),
  args: [['<key>', t('follow.arg.key')]],
  flags: [
    ['--until <status>', t('follow.watch.opt.until'), 'done'],
    ['--interval <duration>', t('follow.watch.opt.interval'), '60s'],
    ['--timeout <duration>', t('follow.watch.opt.timeout')],
  ],
  examples: ['support watch SUP-12', 'support watch SUP-12 --until "Waiting for customer" --interval 5m', 'support watch SUP-12 --timeout 8h --json | jq -c .'],
  action: async (ctx, [key], flags) => {
    const problems: string[] = [];
    const interval = parseDuration(flags.interval ?? '60s');
    if (interval === undefined || interval < 1000) problems.push(ctx.t('follow.watch.err.interval', flags.interval ?? ''));
    const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout);
    if (flags.timeout !== undefined && (timeout === undefined || timeout <= 0)) problems.push(ctx.t('follow.watch.err.timeout', flags.timeout));
    const until = (flags.until ?? 'done').trim();
    if (until === '') problems.push(ctx.t('follow.watch.err.until'));
    if (problems.length > 0) throw new UsageError(problems.join('\n'));
    await runWatch({ key: parseKey(key, ctx.t), until, intervalMs: interval!, ...(timeout !== undefined ? { timeoutMs: timeout } : {}) }, ctx);
  },
}));

/**
 * Polls until the request reaches the status (exit 0), the timeout passes (exit 1) or Ctrl-C
 * (exit 130), reporting each status change and new comment as it appears.
 */
export async function runWatch(opts: WatchOptions, ctx: Ctx): Promise<void> {
  const [{ withPortal }, { watchRequest }] = await Promise.all([import('../shared/common.js'), import('../shared/watch-loop.js')]);
  await withPortal(ctx, (api, _url, session) => watchRequest(api, opts, ctx, session.flavor));
}
