/**
 * The questions of the guided form: one field asked (again, when editing) with the help of its
 * role, and the questions around the fields (production, the support bundle, participants, the
 * reporter). Each answer is recorded in the state and saved as it is given.
 */
import type { Choice } from '../lib/prompter.js';
import type { T } from '../i18n/index.js';
import { type FormField, display, parseAnswer, parsePeople } from './fields.js';
import { impactLevelOfLabel } from './validators.js';
import { chosenLevel, impactField, setValue, type BundleOffer, type FormIO, type FormMeta, type FormState } from './state.js';

const TEMPLATE_KEYS = ['form.details.steps', 'form.details.expected', 'form.details.actual', 'form.details.since', 'form.details.changed'] as const;

/** The text `$EDITOR` opens with on a technical form: headings for what helps support the most. */
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

/** What the details prompt says first: the technical headings, or the portal's own help for the field. */
function detailsHints(f: FormField, meta: FormMeta, io: FormIO): void {
  const { t } = io;
  if (meta.technical) {
    io.note(t('form.details.inline'));
    for (const k of TEMPLATE_KEYS) io.note(`  - ${t(k)}`);
    return;
  }
  if (f.description) io.note(f.description);
  io.note(t('form.details.inlinePlain'));
}

/** Several lines typed or pasted at once (or line by line without `lines`); empty when none. */
async function typeLines(f: FormField, io: FormIO, required: boolean): Promise<string> {
  const { t, prompter } = io;
  const message = `${f.name}${f.required ? '' : t('form.optional')}`;
  if (prompter.lines) {
    // One prompt for all the lines: a pasted stack trace keeps every line.
    return (await prompter.lines({ message, more: t('form.details.more'), required: required ? t('form.details.empty') : undefined })).trim();
  }
  const lines: string[] = [];
  for (;;) {
    const first = lines.length === 0;
    const line = await prompter.input({
      message: first ? message : t('form.details.more'),
      validate: (v) => (first && required && v.trim() === '' ? t('form.details.empty') : true),
    });
    if (line.trim() === '') break;
    lines.push(line);
  }
  return lines.join('\n').trim();
}

/**
 * Long text: in `$EDITOR` (with the technical template, or the current text to change), else typed
 * inline; a text already given is replaced, added to or kept, as the person chooses.
 */
async function askDetails(f: FormField, meta: FormMeta, io: FormIO, current: string | undefined): Promise<string | undefined> {
  const { t, prompter } = io;
  if (io.editor) {
    const template = meta.technical ? detailsTemplate(t) : '';
    const text = await prompter.editor({
      message: `${f.name}${f.required ? '' : t('form.optional')}`,
      default: current ?? template,
      validate: (v) => (stripTemplate(v, t) !== '' || !f.required ? true : t('form.details.empty')),
    });
    const body = stripTemplate(text, t);
    return body === '' ? undefined : body;
  }
  if (current === undefined) {
    detailsHints(f, meta, io);
    const text = await typeLines(f, io, f.required);
    return text === '' ? undefined : text;
  }
  const how = await prompter.select<'replace' | 'append' | 'keep'>({
    message: t('form.details.change', f.name),
    choices: [
      { name: t('form.details.replace'), value: 'replace' },
      { name: t('form.details.append'), value: 'append' },
      { name: t('form.details.keep'), value: 'keep' },
    ],
    default: 'replace',
  });
  if (how === 'keep') return current;
  if (how === 'replace') detailsHints(f, meta, io);
  const text = await typeLines(f, io, how === 'replace' && f.required);
  if (how === 'append') return text === '' ? current : `${current}\n${text}`;
  return text === '' ? undefined : text;
}

/** Whether the instance concerned is a production one (Levels 1-2 are for production only). */
async function askProduction(state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  io.note(t('form.production.explain'));
  state.production = await prompter.confirm({ message: t('form.production.ask'), default: state.production ?? true });
  await io.save(state);
}

