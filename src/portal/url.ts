/** Portal addresses as users type them, and what they tell about the portal's flavor. */

/** Which kind of portal: Atlassian Cloud (e-mail + API token) or Data Center (personal access token). */
export type PortalFlavor = 'cloud' | 'dc';

/** Raised for an address that is not an http(s) URL. */
export class PortalUrlError extends Error {
  constructor(readonly input: string) {
    super(`not a portal URL: ${input}`);
    this.name = 'PortalUrlError';
  }
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
  if ((u.protocol !== 'https:' && u.protocol !== 'http:') || !u.hostname || u.username || u.password) throw new PortalUrlError(input);
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
