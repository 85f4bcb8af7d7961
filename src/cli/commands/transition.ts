import { CancelledError, CliError, UsageError } from '../../lib/errors.js';
import type { CustomerRequestDTO, CustomerTransitionDTO } from '../../portal/types.js';
import { defineCommand, type Registrar } from '../command.js';
import type { Ctx } from '../context.js';
import type { TransitionJson } from '../json-types.js';
import { matchTransition, parseKey, summaryOf, TRANSITION_NAMES, type TransitionKind } from '../shared/common.js';

/**
 * `support resolve`, `support escalate` and `support reopen`: the customer actions that map to a
 * portal transition. One table declares the three; they differ only in the names a portal gives the
 * transition.
 */
export type { TransitionKind } from '../shared/common.js';
export { matchTransition } from '../shared/common.js';

export interface TransitionOptions {
  key: string;
  comment?: string;
  yes: boolean;
}

const transitionCommand = (kind: TransitionKind) =>
  defineCommand<[string], { comment?: string; yes?: boolean }>((t) => ({
    name: kind,
    description: t(`follow.${kind}.description`),
    args: [['<key>', t('follow.arg.key')]],
    flags: [
      ['--comment <text>', t('follow.transition.opt.comment')],
      ['-y, --yes', t('follow.transition.opt.yes')],
    ],
    examples: [`support ${kind} SUP-12`, `support ${kind} SUP-12 --comment "${t(`follow.${kind}.exampleComment`)}" --yes`, `support ${kind} SUP-12 --yes --json`],
    action: (ctx, [key], flags) =>
      runTransition(kind, { key: parseKey(key, ctx.t), yes: Boolean(flags.yes), ...(flags.comment !== undefined ? { comment: flags.comment } : {}) }, ctx),
  }));

/** Declares `support resolve|escalate|reopen KEY [--comment TEXT] [--yes]`. */
export function register(r: Registrar): void {
  for (const kind of Object.keys(TRANSITION_NAMES) as TransitionKind[]) transitionCommand(kind)(r);
}

/**
 * Performs a customer action through the request's own transitions, so it works on any portal's
 * workflow. Without a TTY, `--yes` is required before anything is sent (exit 2). A request already
 * where the action leads (resolved, open again, escalated by an earlier run) is said to be so and
 * the command succeeds without sending anything; after an answer that may have been lost, the
 * request is looked at again before the command calls it a failure.
 */
export async function runTransition(kind: TransitionKind, opts: TransitionOptions, ctx: Ctx): Promise<void> {
  const { t } = ctx;
  if (!opts.yes && !ctx.interactive) {
    throw new UsageError(t('follow.transition.err.yes', kind), { hint: t('follow.transition.err.yesHint', `support ${kind} ${opts.key} --yes`) });
  }
  const [common, { mayHaveBeenSent }, log] = await Promise.all([
    import('../shared/common.js'),
    import('../../portal/retry.js'),
    import('../../config/escalations.js'),
  ]);
  const { fetchRequest, notVisible } = common;
  await common.withPortal(ctx, async (api, _url, session) => {
    const portal = common.escalationPortal(session);
    const look = async (k: string) => {
      const req = await fetchRequest(api, k, t);
      const available: CustomerTransitionDTO[] = [];
      try {
        for await (const x of api.transitions(req.issueKey ?? k)) available.push(x);
      } catch (err) {
        throw notVisible(err, k, t);
      }
      return { req, tr: matchTransition(kind, available), available };
    };
    /** Where the action leads, and the action is not offered: there already. */
    const arrived = async (seen: Awaited<ReturnType<typeof look>>) => {
      if (seen.tr?.id) return false;
      if (kind === 'escalate') {
        const cur = seen.req.currentStatus;
        return (await common.escalationOf(api, ctx, portal, seen.req, [{ status: cur?.status ?? '', category: cur?.statusCategory ?? '', at: '' }])) !== undefined;
      }
      // Data Center reports no status category: the portal's list of closed requests says it.
      const done = await common.isResolved(api, seen.req);
      return kind === 'resolve' ? done : !done;
    };
    const first = await look(opts.key);
    const { req, tr, available } = first;
    const key = req.issueKey ?? opts.key;
    const before = req.currentStatus?.status ?? '';
    if (await arrived(first)) return report(kind, key, before, req, undefined, ctx);
    if (!tr?.id) {
      const names = available.map((x) => x.name ?? x.id ?? '').filter(Boolean);
      const hints = [names.length > 0 ? t('follow.transition.available', names.join(', ')) : t('follow.transition.none')];
      // Portals offer "Escalate" once: on an open request it is gone after an escalation from elsewhere.
      if (kind === 'escalate' && !(await common.isResolved(api, req))) hints.push(t('follow.escalate.notOffered'));
      throw new CliError(t('follow.transition.err.unavailable', t(`follow.${kind}.verb`), key, before), { hint: hints.join('\n') });
    }
    let comment = opts.comment !== undefined && opts.comment.trim() !== '' ? opts.comment : undefined;
    if (!opts.yes || (kind === 'escalate' && comment === undefined && ctx.interactive)) {
      const p = await ctx.prompter(ctx.signal);
      // Support reads why before anything else: on a terminal, an escalation always says why.
      if (kind === 'escalate' && comment === undefined) {
        comment = (
          await p.input({ message: t('follow.escalate.reason', key), validate: (v) => (v.trim() !== '' ? true : t('follow.escalate.reasonRequired')) })
        ).trim();
      }
      if (!opts.yes) {
        const ok = await p.confirm({ message: t('follow.transition.confirm', tr.name ?? kind, key, summaryOf(req)), default: true });
        if (!ok) throw new CancelledError();
      }
    }
    // Recorded in the portal's time, as everything view shows beside it.
    if (kind === 'escalate') await log.recordEscalation(ctx.paths.configDir, portal, key, common.portalNow(api, ctx));
    try {
      await api.transition(key, tr.id, comment);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      // The answer may have been lost after the portal moved the request: look before calling it a failure.
      const moved = mayHaveBeenSent(err) ? await look(key).then((again) => arrived(again)).catch(() => false) : false;
      if (!moved) {
        if (kind === 'escalate' && !mayHaveBeenSent(err)) await log.forgetEscalation(ctx.paths.configDir, portal, key, ctx.clock.now()).catch(() => undefined);
        throw err;
      }
    }
    const after = await fetchRequest(api, key, t);
    report(kind, key, before, after, { id: tr.id, name: tr.name ?? '' }, ctx);
    if (kind === 'resolve' && !opts.yes) await (await import('../shared/feedback-send.js')).askFeedback(ctx, api, key);
  });
}

/**
 * What was done: the transition taken and the status before and after, or (without `taken`) that
 * the request was where the action leads already, with nothing sent.
 */
function report(kind: TransitionKind, key: string, before: string, after: CustomerRequestDTO, taken: { id: string; name: string } | undefined, ctx: Ctx): void {
  const { t } = ctx;
  const status = after.currentStatus?.status ?? '';
  if (ctx.globals.json) {
    ctx.output.json({
      key,
      ...(taken ? { transition: taken } : { alreadyDone: true as const }),
      previousStatus: before,
      status,
      statusCategory: after.currentStatus?.statusCategory ?? '',
      url: after._links?.web ?? '',
    } satisfies TransitionJson);
    return;
  }
  if (!taken) {
    ctx.io.out(t(`follow.${kind}.already`, key, status));
    return;
  }
  ctx.io.out(t('follow.transition.done', taken.name || kind, key));
  ctx.io.out(before !== status ? t('follow.statusChanged', before, status) : t('follow.statusIs', status));
}
