/**
 * The sandbox's customer organizations and who belongs to them (the seed customers), and how a
 * request is shared with them: through the request type's "Organizations" field, whose values are
 * organization ids, as Jira takes them (`"customfield_…": [1]`).
 */
import type { SandboxCatalog } from './catalog.js';
import { CUSTOMERS } from './seed.js';
import type { StoredRequest } from './store.js';

/** Jira's custom field type for the organizations a request is shared with. */
export const ORGANIZATIONS_FIELD = 'com.atlassian.servicedesk:sd-customer-organizations';

export interface SeedOrganization {
  id: string;
  name: string;
  /** accountIds of the members. */
  members: readonly string[];
}

const [you, colleague] = CUSTOMERS;

export const ORGANIZATIONS: readonly SeedOrganization[] = [
  { id: '1', name: 'Acme Corporation', members: [you.accountId, colleague.accountId] },
  { id: '2', name: 'アクメ株式会社', members: [you.accountId] },
  { id: '3', name: 'Globex', members: [colleague.accountId] },
];

/** The organizations `accountId` belongs to. */
export function organizationsOf(accountId: string): SeedOrganization[] {
  return ORGANIZATIONS.filter((o) => o.members.includes(accountId));
}

/** The organization ids a create's field value names (numbers, or strings of digits), or undefined when any is not one. */
export function organizationIds(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const ids = v.map((x) => (typeof x === 'number' && Number.isSafeInteger(x) ? String(x) : typeof x === 'string' && /^\d+$/.test(x) ? x : undefined));
  return ids.every((x) => x !== undefined && ORGANIZATIONS.some((o) => o.id === x)) ? [...new Set(ids as string[])] : undefined;
}

/** The organization ids a request was shared with, from its stored Organizations field. */
export function sharedWith(catalog: SandboxCatalog, r: StoredRequest): string[] {
  const field = catalog.fieldsOf(r.requestTypeId).find((f) => f.field.jiraSchema.custom === ORGANIZATIONS_FIELD)?.field.fieldId;
  const v = field === undefined ? undefined : r.fieldValues[field];
  return Array.isArray(v) ? v.map((o) => String((o as { id?: unknown }).id ?? '')).filter((id) => id !== '') : [];
}

/** Whether `accountId` may see `r` as a member of an organization it is shared with. */
export function seesThroughOrganization(catalog: SandboxCatalog, r: StoredRequest, accountId: string): boolean {
  const mine = new Set(organizationsOf(accountId).map((o) => o.id));
  return sharedWith(catalog, r).some((id) => mine.has(id));
}
