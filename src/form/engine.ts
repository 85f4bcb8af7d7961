/**
 * The guided form: asks what the request type needs (required fields first), with the semantic help
 * of recognised fields, records every answer as it is given, and shows a review screen before
 * anything is sent. Knows nothing of the terminal: it talks through a `Prompter` and a `note` line
 * writer, and persists through a `save` callback.
 */
import { CancelledError } from '../lib/errors.js';
import type { Choice, Prompter } from '../lib/prompter.js';
import type { T } from '../i18n/index.js';
import {
  type Answer,
  type FormField,
  display,
  flagFor,
  impactLevelOf,
  impactOption,
  parseAnswer,
  parsePeople,
} from './fields.js';
import { impactLevelOfLabel, redirectFor, type RedirectProduct } from './validators.js';

/** Everything the user has answered so far; this is what a draft stores. */
export interface FormState {
  /** Answers by field id, parsed (option ids, normalised SEN/URL/phone). */
  values: Record<string, Answer>;
  /** Optional fields the user chose to leave empty (not asked again on resume). */
  skipped: string[];
  /** Whether the instance concerned is a production one (asked with the impact). */
  production?: boolean;
  participants?: string[];
  onBehalfOf?: string;
  /** Files to attach once the request exists. */
  attach?: string[];
  /**
   * The answer to the offer of a support bundle at the attachments question: false = no; an object =
   * build one before filing, for `product` (the one found, or named) and `home` (named by the user
   * when discovery found none); `{}` = every product found.
   */
  bundle?: false | { product?: string; home?: string };
}

/** What the attachments question needs to offer building a support bundle (see `FormIO.bundle`). */
export interface BundleOffer {
  /** The products found on this machine; asked only when the offer is made. */
  discover(): Promise<readonly string[]>;
  /** The products to choose from when none is found. */
  products: readonly string[];
  /** True, or why `dir` cannot be a product's home folder. */
  checkHome(dir: string): true | string;
}

/** What the form needs from its caller. */
export interface FormIO {
  prompter: Prompter;
  t: T;
  /** Writes an explanatory line (stderr in the CLI). */
  note(line: string): void;
  /** True when `$EDITOR`/`$VISUAL` is set: long text is written there, else inline. */
  editor: boolean;
  /** Persists the state; called after every answer. */
  save(state: FormState): Promise<void>;
  /** When set, the attachments question also offers to build a support bundle now. */
  bundle?: BundleOffer;
  /** When set, the review screen looks participants and the reporter up and shows whom they name. */
  people?: PeopleLookup;
}

/**
 * How the review screen shows participants and the reporter: real portals take account ids, so
 * the e-mails given are looked up (`resolve`, before each showing) and shown with what they became.
 */
export interface PeopleLookup {
  resolve(values: readonly string[]): Promise<void>;
  /** The value as the review shows it, e.g. `ann@example.com → 5b10ac8d82e05b22cc7d4ef5`. */
  label(value: string): string;
}

/** The parts of the request type's metadata beyond its fields. */
export interface FormMeta {
  fields: FormField[];
  canRaiseOnBehalfOf: boolean;
  canAddRequestParticipants: boolean;
}

/** A new, empty form state. */
export function emptyState(): FormState {
  return { values: {}, skipped: [] };
}

/** The product answer that sends the user elsewhere (Trello, Sourcetree), if any. */
export function redirectOf(meta: FormMeta, state: FormState): RedirectProduct | undefined {
  for (const f of meta.fields) {
    if (f.role !== 'product') continue;
    const v = state.values[f.id];
    if (v === undefined) continue;
    const r = redirectFor(display(f, v));
    if (r) return r;
  }
  return undefined;
}

function impactField(meta: FormMeta): FormField | undefined {
  return meta.fields.find((f) => f.role === 'impact');
}

