import type { FormMeta, FormState } from '../../form/engine.js';
import { impactOption, parseAnswer, type FormField } from '../../form/fields.js';
import type { T } from '../../i18n/index.js';
import type { CreateOptions } from './options.js';

/** The flags that answer a field of a known role, with the flag's name for messages. */
const BY_ROLE: readonly [FormField['role'], string, (o: CreateOptions) => string | undefined][] = [
  ['product', 'product', (o) => o.product],
  ['sen', 'sen', (o) => o.sen],
  ['siteUrl', 'site-url', (o) => o.siteUrl],
  ['summary', 'summary', (o) => o.summary],
  ['details', 'details', (o) => o.details],
  ['version', 'product-version', (o) => o.productVersion],
  ['phone', 'phone', (o) => o.phone],
  ['consent', 'grant-access', (o) => (o.grantAccess ? 'yes' : undefined)],
];

/**
 * Puts the flag values into the form state (flags win over a resumed draft). Returns the problems
 * (a flag for a field this type lacks, a value the field refuses), to report all at once.
 */
export function applyFlags(opts: CreateOptions, meta: FormMeta, state: FormState, t: T): string[] {
  const problems: string[] = [];
  const byRole = (role: FormField['role']) => meta.fields.find((f) => f.role === role);
  for (const [role, flag, valueOf] of BY_ROLE) {
    const value = valueOf(opts);
    if (value === undefined) continue;
    const f = byRole(role);
    if (!f) {
      problems.push(t('create.err.noSuchField', `--${flag}`));
      continue;
    }
    const p = parseAnswer(f, value, t);
    if (p.ok) {
      state.values[f.id] = p.value;
      state.skipped = state.skipped.filter((x) => x !== f.id);
    } else problems.push(`--${flag}: ${p.message}`);
  }
  if (opts.impact !== undefined) {
    const f = byRole('impact');
    const o = f ? impactOption(f, opts.impact) : undefined;
    if (!f) problems.push(t('create.err.noSuchField', '--impact'));
    else if (!o) problems.push(t('form.err.impact', String(opts.impact)));
    else state.values[f.id] = o.value;
  }
  problems.push(...applyFieldFlags(opts.fields, meta, state, t));
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

/** `--field ID=VALUE` (by id, or by the field's name); an attachment field's value is a list of files. */
function applyFieldFlags(fields: CreateOptions['fields'], meta: FormMeta, state: FormState, t: T): string[] {
  const problems: string[] = [];
  for (const [key, value] of fields) {
    const f = meta.fields.find((x) => x.id === key) ?? meta.fields.find((x) => x.name.toLowerCase() === key.toLowerCase());
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
  return problems;
}
