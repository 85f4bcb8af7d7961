import fs from 'node:fs';
import path from 'node:path';
import type { BundleOptions } from '../../bundle/build.js';
import { PRODUCTS } from '../../bundle/collect.js';
import { deleteDraft, draftPath, loadDraft, newDraftId, saveDraft, type Draft } from '../../config/drafts.js';
import { buildBody, hasMarker, maskBody, validateLocally } from '../../form/body.js';
import {
  conflicts,
  emptyState,
  fillForm,
  missingFlags,
  peopleOf,
  redirectOf,
  review,
  type FormIO,
  type FormMeta,
  type FormState,
} from '../../form/engine.js';
import { describeFields, display, impactOption, parseAnswer, type FormField } from '../../form/fields.js';
import type { RedirectProduct } from '../../form/validators.js';
import { CancelledError, CliError, UsageError } from '../../lib/errors.js';
import type { Choice, ChoiceSeparator, Prompter } from '../../lib/prompter.js';
import type { PortalApi } from '../../portal/api.js';
import type { CustomerRequestDTO, RequestCreateDTO, RequestTypeDTO, ServiceDeskDTO } from '../../portal/types.js';
import type { CreateOptions } from '../commands/create.js';
import type { Ctx } from '../context.js';
import { bundleOptionsFrom } from '../bundle-flags.js';
import { bundleJson, bundleProductOf, discoverProducts, prepareBundle, type SendableBundle } from '../shared/bundle-send.js';
import { openPortal, profileName } from '../session.js';
import { PeopleResolver } from './people.js';
import { toArray } from '../../lib/iter.js';

type CreateDraft = Draft<FormState>;

const REDIRECT_URL: Record<RedirectProduct, string> = {
  trello: 'https://trello.com/contact',
  sourcetree: 'https://community.atlassian.com/t5/Sourcetree/ct-p/sourcetree',
};


function matchByName<X>(items: readonly X[], query: string, keys: (x: X) => (string | undefined)[]): X[] {
  const q = query.trim().toLowerCase();
  const exact = items.filter((x) => keys(x).some((k) => k !== undefined && k.toLowerCase() === q));
  if (exact.length) return exact;
  return items.filter((x) => keys(x).some((k) => k !== undefined && k.toLowerCase().includes(q)));
}

async function resolveDesk(
  api: PortalApi,
  opts: CreateOptions,
  draft: CreateDraft,
  ctx: Ctx,
  ask: () => Promise<Prompter>,
  missing: string[],
): Promise<ServiceDeskDTO | undefined> {
  const t = ctx.t;
  const desks = await toArray(api.serviceDesks(), 1000);
  if (desks.length === 0) throw new CliError(t('create.err.noDesks'));
  const wanted = opts.serviceDesk ?? draft.serviceDeskId;
  if (wanted !== undefined) {
    const m = matchByName(desks, wanted, (d) => [d.id, d.projectKey, d.projectName]);
    if (m.length === 1) return m[0];
    throw new UsageError(
      t(m.length ? 'create.err.deskAmbiguous' : 'create.err.deskUnknown', wanted),
      { hint: t('create.hint.choices', desks.map((d) => `${d.id} (${d.projectKey ?? ''} ${d.projectName ?? ''})`).join(', ')) },
    );
  }
  if (desks.length === 1) return desks[0];
  if (!ctx.interactive) {
    missing.push('--service-desk');
    return undefined;
  }
  const p = await ask();
  const id = await p.select({
    message: t('create.ask.desk'),
    choices: desks.map((d) => ({ name: d.projectName ?? d.id ?? '', value: d.id ?? '', description: d.projectKey })),
  });
  return desks.find((d) => d.id === id);
}

const TYPE_PATTERNS: Record<NonNullable<CreateOptions['type']>, RegExp> = {
  technical: /technical|bug|技術|不具合/i,
  billing: /billing|payment|pricing|licen[cs]|請求|支払|価格/i,
  account: /account|アカウント/i,
};
const DEPLOYMENT_PATTERNS: Record<NonNullable<CreateOptions['deployment']>, RegExp> = {
  server: /server|data\s*center|\bDC\b|サーバー|データセンター/i,
  cloud: /cloud|クラウド/i,
};

