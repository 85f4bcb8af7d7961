import type { Article } from '../../portal/kb.js';
import { displayWidth, oneLine, truncate } from '../../ui/table.js';
import type { Ctx } from '../context.js';
import type { KbArticleJson } from '../json-types.js';

/** An article as `--json` prints it. */
export function articleJson(a: Article): KbArticleJson {
  return { title: a.title, excerpt: a.excerpt, url: a.url, spaceKey: a.spaceKey ?? '', pageId: a.pageId ?? '' };
}

/**
 * The articles as numbered lines, title then link (and the excerpt when `excerpts`), each cut to
 * the terminal's width; `write` is stdout for `kb search`, stderr for create's suggestions.
 */
export function articleLines(articles: readonly Article[], ctx: Ctx, excerpts: boolean): string[] {
  const width = Math.max(40, ctx.io.columns || 80);
  const digits = String(articles.length).length;
  const out: string[] = [];
  articles.forEach((a, i) => {
    const n = `${String(i + 1).padStart(digits)}. `;
    const indent = ' '.repeat(displayWidth(n));
    out.push(truncate(`${n}${oneLine(a.title)}`, width));
    if (excerpts && a.excerpt) out.push(truncate(`${indent}${oneLine(a.excerpt)}`, width));
    if (a.url) out.push(`${indent}${a.url}`);
  });
  return out;
}
