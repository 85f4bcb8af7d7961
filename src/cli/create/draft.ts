import { deleteDraft, draftPath, loadDraft, newDraftId, saveDraft, type Draft } from '../../config/drafts.js';
import { emptyState, type FormState } from '../../form/engine.js';
import { CliError, UsageError } from '../../lib/errors.js';
import type { CreateOptions } from './options.js';
import type { Ctx } from '../context.js';
import { profileName } from '../session.js';

/**
 * The draft of one `support create` run: resumed (`--resume`) or fresh, saved as answers are given
 * and before the request is sent, deleted once the portal confirmed it.
 */
export class DraftSession {
  private constructor(
    private readonly ctx: Ctx,
    readonly file: string,
    readonly draft: Draft<FormState>,
  ) {}

  /** Loads the profile's draft for `--resume`, or starts a new one (saying when it replaces one). */
  static async open(opts: CreateOptions, ctx: Ctx): Promise<DraftSession> {
    const t = ctx.t;
    const file = draftPath(ctx.paths.configDir, profileName(ctx));
    const loaded = await loadDraft<FormState>(file).catch((e: unknown) => {
      throw new CliError(t('create.err.draftCorrupt', file, (e as Error).message));
    });
    if (opts.resume) {
      if (!loaded) throw new UsageError(t('create.err.noDraft'), { hint: t('create.hint.noDraft') });
      loaded.state = { ...emptyState(), ...loaded.state };
      ctx.io.err(t('create.resuming', loaded.id));
      return new DraftSession(ctx, file, loaded);
    }
    if (loaded) ctx.io.err(t(loaded.submittedAt ? 'create.draftReplacedSent' : 'create.draftReplaced', file));
    const now = isoNow(ctx);
    return new DraftSession(ctx, file, { version: 1, id: newDraftId(), createdAt: now, updatedAt: now, state: emptyState() });
  }

  get id(): string {
    return this.draft.id;
  }

  /** The form's answers; edits to it are saved by {@link save}. */
  get state(): FormState {
    return this.draft.state;
  }

  /** Whether any question was answered (or skipped): then a cancelled run leaves the draft to resume. */
  get hasAnswers(): boolean {
    return Object.keys(this.state.values).length > 0 || this.state.skipped.length > 0;
  }

  async save(): Promise<void> {
    this.draft.updatedAt = isoNow(this.ctx);
    await saveDraft(this.file, this.draft);
  }

  async delete(): Promise<void> {
    await deleteDraft(this.file);
  }

  /** Records the portal this run files on, saying so when a resumed draft was started on another. */
  usePortal(portalUrl: string): void {
    const was = this.draft.portal;
    if (was !== undefined && was !== portalUrl && was !== 'sandbox') this.ctx.io.err(this.ctx.t('create.draftOtherPortal', was, portalUrl));
    this.draft.portal = portalUrl;
  }

  /** Records the desk and type; answers given for another type are dropped (they belong to its fields). */
  useType(serviceDeskId: string, requestTypeId: string): void {
    if (this.draft.requestTypeId !== undefined && this.draft.requestTypeId !== requestTypeId) Object.assign(this.state, emptyState());
    this.draft.serviceDeskId = serviceDeskId;
    this.draft.requestTypeId = requestTypeId;
  }

  /** Saves the draft marked as sent: until it is cleared, a resume looks for the request first. */
  async markSubmitted(): Promise<void> {
    this.draft.submittedAt = isoNow(this.ctx);
    await this.save();
  }

  /** Nothing was filed: the next try need not search first. Best effort: the failure is what matters. */
  async clearSubmitted(): Promise<void> {
    delete this.draft.submittedAt;
    await this.save().catch(() => undefined);
  }
}

function isoNow(ctx: Ctx): string {
  return new Date(ctx.clock.now()).toISOString();
}
