/**
 * Field validation for a new request: `requestFieldValues` checked against the request type's
 * fields like a portal does, every problem named at once, the values normalised for storage.
 */
import type { T } from '../i18n/index.js';
import { HttpError } from './http.js';
import type { SeedField, SeedFields } from './seed.js';

/** An option given as `{id}` or `{value}` (the Jira field input formats), matched against the field's options. */
function option(field: SeedField, v: unknown): { id: string; value: string } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const given = v as { id?: unknown; value?: unknown };
  const opts = field.validValues ?? [];
  const o =
    typeof given.id === 'string'
      ? opts.find((x) => x.value === given.id)
      : typeof given.value === 'string'
        ? opts.find((x) => x.label === given.value)
        : undefined;
  return o ? { id: o.value, value: o.label } : undefined;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);
}

/** The values to store for `requestTypeId`, or a 400 naming every field that is unknown, missing or invalid. */
export function checkFields(t: T, fields: SeedFields, requestTypeId: string, values: Record<string, unknown>): Record<string, unknown> {
  const defs = fields.fieldsOf(requestTypeId);
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
    const problem = checkValue(t, field, v, out);
    if (problem) problems.push(problem);
  }
  if (problems.length > 0) {
    throw new HttpError(400, t('sandbox.api.createInvalid', problems.join(' ')), 'sandbox.error.request.invalid');
  }
  return out;
}

/** Checks one given value by the field's schema; stores it normalised in `out`, or says what is wrong. */
function checkValue(t: T, field: SeedField, v: unknown, out: Record<string, unknown>): string | undefined {
  const schema = field.jiraSchema;
  const optionsProblem = () => t('sandbox.api.fieldOption', field.name, (field.validValues ?? []).map((x) => x.label).join(', '));
  if (schema.system === 'attachment') {
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return t('sandbox.api.fieldAttachment', field.name);
    out[field.fieldId] = v;
  } else if (schema.type === 'string') {
    if (typeof v !== 'string') return t('sandbox.api.fieldString', field.name, field.fieldId);
    if (schema.system === 'summary' && v.length > 255) return t('sandbox.api.summaryTooLong');
    if (schema.custom?.endsWith(':url') && !/^https?:\/\/[^\s/]+/i.test(v)) return t('sandbox.api.fieldUrl', field.name);
    out[field.fieldId] = v;
  } else if (schema.type === 'option') {
    const o = option(field, v);
    if (!o) return optionsProblem();
    out[field.fieldId] = o;
  } else if (schema.type === 'array' && schema.items === 'option') {
    const list = Array.isArray(v) ? v.map((x) => option(field, x)) : [undefined];
    if (list.some((x) => !x)) return optionsProblem();
    out[field.fieldId] = list;
  }
  return undefined;
}
