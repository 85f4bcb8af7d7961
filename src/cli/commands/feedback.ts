import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { FeedbackJson } from '../json-types.js';
import { parseKey } from '../shared/common.js';

/** `support feedback` after parsing; without `rating`, it is asked (on a terminal only). */
export interface FeedbackOptions {
  key: string;
  rating?: number;
  comment?: string;
}

export const register = defineCommand<[string], { rating?: string; comment?: string }>((t) => ({
  name: 'feedback',
  description: t('files.feedback.description'),
  args: [['<key>', t('follow.arg.key')]],
  flags: [
    ['--rating <n>', t('files.feedback.opt.rating')],
    ['--comment <text>', t('files.feedback.opt.comment')],
  ],
  examples: ['support feedback SUP-12', 'support feedback SUP-12 --rating 5', `support feedback SUP-12 --rating 4 --comment "${t('files.feedback.exampleComment')}"`, 'support feedback SUP-12 --rating 5 --json'],
  action: async (ctx, [key], flags) => {
    const { parseRating } = await import('../shared/feedback-send.js');
    let rating: number | undefined;
    if (flags.rating !== undefined) {
      rating = parseRating(flags.rating);
      if (rating === undefined) throw new UsageError(ctx.t('files.feedback.err.rating', flags.rating));
    } else if (!ctx.interactive) {
      throw new UsageError(ctx.t('files.feedback.err.ratingMissing'), { hint: ctx.t('files.feedback.hint.ratingMissing', `support feedback ${key} --rating 5`) });
    }
    await runFeedback({ key: parseKey(key, ctx.t), ...(rating !== undefined ? { rating } : {}), ...(flags.comment !== undefined ? { comment: flags.comment } : {}) }, ctx);
  },
}));

/** Rates a request: the rating given, or the one asked for; Enter at the question sends nothing. */
export async function runFeedback(opts: FeedbackOptions, ctx: Ctx): Promise<void> {
  const [{ withPortal, fetchRequest }, send] = await Promise.all([import('../shared/common.js'), import('../shared/feedback-send.js')]);
  await withPortal(ctx, async (api) => {
    const req = await fetchRequest(api, opts.key, ctx.t);
    const key = req.issueKey ?? opts.key;
    const value = opts.rating !== undefined ? { rating: opts.rating, comment: opts.comment?.trim() ?? '' } : await send.promptRating(ctx, key);
    if (!value) {
      ctx.io.err(ctx.t('files.feedback.skipped'));
      return;
    }
    await send.sendFeedback(ctx, api, key, value);
    if (ctx.globals.json) ctx.output.json({ key, ...value, url: req._links?.web ?? '' } satisfies FeedbackJson);
    else ctx.io.out(ctx.t('files.feedback.done', key, value.rating));
  });
}
