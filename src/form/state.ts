/**
 * What the guided form holds and needs: the answers so far (what a draft stores), the request
 * type's metadata, what the form asks its caller for, and the checks on a state that every part of
 * the form shares (what is missing, what conflicts, which product sends the user elsewhere).
 */
import type { Prompter } from '../lib/prompter.js';
import type { T } from '../i18n/index.js';
import { type Answer, type FormField, display, flagFor, impactLevelOf } from './fields.js';
import { redirectFor, type RedirectProduct } from './validators.js';

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
  /**
   * A technical problem report (the request type says so by its name): the details get the
   * headings of a problem report and the files the support zip; other types get the portal's help.
   */
  technical?: boolean;
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

/** The business impact field, if the form has one. */
export function impactField(meta: FormMeta): FormField | undefined {
  return meta.fields.find((f) => f.role === 'impact');
}

/** The impact level chosen, if the form has an impact field and it is answered. */
export function chosenLevel(meta: FormMeta, state: FormState): number | undefined {
  const f = impactField(meta);
  return f ? impactLevelOf(f, state.values[f.id]) : undefined;
}

/** The required fields still without a value (files are never required of a script). */
export function missingFields(meta: FormMeta, state: FormState): FormField[] {
  return meta.fields.filter((f) => f.required && f.kind !== 'attachment' && state.values[f.id] === undefined);
}

/**
 * Flags a script must add for the form to be complete: each required field without a value, and
 * `--production` for Levels 1-2 (they are for production instances only).
 */
export function missingFlags(meta: FormMeta, state: FormState): string[] {
  const out = missingFields(meta, state).map(flagFor);
  const level = chosenLevel(meta, state);
  if (level !== undefined && level <= 2 && state.production !== true) out.push('--production');
  return out;
}

/** Problems that no prompt can fix in a scripted run (e.g. Level 1 for a test instance). */
export function conflicts(meta: FormMeta, state: FormState, t: T): string[] {
  const level = chosenLevel(meta, state);
  return level !== undefined && level <= 2 && state.production === false ? [t('form.err.levelNotProduction', level)] : [];
}

/** Records an answer; none (or an empty list) leaves the field empty and not asked again. */
export function setValue(state: FormState, f: FormField, v: Answer | undefined): void {
  if (v === undefined || (Array.isArray(v) && v.length === 0)) {
    delete state.values[f.id];
    if (!state.skipped.includes(f.id)) state.skipped.push(f.id);
  } else {
    state.values[f.id] = v;
    state.skipped = state.skipped.filter((id) => id !== f.id);
  }
}
