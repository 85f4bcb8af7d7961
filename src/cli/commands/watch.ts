import type { Command } from 'commander';
import { UsageError } from '../../lib/errors.js';
import { parseDuration } from '../../lib/units.js';
import type { Ctx } from '../context.js';
import { examples, type Registrar } from './index.js';

export interface WatchOptions {
  key: string;
  /** A status name, or `done` for any resolved status (category DONE). */
  until: string;
  intervalMs: number;
  timeoutMs?: number;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  program
    .command('watch')
    .description(t('follow.watch.description'))
    .argument('<key>', t('follow.arg.key'))
    .option('--until <status>', t('follow.watch.opt.until'), 'done')
    .option('--interval <duration>', t('follow.watch.opt.interval'), '60s')
    .option('--timeout <duration>', t('follow.watch.opt.timeout'))
    .addHelpText(
      'after',
      examples(t, ['support watch SUP-12', 'support watch SUP-12 --until "Waiting for customer" --interval 5m', 'support watch SUP-12 --timeout 8h --json | jq -c .']),
    )
    .action(async (key: string, flags: { until?: string; interval?: string; timeout?: string }, cmd: Command) => {
      const ctx = r.ctx(cmd);
      const { parseKey } = await import('../shared/common.js');
      const problems: string[] = [];
      const interval = parseDuration(flags.interval ?? '60s');
      if (interval === undefined || interval < 1000) problems.push(ctx.t('follow.watch.err.interval', flags.interval ?? ''));
      const timeout = flags.timeout === undefined ? undefined : parseDuration(flags.timeout);
      if (flags.timeout !== undefined && (timeout === undefined || timeout <= 0)) problems.push(ctx.t('follow.watch.err.timeout', flags.timeout));
      const until = (flags.until ?? 'done').trim();
      if (until === '') problems.push(ctx.t('follow.watch.err.until'));
      if (problems.length > 0) throw new UsageError(problems.join('\n'));
      await runWatch({ key: parseKey(key, ctx.t), until, intervalMs: interval!, ...(timeout !== undefined ? { timeoutMs: timeout } : {}) }, ctx);
    });
}

/**
 * Polls until the request reaches the status (exit 0), the timeout passes (exit 1) or Ctrl-C
 * (exit 130), reporting each status change and new comment as it appears.
 */
export async function runWatch(opts: WatchOptions, ctx: Ctx): Promise<void> {
  const [{ withPortal }, { watchRequest }] = await Promise.all([import('../shared/common.js'), import('../shared/watch-loop.js')]);
  await withPortal(ctx, (api) => watchRequest(api, opts, ctx));
}
