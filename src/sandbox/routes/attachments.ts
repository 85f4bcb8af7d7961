/**
 * Attachments: the upload limit, temporary uploads (multipart, streamed to disk), attaching them to
 * a request with a comment, listing and downloading.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_ATTACHMENT_LIMIT, changeRequest, desk, isObject, objectBody, paging, visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { HttpError } from '../http.js';
import { MultipartError, boundaryOf, readMultipart, type ReceivedFile } from '../multipart.js';
import type { RouteDef } from '../router.js';
import { MAX_FILES_PER_UPLOAD } from '../seed.js';
import type { StoredAttachment } from '../store.js';
import { consumeTemporary, keepTemporary } from '../temporary.js';
import { CUSTOMER_ACTIVITY, applyMove } from '../workflow.js';

function uploadLimit(c: Call): number {
  return c.sandbox.setting(c.view.state, 'attachmentLimit') ?? DEFAULT_ATTACHMENT_LIMIT;
}

/** The multipart body's files, or the answer JSM gives for what is wrong with it. */
async function receive(c: Call, boundary: string, limit: number): Promise<ReceivedFile[]> {
  const parts: string[] = [];
  c.exchange.parts = parts;
  try {
    return await readMultipart(c.req, boundary, {
      maxFileSize: limit,
      maxFiles: MAX_FILES_PER_UPLOAD,
      partName: 'file',
      newPath: () => c.sandbox.store.tempUploadPath(),
      onPart: (n) => parts.push(n),
    });
  } catch (err) {
    if (!(err instanceof MultipartError)) throw err;
    c.res.setHeader('Connection', 'close');
    switch (err.kind) {
      case 'tooLarge':
        throw new HttpError(400, c.t('sandbox.api.tooLarge', err.detail, limit), 'sandbox.error.attachment.size');
      case 'tooMany':
        throw new HttpError(413, c.t('sandbox.api.tooMany', MAX_FILES_PER_UPLOAD), 'sandbox.error.attachment.count');
      case 'badPartName':
        throw new HttpError(400, c.t('sandbox.api.badPartName', err.detail), 'sandbox.error.multipart');
      case 'noFiles':
        throw new HttpError(400, c.t('sandbox.api.noFiles'), 'sandbox.error.multipart');
      default:
        throw new HttpError(400, c.t('sandbox.api.malformedMultipart', err.detail), 'sandbox.error.multipart');
    }
  }
}

/** The platform API's attachment settings (`/rest/api/{2,3}/attachment/meta`). */
function attachmentMeta(c: Call): { enabled: boolean; uploadLimit: number } {
  return { enabled: true, uploadLimit: uploadLimit(c) };
}

async function upload(c: Call): Promise<Reply> {
  const deskId = desk(c, c.params[0]!);
  if (String(c.req.headers['x-atlassian-token'] ?? '').toLowerCase() !== 'no-check') {
    throw new HttpError(403, c.t('sandbox.api.xsrf'), 'sandbox.error.xsrf');
  }
  const boundary = boundaryOf(c.req.headers['content-type']);
  if (!boundary) throw new HttpError(400, c.t('sandbox.api.notMultipart'), 'sandbox.error.multipart');
  const files = await receive(c, boundary, uploadLimit(c));
  const temps = await keepTemporary(c.sandbox.store, files, c.user.accountId, deskId, (s) => c.sandbox.now(s));
  return { status: 201, body: { temporaryAttachments: temps.map((x) => ({ temporaryAttachmentId: x.id, fileName: x.fileName })) } };
}

async function attach(c: Call): Promise<Reply> {
  const key = c.params[0]!;
  visible(c, key);
  const body = await objectBody(c);
  const ids = body.temporaryAttachmentIds;
  if (!Array.isArray(ids) || ids.length === 0 || ids.some((x) => typeof x !== 'string')) {
    throw new HttpError(400, c.t('sandbox.api.mustBeStrings', 'temporaryAttachmentIds'), 'sandbox.error.attachment');
  }
  if (typeof body.public !== 'boolean') throw new HttpError(400, c.t('sandbox.api.publicMissing'), 'sandbox.error.comment.public');
  if (!body.public) throw new HttpError(400, c.t('sandbox.api.customerInternal'), 'sandbox.error.comment.internal');
  const text = isObject(body.additionalComment) && typeof body.additionalComment.body === 'string' ? body.additionalComment.body : '';
  const { req, result, view } = await changeRequest(c, key, (s, r, now) => {
    const moved = consumeTemporary(c.t, s, ids as string[], c.user.accountId, now, r.serviceDeskId);
    const added = moved.map((m) => ({ ...m, id: String(s.nextId++) }));
    r.attachments.push(...added);
    const comment = { id: String(s.nextId++), body: dto.withAttachmentMarkup(text, added), public: true, author: c.user.accountId, created: now, attachmentIds: added.map((a) => a.id) };
    r.comments.push(comment);
    applyMove(r, CUSTOMER_ACTIVITY, now);
    return { comment, added };
  });
  const atts = result.added.map((a) => dto.attachment(view, req, a));
  return {
    status: 201,
    body: {
      attachments: dto.page(view, atts, { start: 0, limit: Math.max(atts.length, 1) }, `${API}/request/${key}/attachment`),
      comment: dto.comment(view, req, result.comment, new Set(['attachment'])),
    },
  };
}