/** The impact level chosen, if the form has an impact field and it is answered. */
export function chosenLevel(meta: FormMeta, state: FormState): number | undefined {
  const f = impactField(meta);
  return f ? impactLevelOf(f, state.values[f.id]) : undefined;
}

/**
 * Flags a script must add for the form to be complete: each required field without a value, and
 * `--production` for Levels 1-2 (they are for production instances only).
 */
export function missingFlags(meta: FormMeta, state: FormState): string[] {
  const out: string[] = [];
  for (const f of meta.fields) {
    if (!f.required || f.kind === 'attachment') continue;
    if (state.values[f.id] === undefined) out.push(flagFor(f));
  }
  const level = chosenLevel(meta, state);
  if (level !== undefined && level <= 2 && state.production !== true) out.push('--production');
  return out;
}

/** Problems that no prompt can fix in a scripted run (e.g. Level 1 for a test instance). */
export function conflicts(meta: FormMeta, state: FormState, t: T): string[] {
  const level = chosenLevel(meta, state);
  return level !== undefined && level <= 2 && state.production === false ? [t('form.err.levelNotProduction', level)] : [];
}

const TEMPLATE_KEYS = ['form.details.steps', 'form.details.expected', 'form.details.actual', 'form.details.since', 'form.details.changed'] as const;

/** The text `$EDITOR` opens with: headings for what helps support the most. */
export function detailsTemplate(t: T): string {
  return TEMPLATE_KEYS.map((k) => `${t(k)}\n\n`).join('');
}

/** Details with the template's untouched headings removed; empty when nothing was written. */
export function stripTemplate(text: string, t: T): string {
  const headings = new Set(TEMPLATE_KEYS.map((k) => t(k).trim()));
  const body = text
    .split(/\r?\n/)
    .filter((l) => !headings.has(l.trim()))
    .join('\n')
    .trim();
  return body === '' ? '' : text.trim();
}

async function askDetails(f: FormField, io: FormIO, current: string | undefined): Promise<string | undefined> {
  const { t, prompter } = io;
  if (io.editor) {
    const text = await prompter.editor({
      message: `${f.name}${f.required ? '' : t('form.optional')}`,
      default: current ?? detailsTemplate(t),
      validate: (v) => (stripTemplate(v, t) !== '' || !f.required ? true : t('form.details.empty')),
    });
    const body = stripTemplate(text, t);
    return body === '' ? undefined : body;
  }
  io.note(t('form.details.inline'));
  for (const k of TEMPLATE_KEYS) io.note(`  - ${t(k)}`);
  if (prompter.lines && current === undefined) {
    // One prompt for all the lines: a pasted stack trace keeps every line.
    const text = (await prompter.lines({ message: `${f.name}${f.required ? '' : t('form.optional')}`, more: t('form.details.more'), required: f.required ? t('form.details.empty') : undefined })).trim();
    return text === '' ? undefined : text;
  }
  const lines: string[] = [];
  for (;;) {
    const first = lines.length === 0;
    const line = await prompter.input({
      message: first ? `${f.name}${f.required ? '' : t('form.optional')}` : t('form.details.more'),
      ...(first && current ? { default: current } : {}),
      validate: (v) => (first && f.required && v.trim() === '' ? t('form.details.empty') : true),
    });
    if (line.trim() === '') break;
    lines.push(line);
  }
  const text = lines.join('\n').trim();
  return text === '' ? undefined : text;
}

async function askImpact(f: FormField, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  if (state.production === undefined) {
    io.note(t('form.production.explain'));
    state.production = await prompter.confirm({ message: t('form.production.ask'), default: true });
    await io.save(state);
  }
  const allowed = f.options.filter((o) => {
    const l = impactLevelOfLabel(o.label);
    return state.production === true || l === undefined || l > 2;
  });
  if (state.production === false) io.note(t('form.production.capped'));
  const choices: Choice<string>[] = allowed.map((o) => {
    const l = impactLevelOfLabel(o.label);
    return { name: l ? `${o.label} — ${t(`form.impact.${l}` as 'form.impact.1')}` : o.label, value: o.value };
  });
  if (!f.required) choices.push({ name: t('form.skip'), value: '' });
  const v = await prompter.select({ message: f.name, choices, default: state.values[f.id] as string | undefined });
  setValue(state, f, v === '' ? undefined : v);
}