async function resolveType(
  api: PortalApi,
  deskId: string,
  opts: CreateOptions,
  draft: CreateDraft,
  ctx: Ctx,
  ask: () => Promise<Prompter>,
  missing: string[],
): Promise<RequestTypeDTO | undefined> {
  const t = ctx.t;
  const [types, groups] = await Promise.all([toArray(api.requestTypes(deskId), 1000), toArray(api.requestTypeGroups(deskId), 1000)]);
  const usable = types.filter((x) => x.canCreateRequest !== false);
  const list = () => usable.map((x) => `${x.id} (${x.name ?? ''})`).join(', ');
  if (opts.requestType !== undefined || (draft.requestTypeId !== undefined && opts.type === undefined && opts.deployment === undefined)) {
    const wanted = opts.requestType ?? draft.requestTypeId!;
    const m = matchByName(usable, wanted, (x) => [x.id, x.name]);
    if (m.length === 1) return m[0];
    throw new UsageError(t(m.length ? 'create.err.typeAmbiguous' : 'create.err.typeUnknown', wanted), {
      hint: t('create.hint.choices', list()),
    });
  }
  if (opts.type !== undefined || opts.deployment !== undefined) {
    const kind = opts.type ?? 'technical';
    const groupName = (x: RequestTypeDTO) => (x.groupIds ?? []).map((g) => groups.find((y) => y.id === g)?.name ?? '').join(' ');
    let m = usable.filter((x) => TYPE_PATTERNS[kind].test(`${x.name ?? ''} ${groupName(x)}`));
    if (kind === 'technical' && m.length > 1) {
      if (opts.deployment === undefined) {
        if (!ctx.interactive) {
          missing.push('--deployment');
          return undefined;
        }
      } else m = m.filter((x) => DEPLOYMENT_PATTERNS[opts.deployment!].test(x.name ?? ''));
    }
    if (m.length === 1) return m[0];
    if (m.length === 0) throw new UsageError(t('create.err.typeShortcut', kind, opts.deployment ?? ''), { hint: t('create.hint.choices', list()) });
    if (!ctx.interactive) {
      missing.push('--request-type');
      return undefined;
    }
    return pickType(m, groups, ctx, ask);
  }
  if (usable.length === 1) return usable[0];
  if (!ctx.interactive) {
    missing.push('--request-type (--type technical|billing|account)');
    return undefined;
  }
  return pickType(usable, groups, ctx, ask);
}

/** The portal's grouping: each group a heading, its types below (a type in no group comes last). */
async function pickType(
  types: RequestTypeDTO[],
  groups: { id?: string; name?: string }[],
  ctx: Ctx,
  ask: () => Promise<Prompter>,
): Promise<RequestTypeDTO | undefined> {
  const choices: (Choice<string> | ChoiceSeparator)[] = [];
  const seen = new Set<string>();
  const add = (x: RequestTypeDTO) => {
    seen.add(x.id ?? '');
    choices.push({ name: x.name ?? x.id ?? '', value: x.id ?? '', description: firstLine(x.description) });
  };
  for (const g of groups) {
    const members = types.filter((x) => !seen.has(x.id ?? '') && (x.groupIds ?? []).includes(g.id ?? ''));
    if (!members.length) continue;
    choices.push({ separator: `── ${g.name ?? ''}` });
    members.forEach(add);
  }
  const rest = types.filter((x) => !seen.has(x.id ?? ''));
  if (rest.length) {
    if (choices.length) choices.push({ separator: '──' });
    rest.forEach(add);
  }
  const p = await ask();
  const id = await p.select({ message: ctx.t('create.ask.type'), choices });
  return types.find((x) => x.id === id);
}

function firstLine(s: string | undefined): string | undefined {
  const l = s?.split(/\r?\n/)[0]?.trim();
  return l ? l : undefined;
}

