/** Portal addresses as users type them, and what they tell about the portal's flavor. */

/** Which kind of portal: Atlassian Cloud (e-mail + API token) or Data Center (personal access token). */
export type PortalFlavor = 'cloud' | 'dc';

/**
 * Raised for an address that is not an http(s) URL, or that holds a user name or password.
 * `input` is what was typed with any password in it masked: it may be shown.
 */
export class PortalUrlError extends Error {
  readonly input: string;
  /** The address held a user name or password (`https://user:PASS@host`). */
  readonly credentials: boolean;
  constructor(input: string, credentials = false) {
    const shown = withoutPassword(input);
    super(`not a portal URL: ${shown}`);
    this.name = 'PortalUrlError';
    this.input = shown;
    this.credentials = credentials;
  }
}

/** `text` with the password of any `scheme://user:password@` (or a leading `user:password@`) replaced by `***`. */
export function withoutPassword(text: string): string {
  return text.replace(/(^|\b[a-z][a-z0-9+.-]*:\/\/)([^\s/?#@:]*:)[^\s/?#]*@/gi, '$1$2***@');
}

/** True for a host that never leaves the machine: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** True when credentials sent to `portalUrl` would cross the network in clear text. */
export function isCleartext(portalUrl: string): boolean {
  const u = new URL(portalUrl);
  return u.protocol === 'http:' && !isLoopbackHost(u.hostname);
}

/** The https address of an http portal URL (the same host, path and non-default port). */
export function httpsUrlOf(portalUrl: string): string {
  const u = new URL(portalUrl);
  const port = u.port === '' || u.port === '80' ? '' : `:${u.port}`;
  return `https://${u.hostname}${port}${u.pathname.replace(/\/+$/, '')}`;
}

/**
 * The portal's base URL from what a user pastes: adds `https://` when no scheme is given, and cuts
 * everything from the portal or REST part of a path (`/servicedesk/...`, `/browse/...`,
 * `/rest/...`, `/jira/...` on Cloud), keeping a Data Center context path such as `/jira`. No trailing slash.
 */
export function normalizePortalUrl(input: string): string {
  const raw = input.trim();
  if (raw === '') throw new PortalUrlError(input);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new PortalUrlError(input);
  }
  if (u.username || u.password) throw new PortalUrlError(input, true);
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname) throw new PortalUrlError(input);
  let p = u.pathname;
  const cut = /\/(servicedesk|browse|rest|secure|plugins|projects|login\.jsp)(\/|$)/i.exec(p);
  if (cut) p = p.slice(0, cut.index);
  // On Cloud the site root is the base; `/jira/...` there is the new UI's route, not a context path.
  if (isCloudHost(u.hostname)) p = '';
  p = p.replace(/\/+$/, '');
  return `${u.protocol}//${u.host}${p}`;
}

/** Hosts of Atlassian Cloud sites. */
export function isCloudHost(hostname: string): boolean {
  return /(^|\.)(atlassian\.net|jira\.com|jira-dev\.com)$/i.test(hostname);
}

/** `cloud` for `*.atlassian.net` (and the older `*.jira.com`), `dc` for any other host. */
export function detectFlavor(portalUrl: string): PortalFlavor {
  try {
    return isCloudHost(new URL(portalUrl).hostname) ? 'cloud' : 'dc';
  } catch {
    return 'dc';
  }
}

/**
 * The flavor a portal's `GET /rest/servicedeskapi/info` names: Cloud builds are versioned
 * `1001.0.0-…`, Data Center releases `major.minor.patch` (JSM 4.x and 5.x, then 10.x with Jira).
 * Undefined when the answer says neither.
 */
export function flavorOfInfo(info: { version?: string; platformVersion?: string } | undefined): PortalFlavor | undefined {
  const v = info?.version ?? info?.platformVersion;
  if (typeof v !== 'string') return undefined;
  if (/^1001\./.test(v)) return 'cloud';
  return /^\d{1,2}\.\d+(\.\d+)?([-.].*)?$/.test(v) ? 'dc' : undefined;
}