async function askConsent(f: FormField, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  io.note(f.description || t('form.consent.explain'));
  const yes = await prompter.confirm({ message: `${f.name}?`, default: false });
  if (yes) {
    const parsed = parseAnswer(f, 'yes', t);
    if (parsed.ok) setValue(state, f, parsed.value);
    return;
  }
  if (f.required) throw new CancelledError({ reason: 'consent-refused' });
  setValue(state, f, undefined);
}

function setValue(state: FormState, f: FormField, v: Answer | undefined): void {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) {
    delete state.values[f.id];
    if (!state.skipped.includes(f.id)) state.skipped.push(f.id);
  } else {
    state.values[f.id] = v;
    state.skipped = state.skipped.filter((id) => id !== f.id);
  }
}

function validator(f: FormField, t: T): (v: string) => true | string {
  return (v) => {
    if (v.trim() === '') return f.required ? t('form.err.required', f.name) : true;
    const p = parseAnswer(f, v, t);
    return p.ok ? true : p.message;
  };
}

/** Asks one field (again, when editing), with its role's help, and saves the answer. */
export async function askField(f: FormField, meta: FormMeta, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  const current = state.values[f.id];
  const suffix = f.required ? '' : t('form.optional');
  if (f.role === 'impact' && f.options.length > 0) {
    await askImpact(f, state, io);
  } else if (f.role === 'consent') {
    await askConsent(f, state, io);
  } else if (f.role === 'details' || f.kind === 'multiline') {
    setValue(state, f, await askDetails(f, io, typeof current === 'string' ? current : undefined));
  } else if (f.kind === 'attachment') {
    const v = await prompter.input({
      message: `${t('form.attach.ask')}${suffix}`,
      default: state.attach?.join(', '),
      validate: validator(f, t),
    });
    const p = v.trim() === '' ? undefined : parseAnswer(f, v, t);
    state.attach = p?.ok ? (p.value as string[]) : [];
    if (io.bundle) state.bundle = await askBundle(state, io.bundle, io);
  } else if ((f.kind === 'select' || f.kind === 'cascading') && f.options.length > 0) {
    if (f.description) io.note(f.description);
    const choices: Choice<string>[] = f.options.map((o) => ({ name: o.label, value: o.value }));
    if (!f.required) choices.push({ name: t('form.skip'), value: '' });
    const first = typeof current === 'string' ? current : current?.[0];
    const v = await prompter.select({ message: `${f.name}${f.required ? '' : t('form.optionalPick')}`, choices, default: first });
    if (v === '' || f.kind === 'select') {
      setValue(state, f, v === '' ? undefined : v);
    } else {
      const parent = f.options.find((o) => o.value === v);
      const kids = parent?.children ?? [];
      if (kids.length === 0) setValue(state, f, [v]);
      else {
        const c = await prompter.select({
          message: `${f.name} › ${parent?.label ?? ''}`,
          choices: kids.map((o) => ({ name: o.label, value: o.value })),
        });
        setValue(state, f, [v, c]);
      }
    }
  } else {
    if (f.description) io.note(f.description);
    if (f.role === 'sen') io.note(t('form.sen.where'));
    if (f.role === 'siteUrl') io.note(t('form.siteUrl.hint'));
    const hint =
      f.kind === 'multiselect' ? ` (${f.options.map((o) => o.label).join(', ')})` : f.kind === 'labels' || f.kind === 'users' ? t('form.commaSeparated') : '';
    const v = await prompter.input({
      message: `${f.name}${hint}${suffix}`,
      ...(current !== undefined ? { default: display(f, current) } : {}),
      validate: validator(f, t),
    });
    const p = v.trim() === '' ? undefined : parseAnswer(f, v, t);
    setValue(state, f, p?.ok ? p.value : undefined);
  }
  await io.save(state);
}

