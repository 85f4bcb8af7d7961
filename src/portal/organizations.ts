/**
 * Customer organizations: the ones the customer belongs to (`GET /organization`, which lists only
 * the caller's own to a customer), and finding one by id or name for `--share-with` and
 * `list --organization`.
 */
import { SERVICEDESK_API as API, type PortalApi } from './api.js';
import type { OrganizationDTO } from './types.js';

/** An organization as the CLI shows it. */
export interface Organization {
  id: string;
  name: string;
}

/** Every organization the portal lists to the caller (a customer sees those they belong to), in the portal's order. */
export async function listOrganizations(api: PortalApi): Promise<Organization[]> {
  const out: Organization[] = [];
  for await (const o of api.list<OrganizationDTO>(`${API}/organization`)) {
    const id = typeof o.id === 'string' ? o.id : typeof o.id === 'number' ? String(o.id) : '';
    if (id === '') continue;
    out.push({ id, name: typeof o.name === 'string' ? o.name : '' });
  }
  return out;
}

/**
 * The organization `wanted` names among `orgs`: its id, else its exact name, else the one name that
 * matches ignoring case. Undefined when none or several do.
 */
export function findOrganization(orgs: readonly Organization[], wanted: string): Organization | undefined {
  const w = wanted.trim();
  const byId = orgs.find((o) => o.id === w);
  if (byId) return byId;
  const exact = orgs.filter((o) => o.name === w);
  if (exact.length === 1) return exact[0];
  const loose = orgs.filter((o) => o.name.toLowerCase() === w.toLowerCase());
  return loose.length === 1 ? loose[0] : undefined;
}

/** The create field through which a request type lets its request be shared with organizations (Jira's "Organizations" field). */
export const ORGANIZATIONS_FIELD_TYPE = 'com.atlassian.servicedesk:sd-customer-organizations';
