/**
 * The knowledge base search (`GET /knowledgebase/article`, and the same for one service desk), over
 * the sandbox's articles (`kb-seed.ts`), and each article's page (the `content.iframeSrc` link).
 */
import type { ArticleDTO } from '../../portal/types.js';
import { boolParam, desk, paging, type Call, type Reply } from '../call.js';
import * as dto from '../dto.js';
import { API } from '../dto.js';
import { HttpError } from '../http.js';
import { excerptOf, KB_ARTICLES, searchKb, terms, type KbArticle } from '../kb-seed.js';
import type { RouteDef } from '../router.js';

/** `text` with each term marked as JSM marks them when `highlight=true`. */
function highlight(text: string, want: readonly string[]): string {
  if (want.length === 0) return text;
  const escaped = want.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.replace(new RegExp(`(${escaped.join('|')})`, 'giu'), '@@@hl@@@$1@@@endhl@@@');
}

function article(c: Call, a: KbArticle, marks: readonly string[]): ArticleDTO {
  return {
    title: highlight(a.title, marks),
    excerpt: highlight(excerptOf(a), marks),
    source: { type: 'confluence', pageId: a.pageId, spaceKey: a.spaceKey },
    content: { iframeSrc: `${c.view.url}${API}/knowledgebase/article/view/${a.pageId}` },
  };
}

async function search(c: Call): Promise<Reply> {
  if (c.params[0] !== undefined) desk(c, c.params[0]);
  const query = c.url.searchParams.get('query');
  if (query === null || query.trim() === '') throw new HttpError(400, c.t('kb.sandbox.queryMissing'), 'sandbox.error.param');
  const marks = boolParam(c, 'highlight') === true ? terms(query) : [];
  const found = searchKb(query).map((a) => article(c, a, marks));
  const keep: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(c.exchange.query)) if (k !== 'start' && k !== 'limit') keep[k] = v;
  return { status: 200, body: dto.page(c.view, found, paging(c), c.url.pathname, keep) };
}

/** The article's body as a page a browser shows (behind the same sign-in as the rest of the portal). */
async function view(c: Call): Promise<Reply> {
  const a = KB_ARTICLES.find((x) => x.pageId === c.params[0]);
  if (!a) throw new HttpError(404, c.t('kb.sandbox.noArticle', c.params[0]!), 'sandbox.error.article.notFound');
  const esc = (s: string) => dto.escapeHtml(s);
  c.res.statusCode = 200;
  c.res.setHeader('Content-Type', 'text/html;charset=UTF-8');
  c.res.end(`<!doctype html><html lang="${a.spaceKey === 'KBJA' ? 'ja' : 'en'}"><head><meta charset="utf-8"><title>${esc(a.title)}</title></head><body><h1>${esc(a.title)}</h1><p>${esc(a.body)}</p></body></html>`);
  return { streamed: true };
}

export const knowledgebaseRoutes: RouteDef[] = [
  { method: 'GET', path: `${API}/knowledgebase/article`, handler: search },
  { method: 'GET', path: `${API}/servicedesk/{id}/knowledgebase/article`, handler: search },
  { method: 'GET', path: `${API}/knowledgebase/article/view/{pageId}`, handler: view },
];
