/** The platform API's user endpoints the client uses: `myself` and the user search (Cloud and Data Center). */
import type { MyselfDTO } from '../../portal/types.js';
import type { Call, Reply } from '../call.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import type { StoredUser } from '../store.js';

/** A Cloud `/rest/api/3/user/search` entry (a customer's account), also what `myself` answers. */
function cloudUser(c: Call, u: StoredUser): MyselfDTO {
  return {
    self: `${c.view.url}/rest/api/3/user?accountId=${encodeURIComponent(u.accountId)}`,
    accountId: u.accountId,
    accountType: 'customer',
    emailAddress: u.email,
    displayName: u.displayName,
    active: true,
    timeZone: 'Etc/UTC',
    locale: 'en_US',
  };
}

/** A Data Center `/rest/api/2/user/search` entry: the sandbox's username and key are the accountId. */
function dcUser(c: Call, u: StoredUser): Record<string, unknown> {
  return {
    self: `${c.view.url}/rest/api/2/user?username=${encodeURIComponent(u.accountId)}`,
    name: u.accountId,
    key: u.accountId,
    emailAddress: u.email,
    displayName: u.displayName,
    active: true,
    timeZone: 'Etc/UTC',
  };
}

/**
 * The platform user search as a lenient portal answers it to anyone signed in: users whose e-mail
 * or display name contains the query (case-insensitive), active ones only. Cloud's parameter is
 * `query`, Data Center's `username`; both reject a search without one (400).
 */
function userSearch(c: Call, param: 'query' | 'username'): StoredUser[] {
  const q = (c.url.searchParams.get(param) ?? '').trim().toLowerCase();
  if (q === '') throw new HttpError(400, c.t('sandbox.api.mustBeString', param), 'sandbox.error.param');
  const max = Number(c.url.searchParams.get('maxResults') ?? '50');
  const users = c.view.state.users.filter((u) => u.email.toLowerCase().includes(q) || u.displayName.toLowerCase().includes(q));
  return users.slice(0, Number.isInteger(max) && max > 0 ? max : 50);
}

const myself = async (c: Call): Promise<Reply> => ({ status: 200, body: cloudUser(c, c.user) });

export const userRoutes: RouteDef[] = [
  { method: 'GET', path: '/rest/api/2/myself', handler: myself },
  { method: 'GET', path: '/rest/api/3/myself', handler: myself },
  { method: 'GET', path: '/rest/api/3/user/search', handler: async (c) => ({ status: 200, body: userSearch(c, 'query').map((u) => cloudUser(c, u)) }) },
  { method: 'GET', path: '/rest/api/2/user/search', handler: async (c) => ({ status: 200, body: userSearch(c, 'username').map((u) => dcUser(c, u)) }) },
];
