/** A request's public comments: list, one by id, and adding one (which may hand the request back to support). */
import { boolParam, changeRequest, expands, objectBody, paging, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import { CUSTOMER_ACTIVITY, applyMove } from '../workflow.js';

async function addComment(c: Call): Promise<Reply> {
  const key = c.params[0]!;
  visible(c, key);
  const body = await objectBody(c);
  if (typeof body.body !== 'string' || body.body.trim() === '') {
    throw new HttpError(400, c.t('sandbox.api.commentEmpty'), 'sandbox.error.comment.body');
  }
  if (typeof body.public !== 'boolean') throw new HttpError(400, c.t('sandbox.api.publicMissing'), 'sandbox.error.comment.public');
  if (!body.public) throw new HttpError(400, c.t('sandbox.api.customerInternal'), 'sandbox.error.comment.internal');
  const text = body.body;
  const { req, result: comment, view } = await changeRequest(c, key, (s, r, now) => {
    const cm = { id: String(s.nextId++), body: text, public: true, author: c.user.accountId, created: now, attachmentIds: [] };
    r.comments.push(cm);
    applyMove(r, CUSTOMER_ACTIVITY, now);
    return cm;
  });
  return { status: 201, body: dto.comment(view, req, comment, new Set()) };
}

export const commentRoutes: RouteDef[] = [
  {
    method: 'GET',
    path: `${API}/request/{key}/comment`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      const wantPublic = boolParam(c, 'public') ?? true;
      // Customers never see internal comments, whatever `internal` asks for.
      const list = wantPublic ? req.comments.filter((x) => x.public) : [];
      const ex = expands(c.url);
      return { status: 200, body: dto.page(c.view, list.map((x) => dto.comment(c.view, req, x, ex)), paging(c), c.url.pathname) };
    },
  },
  {
    method: 'GET',
    path: `${API}/request/{key}/comment/{id}`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      const found = req.comments.find((x) => x.id === c.params[1] && x.public);
      if (!found) throw new HttpError(404, c.t('sandbox.api.noComment', c.params[1]!), 'sandbox.error.comment.notFound');
      return { status: 200, body: dto.comment(c.view, req, found, expands(c.url)) };
    },
  },
  { method: 'POST', path: `${API}/request/{key}/comment`, handler: addComment },
];
