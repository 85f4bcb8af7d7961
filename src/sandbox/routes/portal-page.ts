/**
 * The request's portal page (`_links.web`), so that `support view --web` leads somewhere: a plain
 * read-only page behind the same Basic auth (a browser asks for the e-mail and token).
 */
import { visible, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { HttpError } from '../http.js';
import type { RouteDef } from '../router.js';
import { DESK } from '../seed.js';
import { currentStatus } from '../workflow.js';

const esc = (x: unknown): string => dto.escapeHtml(String(x ?? ''));

/** A field value as text: options by their value, attachments by file name, lists joined. */
function show(x: unknown): string {
  if (Array.isArray(x)) return x.map(show).join(', ');
  if (typeof x === 'object' && x !== null) {
    const o = x as { value?: unknown; filename?: unknown };
    return String(o.value ?? o.filename ?? '');
  }
  return String(x);
}

async function webPage(c: Call): Promise<Reply> {
  if (c.params[0] !== DESK.portalId) throw new HttpError(404, c.t('sandbox.api.noDesk', c.params[0]!), 'sandbox.error.servicedesk.notFound');
  const r = visible(c, c.params[1]!);
  const v = c.view;
  const cur = currentStatus(r);
  const fields = dto.request(v, r, new Set()).requestFieldValues ?? [];
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.key)} ${esc(r.fieldValues.summary)}</title></head><body>
<h1>${esc(r.key)}: ${esc(r.fieldValues.summary)}</h1>
<p><strong>${esc(cur.status)}</strong> (${esc(dto.date(cur.at).iso8601)})</p>
<dl>${fields.map((f) => `<dt>${esc(f.label)}</dt><dd>${esc(show(f.value)).replace(/\n/g, '<br>')}</dd>`).join('')}</dl>
<h2>Comments</h2>${r.comments
    .filter((x) => x.public)
    .map((x) => `<section><p><em>${esc(dto.user(v, x.author).displayName)}, ${esc(dto.date(x.created).iso8601)}</em></p><p>${esc(x.body).replace(/\n/g, '<br>')}</p></section>`)
    .join('')}
</body></html>`;
  c.res.statusCode = 200;
  c.res.setHeader('Content-Type', 'text/html;charset=UTF-8');
  c.res.end(html);
  return { streamed: true };
}

export const portalPageRoutes: RouteDef[] = [{ method: 'GET', path: '/servicedesk/customer/portal/{portal}/{key}', handler: webPage }];