/** Streams a stored attachment as the body of the answer. */
async function sendFile(c: Call, a: StoredAttachment): Promise<Reply> {
  const file = c.sandbox.store.blobPath(a.blob);
  const st = await fsp.stat(file).catch(() => undefined);
  if (!st) throw new HttpError(404, c.t('sandbox.api.noAttachment', a.id), 'sandbox.error.attachment.notFound');
  c.res.statusCode = 200;
  c.res.setHeader('Content-Type', a.mimeType);
  c.res.setHeader('Content-Length', st.size);
  c.res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(a.filename)}`);
  await pipeline(fs.createReadStream(file), c.res);
  return { streamed: true };
}

/** Signs media links for this process's lifetime, as Cloud's media host signs its tickets. */
const MEDIA_KEY = randomBytes(32);
/** How long a media link works (sandbox time). */
const MEDIA_TTL_MS = 10 * 60_000;

function ticket(blob: string, expires: number): string {
  return createHmac('sha256', MEDIA_KEY).update(`${blob}:${expires}`).digest('base64url');
}

/**
 * `GET /request/{key}/attachment/{id}`: Cloud answers 303 to its media host with a short-lived
 * ticket in the link (the media host takes no credentials), which the sandbox serves at
 * `/media/file/{blob}/binary`; Data Center answers the content itself.
 */
async function download(c: Call): Promise<Reply> {
  const req = visible(c, c.params[0]!);
  const a = req.attachments.find((x) => x.id === c.params[1]);
  if (!a) throw new HttpError(404, c.t('sandbox.api.noAttachment', c.params[1]!), 'sandbox.error.attachment.notFound');
  if (c.view.flavor === 'dc') return sendFile(c, a);
  const expires = c.view.now + MEDIA_TTL_MS;
  c.res.setHeader('Location', `${c.view.url}/media/file/${a.blob}/binary?token=${ticket(a.blob, expires)}&expires=${expires}&client=sandbox`);
  return { status: 303 };
}

/** The media host's side: the content for a valid, unexpired ticket, without credentials. */
async function media(c: Call): Promise<Reply> {
  const blob = c.params[0]!;
  const expires = Number(c.url.searchParams.get('expires'));
  const given = Buffer.from(c.url.searchParams.get('token') ?? '');
  const want = Buffer.from(ticket(blob, expires));
  if (!Number.isSafeInteger(expires) || expires < c.view.now || given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new HttpError(401, c.t('files.sandbox.mediaTicket'), 'sandbox.error.media.ticket');
  }
  const a = c.view.state.requests.flatMap((r) => r.attachments).find((x) => x.blob === blob);
  if (!a) throw new HttpError(404, c.t('sandbox.api.noAttachment', blob), 'sandbox.error.attachment.notFound');
  return sendFile(c, a);
}

/** Data Center's attachment servlet (`_links.content`): `/secure/attachment/{id}/{name}`, for a caller who may see the request. */
async function servlet(c: Call): Promise<Reply> {
  for (const r of c.view.state.requests) {
    const a = r.attachments.find((x) => x.id === c.params[0]);
    if (a) {
      visible(c, r.key);
      return sendFile(c, a);
    }
  }
  throw new HttpError(404, c.t('sandbox.api.noAttachment', c.params[0]!), 'sandbox.error.attachment.notFound');
}

export const attachmentRoutes: RouteDef[] = [
  { method: 'GET', path: '/rest/api/3/attachment/meta', flavors: ['cloud'], handler: async (c) => ({ status: 200, body: attachmentMeta(c) }) },
  { method: 'GET', path: '/rest/api/2/attachment/meta', handler: async (c) => ({ status: 200, body: attachmentMeta(c) }) },
  { method: 'POST', path: `${API}/servicedesk/{id}/attachTemporaryFile`, handler: upload },
  {
    method: 'GET',
    path: `${API}/request/{key}/attachment`,
    handler: async (c) => {
      const req = visible(c, c.params[0]!);
      return { status: 200, body: dto.page(c.view, req.attachments.map((a) => dto.attachment(c.view, req, a)), paging(c), c.url.pathname) };
    },
  },
  { method: 'POST', path: `${API}/request/{key}/attachment`, handler: attach },
  { method: 'GET', path: `${API}/request/{key}/attachment/{id}`, handler: download },
  { method: 'GET', path: '/media/file/{blob}/binary', anonymous: true, flavors: ['cloud'], handler: media },
  { method: 'GET', path: '/secure/attachment/{id}/{name}', flavors: ['dc'], handler: servlet },
];
