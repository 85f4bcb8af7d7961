/**
 * `support create`: resolve the desk and type, fill the form (flags, then questions), review, send
 * at most once, attach, print. Each step lives in its own file; this one drives a {@link CreateSession}.
 */
import { deleteDraft } from '../../config/drafts.js';
import { buildBody, limitProblems } from '../../form/body.js';
import { conflicts, fillForm, missingFlags, peopleOf, redirectOf, review, type FormMeta } from '../../form/engine.js';
import { describeFields } from '../../form/fields.js';
import type { RedirectProduct } from '../../form/validators.js';
import { CancelledError, UsageError } from '../../lib/errors.js';
import type { RequestCreateDTO } from '../../portal/types.js';
import type { CreateOptions } from './options.js';
import type { Ctx } from '../context.js';
import { prepareBundle, type SendableBundle } from '../shared/bundle-send.js';
import { oddAnswer, openPortal } from '../session.js';
import { applyFlags } from './apply-flags.js';
import { attachAfterCreate, attachIncomplete, checkAttachments, type AttachOutcome } from './attach.js';
import { bundleDryRun, bundleOffer, bundleOptionsFor } from './bundle.js';
import { DraftSession } from './draft.js';
import { dryRun } from './dry-run.js';
import type { PeopleJson } from './json.js';
import { printAlreadyFiled, printCreated, printRedirect } from './output.js';
import { PeopleResolver } from './people.js';
import { TYPE_PATTERNS, firstLine, missingError, resolveTarget, type Target } from './resolve.js';
import { CreateSession } from './session.js';
import { prepareShare, withShare } from './share.js';
import { findResumed, submit } from './submit.js';
import { printSolved, SolvedBySuggestion, suggestingIO } from './suggest.js';

/** Files a request as `opts` and the person say; see CreateOptions. */
export async function runCreateRequest(opts: CreateOptions, ctx: Ctx): Promise<void> {
  const draft = await DraftSession.open(opts, ctx);
  const portal = await openPortal(ctx);
  const s = new CreateSession(opts, ctx, portal, draft);
  try {
    await fileRequest(s);
  } catch (e) {
    if (e instanceof SolvedBySuggestion) return printSolved(s);
    throw await keepAnswers(s, oddAnswer(ctx, portal.portalUrl, e));
  } finally {
    await portal.close();
  }
}

async function fileRequest(s: CreateSession): Promise<void> {
  const { ctx, opts, draft } = s;
  draft.usePortal(s.portal.portalUrl);
  const found = await findResumed(s);
  if (found) {
    await draft.delete();
    printAlreadyFiled(found, s.portal.portalUrl, ctx);
    return;
  }
  const target = await resolveTarget(s);
  draft.useType(target.desk.id, target.type.id);
  const meta = await formMeta(s, target);
  const share = await prepareShare(s, meta, target.type.name ?? target.type.id);
  s.offer = bundleOffer(target.type, meta, opts, ctx);
  const problems = applyFlags(opts, meta, draft.state, ctx.t);
  if (problems.length) throw new UsageError(problems.join('\n'), { hint: ctx.t('create.hint.fields', 'support create', target.type.name ?? target.type.id) });
  // A script's answers are saved once they are complete (below); a person's as they are given.
  if (!opts.dryRun && ctx.interactive) await draft.save();

  const redirect = await fillIn(s, target, meta);
  if (redirect) {
    // Nothing will be filed; a script's run never wrote the draft, so leave any other one alone.
    if (ctx.interactive || opts.resume) await draft.delete();
    printRedirect(redirect, ctx);
    return;
  }
  const people = await reviewPeople(s, meta);
  // Only user fields are named differently per flavor: ask the portal only when there are some.
  const flavor = meta.fields.some((f) => f.kind === 'user' || f.kind === 'users') ? await s.portal.portalFlavor() : undefined;
  const body = withShare(people.apply(buildBody({ serviceDeskId: target.desk.id, requestTypeId: target.type.id }, meta, draft.state, { t: ctx.t, flavor })), share);
  const over = limitProblems(meta, body, ctx.t);
  if (over.length) throw new UsageError(over.join('\n'));
  const state = draft.state;
  const peopleJson = people.json({
    participants: body.requestParticipants ? state.participants : undefined,
    onBehalfOf: body.raiseOnBehalfOf ? state.onBehalfOf : undefined,
  });
  if (opts.dryRun) {
    const bundleOpts = await bundleOptionsFor(opts, meta, state, ctx);
    if (bundleOpts) await bundleDryRun(bundleOpts, ctx);
    return dryRun(s, body, meta, peopleJson);
  }
  await send(s, target, meta, body, peopleJson);
}

