/**
 * Self-help before filing, as the portal offers it: once the summary is typed in the guided form,
 * the service desk's knowledge-base articles that match it (at most five, titles and links), and
 * "Did one of these solve it?". Yes ends the run without filing (exit 0, the draft kept); no, or no
 * article found, goes on with the form. Never asked of a script, off with `--no-suggest`.
 */
import type { FormIO } from '../../form/engine.js';
import { PortalError } from '../../portal/errors.js';
import { searchArticles } from '../../portal/kb.js';
import { articleLines } from '../shared/articles.js';
import type { CreateSession } from './session.js';

/** How many articles the portal's create screen suggests. */
const SUGGESTED = 5;

/** Thrown when the person says an article solved it: the run ends there, successfully. */
export class SolvedBySuggestion extends Error {
  constructor() {
    super('solved by a knowledge-base article');
    this.name = 'SolvedBySuggestion';
  }
}

/**
 * `io` with the suggestion step after each save that brings a new summary (the guided form saves
 * after every answer). A summary given by flag or kept in a resumed draft is not asked, so nothing
 * is suggested for it.
 */
export function suggestingIO(s: CreateSession, serviceDeskId: string, io: FormIO): FormIO {
  const { ctx, opts } = s;
  if (opts.suggest === false || !ctx.interactive) return io;
  let last = s.draft.state.values.summary;
  return {
    ...io,
    save: async (state) => {
      await io.save(state);
      const summary = state.values.summary;
      if (typeof summary !== 'string' || summary.trim() === '' || summary === last) return;
      last = summary;
      await suggest(s, serviceDeskId, summary, io);
    },
  };
}

async function suggest(s: CreateSession, serviceDeskId: string, summary: string, io: FormIO): Promise<void> {
  const { ctx } = s;
  let articles;
  try {
    articles = await searchArticles(s.api, { query: summary, serviceDeskId, limit: SUGGESTED });
  } catch (err) {
    // A portal without a linked knowledge base (or that refuses the search) files as before.
    if (err instanceof PortalError) return;
    throw err;
  }
  if (articles.length === 0) return;
  ctx.io.err(ctx.t('kb.suggest.title'));
  for (const line of articleLines(articles, ctx, false)) ctx.io.err(line);
  if (await io.prompter.confirm({ message: ctx.t('kb.suggest.ask'), default: false })) throw new SolvedBySuggestion();
}

/** Says that nothing was filed and how to go on; the draft stays. */
export function printSolved(s: CreateSession): void {
  s.ctx.io.err(s.ctx.t('kb.suggest.solved'));
  s.ctx.io.err(s.ctx.t('kb.suggest.solvedHint'));
}
