import { CancelledError, UsageError } from '../../lib/errors.js';
import type { ApprovalDecision } from '../../portal/approvals.js';
import type { ApprovalDTO } from '../../portal/types.js';
import { defineCommand, type Registrar } from '../command.js';
import type { Ctx } from '../context.js';
import type { ApprovalAnswerJson, ApprovalsJson } from '../json-types.js';
import { parseKey } from '../shared/common.js';

/**
 * `support approvals` lists the approvals that wait for you; `support approve KEY` and
 * `support decline KEY` answer one.
 */
export interface AnswerOptions {
  key: string;
  decision: ApprovalDecision;
  /** Which approval, when the request has several waiting for you. */
  approvalId?: string;
  yes: boolean;
}

const listCommand = defineCommand<[], object>((t) => ({
  name: 'approvals',
  description: t('files.approvals.description'),
  examples: ['support approvals', 'support approvals --json | jq -r ".[].key"'],
  action: (ctx) => runApprovals(ctx),
}));

const answerCommand = (decision: ApprovalDecision) =>
  defineCommand<[string], { approval?: string; yes?: boolean }>((t) => ({
    name: decision,
    description: t(`files.${decision}.description`),
    args: [['<key>', t('follow.arg.key')]],
    flags: [
      ['--approval <id>', t('files.answer.opt.approval')],
      ['-y, --yes', t('follow.transition.opt.yes')],
    ],
    examples: [`support ${decision} SUP-12`, `support ${decision} SUP-12 --yes --json`, `support ${decision} SUP-12 --approval 10050 --yes`],
    action: (ctx, [key], flags) =>
      runAnswer({ key: parseKey(key, ctx.t), decision, yes: Boolean(flags.yes), ...(flags.approval !== undefined ? { approvalId: flags.approval.trim() } : {}) }, ctx),
  }));

/** Declares `support approvals`, `support approve KEY` and `support decline KEY`. */
export function register(r: Registrar): void {
  listCommand(r);
  answerCommand('approve')(r);
  answerCommand('decline')(r);
}

/** Every approval that waits for your answer, request by request. */
export async function runApprovals(ctx: Ctx): Promise<void> {
  const [{ withPortal, summaryOf }, ap, { approvalJson, printable }, { toArray }] = await Promise.all([
    import('../shared/common.js'),
    import('../../portal/approvals.js'),
    import('../shared/files-view.js'),
    import('../../lib/iter.js'),
  ]);
  await withPortal(ctx, async (api) => {
    const out: ApprovalsJson = [];
    for await (const r of ap.pendingApprovalRequests(api)) {
      const key = r.issueKey ?? r.issueId ?? '';
      for (const a of (await toArray(ap.approvalsOf(api, key))).filter(ap.awaitsCaller)) {
        out.push({ key, summary: summaryOf(r), url: r._links?.web ?? '', approval: approvalJson(a) });
      }
    }
    if (ctx.globals.json) {
      ctx.output.json(out);
      return;
    }
    if (out.length === 0) {
      ctx.io.out(ctx.t('files.approvals.none'));
      return;
    }
    for (const p of out) {
      ctx.io.out(`${p.key}  ${printable(p.approval.name)}  ${printable(p.summary)}`);
      ctx.io.out(`  ${ctx.t('files.approvals.answer', `support approve ${p.key}`, `support decline ${p.key}`)}`);
    }
  });
}

/** The approval to answer: the one named, or the only one that waits for you. */
function choose(list: readonly ApprovalDTO[], opts: AnswerOptions, ctx: Ctx, awaits: (a: ApprovalDTO) => boolean): ApprovalDTO | { already: ApprovalDTO } {
  const { t } = ctx;
  const wanted = opts.decision === 'approve' ? 'approved' : 'declined';
  if (opts.approvalId !== undefined) {
    const a = list.find((x) => x.id === opts.approvalId);
    if (!a) throw new UsageError(t('files.answer.err.unknown', opts.approvalId, opts.key), { hint: t('files.answer.hint.none') });
    if (awaits(a)) return a;
    if (a.finalDecision === wanted) return { already: a };
    throw new UsageError(t('files.answer.err.decided', opts.key, a.name ?? a.id ?? '', t(`files.decision.${a.finalDecision === 'approved' ? 'approved' : a.finalDecision === 'declined' ? 'declined' : 'pending'}`)));
  }
  const open = list.filter(awaits);
  if (open.length === 1) return open[0]!;
  if (open.length > 1) {
    throw new UsageError(t('files.answer.err.several', opts.key), { hint: t('files.answer.hint.several', open.map((a) => `--approval ${a.id} (${a.name ?? ''})`).join(', ')) });
  }
  const done = list.find((a) => a.finalDecision === wanted);
  if (done) return { already: done };
  throw new UsageError(t('files.answer.err.none', opts.key), { hint: t('files.answer.hint.none') });
}

/**
 * Approves or declines. Without a TTY, `--yes` is required before anything is sent (exit 2). An
 * approval decided this way already is said to be so and nothing is sent; after an answer that
 * may have been lost, the approval is read again before the command calls it a failure.
 */
export async function runAnswer(opts: AnswerOptions, ctx: Ctx): Promise<void> {
  const { t } = ctx;
  if (!opts.yes && !ctx.interactive) {
    throw new UsageError(t('files.answer.err.yes', opts.decision), { hint: t('follow.transition.err.yesHint', `support ${opts.decision} ${opts.key} --yes`) });
  }
  const [{ withPortal, fetchRequest, notVisible, summaryOf }, ap, { approvalJson, printable }, { mayHaveBeenSent }, { toArray }] = await Promise.all([
    import('../shared/common.js'),
    import('../../portal/approvals.js'),
    import('../shared/files-view.js'),
    import('../../portal/retry.js'),
    import('../../lib/iter.js'),
  ]);
  await withPortal(ctx, async (api) => {
    const req = await fetchRequest(api, opts.key, t);
    const key = req.issueKey ?? opts.key;
    const list = await toArray(ap.approvalsOf(api, key)).catch((err: unknown) => {
      throw notVisible(err, key, t);
    });
    const picked = choose(list, { ...opts, key }, ctx, ap.awaitsCaller);
    const wanted = opts.decision === 'approve' ? 'approved' : 'declined';
    let result: ApprovalDTO;
    let already = false;
    if ('already' in picked) {
      result = picked.already;
      already = true;
    } else {
      if (!opts.yes) {
        const p = await ctx.prompter(ctx.signal);
        const ok = await p.confirm({ message: t(`files.${opts.decision}.confirm`, printable(picked.name ?? ''), key, printable(summaryOf(req))), default: true });
        if (!ok) throw new CancelledError();
      }
      try {
        result = await ap.answerApproval(api, key, picked.id ?? '', opts.decision);
      } catch (err) {
        if (err instanceof CancelledError || !mayHaveBeenSent(err)) throw err;
        const again = await ap.approvalOf(api, key, picked.id ?? '').catch(() => undefined);
        if (again?.finalDecision !== wanted) throw err;
        result = again;
      }
    }
    const approval = approvalJson(result);
    if (ctx.globals.json) {
      ctx.output.json({ key, decision: opts.decision, approval, ...(already ? { alreadyDone: true as const } : {}), url: req._links?.web ?? '' } satisfies ApprovalAnswerJson);
      return;
    }
    const name = printable(approval.name);
    if (already) ctx.io.out(t('files.answer.already', key, name, t(`files.decision.${approval.finalDecision}`)));
    else ctx.io.out(t(`files.${opts.decision}.done`, key, name, t(`files.decision.${approval.finalDecision}`)));
  });
}