/** The support bundle offer: yes builds one from what discovery finds, or for a product and home the user names. */
async function askBundle(state: FormState, offer: BundleOffer, io: FormIO): Promise<FormState['bundle']> {
  const { t, prompter } = io;
  const found = await offer.discover();
  const yes = await prompter.confirm({ message: t('create.bundle.ask', found.join(', ')), default: state.bundle ? true : state.bundle === false ? false : found.length > 0 });
  if (!yes) return false;
  // One product found is the product; several are all collected (or narrowed by the request's product).
  if (found.length > 0) return found.length === 1 ? { product: found[0] } : {};
  const prev = state.bundle || undefined;
  const product = await prompter.select({
    message: t('create.bundle.product'),
    choices: offer.products.map((p) => ({ name: p, value: p })),
    ...(prev?.product !== undefined ? { default: prev.product } : {}),
  });
  const home = await prompter.input({
    message: t('create.bundle.home', product),
    ...(prev?.home !== undefined ? { default: prev.home } : {}),
    validate: (v) => offer.checkHome(v.trim()),
  });
  return { product, home: home.trim() };
}

async function askParticipants(state: FormState, io: FormIO): Promise<void> {
  const { t } = io;
  const v = await io.prompter.input({
    message: t('form.participants.ask'),
    default: state.participants?.join(', '),
    validate: (s) => {
      const p = parsePeople([s]);
      return p.ok ? true : t('form.err.email', p.bad);
    },
  });
  const p = parsePeople([v]);
  state.participants = p.ok ? p.value : [];
  await io.save(state);
}

async function askOnBehalf(state: FormState, io: FormIO): Promise<void> {
  const { t } = io;
  const v = await io.prompter.input({
    message: t('form.onBehalf.ask'),
    default: state.onBehalfOf,
    validate: (s) => {
      if (s.trim() === '') return true;
      const p = parsePeople([s]);
      return p.ok && p.value.length === 1 ? true : t('form.err.email', s);
    },
  });
  state.onBehalfOf = v.trim() === '' ? '' : v.trim();
  await io.save(state);
}

/**
 * Asks every question still unanswered: required fields first, then the optional ones (Enter skips),
 * then participants and the reporter when the portal allows them. With `requiredOnly` (`--yes`:
 * file without review) only the required questions that are still open are asked. Stops early, returning the
 * product, when the user picks one the portal does not handle (Trello, Sourcetree).
 */
export async function fillForm(
  meta: FormMeta,
  state: FormState,
  io: FormIO,
  options: { requiredOnly?: boolean } = {},
): Promise<RedirectProduct | undefined> {
  for (const f of meta.fields) {
    const r = redirectOf(meta, state);
    if (r) return r;
    if (options.requiredOnly && !f.required) continue;
    const answered = f.kind === 'attachment' ? state.attach !== undefined : state.values[f.id] !== undefined;
    if (answered || state.skipped.includes(f.id)) continue;
    await askField(f, meta, state, io);
  }
  const r = redirectOf(meta, state);
  if (r) return r;
  if (options.requiredOnly) return undefined;
  if (meta.canAddRequestParticipants && state.participants === undefined) await askParticipants(state, io);
  if (meta.canRaiseOnBehalfOf && state.onBehalfOf === undefined) await askOnBehalf(state, io);
  return undefined;
}