/** Puts the flag values into the form state (flags win over a resumed draft). Returns the problems. */
function applyFlags(opts: CreateOptions, meta: FormMeta, state: FormState, ctx: Ctx): string[] {
  const t = ctx.t;
  const problems: string[] = [];
  const byRole = (role: FormField['role']) => meta.fields.find((f) => f.role === role);
  const set = (role: FormField['role'], flag: string, value: string | undefined) => {
    if (value === undefined) return;
    const f = byRole(role);
    if (!f) {
      problems.push(t('create.err.noSuchField', `--${flag}`));
      return;
    }
    const p = parseAnswer(f, value, t);
    if (p.ok) {
      state.values[f.id] = p.value;
      state.skipped = state.skipped.filter((x) => x !== f.id);
    } else problems.push(`--${flag}: ${p.message}`);
  };
  set('product', 'product', opts.product);
  set('sen', 'sen', opts.sen);
  set('siteUrl', 'site-url', opts.siteUrl);
  set('summary', 'summary', opts.summary);
  set('details', 'details', opts.details);
  set('version', 'product-version', opts.productVersion);
  set('phone', 'phone', opts.phone);
  if (opts.grantAccess) set('consent', 'grant-access', 'yes');
  if (opts.impact !== undefined) {
    const f = byRole('impact');
    const o = f ? impactOption(f, opts.impact) : undefined;
    if (!f) problems.push(t('create.err.noSuchField', '--impact'));
    else if (!o) problems.push(t('form.err.impact', String(opts.impact)));
    else state.values[f.id] = o.value;
  }
  for (const [key, value] of opts.fields) {
    const f =
      meta.fields.find((x) => x.id === key) ??
      meta.fields.find((x) => x.name.toLowerCase() === key.toLowerCase());
    if (!f) {
      problems.push(t('create.err.unknownField', key, meta.fields.map((x) => x.id).join(', ')));
      continue;
    }
    if (f.kind === 'attachment') {
      state.attach = [...(state.attach ?? []), ...value.split(',').map((s) => s.trim()).filter(Boolean)];
      continue;
    }
    const p = parseAnswer(f, value, t);
    if (p.ok) state.values[f.id] = p.value;
    else problems.push(`--field ${key}: ${p.message}`);
  }
  if (opts.production !== undefined) state.production = opts.production;
  if (opts.participants.length) {
    if (!meta.canAddRequestParticipants) problems.push(t('create.err.noParticipants'));
    state.participants = opts.participants;
  }
  if (opts.onBehalfOf !== undefined) {
    if (!meta.canRaiseOnBehalfOf) problems.push(t('create.err.noOnBehalf'));
    state.onBehalfOf = opts.onBehalfOf;
  }
  if (opts.attach.length) state.attach = opts.attach;
  return problems;
}

/**
 * Whether a failed create may nevertheless have filed the request: the body may have reached the
 * portal (timeouts, resets, gateway errors). A refused connection or a 4xx answer files nothing.
 */
export function isAmbiguous(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: unknown; status?: unknown; statusCode?: unknown; name?: unknown; cause?: unknown; mayHaveBeenSent?: unknown };
  // The portal client knows whether the body left (PortalError.mayHaveBeenSent); trust it when present.
  if (typeof e.mayHaveBeenSent === 'boolean') return e.mayHaveBeenSent;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status !== undefined) return status === 502 || status === 504 || status === 408;
  const codes = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);
  if (typeof e.code === 'string' && codes.has(e.code)) return true;
  if (e.name === 'TimeoutError' || e.name === 'HeadersTimeoutError' || e.name === 'SocketError') return true;
  return e.cause !== undefined && e.cause !== err ? isAmbiguous(e.cause) : false;
}

/** Looks for a request carrying the draft's marker: by summary first, then among the latest ones. */
async function findFiled(api: PortalApi, summary: string | undefined, draftId: string): Promise<CustomerRequestDTO | undefined> {
  const scans: AsyncIterable<CustomerRequestDTO>[] = [];
  if (summary) scans.push(api.requests({ searchTerm: summary, status: 'ALL_REQUESTS', pageSize: 50 }));
  scans.push(api.requests({ status: 'ALL_REQUESTS', pageSize: 50 }));
  for (const scan of scans) {
    let n = 0;
    for await (const r of scan) {
      if (hasMarker(r, draftId)) return r;
      if (++n >= 100) break;
    }
  }
  return undefined;
}

function webUrl(r: CustomerRequestDTO, portalUrl: string): string {
  return r._links?.web ?? `${portalUrl.replace(/\/+$/, '')}/servicedesk/customer/portal/${r.serviceDeskId ?? ''}/${r.issueKey ?? ''}`;
}