async function askImpact(f: FormField, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  if (state.production === undefined) await askProduction(state, io);
  const allowed = f.options.filter((o) => {
    const l = impactLevelOfLabel(o.label);
    return state.production === true || l === undefined || l > 2;
  });
  if (state.production === false) io.note(t('form.production.capped'));
  const choices: Choice<string>[] = allowed.map((o) => {
    const l = impactLevelOfLabel(o.label);
    return { name: l ? `${o.label} — ${t(`form.impact.${l}` as 'form.impact.1')}` : o.label, short: o.label, value: o.value };
  });
  const current = state.values[f.id] as string | undefined;
  const v = await prompter.select({ message: f.name, ...optionalChoices(f, choices, current, t) });
  setValue(state, f, v === '' ? undefined : v);
}

/**
 * Production asked again from the review: the impact is asked again only when the level chosen is
 * no longer allowed (Level 1 or 2 for an instance that is not production).
 */
export async function editProduction(meta: FormMeta, state: FormState, io: FormIO): Promise<void> {
  await askProduction(state, io);
  const f = impactField(meta);
  const level = chosenLevel(meta, state);
  if (f && level !== undefined && level <= 2 && state.production === false) {
    await askImpact(f, state, io);
    await io.save(state);
  }
}

/**
 * The choices of a single choice, and where the cursor starts: on the current answer, else on
 * "none" for an optional field (listed first, so Enter files nothing the person did not pick).
 */
function optionalChoices(f: FormField, choices: Choice<string>[], current: string | undefined, t: T): { choices: Choice<string>[]; default?: string } {
  if (f.required) return { choices, ...(current !== undefined ? { default: current } : {}) };
  return { choices: [{ name: t('form.none'), value: '' }, ...choices], default: current ?? '' };
}

/**
 * An explicit yes, asked with the current answer as the default. A no leaves the field empty and
 * says why a required consent matters; the review screen then offers to give it, or to cancel.
 */
async function askConsent(f: FormField, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  io.note(f.description || t('form.consent.explain'));
  const yes = await prompter.confirm({ message: `${f.name}?`, default: state.values[f.id] !== undefined });
  const parsed = yes ? parseAnswer(f, 'yes', t) : undefined;
  setValue(state, f, parsed?.ok ? parsed.value : undefined);
  if (!yes && f.required) io.note(t('form.consent.needed'));
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
    setValue(state, f, await askDetails(f, meta, io, typeof current === 'string' ? current : undefined));
  } else if (f.kind === 'attachment') {
    // The portal's own help for the field, else the support zip for a technical request.
    if (f.description) io.note(f.description);
    const v = await prompter.input({
      message: `${t(meta.technical && !f.description ? 'form.attach.ask' : 'form.attach.askPlain')}${suffix}`,
      default: state.attach?.join(', '),
      validate: validator(f, t),
    });
    const p = v.trim() === '' ? undefined : parseAnswer(f, v, t);
    state.attach = p?.ok ? (p.value as string[]) : [];
    if (io.bundle) state.bundle = await askBundle(state, io.bundle, io);
  } else if ((f.kind === 'select' || f.kind === 'cascading') && f.options.length > 0) {
    if (f.description) io.note(f.description);
    const first = typeof current === 'string' ? current : current?.[0];
    const options: Choice<string>[] = f.options.map((o) => ({ name: o.label, value: o.value }));
    const v = await prompter.select({ message: `${f.name}${f.required ? '' : t('form.optionalPick')}`, ...optionalChoices(f, options, first, t) });
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
          ...(Array.isArray(current) && current[0] === v && current[1] !== undefined ? { default: current[1] } : {}),
        });
        setValue(state, f, [v, c]);
      }
    }
  } else {
    if (f.description) io.note(f.description);
    // Where to find the SEN, unless the portal's own help for the field already says (said twice, it reads as noise).
    if (f.role === 'sen' && !f.description) io.note(t('form.sen.where'));
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

/** Who else is kept informed (e-mails or account ids). */
export async function askParticipants(state: FormState, io: FormIO): Promise<void> {
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

/** Whom the request is raised for (empty: the person filing it). */
export async function askOnBehalf(state: FormState, io: FormIO): Promise<void> {
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
