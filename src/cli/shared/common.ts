import { assignRoles } from '../../form/roles.js';
import type { T } from '../../i18n/index.js';
import { CliError, UsageError } from '../../lib/errors.js';
import { httpStatusOf } from '../../lib/http-status.js';
import type { PortalApi } from '../../portal/api.js';
import type { CustomerRequestDTO, CustomerRequestFieldValueDTO, DateDTO } from '../../portal/types.js';
import { formatInstant, timeStyleFor, type TimeStyle } from '../../lib/time-format.js';
import { formatDuration } from '../../lib/units.js';
import type { Ctx } from '../context.js';
import type { PortalSession } from '../session.js';

/**
 * `SUP-12` (any case) or a numeric issue id. Anything else is a usage error before any request is
 * sent, so a typo never turns into a confusing 404.
 */
export function parseKey(raw: string, t: T): string {
  const s = raw.trim();
  if (/^\d+$/.test(s)) return s;
  if (/^[A-Za-z][A-Za-z0-9_]*-\d+$/.test(s)) return s.toUpperCase();
  throw new UsageError(t('follow.err.badKey', raw), { hint: t('follow.err.badKeyHint') });
}

export { httpStatusOf as statusOf } from '../../lib/http-status.js';

/**
 * A 404 (or a 403 from the request endpoints) means the request does not exist or the customer
 * may not see it; JSM does not tell which, and neither can we.
 */
export function notVisible(err: unknown, key: string, t: T): unknown {
  const s = httpStatusOf(err);
  if (s === 404) return new CliError(t('follow.err.notFound', key), { hint: t('follow.err.notFoundHint'), cause: err });
  return err;
}

/** Runs `fn` with an open portal session, closing it whatever happens. */
export async function withPortal<R>(ctx: Ctx, fn: (api: PortalApi, portalUrl: string, session: PortalSession) => Promise<R>): Promise<R> {
  const [{ openPortal, oddAnswer }, { createSpinner, spinWhileWaiting }] = await Promise.all([import('../session.js'), import('../../ui/spinner.js')]);
  const session = await openPortal(ctx);
  try {
    // Uploads draw their own byte progress.
    const api = spinWhileWaiting(session.api, createSpinner(ctx.io, ctx.env, ctx.t('spinner.portal')), ['uploadTemporaryFiles']);
    return await fn(api, session.portalUrl, session);
  } catch (err) {
    throw oddAnswer(ctx, session.portalUrl, err);
  } finally {
    await session.close();
  }
}

/** Fetches one request, turning "not found or not yours" into a clear message. */
export async function fetchRequest(
  api: PortalApi,
  key: string,
  t: T,
  expand?: Parameters<PortalApi['request']>[1],
): Promise<CustomerRequestDTO> {
  try {
    return await api.request(key, expand);
  } catch (err) {
    throw notVisible(err, key, t);
  }
}

/**
 * The request's summary: the top-level `summary`, which the spec makes optional (its own examples
 * leave it out), else the `summary` among `requestFieldValues`; empty when neither is text.
 */
export function summaryOf(r: CustomerRequestDTO): string {
  if (typeof r.summary === 'string') return r.summary;
  const v = (Array.isArray(r.requestFieldValues) ? r.requestFieldValues : []).find((f) => f.fieldId === 'summary')?.value;
  return typeof v === 'string' ? v : '';
}

/** How many closed requests {@link isResolved} reads at most looking for one key. */
const CLOSED_LOOKUP_LIMIT = 1_000;

/**
 * Whether the request is resolved, from what any portal gives: the status category where the portal
 * reports one (Cloud: DONE); else (Data Center reports none) whether the portal lists the request
 * among the caller's closed requests (`requestStatus=CLOSED_REQUESTS`, narrowed to its desk and type).
 */