/** `support create`: see CreateOptions and DESIGN §4 and §6. */
export async function runCreateRequest(opts: CreateOptions, ctx: Ctx): Promise<void> {
  const t = ctx.t;
  const file = draftPath(ctx.paths.configDir, profileName(ctx));
  const now = () => new Date(ctx.clock.now()).toISOString();
  let draft: CreateDraft;
  const loaded = await loadDraft<FormState>(file).catch((e: unknown) => {
    throw new CliError(t('create.err.draftCorrupt', file, (e as Error).message));
  });
  if (opts.resume) {
    if (!loaded) throw new UsageError(t('create.err.noDraft'), { hint: t('create.hint.noDraft') });
    draft = loaded;
    draft.state = { ...emptyState(), ...draft.state };
    ctx.io.err(t('create.resuming', draft.id));
  } else {
    if (loaded) ctx.io.err(t(loaded.submittedAt ? 'create.draftReplacedSent' : 'create.draftReplaced', file));
    draft = { version: 1, id: newDraftId(), createdAt: now(), updatedAt: now(), state: emptyState() };
  }
  const state = draft.state;
  const save = async () => {
    draft.updatedAt = now();
    await saveDraft(file, draft);
  };

  let prompter: Prompter | undefined;
  // Set once the request type is known: a bundle is offered only where server logs can help.
  let offer: FormIO['bundle'];
  let people: PeopleResolver | undefined;
  const ask = async () => (prompter ??= await ctx.prompter(ctx.signal));
  const formIO = (p: Prompter): FormIO => ({
    prompter: p,
    t,
    note: (l) => ctx.io.err(l),
    editor: Boolean(ctx.env.VISUAL || ctx.env.EDITOR),
    save: async () => save(),
    ...(offer ? { bundle: offer } : {}),
    ...(people ? { people: { resolve: (v: readonly string[]) => people!.resolve(v), label: (v: string) => people!.label(v) } } : {}),
  });

  const session = await openPortal(ctx);
  const api = session.api;
  try {
    if (draft.portal !== undefined && draft.portal !== session.portalUrl && draft.portal !== 'sandbox') {
      ctx.io.err(t('create.draftOtherPortal', draft.portal, session.portalUrl));
    }
    draft.portal = session.portalUrl;

    // A resumed draft whose create was sent may already be a request: look before sending again.
    if (opts.resume && draft.submittedAt && !opts.dryRun) {
      const found = await findFiled(api, summaryOf(state), draft.id);
      if (found) {
        ctx.io.err(t('create.alreadyFiled', found.issueKey ?? ''));
        await deleteDraft(file);
        await finish(found, [], ctx, session.portalUrl);
        return;
      }
    }

    const missing: string[] = [];
    const desk = await resolveDesk(api, opts, draft, ctx, ask, missing);
    const type = desk?.id ? await resolveType(api, desk.id, opts, draft, ctx, ask, missing) : undefined;
    if (!desk?.id || !type?.id) {
      for (const k of ['summary', 'details'] as const) if (opts[k] === undefined && !missing.includes(`--${k}`)) missing.push(`--${k}`);
      throw missingError(missing, ctx);
    }
    if (draft.requestTypeId !== undefined && draft.requestTypeId !== type.id) {
      // Answers belong to the fields of the type they were given for.
      Object.assign(state, emptyState());
    }
    draft.serviceDeskId = desk.id;
    draft.requestTypeId = type.id;
    const raw = await api.requestTypeFields(desk.id, type.id);
    const meta: FormMeta = {
      fields: describeFields(raw),
      canRaiseOnBehalfOf: raw.canRaiseOnBehalfOf === true,
      canAddRequestParticipants: raw.canAddRequestParticipants === true,
    };
    // --bundle already answered the offer.
    if (!opts.bundle && offersBundle(type, meta)) offer = bundleOffer(ctx);
    const problems = applyFlags(opts, meta, state, ctx);
    if (problems.length) throw new UsageError(problems.join('\n'), { hint: t('create.hint.fields', 'support create', type.name ?? type.id) });
    // A script's answers are saved once they are complete (below); a person's as they are given.
    if (!opts.dryRun && ctx.interactive) await save();

    let redirect = redirectOf(meta, state);
    if (!redirect && ctx.interactive) {
      if (type.helpText || type.description) ctx.io.err(firstLine(type.helpText) ?? firstLine(type.description) ?? '');
      // Flags prefill the guided form; --yes ("file it, no review") asks only what is required and missing.
      redirect = await fillForm(meta, state, formIO(await ask()), { requiredOnly: opts.yes });
    }
    if (redirect) {
      // Nothing will be filed; a script's run never wrote the draft, so leave any other one alone.
      if (ctx.interactive || opts.resume) await deleteDraft(file);
      return redirected(redirect, ctx);
    }
    if (!ctx.interactive) {
      const need = missingFlags(meta, state);
      if (need.length) throw missingError(need, ctx);
      const c = conflicts(meta, state, t);
      if (c.length) throw new UsageError(c.join('\n'));
    }
    // Real portals take account ids: e-mails are looked up (and shown on the review) before sending.
    people = new PeopleResolver(api, t);
    for (;;) {
      if (ctx.interactive && !opts.yes) await review(meta, state, formIO(await ask()));
      await people.resolve(peopleOf(meta, state));
      try {
        people.check(peopleOf(meta, state));
        break;
      } catch (e) {
        // On the review screen the person can fix or drop the value; elsewhere nothing is filed.
        if (!(ctx.interactive && !opts.yes) || !(e instanceof UsageError)) throw e;
        ctx.io.err(e.message);
        if (e.hint) ctx.io.err(e.hint);
      }
    }

    const body = people.apply(buildBody({ serviceDeskId: desk.id, requestTypeId: type.id }, meta, state, { draftId: draft.id, t }));
    const given = { participants: body.requestParticipants ? state.participants : undefined, onBehalfOf: body.raiseOnBehalfOf ? state.onBehalfOf : undefined };
    const bundleOpts = await bundleOptionsFor(opts, meta, state, ctx);
    if (opts.dryRun) {
      if (bundleOpts) await bundleDryRun(bundleOpts, ctx);
      return await dryRun(api, body, meta, state, ctx, people.json(given));
    }

    const checked = state.attach?.length
      ? await (await import('../../portal/attach-files.js')).checkFiles(state.attach, {
          cwd: ctx.cwd,
          message: (ps) => t('create.err.files', ps.map((p) => `${p.path} (${p.reason})`).join(', ')),
        })
      : [];
    // Built and checked before filing: an oversized bundle must not leave a request without it.
    let bundle: SendableBundle | undefined;
    if (bundleOpts) {
      await save();
      bundle = await prepareBundle(bundleOpts, api, ctx);
    }
    const files = bundle ? [...checked, bundle.file] : checked;
    await save();
    const created = await submit(api, body, draft, state, ctx, save);
    await deleteDraft(file);
    let failedNames: string[] = [];
    let attachedNames: string[] = [];
    if (files.length && created.issueKey) {
      const { attachFiles } = await import('../../portal/attach-files.js');
      const { createByteProgress } = await import('../../ui/progress.js');
      const bar = createByteProgress({ io: ctx.io, t, now: ctx.clock.now });
      try {
        const res = await attachFiles(api, {
          serviceDeskId: desk.id,
          issueKey: created.issueKey,
          files,
          onProgress: (p) => bar.update(p.bytes, p.total, p.file),
        });
        attachedNames = res.attached.map((f) => f.name);
        failedNames = res.failed.map((f) => f.file.path);
        for (const f of res.failed) ctx.io.err(t('create.attachFailed', f.file.path, f.message ?? f.reason));
      } catch (e) {
        failedNames = files.map((f) => f.path);
        ctx.io.err(t('create.attachFailed', files.map((f) => f.path).join(', '), (e as Error).message));
      } finally {
        bar.done();
      }
    }
    await finish(created, attachedNames, ctx, session.portalUrl, failedNames, bundle, people.json(given));
    if (failedNames.length) {
      const cmd = `support attach ${created.issueKey ?? ''} ${failedNames.map(shellQuote).join(' ')}`;
      throw new CliError(t('create.err.attachIncomplete', created.issueKey ?? ''), { hint: cmd });
    }
  } catch (e) {
    if (e instanceof CancelledError) {
      if (Object.keys(state.values).length || state.skipped.length) {
        await save().catch(() => undefined);
        throw new CancelledError(e.message === 'Cancelled.' || e.message === t('err.cancelled') ? t('create.cancelled') : e.message, { hint: t('create.hint.resume') });
      }
      throw e;
    }
    throw e;
  } finally {
    await session.close();
  }
}

