/**
 * The notification switch of a request (`/request/{key}/notification`): every customer who can
 * see the request gets its notifications until they turn them off (`DELETE`), and again after
 * `PUT`.
 */
import { changeRequest, visible, type Call, type Reply } from '../call.js';
import { API } from '../dto.js';
import type { RouteDef } from '../router.js';

async function set(c: Call, on: boolean): Promise<Reply> {
  await changeRequest(c, c.params[0]!, (_s, r) => {
    const muted = (r.muted ?? []).filter((id) => id !== c.user.accountId);
    r.muted = on ? muted : [...muted, c.user.accountId];
  });
  return { status: 204 };
}

export const notificationRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/request/{key}/notification`,
    handler: async (c) => ({ status: 200, body: { subscribed: !(visible(c, c.params[0]!).muted ?? []).includes(c.user.accountId) } }),
  },
  { method: 'PUT', path: `${API}/request/{key}/notification`, handler: (c) => set(c, true) },
  { method: 'DELETE', path: `${API}/request/{key}/notification`, handler: (c) => set(c, false) },
];
