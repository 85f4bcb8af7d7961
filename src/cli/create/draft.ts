import { deleteDraft, listDrafts, newDraftId, newDraftPath, saveDraft, type Draft, type DraftFile, type SentRecord } from '../../config/drafts.js';
import type { RequestIdentity } from '../../form/body.js';
import { emptyState, type FormState } from '../../form/engine.js';
import { UsageError } from '../../lib/errors.js';
import type { CreateOptions } from './options.js';
import type { Ctx } from '../context.js';
import { profileName } from '../session.js';

type CreateDraft = Draft<FormState, RequestIdentity>;

/**
 * The draft of one `support create` run: resumed or fresh, saved as answers are given and before
 * the request is sent, deleted once the portal confirmed it. A profile may hold several drafts;
 * a run only ever writes or removes its own (and those it proves to be the same request).
 */
export class DraftSession {
  private constructor(
    private readonly ctx: Ctx,
    readonly file: string,
    readonly draft: CreateDraft,
  ) {}

  /**
   * `--resume [ID]` continues a draft (the only one, the one named, or one picked from the list on
   * a terminal). A plain run on a terminal over unfinished drafts offers to resume (default yes);
   * without a terminal it starts a new draft and leaves the others alone.
   */
  static async open(opts: CreateOptions, ctx: Ctx): Promise<DraftSession> {
    const t = ctx.t;
    const { drafts, bad } = await listDrafts<FormState, RequestIdentity>(ctx.paths.configDir, profileName(ctx));
    for (const b of bad) ctx.io.err(t('create.draftUnreadable', b.file, b.reason));
    let chosen: DraftFile<FormState, RequestIdentity> | undefined;
    if (opts.resume) {
      chosen = await pickToResume(drafts, opts.resumeId, ctx);
    } else if (drafts.length > 0 && !opts.dryRun) {
      if (ctx.interactive) chosen = await offerToResume(drafts, ctx);
      else ctx.io.err(t('create.draftsKept', drafts.length));
    }
    if (chosen) {
      chosen.draft.state = { ...emptyState(), ...chosen.draft.state };
      ctx.io.err(t('create.resuming', chosen.draft.id));
      return new DraftSession(ctx, chosen.file, chosen.draft);
    }
    const now = isoNow(ctx);
    const id = newDraftId();
    const file = await newDraftPath(ctx.paths.configDir, profileName(ctx), id);
    return new DraftSession(ctx, file, { version: 1, id, createdAt: now, updatedAt: now, state: emptyState() });
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

  /**
   * Saves the draft marked as sent, with what identifies the request (atomically, before the body
   * leaves): until it is cleared, any later run with the same content looks for the request first.
   * When the draft cannot be saved, this throws and nothing is sent.
   */
  async markSent(digest: string, identity: RequestIdentity): Promise<void> {
    this.draft.sent = { at: isoNow(this.ctx), digest, identity };
    await this.save();
  }

  /** Nothing was filed: the next try need not search first. Best effort: the failure is what matters. */
  async clearSent(): Promise<void> {
    delete this.draft.sent;
    await this.save().catch(() => undefined);
  }

  /**
   * Earlier sends that may have filed this very request: this draft's own (a resumed run) and
   * those of other drafts of the profile whose body was the same (`digest`).
   */
  async earlierSends(digest: string): Promise<{ file: string; sent: SentRecord<RequestIdentity> }[]> {
    const { drafts } = await listDrafts<FormState, RequestIdentity>(this.ctx.paths.configDir, profileName(this.ctx));
    const out: { file: string; sent: SentRecord<RequestIdentity> }[] = [];
    if (this.draft.sent) out.push({ file: this.file, sent: this.draft.sent });
    for (const d of drafts) {
      if (d.file !== this.file && d.draft.sent && d.draft.sent.digest === digest) out.push({ file: d.file, sent: d.draft.sent });
    }
    return out;
  }
}

/** `--resume [ID]`: the draft named, the only one, or one picked on a terminal; else a usage error listing them. */
async function pickToResume(drafts: DraftFile<FormState, RequestIdentity>[], id: string | undefined, ctx: Ctx): Promise<DraftFile<FormState, RequestIdentity>> {
  const t = ctx.t;
  if (drafts.length === 0) throw new UsageError(t('create.err.noDraft'), { hint: t('create.hint.noDraft') });
  if (id !== undefined) {
    const hit = drafts.filter((d) => d.draft.id.startsWith(id.toLowerCase()));
    if (hit.length === 1) return hit[0]!;
    throw new UsageError(t('create.err.draftUnknown', id), { hint: listing(drafts, ctx) });
  }
  if (drafts.length === 1) return drafts[0]!;
  if (!ctx.interactive) throw new UsageError(t('create.err.severalDrafts', listing(drafts, ctx)), { hint: t('create.hint.severalDrafts') });
  const p = await ctx.prompter(ctx.signal);
  const picked = await p.select({ message: t('create.ask.whichDraft'), choices: drafts.map((d) => ({ name: describe(d.draft, ctx), value: d.draft.id })) });
  return drafts.find((d) => d.draft.id === picked)!;
}

/** A plain run on a terminal: resume the unfinished request (default yes), or start a new one and keep it. */
async function offerToResume(drafts: DraftFile<FormState, RequestIdentity>[], ctx: Ctx): Promise<DraftFile<FormState, RequestIdentity> | undefined> {
  const t = ctx.t;
  const p = await ctx.prompter(ctx.signal);
  if (drafts.length === 1) {
    const yes = await p.confirm({ message: t('create.ask.resumeDraft', describe(drafts[0]!.draft, ctx)), default: true });
    return yes ? drafts[0] : undefined;
  }
  const NEW = '';
  const picked = await p.select({
    message: t('create.ask.whichDraft'),
    choices: [...drafts.map((d) => ({ name: describe(d.draft, ctx), value: d.draft.id })), { name: t('create.draft.new'), value: NEW }],
  });
  return picked === NEW ? undefined : drafts.find((d) => d.draft.id === picked);
}

function describe(d: CreateDraft, ctx: Ctx): string {
  const summary = typeof d.state.values.summary === 'string' && d.state.values.summary.trim() !== '' ? d.state.values.summary : ctx.t('create.draft.noSummary');
  const when = d.updatedAt.replace('T', ' ').slice(0, 16);
  return ctx.t('create.draft.describe', summary, when, d.id, d.sent !== undefined);
}

function listing(drafts: DraftFile<FormState, RequestIdentity>[], ctx: Ctx): string {
  return drafts.map((d) => `  ${d.draft.id}  ${describe(d.draft, ctx)}`).join('\n');
}

function isoNow(ctx: Ctx): string {
  return new Date(ctx.clock.now()).toISOString();
}