/**
 * Whether the form offers a support bundle: not on a Cloud form (site URL, consent: there are no
 * server logs to collect) nor on a billing or account request.
 */
function offersBundle(type: RequestTypeDTO, meta: FormMeta): boolean {
  if (meta.fields.some((f) => f.role === 'siteUrl' || f.role === 'consent')) return false;
  const name = type.name ?? '';
  return !TYPE_PATTERNS.billing.test(name) && !TYPE_PATTERNS.account.test(name);
}

/** The guided form's offer of a support bundle at the attachments question (DESIGN §4). */
function bundleOffer(ctx: Ctx): FormIO['bundle'] {
  return {
    discover: () => discoverProducts(ctx),
    products: PRODUCTS,
    checkHome: (dir) => {
      try {
        if (dir !== '' && fs.statSync(path.resolve(ctx.cwd, dir)).isDirectory()) return true;
      } catch {
        // Missing or unreadable: the same answer as "not a folder".
      }
      return ctx.t('create.bundle.homeBad', dir || '""');
    },
  };
}

/**
 * The bundle to build, if any: from --bundle, or from the form's "yes". Without an explicit product
 * it follows the request's product field when that names a product found here (or --home points at
 * it), so a Confluence request does not carry this node's Jira logs.
 */
async function bundleOptionsFor(opts: CreateOptions, meta: FormMeta, state: FormState, ctx: Ctx): Promise<BundleOptions | undefined> {
  let o = opts.bundle;
  if (!o && state.bundle) o = bundleOptionsFrom({ product: state.bundle.product, home: state.bundle.home }, ctx.t);
  if (!o || o.product !== undefined) return o;
  const f = meta.fields.find((x) => x.role === 'product');
  const p = bundleProductOf(f ? display(f, state.values[f.id]) : opts.product);
  if (p && (o.home !== undefined || (await discoverProducts(ctx)).includes(p))) return { ...o, product: p };
  return o;
}

