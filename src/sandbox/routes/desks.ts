/**
 * The service desk, its request type groups, its request types and their fields, in the caller's
 * language where the catalog has a translation (`requestLanguage`, else `Accept-Language`).
 */
import { expands, desk, intParam, paging, requestTypeOf, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API, type View } from '../dto.js';
import { langOf } from '../http.js';
import type { RouteDef } from '../router.js';

/** The view with the catalog in the caller's language. */
function viewIn(c: Call): View {
  const catalog = c.view.catalog.localized(langOf(c.req, c.url));
  return catalog === c.view.catalog ? c.view : { ...c.view, catalog };
}

/** Request types matching `searchQuery` (name or description) and `groupId`. */
async function requestTypes(c: Call): Promise<Reply> {
  desk(c, c.params[0]!);
  const search = c.url.searchParams.get('searchQuery')?.toLowerCase();
  const groupId = intParam(c, 'groupId');
  const withFields = expands(c.url).has('field');
  const view = viewIn(c);
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
      const view = viewIn(c);
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
      const view = viewIn(c);
      return { status: 200, body: dto.requestType(view, view.catalog.requestType(rt.id) ?? rt, expands(c.url).has('field')) };
    },
  },
  {
    method: 'GET',
    path: `${API}/servicedesk/{id}/requesttype/{rt}/field`,
    handler: async (c) => {
      desk(c, c.params[0]!);
      const rt = requestTypeOf(c, c.params[1]!);
      return { status: 200, body: dto.fieldMeta(viewIn(c), rt.id) };
    },
  },
];
