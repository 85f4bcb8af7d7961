/**
 * What `view` shows of files and of what follows the answer: each attachment with who put it there
 * and the command that downloads it, whether you get the request's notifications, your
 * satisfaction rating, and the request's approvals. The extra reads are best effort: a portal
 * without one of these endpoints (or refusing it) leaves that part out, never the whole view.
 */
import { CancelledError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { approvalsOf } from '../../portal/approvals.js';
import { attachmentIdOf, withoutInvisible } from '../../portal/download.js';
import { getFeedback } from '../../portal/feedback.js';
import { isSubscribed } from '../../portal/notification.js';
import type { ApprovalDTO, AttachmentDTO, CSATFeedbackFullDTO } from '../../portal/types.js';
import { theme } from '../../ui/theme.js';
import type { Ctx } from '../context.js';
import type { ApprovalJson, RequestView } from '../json-types.js';
import { isoOf } from './common.js';
import { toArray } from '../../lib/iter.js';

/** Text from the portal made safe to print: no control or bidi characters reach the terminal. */
export function printable(s: string): string {
  return withoutInvisible(s, '?');
}

/** The global flags that chose the portal, so that a printed command reaches the same one. */
function portalFlags(ctx: Ctx): string {
  const plain = (s: string) => /^[\w@%+=:,./-]+$/.test(s);
  const flags: string[] = [];
  if (ctx.globals.portal && plain(ctx.globals.portal)) flags.push(`--portal ${ctx.globals.portal}`);
  if (ctx.globals.profile && plain(ctx.globals.profile)) flags.push(`--profile ${ctx.globals.profile}`);
  return flags.length > 0 ? ` ${flags.join(' ')}` : '';
}

/**
 * The attachments as `view` lists them. The download command names a file by its name when that
 * is unambiguous and needs no quoting, else by its id.
 */
export function attachmentsView(list: readonly AttachmentDTO[], key: string, ctx: Ctx): RequestView['attachments'] {
  const names = list.map((a) => a.filename ?? '');
  return list.map((a) => {
    const id = attachmentIdOf(a) ?? '';
    const name = a.filename ?? '';
    const byName = name !== '' && /^[\w@%+=:,.-]+$/.test(name) && names.filter((n) => n === name).length === 1;
    return {
      id,
      filename: name,
      size: a.size ?? 0,
      mimeType: a.mimeType ?? '',
      created: isoOf(a.created),
      author: a.author?.displayName ?? '',
      url: a._links?.content ?? a._links?.self ?? '',
      download: id || byName ? `support${portalFlags(ctx)} download ${key} ${byName ? name : id}` : '',
    };
  });
}

/** An approval as the JSON shapes give it. */
export function approvalJson(a: ApprovalDTO): ApprovalJson {
  const decision = (d: string | undefined) => (d === 'approved' || d === 'declined' ? d : 'pending');
  return {
    id: a.id ?? '',
    name: a.name ?? '',
    finalDecision: decision(a.finalDecision),
    canAnswer: a.finalDecision === 'pending' && a.canAnswerApproval === true,
    created: isoOf(a.createdDate),
    approvers: (a.approvers ?? []).map((x) => ({ displayName: x.approver?.displayName ?? '', decision: decision(x.approverDecision) })),
  };
}

/** A read that may fail on a portal without the endpoint: the failure means "not known" (a cancellation still stops). */
async function maybe<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (err instanceof CancelledError) throw err;
    return undefined;
  }
}

/** Notifications, your rating and the approvals of a request, each left out when the portal does not say. */
export async function loadAfterAnswer(api: PortalApi, key: string): Promise<Pick<RequestView, 'notifications' | 'feedback' | 'approvals'>> {
  const [subscribed, feedback, approvals] = await Promise.all([
    maybe(isSubscribed(api, key)),
    maybe<CSATFeedbackFullDTO | undefined>(getFeedback(api, key)),
    maybe(toArray(approvalsOf(api, key))),
  ]);
  return {
    ...(subscribed !== undefined ? { notifications: subscribed ? ('on' as const) : ('off' as const) } : {}),
    ...(feedback?.rating !== undefined ? { feedback: { rating: feedback.rating, comment: feedback.comment?.body ?? '' } } : {}),
    ...(approvals && approvals.length > 0 ? { approvals: approvals.map(approvalJson) } : {}),
  };
}

/** Notifications, your rating and the approvals, as rows and a section of the human view. */
export function printAfterAnswer(v: RequestView, ctx: Ctx): void {
  const { io, t } = ctx;
  const c = theme(io.color && io.stdoutIsTTY);
  const row = (label: string, value: string) => io.out(`  ${c.dim(`${label}:`)} ${value}`);
  if (v.notifications || v.feedback) io.out('');
  if (v.notifications) row(t('files.view.notifications'), t(v.notifications === 'on' ? 'files.view.notifications.on' : 'files.view.notifications.off', v.key));
  if (v.feedback) row(t('files.view.feedback'), t('files.view.rating', v.feedback.rating, printable(v.feedback.comment)));
  if (!v.approvals) return;
  io.out('');
  io.out(c.bold(t('files.view.section.approvals', v.approvals.length)));
  for (const a of v.approvals) {
    const who = a.approvers.map((x) => `${printable(x.displayName)} (${t(`files.decision.${x.decision}`)})`).join(', ');
    io.out(`  ${printable(a.name)}  ${a.finalDecision === 'pending' ? c.yellow(t('files.decision.pending')) : t(`files.decision.${a.finalDecision}`)}  ${c.dim(who)}`);
    if (a.canAnswer) io.out(`    ${c.dim(`support${portalFlags(ctx)} approve ${v.key} | support${portalFlags(ctx)} decline ${v.key}`)}`);
  }
}