/** A dry run builds nothing: it says what the bundle would hold (and fails as a real run would on nothing to collect). */
async function bundleDryRun(o: BundleOptions, ctx: Ctx): Promise<void> {
  const [{ planFromFlags }, { estimateZipSize }, { formatBytes }] = await Promise.all([
    import('../bundle-flags.js'),
    import('../../bundle/build.js'),
    import('../../lib/units.js'),
  ]);
  const plan = await planFromFlags(o, ctx);
  ctx.io.err(ctx.t('create.bundle.dryRun', plan.files.length, formatBytes(estimateZipSize(plan.files, o))));
}

function summaryOf(state: FormState): string | undefined {
  const v = state.values.summary;
  return typeof v === 'string' ? v : undefined;
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function missingError(flags: string[], ctx: Ctx): UsageError {
  return new UsageError(ctx.t('create.err.missing', flags.join(', ')), { hint: ctx.t('create.hint.missing') });
}

function redirected(product: RedirectProduct, ctx: Ctx): void {
  const t = ctx.t;
  const msg = t(product === 'trello' ? 'create.redirect.trello' : 'create.redirect.sourcetree', REDIRECT_URL[product]);
  if (ctx.globals.json) ctx.io.out(JSON.stringify({ filed: false, redirect: { product, url: REDIRECT_URL[product] } }, null, 2));
  if (!ctx.interactive) throw new UsageError(msg, { hint: t('create.hint.redirect') });
  ctx.io.err(msg);
}

async function dryRun(
  api: PortalApi,
  body: RequestCreateDTO,
  meta: FormMeta,
  state: FormState,
  ctx: Ctx,
  persons: ReturnType<PeopleResolver['json']>,
): Promise<void> {
  const t = ctx.t;
  let source: 'portal' | 'local' = 'portal';
  let problems: string[];
  let remote: Awaited<ReturnType<PortalApi['validateRequest']>>;
  try {
    remote = await api.validateRequest(body);
  } catch (e) {
    // Portals without the endpoint answer 404, or 405 when `/request/{key}` swallows the path.
    const status = (e as { status?: unknown }).status;
    if (status !== 404 && status !== 405 && status !== 501) throw e;
    remote = undefined;
  }
  if (remote === undefined) {
    source = 'local';
    problems = validateLocally(meta, state, t);
  } else {
    problems = remote.valid
      ? []
      : [
          ...(remote.errorMessage ? [remote.errorMessage] : []),
          ...(remote.errorMessages ?? []),
          ...(remote.fieldErrors ?? []).map((f) => `${f.field ?? ''}: ${f.message ?? ''}`),
        ];
    if (!remote.valid && problems.length === 0) problems.push(t('create.dryRun.invalid'));
  }
  const masked = maskBody(body, meta);
  if (ctx.globals.json) {
    ctx.io.out(JSON.stringify({ dryRun: true, valid: problems.length === 0, validatedBy: source, problems, body: masked, ...persons }, null, 2));
  } else {
    ctx.io.out(JSON.stringify(masked, null, 2));
    for (const p of [...(persons.participants ?? []), ...(persons.onBehalfOf ? [persons.onBehalfOf] : [])]) {
      if (p.id !== null && p.id !== p.input) ctx.io.err(t('create.dryRun.person', p.input, p.id));
    }
    ctx.io.err(problems.length ? t('create.dryRun.problems', source) : t('create.dryRun.ok', source));
    for (const p of problems) ctx.io.err(`  - ${p}`);
  }
  if (problems.length) throw new UsageError(t('create.dryRun.invalid'));
}

async function submit(
  api: PortalApi,
  body: RequestCreateDTO,
  draft: CreateDraft,
  state: FormState,
  ctx: Ctx,
  save: () => Promise<void>,
): Promise<CustomerRequestDTO> {
  const t = ctx.t;
  for (let attempt = 1; ; attempt++) {
    draft.submittedAt = new Date(ctx.clock.now()).toISOString();
    await save();
    try {
      return await api.createRequest(body);
    } catch (e) {
      if (!isAmbiguous(e)) {
        // Nothing was filed: the next try need not search first.
        delete draft.submittedAt;
        await save().catch(() => undefined);
        ctx.io.err(t('create.draftKept'));
        const pe = e as { kind?: unknown; portalMessages?: unknown };
        if (pe.kind === 'validation' && Array.isArray(pe.portalMessages)) {
          // The portal refused the values: bad input (exit 2), in its own words.
          throw new UsageError(t('create.err.refused', (pe.portalMessages as string[]).join('\n') || (e as Error).message), {
            hint: t('create.hint.resume'),
          });
        }
        if (e && typeof e === 'object' && 'exitCode' in e) throw e;
        throw new CliError(t('create.err.submit', (e as Error).message ?? String(e)), { hint: t('create.hint.resume'), cause: e });
      }
      ctx.io.err(t('create.ambiguous'));
      let found: CustomerRequestDTO | undefined;
      try {
        found = await findFiled(api, summaryOf(state), draft.id);
      } catch {
        found = undefined;
      }
      if (found) {
        ctx.io.err(t('create.alreadyFiled', found.issueKey ?? ''));
        return found;
      }
      const again =
        ctx.interactive && attempt < 3 && (await (await ctx.prompter(ctx.signal)).confirm({ message: t('create.ask.resend'), default: true }));
      if (!again) throw new CliError(t('create.err.ambiguous'), { hint: t('create.hint.resume'), cause: e });
    }
  }
}

async function finish(
  r: CustomerRequestDTO,
  attached: string[],
  ctx: Ctx,
  portalUrl: string,
  failed: string[] = [],
  bundle?: SendableBundle,
  persons: ReturnType<PeopleResolver['json']> = {},
): Promise<void> {
  const url = webUrl(r, portalUrl);
  if (ctx.globals.json) {
    const fields: Record<string, { label?: string; value: unknown }> = {};
    for (const v of r.requestFieldValues ?? []) if (v.fieldId) fields[v.fieldId] = { label: v.label, value: v.value };
    ctx.io.out(
      JSON.stringify(
        {
          key: r.issueKey,
          url,
          status: r.currentStatus?.status ?? null,
          fields,
          attachments: [...attached.map((name) => ({ file: name, attached: true })), ...failed.map((file) => ({ file, attached: false }))],
          ...(bundle ? { bundle: bundleJson(bundle.result) } : {}),
          ...persons,
        },
        null,
        2,
      ),
    );
  } else {
    ctx.io.out(`${r.issueKey ?? ''}\t${url}`);
    if (ctx.interactive) ctx.io.err(ctx.t('create.created', r.issueKey ?? '', r.currentStatus?.status ?? ''));
  }
}

