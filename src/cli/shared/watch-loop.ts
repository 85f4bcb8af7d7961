import { CancelledError, CliError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { backoffDelay, isRetryable, retryAfterOf } from '../../portal/retry.js';
import type { CommentDTO, CustomerRequestDTO } from '../../portal/types.js';
import type { Ctx } from '../context.js';
import type { WatchEvent } from '../json-types.js';
import { formatInstant, timeStyleFor } from '../../lib/time-format.js';
import { truncate } from '../../ui/table.js';
import type { PortalSession } from '../session.js';
import { autoResolveRule, durationText, fetchRequest, findStatus, isoOf, isResolved, isWaitingForCustomer, millisOf, portalNow, portalStatuses, relative } from './common.js';
import { UsageError } from '../../lib/errors.js';

export interface WatchOptions {
  key: string;
  /** A status name, or `done` for any resolved status (category DONE, or among the closed requests where the portal gives no category). */
  until: string;
  intervalMs: number;
  timeoutMs?: number;
}

/** The longest wait between polls after errors. */
const MAX_BACKOFF_MS = 10 * 60_000;

async function reached(api: PortalApi, until: string, r: CustomerRequestDTO): Promise<boolean> {
  if (until.toLowerCase() === 'done') return isResolved(api, r);
  return (r.currentStatus?.status ?? '').trim().toLowerCase() === until.toLowerCase();
}

/** How long before the portal's auto-resolve a waiting request is worth a warning (at least two checks). */
const AUTO_RESOLVE_WARN_MS = 24 * 3_600_000;

/**
 * `--until` checked against the portal's statuses where it lists them (exit 2 naming them), and
 * spelled as the portal spells it; `done` and any name where the portal does not say are kept.
 */
export async function checkUntil(api: PortalApi, until: string, ctx: Ctx): Promise<string> {
  if (until.toLowerCase() === 'done') return until;
  const known = await portalStatuses(api);
  if (!known) return until;
  const hit = findStatus(until, known);
  if (!hit) throw new UsageError(ctx.t('follow.watch.err.untilUnknown', until, known.join(', ')));
  return hit;
}

export async function watchRequest(api: PortalApi, opts: WatchOptions, ctx: Ctx, flavor: PortalSession['flavor'] = 'cloud'): Promise<void> {
  const { io, t, clock, signal } = ctx;
  const json = ctx.globals.json;
  const until = await checkUntil(api, opts.until, ctx);
  const deadline = opts.timeoutMs !== undefined ? clock.now() + opts.timeoutMs : undefined;
  // A terminal gets a "last checked" line on stderr, redrawn in place and cleared before each event.
  const live = io.stderrIsTTY && !json;
  let lineShown = false;
  const clearLine = () => {
    if (lineShown) io.stderr.write('\r\x1b[2K');
    lineShown = false;
  };
  const emit = (e: WatchEvent, human: string) => {
    clearLine();
    if (json) ctx.output.jsonLine(e);
    else io.out(human);
  };
  const at = () => new Date(clock.now()).toISOString();
  const style = timeStyleFor(io.stdoutIsTTY, ctx.env);
  // Each line carries the time of the event as the portal recorded it, not when this loop noticed it.
  const stamp = (ms: number | undefined) => formatInstant(ms ?? portalNow(api, ctx), style);
  const showChecked = (wait: number) => {
    if (!live) return;
    const now = portalNow(api, ctx);
    const local = timeStyleFor(true, ctx.env);
    const text = t(
      'follow.watch.lastChecked',
      formatInstant(now, local, { now, short: true, seconds: true }),
      formatInstant(now + wait, local, { now, short: true, seconds: true }),
    );
    io.stderr.write(`\r\x1b[2K${truncate(text, Math.max(10, io.columns - 1))}`);
    lineShown = true;
  };
  let warnedFor: string | undefined;
  /** Warns once per wait when the portal is about to resolve the request for want of a reply. */
  const warnAutoResolve = async (r: CustomerRequestDTO) => {
    const cur = r.currentStatus;
    const since = millisOf(cur?.statusDate);
    if (!isWaitingForCustomer(cur?.status) || since === undefined || warnedFor === String(since)) return;
    const history: string[] = [];
    for await (const h of api.statusHistory(r.issueKey ?? opts.key)) history.unshift(h.status ?? '');
    const rule = autoResolveRule(flavor, cur, history);
    if (!rule) return;
    const due = since + rule.afterMs;
    const now = portalNow(api, ctx);
    if (due - now > Math.max(AUTO_RESOLVE_WARN_MS, 2 * opts.intervalMs)) return;
    warnedFor = String(since);
    clearLine();
    io.err(t('follow.watch.autoResolveSoon', r.issueKey ?? opts.key, relative(t, due, now), formatInstant(due, timeStyleFor(io.stderrIsTTY, ctx.env))));
  };

  const seen = new Set<string>();
  const loadComments = async (key: string): Promise<CommentDTO[]> => {
    const fresh: CommentDTO[] = [];
    for await (const c of api.comments(key)) {
      const id = c.id ?? `${millisOf(c.created) ?? ''}:${c.body ?? ''}`;
      if (!seen.has(id)) {
        seen.add(id);
        fresh.push(c);
      }
    }
    return fresh.sort((a, b) => (millisOf(a.created) ?? 0) - (millisOf(b.created) ?? 0));
  };

  let req = await fetchRequest(api, opts.key, t);
  const key = req.issueKey ?? opts.key;
  await loadComments(key);
  let status = req.currentStatus?.status ?? '';
  emit(
    { event: 'start', key, status, statusCategory: req.currentStatus?.statusCategory ?? '', since: isoOf(req.currentStatus?.statusDate), at: at() },
    t('follow.watch.start', key, status, until.toLowerCase() === 'done' ? t('follow.watch.untilDone') : until, durationText(t, opts.intervalMs)),
  );
  await warnAutoResolve(req).catch(() => undefined);

  let failures = 0;
  let backoff = 0;
  for (;;) {
    if (await reached(api, until, req)) {
      emit(
        { event: 'done', key, status, statusCategory: req.currentStatus?.statusCategory ?? '', at: at() },
        t('follow.watch.done', stamp(millisOf(req.currentStatus?.statusDate)), key, status),
      );
      return;
    }
    const now = clock.now();
    if (deadline !== undefined && now >= deadline) {
      clearLine();
      if (json) ctx.output.jsonLine({ event: 'timeout', key, status, at: at() } satisfies WatchEvent);
      throw new CliError(t('follow.watch.timeout', key, durationText(t, opts.timeoutMs ?? 0), status));
    }
    let wait = failures === 0 ? opts.intervalMs : backoff;
    if (deadline !== undefined) wait = Math.min(wait, deadline - now);
    showChecked(wait);
    try {
      await clock.sleep(wait, signal);
    } catch {
      throw new CancelledError();
    }
    try {
      const next = await fetchRequest(api, key, t);
      const comments = await loadComments(key);
      failures = 0;
      for (const c of comments) {
        const body = c.body ?? '';
        emit(
          { event: 'comment', key, id: c.id ?? '', author: c.author?.displayName ?? '', created: isoOf(c.created), body, at: at() },
          `${t('follow.watch.comment', stamp(millisOf(c.created)), key, c.author?.displayName ?? '')}\n${body
            .split(/\r?\n/)
            .map((l) => `    ${l}`)
            .join('\n')}`,
        );
      }
      const nextStatus = next.currentStatus?.status ?? '';
      if (nextStatus !== status) {
        emit(
          { event: 'status', key, from: status, status: nextStatus, statusCategory: next.currentStatus?.statusCategory ?? '', since: isoOf(next.currentStatus?.statusDate), at: at() },
          t('follow.watch.status', stamp(millisOf(next.currentStatus?.statusDate)), key, status, nextStatus),
        );
        status = nextStatus;
      }
      req = next;
      await warnAutoResolve(next).catch(() => undefined);
    } catch (err) {
      if (signal.aborted) throw new CancelledError();
      // What the retry policy calls final (refused credentials, a request that is not there) a later poll will not fix.
      if (!isRetryable(err)) throw err;
      failures++;
      backoff = backoffDelay(failures, { baseDelayMs: opts.intervalMs * 2, maxDelayMs: MAX_BACKOFF_MS }, retryAfterOf(err));
      clearLine();
      io.err(t('follow.watch.retrying', err instanceof Error ? err.message : String(err), durationText(t, backoff)));
    }
  }
}
