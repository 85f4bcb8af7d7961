/** The service desk, its request type groups, its request types and their fields. */
import { expands, desk, intParam, paging, requestTypeOf, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import type { RouteDef } from '../router.js';
import { GROUPS, REQUEST_TYPES } from '../seed.js';

/** Request types matching `searchQuery` (name or description) and `groupId`. */
async function requestTypes(c: Call): Promise<Reply> {
  desk(c, c.params[0]!);
  const search = c.url.searchParams.get('searchQuery')?.toLowerCase();
  const groupId = intParam(c, 'groupId');
  const withFields = expands(c.url).has('field');
  const list = REQUEST_TYPES.filter(
    (rt) =>
      (search === undefined || rt.name.toLowerCase().includes(search) || rt.description.toLowerCase().includes(search)) &&
      (groupId === undefined || rt.groupIds.includes(String(groupId))),
  ).map((rt) => dto.requestType(c.view, rt, withFields));
  return { status: 200, body: dto.page(c.view, list, paging(c), c.url.pathname) };
}

export const deskRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/servicedesk`,
    handler: async (c) => ({ status: 200, body: dto.page(c.view, [dto.serviceDesk(c.view)], paging(c), c.url.pathname) }),
  },
  {
    method: 'GET',
    path: `${API}/servicedesk/{id}`,
    handler: async (c) => {
      desk(c, c.params[0]!);
      return { status: 200, body: dto.serviceDesk(c.view) };
    },
  },
  {
    method: 'GET',
    path: `${API}/servicedesk/{id}/requesttypegroup`,
    handler: async (c) => {
      desk(c, c.params[0]!);
      return { status: 200, body: dto.page(c.view, GROUPS.map((g) => ({ ...g })), paging(c), c.url.pathname) };
    },
  },
  { method: 'GET', path: `${API}/servicedesk/{id}/requesttype`, handler: requestTypes },
  {
    method: 'GET',
    path: `${API}/servicedesk/{id}/requesttype/{rt}`,
    handler: async (c) => {
      desk(c, c.params[0]!);
      const rt = requestTypeOf(c, c.params[1]!);
      return { status: 200, body: dto.requestType(c.view, rt, expands(c.url).has('field')) };
    },
  },
  {
    method: 'GET',
    path: `${API}/servicedesk/{id}/requesttype/{rt}/field`,
    handler: async (c) => {
      desk(c, c.params[0]!);
      const rt = requestTypeOf(c, c.params[1]!);
      return { status: 200, body: dto.fieldMeta(c.view, rt.id) };
    },
  },
];
