import { CancelledError, CliError, UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { CommentJson } from '../json-types.js';
import { parseKey } from '../shared/common.js';
import { readStdin } from '../stdin.js';

export interface CommentOptions {
  key: string;
  body?: string;
  /** A path, or `-` for stdin. */
  bodyFile?: string;
}

export const register = defineCommand<[string], { body?: string; bodyFile?: string }>((t) => ({
  name: 'comment',
  description: t('follow.comment.description'),
  args: [['<key>', t('follow.arg.key')]],
  flags: [
    ['--body <text>', t('follow.comment.opt.body')],
    ['--body-file <file>', t('follow.comment.opt.bodyFile')],
  ],
  examples: [
    'support comment SUP-12 --body "The patch fixed it, thanks."',
    'support comment SUP-12 --body-file reply.txt',
    'dmesg | tail -50 | support comment SUP-12 --body-file -',
    'support comment SUP-12   # opens $EDITOR',
  ],
  action: async (ctx, [key], flags) => {
    if (flags.body !== undefined && flags.bodyFile !== undefined) throw new UsageError(ctx.t('follow.comment.err.both'));
    await runComment({ key: parseKey(key, ctx.t), ...flags }, ctx);
  },
}));

/** Where the comment text comes from: the flag, a file, stdin, or the editor on a TTY. */
async function readBody(opts: CommentOptions, ctx: Ctx): Promise<string> {
  const { t } = ctx;
  if (opts.body !== undefined) return opts.body;
  if (opts.bodyFile === '-') {
    return readStdin(ctx, '--body-file -', 'text');
  }
  if (opts.bodyFile !== undefined) {
    const fs = await import('node:fs/promises');
    const path = await import('node:path');
    try {
      return await fs.readFile(path.resolve(ctx.cwd, opts.bodyFile), 'utf8');
    } catch (err) {
      throw new UsageError(t('follow.comment.err.file', opts.bodyFile, (err as Error).message));
    }
  }
  if (!ctx.interactive) throw new UsageError(t('follow.comment.err.noBody'), { hint: t('follow.comment.err.noBodyHint') });
  const p = await ctx.prompter(ctx.signal);
  return p.editor({
    message: t('follow.comment.prompt', opts.key),
    validate: (v) => (v.trim() === '' ? t('follow.comment.err.empty') : true),
  });
}

/**
 * Adds a public comment at most once and reports the request's status afterwards: on most portals
 * a comment on a resolved request reopens it, and a comment while "Waiting for customer" hands it
 * back. The same words by the same person in the last minutes are that comment already (a run
 * whose answer was lost); a comment that could not be sent is kept for the command the hint prints.
 */
export async function runComment(opts: CommentOptions, ctx: Ctx): Promise<void> {
  const { t } = ctx;
  const body = (await readBody(opts, ctx)).replace(/\s+$/, '');
  if (body.trim() === '') throw new UsageError(t('follow.comment.err.empty'));
  const [{ withPortal, fetchRequest, notVisible, isoOf, isResolved }, once, { mayHaveBeenSent }, { renderError }] = await Promise.all([
    import('../shared/common.js'),
    import('../shared/comment-once.js'),
    import('../../portal/retry.js'),
    import('../errors.js'),
  ]);
  const configDir = ctx.paths.configDir;
  await withPortal(ctx, async (api) => {
    const before = await fetchRequest(api, opts.key, t);
    const key = before.issueKey ?? opts.key;
    const wasResolved = await isResolved(api, before);
    let comment = await once.findSameComment(api, key, body, ctx.clock.now());
    const already = comment !== undefined;
    if (!comment) {
      const sentAt = ctx.clock.now();
      try {
        comment = await api.addComment(key, body);
      } catch (err) {
        if (err instanceof CancelledError) throw err;
        const found = mayHaveBeenSent(err) ? await once.findSameComment(api, key, body, sentAt).catch(() => undefined) : undefined;
        if (!found) {
          // Nothing typed is lost: the words wait in a file for the command the hint prints.
          const file = await once.keepUnsent(configDir, key, body).catch(() => undefined);
          const shown = renderError(notVisible(err, key, t), t);
          throw new CliError(shown.message, { hint: file ? t('follow.comment.hint.again', `support comment ${key} --body-file ${shellQuote(file)}`) : shown.hint, cause: err });
        }
        comment = found;
      }
    }
    await once.forgetUnsent(configDir, key, body).catch(() => undefined);
    // The comment is on the request: a failed status check afterwards does not make the command fail.
    const after = await fetchRequest(api, key, t).catch((err: unknown) => {
      if (err instanceof CancelledError) throw err;
      ctx.io.err(t('follow.comment.noStatus', renderError(err, t).message));
      return before;
    });
    const was = before.currentStatus?.status ?? '';
    const now = after.currentStatus?.status ?? '';
    const reopened = wasResolved && after !== before && !(await isResolved(api, after).catch(() => true));
    if (ctx.globals.json) {
      ctx.output.json({
        key,
        comment: { id: comment.id ?? '', created: isoOf(comment.created), body: comment.body ?? body },
        previousStatus: was,
        status: now,
        statusCategory: after.currentStatus?.statusCategory ?? '',
        reopened,
        url: after._links?.web ?? before._links?.web ?? '',
        ...(already ? { alreadyAdded: true as const } : {}),
      } satisfies CommentJson);
      return;
    }
    ctx.io.out(already ? t('follow.comment.already', key, isoOf(comment.created)) : t('follow.comment.added', key));
    if (reopened) ctx.io.out(t('follow.comment.reopened', now));
    else if (was !== now) ctx.io.out(t('follow.statusChanged', was, now));
    else ctx.io.out(t('follow.statusIs', now));
  });
}

/** Quotes a path for the command the user can paste. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
