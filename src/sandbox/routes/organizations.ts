/**
 * Customer organizations as a customer sees them: `GET /organization` lists the caller's own (the
 * `accountId` filter is for agents: 403), `GET /organization/{id}` one of them (404 for another).
 */
import type { OrganizationDTO } from '../../portal/types.js';
import { paging, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { HttpError } from '../http.js';
import { organizationsOf, type SeedOrganization } from '../org-seed.js';
import type { RouteDef } from '../router.js';

function organization(c: Call, o: SeedOrganization): OrganizationDTO {
  return { id: o.id, name: o.name, scimManaged: false, _links: { self: `${c.view.url}${API}/organization/${o.id}` } };
}

export const organizationRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/organization`,
    handler: async (c): Promise<Reply> => {
      if (c.url.searchParams.has('accountId')) throw new HttpError(403, c.t('kb.sandbox.agentsOnly'), 'sandbox.error.permission');
      const mine = organizationsOf(c.user.accountId).map((o) => organization(c, o));
      return { status: 200, body: dto.page(c.view, mine, paging(c), c.url.pathname) };
    },
  },
  {
    method: 'GET',
    path: `${API}/organization/{id}`,
    handler: async (c): Promise<Reply> => {
      const o = organizationsOf(c.user.accountId).find((x) => x.id === c.params[0]);
      if (!o) throw new HttpError(404, c.t('kb.sandbox.noOrganization', c.params[0]!), 'sandbox.error.organization.notFound');
      return { status: 200, body: organization(c, o) };
    },
  },
];