/** The review screen's lines: every field with its value (or "—"), then the extras. */
export function reviewLines(meta: FormMeta, state: FormState, t: T, label: (person: string) => string = (p) => p): [string, string][] {
  const rows: [string, string][] = [];
  for (const f of meta.fields) {
    if (f.kind === 'attachment') {
      const files = state.attach?.length ? state.attach.join(', ') : '';
      const bundle = state.bundle ? t('create.bundle.review', state.bundle.product ?? t('create.bundle.found')) : '';
      rows.push([f.name, [files, bundle].filter(Boolean).join(' ') || '—']);
      continue;
    }
    let v = display(f, state.values[f.id]) || '—';
    if (f.role === 'details' || f.kind === 'multiline') v = v.split('\n').join('\n    ');
    rows.push([`${f.name}${f.required ? ' *' : ''}`, v]);
    if (f.role === 'impact' && state.production !== undefined) {
      rows.push([t('form.review.production'), state.production ? t('form.yes') : t('form.no')]);
    }
  }
  if (meta.canAddRequestParticipants) rows.push([t('form.review.participants'), state.participants?.map(label).join(', ') || '—']);
  if (meta.canRaiseOnBehalfOf) rows.push([t('form.review.onBehalf'), state.onBehalfOf ? label(state.onBehalfOf) : t('form.review.yourself')]);
  return rows;
}

/**
 * The review screen: shows every value, then Send / Edit a field / Cancel. Editing asks that one
 * question again (and may change what else is needed, e.g. production for a new level). Cancel
 * throws `CancelledError`; the caller keeps the draft.
 */
export async function review(meta: FormMeta, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  for (;;) {
    io.note('');
    io.note(t('form.review.title'));
    const people = io.people;
    if (people) await people.resolve(peopleOf(meta, state));
    for (const [k, v] of reviewLines(meta, state, t, people ? (p) => people.label(p) : undefined)) io.note(`  ${k}: ${v}`);
    io.note('');
    const missing = missingFlags(meta, state);
    const choices: Choice<'send' | 'edit' | 'cancel'>[] = [
      { name: t('form.review.send'), value: 'send', disabled: missing.length ? t('form.review.incomplete') : false },
      { name: t('form.review.edit'), value: 'edit' },
      { name: t('form.review.cancel'), value: 'cancel' },
    ];
    const action = await prompter.select({ message: t('form.review.ask'), choices });
    if (action === 'send') return;
    if (action === 'cancel') throw new CancelledError({ reason: 'review' });
    type Target = { field: FormField } | { extra: 'participants' | 'onBehalf' | 'production' };
    const targets: Choice<Target>[] = meta.fields.map((f) => ({ name: f.name, value: { field: f } }));
    if (impactField(meta)) targets.push({ name: t('form.review.production'), value: { extra: 'production' } });
    if (meta.canAddRequestParticipants) targets.push({ name: t('form.review.participants'), value: { extra: 'participants' } });
    if (meta.canRaiseOnBehalfOf) targets.push({ name: t('form.review.onBehalf'), value: { extra: 'onBehalf' } });
    const target = await prompter.select({ message: t('form.review.which'), choices: targets });
    if ('field' in target) {
      await askField(target.field, meta, state, io);
      const r = redirectOf(meta, state);
      if (r) throw new CancelledError({ reason: 'redirect-edit' });
    } else if (target.extra === 'participants') {
      await askParticipants(state, io);
    } else if (target.extra === 'onBehalf') {
      await askOnBehalf(state, io);
    } else {
      delete state.production;
      await askImpact(impactField(meta)!, state, io);
      await io.save(state);
    }
  }
}

/** The participants and the reporter that will be sent (those the portal allows), as given. */
export function peopleOf(meta: FormMeta, state: FormState): string[] {
  return [
    ...(meta.canAddRequestParticipants ? (state.participants ?? []) : []),
    ...(meta.canRaiseOnBehalfOf && state.onBehalfOf ? [state.onBehalfOf] : []),
  ];
}

/** The option of an impact field for a level, re-exported for flag mapping. */
export { impactOption };
