import type { Command } from 'commander';
import { UsageError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { examples, type Registrar } from './index.js';

export interface ViewOptions {
  key: string;
  /** How many of the latest comments to show; undefined = all. */
  comments: number | undefined;
  web: boolean;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  program
    .command('view')
    .description(t('follow.view.description'))
    .argument('<key>', t('follow.arg.key'))
    .option('--comments <n>', t('follow.view.opt.comments'), '10')
    .option('--all-comments', t('follow.view.opt.allComments'))
    .option('--web', t('follow.view.opt.web'))
    .addHelpText('after', examples(t, ['support view SUP-12', 'support view SUP-12 --all-comments', 'support view SUP-12 --json | jq .status', 'support view SUP-12 --web']))
    .action(async (key: string, flags: { comments?: string; allComments?: boolean; web?: boolean }, cmd: Command) => {
      const ctx = r.ctx(cmd);
      const { parseKey } = await import('../follow/common.js');
      const n = flags.comments ?? '10';
      if (!/^\d+$/.test(n.trim())) throw new UsageError(ctx.t('follow.view.err.comments', n));
      await runView({ key: parseKey(key, ctx.t), comments: flags.allComments ? undefined : Number(n), web: Boolean(flags.web) }, ctx);
    });
}

/** Shows one request: fields, status timeline, SLA, participants, attachments, comments. */
export async function runView(opts: ViewOptions, ctx: Ctx): Promise<void> {
  const [{ withPortal }, v] = await Promise.all([import('../follow/common.js'), import('../follow/view-render.js')]);
  await withPortal(ctx, async (api, _url, session) => {
    const doc = await v.loadRequestView(api, opts.key, ctx, session.flavor);
    if (opts.web) {
      ctx.io.out(doc.url);
      if (!ctx.globals.json) await v.openBrowser(doc.url, ctx);
      return;
    }
    const shown = opts.comments === undefined ? doc.comments : doc.comments.slice(Math.max(0, doc.comments.length - opts.comments));
    if (ctx.globals.json) {
      ctx.io.out(JSON.stringify({ ...doc, comments: shown }, null, 2));
      return;
    }
    v.printView(doc, shown, ctx);
  });
}
