/**
 * Field validation for a new request: `requestFieldValues` checked against the request type's
 * fields like a portal does, in the input formats Jira accepts, every problem named at once, the
 * values normalised for storage.
 */
import type { T } from '../i18n/index.js';
import type { CatalogField, SandboxCatalog, SeedOption } from './catalog.js';
import type { SandboxFlavor } from './dto.js';
import { HttpError } from './http.js';
import { ORGANIZATIONS, ORGANIZATIONS_FIELD, organizationIds } from './org-seed.js';

/** How a request names people in user fields: `{accountId}` on Cloud, `{name}` on Data Center. */
export interface UserLookup {
  flavor: SandboxFlavor;
  /** The accountId of the customer the flavor's reference names. */
  resolve(ref: string): string | undefined;
}

/**
 * An option given as `{"id": 10000}` (a number or a string) or `{"value": "label"}` (the Jira
 * field input formats), matched against `options`.
 */
function option(options: readonly SeedOption[] | undefined, v: unknown): SeedOption | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const given = v as { id?: unknown; value?: unknown };
  const id = typeof given.id === 'number' && Number.isSafeInteger(given.id) ? String(given.id) : given.id;
  if (typeof id === 'string') return options?.find((x) => x.value === id.trim());
  if (typeof given.value === 'string') return options?.find((x) => x.label === given.value);
  return undefined;
}

const stored = (o: SeedOption) => ({ id: o.value, value: o.label });

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** The values to store for `requestTypeId`, or a 400 naming every field that is unknown, missing or invalid. */
export function checkFields(t: T, catalog: SandboxCatalog, requestTypeId: string, values: Record<string, unknown>, users: UserLookup): Record<string, unknown> {
  const defs = catalog.fieldsOf(requestTypeId);
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const id of Object.keys(values)) {
    if (!defs.some((d) => d.field.fieldId === id)) problems.push(t('sandbox.api.fieldNotOnType', id));
  }
  for (const { field, required } of defs) {
    const v = values[field.fieldId];
    if (isEmpty(v)) {
      if (required) problems.push(t('sandbox.api.fieldRequired', field.name, field.fieldId));
      continue;
    }
    const checked = checkValue(field, v, users);
    if (checked.ok) out[field.fieldId] = checked.value;
    else problems.push(checked.problem(t, field));
  }
  if (problems.length > 0) {
    throw new HttpError(400, t('sandbox.api.createInvalid', problems.join(' ')), 'sandbox.error.request.invalid');
  }
  return out;
}

type Checked = { ok: true; value: unknown } | { ok: false; problem: (t: T, f: CatalogField) => string };

const ok = (value: unknown): Checked => ({ ok: true, value });
const bad = (problem: (t: T, f: CatalogField) => string): Checked => ({ ok: false, problem });
const optionsProblem = bad((t, f) => t('sandbox.api.fieldOption', f.name, (f.validValues ?? []).map((x) => x.label).join(', ')));

/** A user as a user field takes it on the flavor: `{"accountId"}` (Cloud) or `{"name"}` (Data Center). */
function userValue(v: unknown, users: UserLookup): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const ref = (v as Record<string, unknown>)[users.flavor === 'dc' ? 'name' : 'accountId'];
  return typeof ref === 'string' ? users.resolve(ref) : undefined;
}

/** Jira's text limits: 255 characters in a one-line text (or URL) field, 32,767 in the description and multi-line text. */
function maxLength(schema: CatalogField['jiraSchema']): number {
  return schema.system === 'description' || /textarea$/.test(schema.custom ?? '') || schema.custom === undefined ? 32_767 : 255;
}

/** Checks one given value by the field's schema: the value to store, or what is wrong. */
function checkValue(field: CatalogField, v: unknown, users: UserLookup): Checked {
  const schema = field.jiraSchema;
  if (schema.system === 'attachment') {
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? ok(v) : bad((t, f) => t('sandbox.api.fieldAttachment', f.name));
  }
  if (schema.custom === ORGANIZATIONS_FIELD) {
    const ids = organizationIds(v);
    return ids ? ok(ids.map((id) => ({ id, name: ORGANIZATIONS.find((o) => o.id === id)!.name }))) : bad((t, f) => t('kb.sandbox.fieldOrganizations', f.name));
  }
  switch (schema.type) {
    case 'string':
      if (typeof v !== 'string') return bad((t, f) => t('sandbox.api.fieldString', f.name, f.fieldId));
      if (schema.system === 'summary' && /[\r\n]/.test(v)) return bad((t) => t('sandbox.api.summaryNewline'));
      if (schema.system === 'summary' && v.length > 255) return bad((t) => t('sandbox.api.summaryTooLong'));
      if (v.length > maxLength(schema)) return bad((t, f) => t('sandbox.api.fieldTooLong', f.name, maxLength(schema)));
      if (schema.custom?.endsWith(':url') && !/^https?:\/\/[^\s/]+/i.test(v)) return bad((t, f) => t('sandbox.api.fieldUrl', f.name));
      return ok(v);
    case 'number':
      return typeof v === 'number' && Number.isFinite(v) ? ok(v) : bad((t, f) => t('sandbox.api.fieldNumber', f.name));
    case 'date':
      return typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? ok(v) : bad((t, f) => t('sandbox.api.fieldDate', f.name));
    case 'datetime':
      return typeof v === 'string' && !Number.isNaN(Date.parse(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))) ? ok(v) : bad((t, f) => t('sandbox.api.fieldDate', f.name));
    case 'option': {
      const o = option(field.validValues, v);
      return o ? ok(stored(o)) : optionsProblem;
    }
    case 'option-with-child': {
      const parent = option(field.validValues, v);
      if (!parent) return optionsProblem;
      const childGiven = (v as { child?: unknown }).child;
      if (childGiven === undefined) return ok(stored(parent));
      const child = option(parent.children, childGiven);
      return child ? ok({ ...stored(parent), child: stored(child) }) : optionsProblem;
    }
    case 'user': {
      const id = userValue(v, users);
      return id ? ok({ accountId: id }) : bad((t, f) => t('sandbox.api.fieldUser', f.name, users.flavor === 'dc' ? '{"name": "username"}' : '{"accountId": "…"}'));
    }
    case 'array':
      if (!Array.isArray(v)) return bad((t, f) => t('sandbox.api.fieldArray', f.name));
      if (schema.items === 'option') {
        const list = v.map((x) => option(field.validValues, x));
        return list.every((x) => x !== undefined) ? ok(list.map((x) => stored(x!))) : optionsProblem;
      }
      if (schema.items === 'user') {
        const list = v.map((x) => userValue(x, users));
        return list.every((x) => x !== undefined) ? ok(list.map((accountId) => ({ accountId }))) : bad((t, f) => t('sandbox.api.fieldUser', f.name, users.flavor === 'dc' ? '[{"name": "username"}]' : '[{"accountId": "…"}]'));
      }
      if (schema.items === 'string') return v.every((x) => typeof x === 'string') ? ok(v) : bad((t, f) => t('sandbox.api.fieldArray', f.name));
      return ok(v);
    default:
      // A type the sandbox does not model: kept as given, as a lenient portal would.
      return ok(v);
  }
}
