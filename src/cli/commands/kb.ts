import { UsageError } from '../../lib/errors.js';
import { defineCommand, type Registrar } from '../command.js';
import type { Ctx } from '../context.js';
import type { KbSearchJson } from '../json-types.js';

export interface KbSearchOptions {
  query: string;
  /** As given: an id, a project key or a name; undefined searches every desk's knowledge base. */
  serviceDesk?: string;
  limit: number;
}

/** Flags -> options (exit 2 for an empty text or a bad limit). */
export function kbSearchOptions(words: readonly string[], raw: { serviceDesk?: string; limit?: string }, t: Ctx['t']): KbSearchOptions {
  const query = words.join(' ').trim();
  const problems: string[] = [];
  if (query === '') problems.push(t('kb.search.err.empty'));
  const l = (raw.limit ?? '10').trim();
  const limit = /^\d+$/.test(l) ? Number(l) : 0;
  if (limit < 1 || limit > 50) problems.push(t('kb.search.err.limit', raw.limit ?? ''));
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return { query, limit, ...(raw.serviceDesk !== undefined && raw.serviceDesk.trim() !== '' ? { serviceDesk: raw.serviceDesk.trim() } : {}) };
}

const search = defineCommand<[string[]], { serviceDesk?: string; limit?: string }>((t) => ({
  name: 'search',
  description: t('kb.search.description'),
  args: [['<text...>', t('kb.search.arg.text')]],
  flags: [
    ['--service-desk <id|name>', t('kb.search.opt.serviceDesk')],
    ['--limit <n>', t('kb.search.opt.limit'), '10'],
  ],
  examples: [
    'support kb search "PDF export Japanese"',
    'support kb search PDF エクスポート 日本語 --service-desk SUP',
    'support kb search OutOfMemoryError --limit 3 --json | jq -r ".articles[].url"',
  ],
  action: (ctx, [words], flags) => runKbSearch(kbSearchOptions(words, flags, ctx.t), ctx),
}));

/** `support kb` and its one subcommand, `search`. */
export function register(r: Registrar): void {
  const kb = r.program.command('kb').description(r.t('kb.description'));
  search({ ...r, program: kb });
}

/**
 * Prints the articles that match: numbered titles with their links (and excerpts) on a terminal,
 * `title<TAB>url` lines in a pipe, one document with --json. None found is not an error.
 */
export async function runKbSearch(opts: KbSearchOptions, ctx: Ctx): Promise<KbSearchJson> {
  const [{ withPortal }, { resolveServiceDesk }, { searchArticles }, render] = await Promise.all([
    import('../shared/common.js'),
    import('../shared/list-render.js'),
    import('../../portal/kb.js'),
    import('../shared/articles.js'),
  ]);
  return withPortal(ctx, async (api) => {
    const serviceDeskId = opts.serviceDesk === undefined ? undefined : await resolveServiceDesk(api, opts.serviceDesk, ctx.t);
    const articles = await searchArticles(api, { query: opts.query, limit: opts.limit, ...(serviceDeskId !== undefined ? { serviceDeskId } : {}) });
    const doc: KbSearchJson = { query: opts.query, serviceDeskId: serviceDeskId ?? '', articles: articles.map(render.articleJson) };
    if (ctx.globals.json) ctx.output.json(doc);
    else if (articles.length === 0) ctx.io.err(ctx.t('kb.search.none', opts.query));
    else if (ctx.io.stdoutIsTTY) for (const l of render.articleLines(articles, ctx, true)) ctx.io.out(l);
    else for (const a of articles) ctx.io.out(`${a.title.replace(/[\t\r\n]+/g, ' ')}\t${a.url}`);
    return doc;
  });
}
