/** The transitions the workflow offers on a request, and taking one (with an optional comment); the workflow's statuses. */
import type { CustomerTransitionDTO } from '../../portal/types.js';
import { changeRequest, idString, isObject, paging, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { HttpError, readJsonBody } from '../http.js';
import type { RouteDef } from '../router.js';
import { STATUSES, offeredTransitions, takeTransition } from '../workflow.js';

async function transition(c: Call): Promise<Reply> {
  const key = c.params[0]!;
  visible(c, key);
  const body = await readJsonBody(c.req, c.exchange, c.t);
  // Jira reads the id as a string or a number.
  const id = isObject(body) ? idString(body.id) : undefined;
  if (!isObject(body) || id === undefined) throw new HttpError(400, c.t('sandbox.api.transitionId'), 'sandbox.error.transition');
  const comment = isObject(body.additionalComment) && typeof body.additionalComment.body === 'string' ? body.additionalComment.body : undefined;
  await changeRequest(c, key, (s, r, now) => {
    const tr = offeredTransitions(r).find((x) => x.id === id);
    if (!tr) throw new HttpError(400, c.t('sandbox.api.transitionInvalid', id, r.key), 'sandbox.error.transition');
    if (comment && comment.trim() !== '') {
      r.comments.push({ id: String(s.nextId++), body: comment, public: true, author: c.user.accountId, created: now, attachmentIds: [] });
    }
    takeTransition(r, tr, now);
  });
  return { status: 204 };
}

export const transitionRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/request/{key}/transition`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      const offered = offeredTransitions(req).map((t): CustomerTransitionDTO => ({ id: t.id, name: t.name }));
      return { status: 200, body: dto.page(c.view, offered, paging(c), c.url.pathname) };
    },
  },
  { method: 'POST', path: `${API}/request/{key}/transition`, handler: transition },
  {
    // The platform API's status list (Cloud and Data Center), which clients read to check a status name.
    method: 'GET',
    path: '/rest/api/2/status',
    handler: async (c) => ({
      status: 200,
      body: STATUSES.map((st, i) => ({
        self: `${c.view.url}/rest/api/2/status/${i + 1}`,
        id: String(i + 1),
        name: st.name,
        description: '',
        statusCategory: { id: st.category === 'DONE' ? 3 : 4, key: st.category.toLowerCase(), name: st.category === 'DONE' ? 'Done' : 'In Progress' },
      })),
    }),
  },
];
