import type { T } from '../../i18n/index.js';
import { UsageError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { findOrganization, listOrganizations, type Organization } from '../../portal/organizations.js';

/**
 * The caller's organisation `wanted` names (id or name); none or several is bad input (exit 2)
 * naming the caller's organisations, before anything is sent.
 */
export async function resolveOrganization(api: PortalApi, wanted: string, t: T): Promise<Organization> {
  const orgs = await listOrganizations(api);
  const found = findOrganization(orgs, wanted);
  if (found) return found;
  throw new UsageError(t('kb.org.err.unknown', wanted, orgs.map((o) => `${o.id} ${o.name}`).join(', ')), { hint: t('kb.org.hint.unknown') });
}