async function formMeta(s: CreateSession, { desk, type }: Target): Promise<FormMeta> {
  const raw = await s.api.requestTypeFields(desk.id, type.id);
  return {
    fields: describeFields(raw),
    canRaiseOnBehalfOf: raw.canRaiseOnBehalfOf === true,
    canAddRequestParticipants: raw.canAddRequestParticipants === true,
    // The same recognition as --type technical: a problem report gets its headings and the support zip.
    technical: TYPE_PATTERNS.technical.test(type.name ?? ''),
  };
}

/**
 * The guided form on a terminal (flags prefill it; --yes asks only what is required and missing);
 * a script must have given everything. Returns the product to redirect to, if the answers name one.
 */
async function fillIn(s: CreateSession, target: Target, meta: FormMeta): Promise<RedirectProduct | undefined> {
  const { ctx, opts } = s;
  const { type } = target;
  const state = s.draft.state;
  let redirect = redirectOf(meta, state);
  if (!redirect && ctx.interactive) {
    if (type.helpText || type.description) ctx.io.err(firstLine(type.helpText) ?? firstLine(type.description) ?? '');
    redirect = await fillForm(meta, state, suggestingIO(s, target.desk.id, s.formIO(await s.ask())), { requiredOnly: opts.yes });
  }
  if (redirect || ctx.interactive) return redirect;
  const need = missingFlags(meta, state);
  if (need.length) throw missingError(need, s);
  const c = conflicts(meta, state, ctx.t);
  if (c.length) throw new UsageError(c.join('\n'));
  return undefined;
}

/**
 * Real portals take account ids: e-mails are looked up (and shown on the review) before sending.
 * On the review screen the person can fix or drop a value no account was found for; elsewhere
 * nothing is filed.
 */
async function reviewPeople(s: CreateSession, meta: FormMeta): Promise<PeopleResolver> {
  const { ctx, opts } = s;
  const state = s.draft.state;
  const reviewing = ctx.interactive && !opts.yes;
  const people = (s.people = new PeopleResolver(s.api, ctx.t));
  for (;;) {
    if (reviewing) await review(meta, state, s.formIO(await s.ask()));
    await people.resolve(peopleOf(meta, state));
    try {
      people.check(peopleOf(meta, state));
      return people;
    } catch (e) {
      if (!reviewing || !(e instanceof UsageError)) throw e;
      ctx.io.err(e.message);
      if (e.hint) ctx.io.err(e.hint);
    }
  }
}

/**
 * Builds the bundle (if any) and checks the files before filing, so an oversized bundle or a missing
 * file does not leave a request without them; then files once, deletes the draft, attaches, prints.
 */
async function send(s: CreateSession, target: Target, meta: FormMeta, body: RequestCreateDTO, people: PeopleJson): Promise<void> {
  const { ctx, opts, draft } = s;
  const bundleOpts = await bundleOptionsFor(opts, meta, draft.state, ctx);
  const checked = await checkAttachments(s);
  let bundle: SendableBundle | undefined;
  if (bundleOpts) {
    await draft.save();
    bundle = await prepareBundle(bundleOpts, s.api, ctx);
  }
  const files = bundle ? [...checked, bundle.file] : checked;
  await draft.save();
  const { request, already, settled } = await submit(s, body);
  // The request is known: this draft, and the others that were the same request, are done.
  await draft.delete();
  for (const f of settled) await deleteDraft(f);
  let outcome: AttachOutcome = { attached: [], failed: [] };
  // An earlier run may have filed it without its files: attach sends only those it does not have yet.
  if (files.length && request.issueKey) outcome = await attachAfterCreate(s, target.desk.id, request.issueKey, files);
  if (already) printAlreadyFiled(request, s.portal.portalUrl, ctx);
  else printCreated({ request, portalUrl: s.portal.portalUrl, ...outcome, bundle, people }, ctx);
  if (outcome.failed.length) throw attachIncomplete(s, request.issueKey ?? '', outcome.failed);
}

/**
 * A cancel after answers were given saves them and says how to resume. A Ctrl-C at a question says
 * the answers are kept; a cancel with its own reason (the review's "cancel", a refused consent)
 * keeps that reason.
 */
async function keepAnswers(s: CreateSession, e: unknown): Promise<unknown> {
  if (!(e instanceof CancelledError) || !s.draft.hasAnswers) return e;
  await s.draft.save().catch(() => undefined);
  return new CancelledError({ ...(e.reason ? { reason: e.reason } : {}), resumable: true, cause: e });
}
