import { digestOf, identityOf, matchesIdentity, type RequestIdentity } from '../../form/body.js';
import { CancelledError, CliError, UsageError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { PortalError } from '../../portal/errors.js';
import { mayHaveBeenSent } from '../../portal/retry.js';
import type { CustomerRequestDTO, RequestCreateDTO } from '../../portal/types.js';
import { renderPortalError } from '../errors.js';
import type { CreateSession } from './session.js';

/** How many times a person may send again after failures that may have filed the request. */
const MAX_SENDS = 3;

/** How long before a recorded send a portal's clock may say the request was created. */
const CLOCK_SLACK_MS = 10 * 60_000;

/** What submitting gave: the request, whether an earlier run had filed it, and the drafts it settles. */
export interface Submitted {
  request: CustomerRequestDTO;
  /** True when it was filed by an earlier run (nothing was sent now). */
  already: boolean;
  /** Files of other drafts that were the same request: done with now. */
  settled: string[];
}

/**
 * Files the request at most once. First, any earlier send of the same content (this draft resumed,
 * or another draft of the profile with the same body) is looked for among the user's requests; if
 * the portal has it, nothing is sent. Otherwise the draft is marked as sent (with what identifies
 * the request) before the body leaves; after a failure that may have reached the portal, the
 * request is looked for before anything is sent again (only a person may say "send again"; a script
 * stops, and its next run looks first). A clean refusal clears the mark and keeps the draft.
 */
export async function submit(s: CreateSession, body: RequestCreateDTO): Promise<Submitted> {
  const t = s.ctx.t;
  const digest = digestOf(body);
  const identity = identityOf(body);
  const earlier = await s.draft.earlierSends(digest);
  const settled = earlier.map((e) => e.file).filter((f) => f !== s.draft.file);
  for (const e of earlier) {
    const found = await findFiled(s.api, e.sent.identity ?? identity, Date.parse(e.sent.at));
    if (found) return { request: found, already: true, settled };
  }
  for (let attempt = 1; ; attempt++) {
    await s.draft.markSent(digest, identity);
    const sentAt = s.ctx.clock.now();
    try {
      return { request: await s.api.createRequest(body), already: false, settled };
    } catch (e) {
      // Stopped (Ctrl-C, SIGTERM, SIGHUP) with the body on its way: it may have been filed.
      if (e instanceof CancelledError) throw new CancelledError({ reason: 'create-sent', resumable: true, cause: e });
      if (!mayHaveBeenSent(e)) {
        await s.draft.clearSent();
        s.ctx.io.err(t('create.draftKept'));
        throw notFiled(e, s);
      }
      s.ctx.io.err(t('create.ambiguous'));
      const found = await findFiled(s.api, identity, sentAt).catch(() => undefined);
      if (found) {
        s.ctx.io.err(t('create.alreadyFiled', found.issueKey ?? ''));
        return { request: found, already: false, settled };
      }
      const again = s.ctx.interactive && attempt < MAX_SENDS && (await (await s.ask()).confirm({ message: t('create.ask.resend'), default: true }));
      if (!again) throw new CliError(t('create.err.ambiguous'), { hint: t('create.hint.resumeId', s.draft.id), cause: e });
    }
  }
}

/**
 * A resumed draft whose create was sent may already be a request: looked for by what it sent,
 * before any question is asked again.
 */
export async function findResumed(s: CreateSession): Promise<CustomerRequestDTO | undefined> {
  const sent = s.draft.draft.sent;
  if (!s.opts.resume || !sent?.identity || s.opts.dryRun) return undefined;
  return findFiled(s.api, sent.identity, Date.parse(sent.at));
}

/**
 * The error for a create that filed nothing, with the command that sends it again: the portal's
 * refusal of the values is bad input (exit 2), in its own words.
 */
function notFiled(e: unknown, s: CreateSession): unknown {
  const t = s.ctx.t;
  const hint = t('create.hint.resumeId', s.draft.id);
  if (e instanceof PortalError && e.kind === 'validation') {
    return new UsageError(t('create.err.refused', e.portalMessages.join('\n') || e.message), { hint });
  }
  if (e instanceof PortalError) return new CliError(renderPortalError(e, t).message, { hint, cause: e });
  if (e instanceof CliError) return e;
  return new CliError(t('create.err.submit', (e as Error).message ?? String(e)), { hint, cause: e });
}

/**
 * Looks for the request `id` describes among the user's requests created since `sinceMs` (less the
 * clock slack): by its summary first, then among the latest ones.
 */
async function findFiled(api: PortalApi, id: RequestIdentity, sinceMs: number): Promise<CustomerRequestDTO | undefined> {
  const from = (Number.isNaN(sinceMs) ? 0 : sinceMs) - CLOCK_SLACK_MS;
  const recent = (r: CustomerRequestDTO) => r.createdDate?.epochMillis === undefined || r.createdDate.epochMillis >= from;
  const summary = id.text.summary;
  const scans: AsyncIterable<CustomerRequestDTO>[] = [];
  if (summary) scans.push(api.requests({ searchTerm: summary, status: 'ALL_REQUESTS', pageSize: 50 }));
  scans.push(api.requests({ status: 'ALL_REQUESTS', pageSize: 50 }));
  for (const scan of scans) {
    let n = 0;
    for await (const r of scan) {
      if (recent(r) && matchesIdentity(r, id)) return r;
      if (++n >= 100) break;
    }
  }
  return undefined;
}
