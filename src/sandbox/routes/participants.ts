/** A request's participants: list, add and remove (by accountId, e-mail or Data Center username). */
import { DEFAULT_MAX_PAGE_SIZE, changeRequest, objectBody, paging, resolveUser, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';

function asStrings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

async function participants(c: Call, op: 'add' | 'remove'): Promise<Reply> {
  const key = c.params[0]!;
  visible(c, key);
  const body = await objectBody(c);
  const ids = [...asStrings(body.accountIds), ...asStrings(body.usernames)];
  if (ids.length === 0) throw new HttpError(400, c.t('sandbox.api.noAccountIds'), 'sandbox.error.participant');
  const { result: shown, view } = await changeRequest(c, key, (s, r) => {
    const resolved = ids.map((id) => ({ id, accountId: resolveUser(s, id) }));
    const unknown = resolved.filter((x) => !x.accountId).map((x) => x.id);
    if (unknown.length > 0) throw new HttpError(400, c.t('sandbox.api.noUsers', unknown.join(', ')), 'sandbox.error.user');
    const accountIds = [...new Set(resolved.map((x) => x.accountId!))];
    if (op === 'add') {
      const added = accountIds.filter((a) => !r.participants.includes(a));
      r.participants.push(...added);
      return accountIds;
    }
    const missing = accountIds.filter((a) => !r.participants.includes(a));
    if (missing.length > 0) throw new HttpError(400, c.t('sandbox.api.notParticipant', missing.join(', ')), 'sandbox.error.participant');
    r.participants = r.participants.filter((a) => !accountIds.includes(a));
    return r.participants;
  });
  const users = shown.map((a) => dto.user(view, a));
  return { status: 200, body: dto.page(view, users, { start: 0, limit: DEFAULT_MAX_PAGE_SIZE }, `${API}/request/${key}/participant`) };
}

export const participantRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/request/{key}/participant`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      return { status: 200, body: dto.page(c.view, req.participants.map((p) => dto.user(c.view, p)), paging(c), c.url.pathname) };
    },
  },
  { method: 'POST', path: `${API}/request/{key}/participant`, handler: (c) => participants(c, 'add') },
  { method: 'DELETE', path: `${API}/request/{key}/participant`, handler: (c) => participants(c, 'remove') },
];
