/**
 * Pure recognisers and normalisers for the values a support form asks for. Each returns the
 * normalised value, or `undefined` when the input cannot be one; callers turn that into a translated
 * message with an example of a valid value.
 */
import type { T } from '../i18n/index.js';

/**
 * A Support Entitlement Number: `1234567`, `sen-1234567`, `SEN 1234567`, `SEN-L1234567` all become
 * `SEN-1234567` / `SEN-L1234567`. Atlassian SENs are digits, optionally after an `L` (legacy licences).
 */
export function normalizeSen(input: string): string | undefined {
  const m = /^(?:sen\s*[-_:]?\s*)?(l?)(\d{5,12})$/i.exec(input.trim());
  if (!m) return undefined;
  return `SEN-${m[1]!.toUpperCase()}${m[2]!}`;
}

const SITE_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const CLOUD_SUFFIXES = ['.atlassian.net', '.jira.com', '.jira-dev.com'];

/**
 * A Cloud site or Bitbucket Cloud workspace, normalised to its https root:
 * `example` -> `https://example.atlassian.net`; `example.atlassian.net/jira/x` -> the same root;
 * `bitbucket.org/team/repo` -> `https://bitbucket.org/team/`. Anything that is not a plausible
 * Atlassian Cloud site (other hosts, IPs, ports, other schemes) is refused.
 */
export function normalizeSiteUrl(input: string): string | undefined {
  const raw = input.trim();
  if (raw === '' || /\s/.test(raw)) return undefined;
  if (SITE_LABEL.test(raw.toLowerCase())) return `https://${raw.toLowerCase()}.atlassian.net`;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  if (u.port !== '' || u.username !== '' || u.password !== '') return undefined;
  const host = u.hostname.toLowerCase();
  if (host === 'bitbucket.org' || host === 'www.bitbucket.org') {
    const ws = u.pathname.split('/').filter(Boolean)[0];
    if (!ws || !/^[a-z0-9][a-z0-9_.-]*$/i.test(ws)) return undefined;
    return `https://bitbucket.org/${ws.toLowerCase()}/`;
  }
  const suffix = CLOUD_SUFFIXES.find((s) => host.endsWith(s));
  if (!suffix) return undefined;
  const site = host.slice(0, -suffix.length);
  if (!SITE_LABEL.test(site)) return undefined;
  return `https://${host}`;
}

/**
 * A business-impact level from what people type: `1`, `L2`, `level 3`, `Level 4 - Minimal`,
 * `レベル 1`. Returns 1-4.
 */
export function parseImpactLevel(input: string): 1 | 2 | 3 | 4 | undefined {
  const m = /^(?:l|level|lvl|レベル)?\s*[-_ ]?\s*([1-4])(?:\b|\s|$|[^0-9])/i.exec(input.trim());
  if (!m) return undefined;
  return Number(m[1]) as 1 | 2 | 3 | 4;
}

/** The level an option label of an impact field stands for (`Level 2 - Significant`, `レベル 2`). */
export function impactLevelOfLabel(label: string): 1 | 2 | 3 | 4 | undefined {
  const m = /(?:level|レベル|\bL)\s*[-_ ]?\s*([1-4])\b/i.exec(label);
  return m ? (Number(m[1]) as 1 | 2 | 3 | 4) : undefined;
}

/** An e-mail address as portals accept it (one `@`, a dotted domain, no spaces). Returns it trimmed. */
export function normalizeEmail(input: string): string | undefined {
  const s = input.trim();
  if (s.length > 254) return undefined;
  return /^[^\s@",;<>]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i.test(s) ? s : undefined;
}

/**
 * A participant or reporter as given: an e-mail (checked, resolved to an account later), or anything
 * else without `@` taken as the accountId (Cloud) or username (Data Center) itself. A value with `@`
 * that is not an e-mail is refused rather than sent as a username.
 */
export function normalizePerson(input: string): string | undefined {
  const s = input.trim();
  if (s.includes('@')) return normalizeEmail(s);
  return /^[^\s,;"<>]{1,255}$/.test(s) ? s : undefined;
}

/**
 * A telephone number: digits with optional `+` country prefix and the usual separators
 * (spaces, dashes, dots, parentheses, `ext`). 7 to 15 digits (E.164 allows at most 15).
 */
export function normalizePhone(input: string): string | undefined {
  const s = input.trim().replace(/\s+/g, ' ');
  const m = /^(\+?[0-9 ().-]+?)(?:\s*(?:ext\.?|x|#)\s*(\d{1,6}))?$/i.exec(s);
  if (!m) return undefined;
  const main = m[1]!;
  if ((main.match(/\+/g) ?? []).length > (main.startsWith('+') ? 1 : 0)) return undefined;
  const digits = main.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return undefined;
  return s;
}

/** Splits a comma/semicolon/space separated list (as typed in a prompt or flag), dropping blanks. */
export function splitList(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? [input] : input;
  return parts.flatMap((p) => p.split(/[,;\s]+/)).map((s) => s.trim()).filter(Boolean);
}

/** Products that the Atlassian support portal does not handle; the CLI redirects instead of filing. */
export type RedirectProduct = 'trello' | 'sourcetree';

/** Whether a product name is one of those redirected elsewhere. */
export function redirectFor(productLabel: string): RedirectProduct | undefined {
  const s = productLabel.trim().toLowerCase();
  if (/^trello\b/.test(s)) return 'trello';
  if (/^source\s?tree\b/.test(s)) return 'sourcetree';
  return undefined;
}

/** Jira's own limits: a summary or single-line text field takes 255 characters, multi-line text 32,767. */
export const JIRA_LIMITS = { summary: 255, text: 255, textArea: 32_767 } as const;

/**
 * The most characters a field's help says it takes, e.g. "max. 100 characters", "up to 80 chars",
 * "100 文字以内", "最大 100 文字"; undefined when it says none.
 */
export function statedLimit(help: string): number | undefined {
  const m =
    /(?:max(?:imum)?\.?|up to|at most|no more than|limit(?:ed)? (?:of|to))\s*(\d{1,6})\s*char/i.exec(help) ??
    /(\d{1,6})\s*(?:characters?|chars?)\s*(?:max(?:imum)?|or less|or fewer)/i.exec(help) ??
    /(?:最大|上限)\s*(\d{1,6})\s*文字|(\d{1,6})\s*文字(?:以内|まで)/.exec(help);
  const n = m ? Number(m[1] ?? m[2]) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** What breaks a text limit: a line break in a one-line field, or more than `max` characters (UTF-16 units, as Jira counts). */
export type LimitProblem = { kind: 'newline' } | { kind: 'length'; length: number; max: number };

/** The first limit `text` breaks, or undefined. */
export function limitProblem(text: string, max: number, oneLine: boolean): LimitProblem | undefined {
  if (oneLine && /[\r\n]/.test(text)) return { kind: 'newline' };
  return text.length > max ? { kind: 'length', length: text.length, max } : undefined;
}
/** A limit problem as the user reads it, naming the field. */
export function limitMessage(name: string, p: LimitProblem, t: T): string {
  return p.kind === 'newline' ? t('form.err.newline', name) : t('form.err.tooLong', name, p.length, p.max);
}