export async function isResolved(api: PortalApi, r: CustomerRequestDTO): Promise<boolean> {
  const category = r.currentStatus?.statusCategory;
  if (typeof category === 'string' && category !== '') return category === 'DONE';
  const key = r.issueKey;
  if (!key) return false;
  // The list filters take numbers: narrow only by ids that are.
  const numeric = (id: string | undefined) => (id !== undefined && /^\d+$/.test(id) ? id : undefined);
  const serviceDeskId = numeric(r.serviceDeskId);
  const requestTypeId = serviceDeskId ? numeric(r.requestTypeId) : undefined;
  let read = 0;
  for await (const closed of api.requests({ status: 'CLOSED_REQUESTS', serviceDeskId, requestTypeId })) {
    if (closed.issueKey === key || (r.issueId !== undefined && closed.issueId === r.issueId)) return true;
    if (++read >= CLOSED_LOOKUP_LIMIT) return false;
  }
  return false;
}

/** Milliseconds of a DateDTO (epochMillis, else the ISO text), or undefined. */
export function millisOf(d: DateDTO | undefined): number | undefined {
  if (!d || typeof d !== 'object') return undefined;
  // A date JavaScript cannot hold (a portal's or a mock's odd value) counts as unknown.
  const inRange = (ms: number) => (Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? ms : undefined);
  if (typeof d.epochMillis === 'number') return inRange(d.epochMillis);
  if (typeof d.epochMillis === 'string' && /^-?\d+$/.test(d.epochMillis)) return inRange(Number(d.epochMillis));
  const iso = d.iso8601 ?? d.jira;
  if (typeof iso !== 'string' || !iso) return undefined;
  return inRange(Date.parse(iso));
}

/** ISO-8601 in UTC (stable for scripts), or '' when unknown. */
export function isoOf(d: DateDTO | undefined): string {
  const ms = millisOf(d);
  return ms === undefined ? '' : new Date(ms).toISOString();
}

/** A duration in the user's language: `4d 23h`, `4日23時間`. */
export function durationText(t: T, ms: number): string {
  return formatDuration(ms, {
    s: t('follow.time.unit.s'),
    m: t('follow.time.unit.m'),
    h: t('follow.time.unit.h'),
    d: t('follow.time.unit.d'),
    // What goes between two parts: a space in English, nothing in Japanese.
    sep: t('follow.time.join', '', ''),
  });
}

/** `3h ago`, `in 2d`, `just now`. */
export function relative(t: T, ms: number | undefined, now: number): string {
  if (ms === undefined) return '';
  const d = now - ms;
  const abs = Math.abs(d);
  if (abs < 45_000) return t('follow.time.justNow');
  const units: [number, string][] = [
    [60_000, t('follow.time.unit.m')],
    [3_600_000, t('follow.time.unit.h')],
    [86_400_000, t('follow.time.unit.d')],
    [30 * 86_400_000, t('follow.time.unit.mo')],
    [365 * 86_400_000, t('follow.time.unit.y')],
  ];
  let unit = units[0]!;
  for (const u of units) if (abs >= u[0]) unit = u;
  const text = `${Math.floor(abs / unit[0])}${unit[1]}`;
  return d >= 0 ? t('follow.time.ago', text) : t('follow.time.in', text);
}

/** How this command writes instants: local time on a terminal (`TZ` honoured), ISO-8601 UTC in pipes. */
export function timeStyle(ctx: Ctx): TimeStyle {
  return timeStyleFor(ctx.io.stdoutIsTTY, ctx.env);
}

/** An instant for the human output: `2026-11-24 18:00 +09:00` on a terminal, `2026-11-24T09:00:00Z` in a pipe. */
export function humanTime(ctx: Ctx, ms: number | undefined): string {
  return formatInstant(ms, timeStyle(ctx));
}

/**
 * Now, by the portal's clock where it tells its time (the `Date` of its answers, when it differs
 * from ours), and never before the newest event it reported (`newest`): "in 5d" counts from the
 * portal's present, not from a clock that lags behind it.
 */
export function portalNow(api: PortalApi, ctx: Ctx, newest?: number): number {
  const now = api.portalNow?.() ?? ctx.clock.now();
  return newest !== undefined && newest > now ? newest : now;
}

