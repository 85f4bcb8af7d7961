/**
 * The knowledge base the portal links to: the articles that match a text, as the portal suggests
 * them while a customer types a summary (`GET /knowledgebase/article`, or the one of a service desk
 * `GET /servicedesk/{id}/knowledgebase/article`).
 */
import { SERVICEDESK_API as API, seg, type PortalApi } from './api.js';
import type { ArticleDTO, PagedDTO } from './types.js';

/** An article as the CLI shows it. */
export interface Article {
  title: string;
  /** Plain text, highlight marks removed; '' when the portal gave none. */
  excerpt: string;
  /** Where to read it in a browser ('' when the portal gave no link). */
  url: string;
  /** The Confluence space and page, when the portal says. */
  spaceKey?: string;
  pageId?: string;
}

/** What {@link searchArticles} looks in and how many it returns. */
export interface ArticleQuery {
  query: string;
  /** Only this service desk's knowledge base (an id or a project key); else every desk's. */
  serviceDeskId?: string;
  /** At most this many (one page: the endpoint pages by cursor, and a suggestion needs only the best few). */
  limit: number;
}

/**
 * The articles matching `q.query`, best first, at most `q.limit`. Each one's title, excerpt (the
 * portal's `@@@hl@@@` marks removed) and the link the portal gives for its body.
 */
export async function searchArticles(api: PortalApi, q: ArticleQuery): Promise<Article[]> {
  const path = q.serviceDeskId === undefined ? `${API}/knowledgebase/article` : `${API}/servicedesk/${seg(q.serviceDeskId)}/knowledgebase/article`;
  const page = await api.send<PagedDTO<ArticleDTO>>({ method: 'GET', path, query: { query: q.query, highlight: false, limit: q.limit } });
  const values = Array.isArray(page?.values) ? page.values : [];
  return values.slice(0, q.limit).flatMap((a) => {
    const title = plain(a.title);
    if (title === '') return [];
    const src = a.source ?? {};
    const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined);
    const spaceKey = str(src.spaceKey);
    const pageId = str(src.pageId);
    return [{ title, excerpt: plain(a.excerpt), url: typeof a.content?.iframeSrc === 'string' ? a.content.iframeSrc : '', ...(spaceKey ? { spaceKey } : {}), ...(pageId ? { pageId } : {}) }];
  });
}

/** Text without highlight marks, control characters or runs of white space. */
function plain(v: unknown): string {
  if (typeof v !== 'string') return '';
  return v
    .replace(/@@@(end)?hl@@@/g, '')
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
