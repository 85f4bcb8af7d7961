import type { FormIO } from '../../form/engine.js';
import type { Prompter } from '../../lib/prompter.js';
import type { PortalApi } from '../../portal/api.js';
import type { CreateOptions } from './options.js';
import type { Ctx } from '../context.js';
import type { PortalSession } from '../session.js';
import type { DraftSession } from './draft.js';
import type { PeopleResolver } from './people.js';
import { errWrapped } from '../../ui/io.js';

/**
 * What one `support create` run holds while it goes from the flags to a filed request: the options,
 * the context, the open portal, the draft, the prompter (opened on the first question) and what the
 * form learns on the way (the bundle offer, the people lookups).
 */
export class CreateSession {
  /** The guided form's offer of a support bundle; set once the request type is known to want one. */
  offer: FormIO['bundle'];
  /** Set before the review: e-mails looked up as account ids. */
  people: PeopleResolver | undefined;
  private prompter: Prompter | undefined;

  constructor(
    readonly opts: CreateOptions,
    readonly ctx: Ctx,
    readonly portal: PortalSession,
    readonly draft: DraftSession,
  ) {}

  get api(): PortalApi {
    return this.portal.api;
  }

  /** The prompter, opened once. */
  async ask(): Promise<Prompter> {
    this.prompter ??= await this.ctx.prompter(this.ctx.signal);
    return this.prompter;
  }

  /** What the form engine needs to ask, save and offer, through `p`. */
  formIO(p: Prompter): FormIO {
    const { ctx, offer, people } = this;
    return {
      prompter: p,
      t: ctx.t,
      // On a terminal, notes (the portal's help texts among them) wrap by display width, keeping
      // their indent, so a long line never breaks inside a word or a URL.
      note: (l) => errWrapped(ctx.io, l),
      editor: Boolean(ctx.env.VISUAL || ctx.env.EDITOR),
      save: () => this.draft.save(),
      ...(offer ? { bundle: offer } : {}),
      ...(people ? { people: { resolve: (v: readonly string[]) => people.resolve(v), label: (v: string) => people.label(v) } } : {}),
    };
  }
}