/**
 * A field value as text, whatever shape the portal sent: strings, numbers, options
 * (`{value}`/`{label}`/`{name}`), users (`displayName`), arrays of any of these, cascading selects.
 */
export function fieldText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(fieldText).filter((s) => s !== '').join(', ');
  if (typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const k of ['displayName', 'label', 'value', 'name', 'text', 'filename']) {
      if (typeof o[k] === 'string' && o[k] !== '') {
        const child = o.child !== undefined ? fieldText(o.child) : '';
        return child ? `${o[k] as string} / ${child}` : (o[k] as string);
      }
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/**
 * The business impact of a request, for the list's impact column: the value of the field the form's
 * rules recognise as the impact (its label in English or Japanese, a level as its value), or ''.
 */
export function impactOf(fields: readonly CustomerRequestFieldValueDTO[] | undefined): string {
  if (!fields) return '';
  const facts = fields.map((f) => ({ id: f.fieldId, name: f.label, value: fieldText(f.value) }));
  const i = assignRoles(facts).indexOf('impact');
  return i < 0 ? '' : facts[i]!.value;
}

/** "Level 2 - Significant" -> "Level 2" for narrow columns; other values unchanged. */
export function shortImpact(s: string): string {
  const m = /^((?:Level|レベル)\s*\d+)\b/i.exec(s);
  return m ? m[1]! : s;
}

/** Status names that mean the customer is expected to answer (English or Japanese portals). */
export function isWaitingForCustomer(status: string | undefined): boolean {
  return status !== undefined && (/waiting for customer/i.test(status) || /(お客様|顧客).*(待ち|回答待)/.test(status));
}

/** Whose rule resolves a request left waiting for the customer: the built-in sandbox's, or Atlassian's. */
export type AutoResolveRule = 'sandbox' | 'atlassian';

/**
 * How long a request may wait for the customer before the portal resolves it, by rule. Atlassian
 * documents 5 days in "Waiting for customer" for its support portal; the sandbox follows the same rule.
 */
const AUTO_RESOLVE_MS: Readonly<Record<AutoResolveRule, number>> = { sandbox: 5 * 86_400_000, atlassian: 5 * 86_400_000 };

/** The customer statuses of Atlassian's support portal; the first is a name only that portal uses. */
const ATLASSIAN_STATUSES = ['atlassian investigating', 'waiting for customer', 'resolved'];

/**
 * The auto-resolve rule that applies to a request now, when the portal's rule is known: the
 * sandbox's, when the session is the built-in sandbox; Atlassian's, on a portal whose statuses are
 * those of Atlassian's support portal (the request is in "Waiting for customer", has been in
 * "Atlassian investigating", and in no status that portal does not have). Undefined anywhere else:
 * other portals resolve waiting requests by their own rules, or never.
 */
export function autoResolveRule(
  flavor: PortalSession['flavor'],
  current: { status?: string; statusCategory?: string } | undefined,
  history: readonly string[],
): { rule: AutoResolveRule; afterMs: number } | undefined {
  if (!current || current.statusCategory === 'DONE') return undefined;
  const of = (rule: AutoResolveRule) => ({ rule, afterMs: AUTO_RESOLVE_MS[rule] });
  if (flavor === 'sandbox') return isWaitingForCustomer(current.status) ? of('sandbox') : undefined;
  const seen = [...history, current.status ?? ''].map((s) => s.trim().toLowerCase());
  const atlassian = seen.every((s) => ATLASSIAN_STATUSES.includes(s)) && seen.includes(ATLASSIAN_STATUSES[0]!);
  return atlassian && seen.at(-1) === 'waiting for customer' ? of('atlassian') : undefined;
}


/**
 * The customer actions that map to a portal transition, and the names a portal may give each,
 * English and Japanese, lower case. Exact names win over names that merely contain a word (earlier
 * exact names preferred), so "Resolve this issue" and "解決する" still match.
 */
export const TRANSITION_NAMES = {
  resolve: {
    exact: ['resolve', 'resolve this issue', 'resolve request', 'close', 'close request', 'mark as resolved', '解決', '解決する', '解決済みにする', 'クローズ'],
    words: /\bresolve|\bclose|解決|クローズ|完了/i,
  },
  escalate: {
    exact: ['escalate', 'escalate request', 'escalate this issue', 'エスカレーション', 'エスカレート', 'エスカレーションする'],
    words: /\bescalat|エスカレ/i,
  },
  reopen: {
    exact: ['reopen', 're-open', 'reopen request', 'reopen issue', '再オープン', '再開', '再オープンする'],
    words: /\bre-?open|再オープン|再開/i,
  },
} as const satisfies Record<string, { exact: readonly string[]; words: RegExp }>;

export type TransitionKind = keyof typeof TRANSITION_NAMES;

/** The request's transition for an action: an exact name first, then one containing the word. */
export function matchTransition<T extends { id?: string; name?: string }>(kind: TransitionKind, available: readonly T[]): T | undefined {
  const n = TRANSITION_NAMES[kind];
  const norm = (s: string | undefined) => (s ?? '').trim().toLowerCase();
  for (const name of n.exact) {
    const hit = available.find((x) => norm(x.name) === name);
    if (hit) return hit;
  }
  return available.find((x) => n.words.test(x.name ?? ''));
}

/** Where this machine's record of escalations files a portal: the built-in sandbox by name (its port may change). */
export function escalationPortal(session: Pick<PortalSession, 'flavor' | 'portalUrl'>): string {
  return session.flavor === 'sandbox' ? 'sandbox' : session.portalUrl;
}

/**
 * Whether the request is escalated, and since when, from what the portal shows: a status of its
 * history named for an escalation (with nothing resolved after it); else this machine's record of
 * an escalation it sent, while the request is open and the portal no longer offers "Escalate" on it.
 */
export async function escalationOf(
  api: PortalApi,
  ctx: Ctx,
  portal: string,
  r: CustomerRequestDTO,
  history: readonly { status: string; category: string; at: string }[],
): Promise<{ at: string; source: 'status' | 'local' } | undefined> {
  const key = r.issueKey ?? r.issueId ?? '';
  const done = (h: { status: string; category: string }) => h.category === 'DONE' || /^(resolved|closed|done|解決済み|完了)$/i.test(h.status.trim());
  let named: { at: string } | undefined;
  for (const h of history) {
    if (TRANSITION_NAMES.escalate.words.test(h.status)) named = { at: h.at };
    else if (done(h)) named = undefined;
  }
  if (named) return { at: named.at, source: 'status' };
  const cur = r.currentStatus;
  if (cur && done({ status: cur.status ?? '', category: cur.statusCategory ?? '' })) return undefined;
  const { escalatedAt } = await import('../../config/escalations.js');
  const at = await escalatedAt(ctx.paths.configDir, portal, key);
  if (at === undefined) return undefined;
  const offered: { id?: string; name?: string }[] = [];
  try {
    for await (const x of api.transitions(key)) offered.push(x);
  } catch {
    // The portal's offer cannot be read: the record alone does not prove the escalation holds.
    return undefined;
  }
  return matchTransition('escalate', offered) ? undefined : { at, source: 'local' };
}

/**
 * The portal's status names, when it lists them (the platform API's status list); undefined when
 * it does not say, and a name cannot be checked.
 */
export async function portalStatuses(api: PortalApi): Promise<string[] | undefined> {
  const listed = (await api.statuses?.().catch(() => [])) ?? [];
  const names = [...new Set(listed.map((x) => x.name.trim()).filter((n) => n !== ''))];
  return names.length > 0 ? names : undefined;
}

/** The status `wanted` names (case-insensitive), among `known`. */
export function findStatus(wanted: string, known: readonly string[]): string | undefined {
  const w = wanted.trim().toLowerCase();
  return known.find((k) => k.toLowerCase() === w);
}
