/**
 * The guided form: asks what the request type needs, in the portal's order, with the semantic help
 * of recognised fields (`questions.ts`), records every answer as it is given, and shows a review
 * screen before anything is sent. Knows nothing of the terminal: it talks through a `Prompter` and
 * a `note` line writer, and persists through a `save` callback.
 */
import { CancelledError } from '../lib/errors.js';
import type { Choice } from '../lib/prompter.js';
import type { T } from '../i18n/index.js';
import { type FormField, display, impactOption } from './fields.js';
import { askField, askOnBehalf, askParticipants, editProduction } from './questions.js';
import { missingFields, missingFlags, redirectOf, type FormIO, type FormMeta, type FormState } from './state.js';
import type { RedirectProduct } from './validators.js';

export {
  chosenLevel,
  conflicts,
  emptyState,
  missingFlags,
  redirectOf,
  type BundleOffer,
  type FormIO,
  type FormMeta,
  type FormState,
  type PeopleLookup,
} from './state.js';
export { askField, detailsTemplate, stripTemplate } from './questions.js';

/**
 * Asks every question still unanswered, in the portal's order (Enter skips an optional one), then
 * participants and the reporter when the portal allows them. With `requiredOnly` (`--yes`: file
 * without review) only the required questions that are still open are asked, and a refused consent
 * cancels (there is no review to give it from). Stops early, returning the product, when the user
 * picks one the portal does not handle (Trello, Sourcetree).
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
    if (options.requiredOnly && f.role === 'consent' && state.values[f.id] === undefined) throw new CancelledError({ reason: 'consent-refused' });
  }
  const r = redirectOf(meta, state);
  if (r) return r;
  if (options.requiredOnly) return undefined;
  if (meta.canAddRequestParticipants && state.participants === undefined) await askParticipants(state, io);
  if (meta.canRaiseOnBehalfOf && state.onBehalfOf === undefined) await askOnBehalf(state, io);
  return undefined;
}

/** What the review's "Edit" changes: a field, or one of the values around the fields. */
type EditTarget = { field: FormField } | { extra: 'participants' | 'onBehalf' | 'production' };

/** One line of the review screen, and what editing it asks again. */
interface ReviewItem {
  label: string;
  value: string;
  /** The name in the list of fields to edit. */
  editName: string;
  edit: EditTarget;
}

/** The review screen's items, in the order shown: every field with its value (or "—"), then the extras. */
function reviewItems(meta: FormMeta, state: FormState, t: T, label: (person: string) => string): ReviewItem[] {
  const items: ReviewItem[] = [];
  for (const f of meta.fields) {
    const edit = { field: f };
    if (f.kind === 'attachment') {
      const files = state.attach?.length ? state.attach.join(', ') : '';
      const bundle = state.bundle ? t('create.bundle.review', state.bundle.product ?? t('create.bundle.found')) : '';
      items.push({ label: f.name, value: [files, bundle].filter(Boolean).join(' ') || '—', editName: f.name, edit });
      continue;
    }
    let v = display(f, state.values[f.id]) || '—';
    if (f.role === 'details' || f.kind === 'multiline') v = v.split('\n').join('\n    ');
    items.push({ label: `${f.name}${f.required ? ' *' : ''}`, value: v, editName: f.name, edit });
    if (f.role === 'impact' && state.production !== undefined) {
      const name = t('form.review.production');
      items.push({ label: name, value: state.production ? t('form.yes') : t('form.no'), editName: name, edit: { extra: 'production' } });
    }
  }
  if (meta.canAddRequestParticipants) {
    const name = t('form.review.participants');
    items.push({ label: name, value: state.participants?.map(label).join(', ') || '—', editName: name, edit: { extra: 'participants' } });
  }
  if (meta.canRaiseOnBehalfOf) {
    const name = t('form.review.onBehalf');
    items.push({ label: name, value: state.onBehalfOf ? label(state.onBehalfOf) : t('form.review.yourself'), editName: name, edit: { extra: 'onBehalf' } });
  }
  return items;
}

/** The review screen's lines: every field with its value (or "—"), then the extras. */
export function reviewLines(meta: FormMeta, state: FormState, t: T, label: (person: string) => string = (p) => p): [string, string][] {
  return reviewItems(meta, state, t, label).map((i) => [i.label, i.value]);
}

/**
 * The review screen: shows every value (and what still keeps it from being sent), then Send / Edit
 * a field / Cancel. Editing asks that one question again (and what it changes, e.g. the level when
 * production no longer allows it); the fields to edit are listed in the order of the screen. Cancel
 * throws `CancelledError`; the caller keeps the draft.
 */
export async function review(meta: FormMeta, state: FormState, io: FormIO): Promise<void> {
  const { t, prompter } = io;
  for (;;) {
    io.note('');
    io.note(t('form.review.title'));
    const people = io.people;
    if (people) await people.resolve(peopleOf(meta, state));
    const items = reviewItems(meta, state, t, people ? (p) => people.label(p) : (p) => p);
    for (const i of items) io.note(`  ${i.label}: ${i.value}`);
    io.note('');
    const missing = missingFields(meta, state);
    if (missing.length) io.note(t('form.review.missing', missing.map((f) => f.name).join(', ')));
    const choices: Choice<'send' | 'edit' | 'cancel'>[] = [
      { name: t('form.review.send'), value: 'send', disabled: missingFlags(meta, state).length ? t('form.review.incomplete') : false },
      { name: t('form.review.edit'), value: 'edit' },
      { name: t('form.review.cancel'), value: 'cancel' },
    ];
    const action = await prompter.select({ message: t('form.review.ask'), choices, default: missing.length ? 'edit' : 'send' });
    if (action === 'send') return;
    if (action === 'cancel') throw new CancelledError({ reason: 'review' });
    const targets: Choice<EditTarget>[] = items.map((i) => ({ name: i.editName, value: i.edit }));
    const first = missing[0];
    const target = await prompter.select({ message: t('form.review.which'), choices: targets, ...(first ? { default: targets.find((c) => 'field' in c.value && c.value.field === first)?.value } : {}) });
    if ('field' in target) {
      await askField(target.field, meta, state, io);
      if (redirectOf(meta, state)) throw new CancelledError({ reason: 'redirect-edit' });
    } else if (target.extra === 'participants') {
      await askParticipants(state, io);
    } else if (target.extra === 'onBehalf') {
      await askOnBehalf(state, io);
    } else {
      await editProduction(meta, state, io);
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
