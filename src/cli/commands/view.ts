import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { RequestView } from '../json-types.js';
import { parseKey } from '../shared/common.js';

export interface ViewOptions {
  key: string;
  /** How many of the latest comments to show; undefined = all. */
  comments: number | undefined;
  web: boolean;
}

export const register = defineCommand<[string], { comments?: string; allComments?: boolean; web?: boolean }>((t) => ({
  name: 'view',
  description: t('follow.view.description'),
  args: [['<key>', t('follow.arg.key')]],
  flags: [
    ['--comments <n>', t('follow.view.opt.comments'), '10'],
    ['--all-comments', t('follow.view.opt.allComments')],
    ['--web', t('follow.view.opt.web')],
  ],
  examples: ['support view SUP-12', 'support view SUP-12 --all-comments', 'support view SUP-12 --json | jq .status', 'support view SUP-12 --web'],
  action: async (ctx, [key], flags) => {
    const n = flags.comments ?? '10';
    if (!/^\d+$/.test(n.trim())) throw new UsageError(ctx.t('follow.view.err.comments', n));
    await runView({ key: parseKey(key, ctx.t), comments: flags.allComments ? undefined : Number(n), web: Boolean(flags.web) }, ctx);
  },
}));

/** Shows one request: fields, status timeline, SLA, participants, attachments, comments. */
export async function runView(opts: ViewOptions, ctx: Ctx): Promise<void> {
  const [{ withPortal }, v] = await Promise.all([import('../shared/common.js'), import('../shared/view-render.js')]);
  await withPortal(ctx, async (api, _url, session) => {
    const { doc, now } = await v.loadRequestView(api, opts.key, ctx, session);
    if (opts.web) {
      ctx.io.out(doc.url);
      if (!ctx.globals.json) await v.openBrowser(doc.url, ctx);
      return;
    }
    const shown = opts.comments === undefined ? doc.comments : doc.comments.slice(Math.max(0, doc.comments.length - opts.comments));
    if (ctx.globals.json) {
      ctx.output.json({ ...doc, comments: shown } satisfies RequestView);
      return;
    }
    v.printView(doc, shown, ctx, now);
  });
}
