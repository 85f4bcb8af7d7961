import { CancelledError, CliError } from '../../lib/errors.js';
import { formatDuration } from '../../lib/units.js';
import type { PortalApi } from '../../portal/api.js';
import { backoffDelay, isRetryable, retryAfterOf } from '../../portal/retry.js';
import type { CommentDTO, CustomerRequestDTO } from '../../portal/types.js';
import type { Ctx } from '../context.js';
import type { WatchEvent } from '../json-types.js';
import { fetchRequest, humanTime, isoOf, millisOf } from './common.js';

export interface WatchOptions {
  key: string;
  /** A status name, or `done` for any resolved status (category DONE). */
  until: string;
  intervalMs: number;
  timeoutMs?: number;
}

/** The longest wait between polls after errors. */
const MAX_BACKOFF_MS = 10 * 60_000;

function reached(until: string, r: CustomerRequestDTO): boolean {
  const s = r.currentStatus;
  if (until.toLowerCase() === 'done') return s?.statusCategory === 'DONE';
  return (s?.status ?? '').trim().toLowerCase() === until.toLowerCase();
}

export async function watchRequest(api: PortalApi, opts: WatchOptions, ctx: Ctx): Promise<void> {
  const { io, t, clock, signal } = ctx;
  const json = ctx.globals.json;
  const deadline = opts.timeoutMs !== undefined ? clock.now() + opts.timeoutMs : undefined;
  const emit = (e: WatchEvent, human: string) => (json ? ctx.output.jsonLine(e) : io.out(human));
  const at = () => new Date(clock.now()).toISOString();
  const stamp = () => humanTime(clock.now());

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
    t('follow.watch.start', key, status, opts.until.toLowerCase() === 'done' ? t('follow.watch.untilDone') : opts.until, formatDuration(opts.intervalMs)),
  );

  let failures = 0;
  let backoff = 0;
  for (;;) {
    if (reached(opts.until, req)) {
      emit({ event: 'done', key, status, statusCategory: req.currentStatus?.statusCategory ?? '', at: at() }, t('follow.watch.done', stamp(), key, status));
      return;
    }
    const now = clock.now();
    if (deadline !== undefined && now >= deadline) {
      if (json) ctx.output.jsonLine({ event: 'timeout', key, status, at: at() } satisfies WatchEvent);
      throw new CliError(t('follow.watch.timeout', key, formatDuration(opts.timeoutMs ?? 0), status));
    }
    let wait = failures === 0 ? opts.intervalMs : backoff;
    if (deadline !== undefined) wait = Math.min(wait, deadline - now);
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
          `${t('follow.watch.comment', stamp(), key, c.author?.displayName ?? '')}\n${body
            .split(/\r?\n/)
            .map((l) => `    ${l}`)
            .join('\n')}`,
        );
      }
      const nextStatus = next.currentStatus?.status ?? '';
      if (nextStatus !== status) {
        emit(
          { event: 'status', key, from: status, status: nextStatus, statusCategory: next.currentStatus?.statusCategory ?? '', since: isoOf(next.currentStatus?.statusDate), at: at() },
          t('follow.watch.status', stamp(), key, status, nextStatus),
        );
        status = nextStatus;
      }
      req = next;
    } catch (err) {
      if (signal.aborted) throw new CancelledError();
      // What the retry policy calls final (refused credentials, a request that is not there) a later poll will not fix.
      if (!isRetryable(err)) throw err;
      failures++;
      backoff = backoffDelay(failures, { baseDelayMs: opts.intervalMs * 2, maxDelayMs: MAX_BACKOFF_MS }, retryAfterOf(err));
      io.err(t('follow.watch.retrying', err instanceof Error ? err.message : String(err), formatDuration(backoff)));
    }
  }
}
