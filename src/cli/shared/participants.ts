/**
 * `support participants`: the request's participants, after the additions and removals asked for.
 * Everything that can be checked is checked before anything changes: the request is visible,
 * every e-mail names one account, everyone to remove participates. Each change is then one call,
 * which the portal takes whole or refuses whole.
 */
import { UsageError } from '../../lib/errors.js';
import { httpStatusOf } from '../../lib/http-status.js';
import type { PortalApi } from '../../portal/api.js';
import { PortalError } from '../../portal/errors.js';
import type { UserDTO } from '../../portal/types.js';
import { displayWidth, oneLine, pad } from '../../ui/table.js';
import type { Ctx } from '../context.js';
import type { ParticipantJson, ParticipantsJson } from '../json-types.js';
import type { PortalSession } from '../session.js';

/** What `support participants` was asked to do. */
export interface ParticipantsOptions {
  key: string;
  /** E-mails (looked up) or ids (Cloud accountIds, Data Center usernames), as given. */
  add: string[];
  remove: string[];
}

/** The id a portal names a participant by: accountId on Cloud, the username on Data Center. */
function idOf(u: UserDTO): string {
  return u.accountId || u.name || u.key || '';
}

function participantJson(u: UserDTO): ParticipantJson {
  return { id: idOf(u), displayName: u.displayName ?? '', email: u.emailAddress ?? '' };
}

/** The request is not there or not the caller's to see: bad input (exit 2), as JSM does not say which. */
function notVisible(err: unknown, key: string, ctx: Ctx): unknown {
  return httpStatusOf(err) === 404 ? new UsageError(ctx.t('follow.err.notFound', key), { hint: ctx.t('follow.err.notFoundHint'), cause: err }) : err;
}

async function current(api: PortalApi, key: string, ctx: Ctx): Promise<UserDTO[]> {
  const out: UserDTO[] = [];
  try {
    for await (const u of api.participants(key)) out.push(u);
  } catch (err) {
    throw notVisible(err, key, ctx);
  }
  return out;
}

/** A refusal (400) of a change the checks let through: the portal's words, exit 2; nothing was changed. */
async function change(ctx: Ctx, key: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof PortalError && err.status === 400) {
      const said = err.portalMessages.length > 0 ? `\n${err.portalMessages.map((m) => `  ${m}`).join('\n')}` : '';
      throw new UsageError(`${ctx.t('kb.participants.err.refused', key)}${said}`, { cause: err });
    }
    throw notVisible(err, key, ctx);
  }
}

export async function changeParticipants(api: PortalApi, _session: PortalSession, opts: ParticipantsOptions, ctx: Ctx): Promise<ParticipantsJson> {
  const { t } = ctx;
  const { key } = opts;
  let now = await current(api, key, ctx);
  const asked = [...opts.add, ...opts.remove];
  const { PeopleResolver } = await import('../create/people.js');
  const people = new PeopleResolver(api, t);
  await people.resolve(asked);
  people.check(asked);
  const added = opts.add.map((input) => ({ input, id: people.person(input).id! }));
  const removed = opts.remove.map((input) => ({ input, id: people.person(input).id! }));
  const participates = (id: string) => now.some((u) => [u.accountId, u.name, u.key].some((x) => x !== undefined && x.toLowerCase() === id.toLowerCase()));
  const strangers = removed.filter((r) => !participates(r.id)).map((r) => r.input);
  if (strangers.length > 0) throw new UsageError(t('kb.participants.err.notParticipant', key, strangers.join(', ')), { hint: t('kb.participants.hint.list', key) });

  if (added.length > 0) await change(ctx, key, () => api.addParticipants(key, [...new Set(added.map((a) => a.id))]));
  if (removed.length > 0) await change(ctx, key, () => api.removeParticipants(key, [...new Set(removed.map((r) => r.id))]));
  if (asked.length > 0) now = await current(api, key, ctx);

  const doc: ParticipantsJson = { key, added, removed, participants: now.map(participantJson) };
  if (ctx.globals.json) {
    ctx.output.json(doc);
    return doc;
  }
  const who = (xs: readonly { input: string; id: string }[]) => xs.map((x) => (x.input === x.id ? x.id : `${x.input} (${x.id})`)).join(', ');
  if (added.length > 0) ctx.io.err(t('kb.participants.added', key, who(added)));
  if (removed.length > 0) ctx.io.err(t('kb.participants.removed', key, who(removed)));
  printParticipants(doc.participants, key, ctx);
  return doc;
}

/** A table on a terminal, `id<TAB>name<TAB>email` lines in a pipe; "no participants" goes to stderr. */
function printParticipants(list: readonly ParticipantJson[], key: string, ctx: Ctx): void {
  const { t, io } = ctx;
  if (list.length === 0) {
    io.err(t('kb.participants.none', key));
    return;
  }
  if (!io.stdoutIsTTY) {
    for (const p of list) io.out([p.id, p.displayName, p.email].map((s) => s.replace(/[\t\r\n]+/g, ' ')).join('\t'));
    return;
  }
  const rows = [[t('kb.participants.col.name'), t('kb.participants.col.email'), t('kb.participants.col.id')], ...list.map((p) => [oneLine(p.displayName), p.email, p.id])];
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => displayWidth(r[i]!))));
  for (const r of rows) io.out(`${pad(r[0]!, widths[0]!)}  ${pad(r[1]!, widths[1]!)}  ${r[2]}`.trimEnd());
}
