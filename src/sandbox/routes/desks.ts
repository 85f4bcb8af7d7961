/**
 * The service desk, its request type groups, its request types and their fields, in the caller's
 * language where the catalog has a translation (the server localises every view by `requestLanguage`, else `Accept-Language`).
 */
import { expands, desk, intParam, paging, requestTypeOf, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import type { RouteDef } from '../router.js';

/** Request types matching `searchQuery` (name or description) and `groupId`. */
async function requestTypes(c: Call): Promise<Reply> {
  desk(c, c.params[0]!);
  const search = c.url.searchParams.get('searchQuery')?.toLowerCase();
  const groupId = intParam(c, 'groupId');
  const withFields = expands(c.url).has('field');
  const view = c.view;
  const list = view.catalog.requestTypes.filter(
    (rt) =>
      (search === undefined || rt.name.toLowerCase().includes(search) || rt.description.toLowerCase().includes(search)) &&
      (groupId === undefined || rt.groupIds.includes(String(groupId))),
  ).map((rt) => dto.requestType(view, rt, withFields));
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
      const view = c.view;
      return { status: 200, body: dto.page(view, view.catalog.groups.map((g) => ({ id: g.id, name: g.name })), paging(c), c.url.pathname) };
    },
  },
  { method: 'GET', path: `${API}/servicedesk/{id}/requesttype`, handler: requestTypes },
  {
    method: 'GET',
    path: `${API}/servicedesk/{id}/requesttype/{rt}`,
    handler: async (c) => {
      desk(c, c.params[0]!);
      const rt = requestTypeOf(c, c.params[1]!);
      const view = c.view;
      return { status: 200, body: dto.requestType(view, view.catalog.requestType(rt.id) ?? rt, expands(c.url).has('field')) };
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
