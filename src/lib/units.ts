/**
 * Parsing and formatting of the durations and sizes users type in flags (`--since 5d`,
 * `--interval 60s`, `--max-file-size 100MB`). Parsers return undefined on bad input so the caller
 * can raise a translated UsageError with an example.
 */

const DURATION_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  sec: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** `90s`, `5m`, `2h`, `5d`, `1w`, `1h30m`, `500ms`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)\s*(ms|sec|min|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== s.length) return undefined;
  return Math.round(total);
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** `100MB`, `2GB`, `512k`, `1.5GiB`, `1048576` (bytes). Units are binary (1 MB = 1024 KiB), as admins mean them for files. */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = (m[2] ?? '').toLowerCase();
  const mult = unit === '' ? 1 : SIZE_UNITS[unit];
  if (mult === undefined) return undefined;
  return Math.round(Number(m[1]) * mult);
}

/**
 * `1.5 MiB`, `532 B`. The unit is chosen after rounding, so a value just under a unit boundary
 * reads `1.0 MiB`, never `1024 KiB`.
 */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  const shown = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  let v = n / 1024;
  let i = 0;
  while (Number(shown(v)) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${shown(v)} ${units[i]}`;
}

/** The words of a duration: a suffix per unit and what goes between two parts. */
export interface DurationUnits {
  s: string;
  m: string;
  h: string;
  d: string;
  sep: string;
}

const SHORT_UNITS: DurationUnits = { s: 's', m: 'm', h: 'h', d: 'd', sep: ' ' };

/** A short human duration: `45s`, `12m`, `3h 5m`, `2d 4h` (or in the `units` given: `3時間5分`). */
export function formatDuration(ms: number, units: DurationUnits = SHORT_UNITS): string {
  const u = units;
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}${u.s}`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}${u.m}`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}${u.h}${u.sep}${m % 60}${u.m}` : `${h}${u.h}`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}${u.d}${u.sep}${h % 24}${u.h}` : `${d}${u.d}`;
}
