/**
 * Instants as people and scripts read them: local time (in `TZ` when given) for a person at a
 * terminal, ISO-8601 in UTC for pipes and JSON; and "now" as the portal's clock says it is.
 */

/** How instants are written: `local` for a terminal, `iso` for pipes. */
export interface TimeStyle {
  mode: 'local' | 'iso';
  /** An IANA zone (`Asia/Tokyo`) for local time; the process's zone when absent or unknown. */
  timeZone?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-11-24T09:00:00Z`: ISO-8601 in UTC, to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions = {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    };
    try {
      f = new Intl.DateTimeFormat('en-US', { ...opts, ...(timeZone ? { timeZone } : {}) });
    } catch {
      // An unknown zone name: the process's own zone rather than a failure.
      f = new Intl.DateTimeFormat('en-US', opts);
    }
    formatters.set(key, f);
  }
  return f;
}

/** The wall-clock parts of `ms` in a zone, and the zone's offset from UTC then, in minutes. */
function wallClock(ms: number, timeZone: string | undefined): { date: string; time: string; seconds: string; offsetMin: number } {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const [y, mo, d, h, mi, se] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second].map(Number) as [number, number, number, number, number, number];
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, se);
  const offsetMin = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
  return { date: `${y}-${pad(mo)}-${pad(d)}`, time: `${pad(h)}:${pad(mi)}`, seconds: pad(se), offsetMin };
}

/** `+09:00`, `-04:30`; `UTC` for zero. */
function offsetText(min: number): string {
  if (min === 0) return 'UTC';
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

/**
 * An instant for reading: `2026-11-24 18:00 +09:00` in local time, or `2026-11-24T09:00:00Z` in
 * pipes. `short` leaves out the date (and zone) when it is the same local day as `now`; `seconds` adds them.
 */
export function formatInstant(ms: number | undefined, style: TimeStyle, opts: { now?: number; short?: boolean; seconds?: boolean } = {}): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (style.mode === 'iso') return isoSeconds(ms);
  const w = wallClock(ms, style.timeZone);
  const time = opts.seconds ? `${w.time}:${w.seconds}` : w.time;
  if (opts.short && opts.now !== undefined && wallClock(opts.now, style.timeZone).date === w.date) return time;
  return `${w.date} ${time} ${offsetText(w.offsetMin)}`;
}

/** The time style for a stream: local time on a terminal (in `TZ` when set), ISO-8601 UTC elsewhere. */
export function timeStyleFor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): TimeStyle {
  const tz = env.TZ?.trim().replace(/^:/, '');
  return isTTY ? { mode: 'local', ...(tz ? { timeZone: tz } : {}) } : { mode: 'iso' };
}

/**
 * How far the portal's clock is ahead of ours, from the `Date` header of its answer (whole
 * seconds). Differences under `minSkewMs` are noise of the header's resolution and transit, and
 * count as none.
 */
export function skewFromDateHeader(header: string | undefined, receivedAt: number, minSkewMs = 60_000): number {
  if (!header) return 0;
  const at = Date.parse(header);
  if (!Number.isFinite(at)) return 0;
  const skew = at - receivedAt;
  return Math.abs(skew) < minSkewMs ? 0 : skew;
}
