/**
 * Request-type field metadata turned into form fields: which flag fills each, what semantic help
 * applies (the field's role, recognised from the portal's metadata by `roles.ts`), how a typed value
 * is parsed, shown, and sent in the field input formats of the JSM API.
 */
import fs from 'node:fs';
import type { T } from '../i18n/index.js';
import type { CustomerRequestCreateMetaDTO, JsonTypeBean } from '../portal/types.js';
import { assignRoles, YES_OPTION, type Role } from './roles.js';
import {
  JIRA_LIMITS,
  impactLevelOfLabel,
  limitMessage,
  limitProblem,
  normalizePerson,
  normalizePhone,
  normalizeSen,
  normalizeSiteUrl,
  parseImpactLevel,
  splitList,
  statedLimit,
} from './validators.js';

export type { Role } from './roles.js';

/** How a field's value is entered and sent, from its `jiraSchema`. */
export type Kind =
  | 'text'
  | 'multiline'
  | 'number'
  | 'date'
  | 'datetime'
  | 'url'
  | 'select'
  | 'multiselect'
  | 'cascading'
  | 'labels'
  | 'user'
  | 'users'
  | 'attachment'
  | 'unsupported';

export interface FieldOption {
  value: string;
  label: string;
  children: FieldOption[];
}

/** One question of the form. */
export interface FormField {
  id: string;
  name: string;
  description: string;
  required: boolean;
  kind: Kind;
  role: Role | undefined;
  options: FieldOption[];
  /** The flag that fills it: a dedicated one (`sen`) or undefined for `--field ID=VALUE`. */
  flag: string | undefined;
  schema: JsonTypeBean | undefined;
}

/** A stored answer: text, or a list (multi-values, or `[parent, child]` option ids for cascading). */
export type Answer = string | string[];

/** The dedicated flag of each recognised role. */
export const ROLE_FLAGS: Record<Role, string> = {
  product: 'product',
  sen: 'sen',
  siteUrl: 'site-url',
  summary: 'summary',
  impact: 'impact',
  details: 'details',
  version: 'product-version',
  phone: 'phone',
  consent: 'grant-access',
  attachment: 'attach',
};

/** The input kind of a field, from `jiraSchema` (type, items, system, custom). */
export function kindOf(schema: JsonTypeBean | undefined, hasOptions: boolean): Kind {
  if (!schema) return hasOptions ? 'select' : 'text';
  const custom = schema.custom ?? '';
  if (schema.system === 'attachment' || schema.items === 'attachment') return 'attachment';
  if (schema.system === 'description' || /textarea/.test(custom)) return 'multiline';
  if (/cascadingselect/.test(custom) || schema.type === 'option-with-child') return 'cascading';
  if (/customfieldtypes:url$/.test(custom)) return 'url';
  switch (schema.type) {
    case 'string':
      return hasOptions ? 'select' : 'text';
    case 'number':
      return 'number';
    case 'date':
      return 'date';
    case 'datetime':
      return 'datetime';
    case 'option':
    case 'priority':
    case 'resolution':
    case 'version':
    case 'component':
      return 'select';
    case 'user':
      return 'user';
    case 'array':
      if (schema.items === 'string' && (schema.system === 'labels' || /labels/.test(custom) || !hasOptions)) return 'labels';
      if (schema.items === 'user') return 'users';
      return hasOptions ? 'multiselect' : 'labels';
    default:
      return hasOptions ? 'select' : 'unsupported';
  }
}

function toOption(v: { value?: string; label?: string; children?: unknown[] }): FieldOption {
  return {
    value: v.value ?? v.label ?? '',
    label: v.label ?? v.value ?? '',
    children: ((v.children ?? []) as { value?: string; label?: string }[]).map(toOption),
  };
}

/**
 * The visible fields of a request type, in the portal's order (the order its own form asks them).
 * Hidden fields are left alone: the portal fills them from their preset values.
 */
export function describeFields(meta: CustomerRequestCreateMetaDTO): FormField[] {
  const visible = (meta.requestTypeFields ?? []).filter((f) => f.fieldId && f.visible !== false);
  const options = visible.map((f) => (f.validValues ?? []).map(toOption));
  const roles = assignRoles(visible.map((f, i) => ({ id: f.fieldId, name: f.name, schema: f.jiraSchema, options: options[i]!.map((o) => o.label) })));
  const fields = visible.map((f, i): FormField => {
    const role = roles[i];
    return {
      id: f.fieldId!,
      name: f.name ?? f.fieldId!,
      description: f.description ?? '',
      required: f.required === true,
      kind: kindOf(f.jiraSchema, options[i]!.length > 0),
      role,
      options: options[i]!,
      flag: role ? ROLE_FLAGS[role] : undefined,
      schema: f.jiraSchema,
    };
  });
  return fields;
}

/**
 * The text limit of a field: the most characters it takes (what its help states, else Jira's own
 * limit for its kind: 255 for a summary or a one-line text, 32,767 for multi-line text) and whether
 * a line break is refused. Undefined for fields without one (options, numbers, dates...).
 */
export function textLimit(f: FormField): { max: number; oneLine: boolean } | undefined {
  const oneLine = f.role === 'summary' || f.kind === 'text' || f.kind === 'url';
  const jira = f.role === 'summary' ? JIRA_LIMITS.summary : f.kind === 'multiline' ? JIRA_LIMITS.textArea : oneLine ? JIRA_LIMITS.text : undefined;
  if (jira === undefined || f.role === 'attachment') return undefined;
  const stated = statedLimit(f.description);
  return { max: stated === undefined ? jira : Math.min(stated, jira), oneLine };
}

/** What is wrong with `text` as the value of `f` by its text limit, or undefined when it fits. */
export function overLimit(f: FormField, text: string, t: T): string | undefined {
  const l = textLimit(f);
  const p = l ? limitProblem(text, l.max, l.oneLine) : undefined;
  return p ? limitMessage(f.name, p, t) : undefined;
}

/** How to set a field from a script: `--sen`, or `--field customfield_12345=VALUE`. */
export function flagFor(f: FormField): string {
  return f.flag ? `--${f.flag}` : `--field ${f.id}=VALUE`;
}

/** Result of parsing typed text for a field. */
export type Parsed = { ok: true; value: Answer } | { ok: false; message: string };

function findOption(options: readonly FieldOption[], text: string): FieldOption | 'ambiguous' | undefined {
  const s = text.trim().toLowerCase();
  if (s === '') return undefined;
  const exact = options.find((o) => o.value.toLowerCase() === s || o.label.toLowerCase() === s);
  if (exact) return exact;
  const prefix = options.filter((o) => o.label.toLowerCase().startsWith(s));
  if (prefix.length === 1) return prefix[0];
  const inner = options.filter((o) => o.label.toLowerCase().includes(s));
  if (inner.length === 1) return inner[0];
  return prefix.length + inner.length > 0 ? 'ambiguous' : undefined;
}

/** The option of an impact field for a level 1-4 (by its label). */
export function impactOption(f: FormField, level: number): FieldOption | undefined {
  return f.options.find((o) => impactLevelOfLabel(o.label) === level);
}

/** The level 1-4 an answer of an impact field stands for. */
export function impactLevelOf(f: FormField, answer: Answer | undefined): number | undefined {
  if (typeof answer !== 'string') return undefined;
  const o = f.options.find((x) => x.value === answer);
  return o ? impactLevelOfLabel(o.label) : undefined;
}

/** `2026-11-24T09:00:00.000+0900` (Jira's datetime input format) from an ISO-8601 text. */
export function jiraDateTime(text: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(text.trim());
  if (!m) return undefined;
  if (Number.isNaN(Date.parse(`${m[1]}T${m[2]}:${m[3]}:00Z`))) return undefined;
  const zone = !m[6] || m[6].toUpperCase() === 'Z' ? '+0000' : m[6].replace(':', '');
  return `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${(m[5] ?? '0').padEnd(3, '0')}${zone}`;
}

/**
 * Parses what a user typed (a prompt answer, a flag or a `--from` value) for a field, with the
 * semantic checks of its role. Errors carry a translated message with an example of a valid value.
 */
export function parseAnswer(f: FormField, input: string | readonly string[], t: T): Parsed {
  const list = typeof input === 'string' ? [input] : [...input];
  const text = list.join(', ').trim();
  const bad = (message: string): Parsed => ({ ok: false, message });
  if (text === '') return bad(t('form.err.empty', f.name));
  switch (f.role) {
    case 'sen': {
      const v = normalizeSen(text);
      return v ? { ok: true, value: v } : bad(t('form.err.sen', text));
    }
    case 'siteUrl': {
      const v = normalizeSiteUrl(text);
      return v ? { ok: true, value: v } : bad(t('form.err.siteUrl', text));
    }
    case 'phone': {
      const v = normalizePhone(text);
      return v ? { ok: true, value: v } : bad(t('form.err.phone', text));
    }
    case 'impact': {
      const level = parseImpactLevel(text);
      const o = level ? impactOption(f, level) : undefined;
      if (o) return { ok: true, value: o.value };
      const byLabel = findOption(f.options, text);
      if (byLabel && byLabel !== 'ambiguous') return { ok: true, value: byLabel.value };
      return bad(t('form.err.impact', text));
    }
    case 'consent': {
      if (/^(yes|y|true|1|on|はい|同意|grant(ed)?)$/i.test(text) || findOption(f.options, text)) {
        const o = f.options.find((x) => YES_OPTION.test(x.label)) ?? f.options[0];
        if (f.kind === 'multiselect' || f.kind === 'labels') return { ok: true, value: o ? [o.value] : ['yes'] };
        return { ok: true, value: o ? o.value : 'yes' };
      }
      return bad(t('form.err.consent'));
    }
    default:
      break;
  }
  switch (f.kind) {
    case 'text':
    case 'multiline': {
      const value = list.join(f.kind === 'multiline' ? '\n' : ', ').trim();
      const over = overLimit(f, value, t);
      return over ? bad(over) : { ok: true, value };
    }
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(text) ? { ok: true, value: text } : bad(t('form.err.number', text));
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))
        ? { ok: true, value: text }
        : bad(t('form.err.date', text));
    case 'datetime': {
      const v = jiraDateTime(text);
      return v ? { ok: true, value: v } : bad(t('form.err.datetime', text));
    }
    case 'url': {
      try {
        const u = new URL(text);
        const over = overLimit(f, u.toString(), t);
        if (over) return bad(over);
        if (u.protocol === 'http:' || u.protocol === 'https:') return { ok: true, value: u.toString() };
      } catch {
        // fall through to the message
      }
      return bad(t('form.err.url', text));
    }
    case 'select': {
      const o = findOption(f.options, text);
      if (o && o !== 'ambiguous') return { ok: true, value: o.value };
      return bad(t('form.err.option', text, f.name, f.options.map((x) => x.label).join(', ')));
    }
    case 'multiselect': {
      const out: string[] = [];
      for (const part of list.flatMap((p) => p.split(/\s*[,;]\s*/)).filter(Boolean)) {
        const o = findOption(f.options, part);
        if (!o || o === 'ambiguous') return bad(t('form.err.option', part, f.name, f.options.map((x) => x.label).join(', ')));
        if (!out.includes(o.value)) out.push(o.value);
      }
      return { ok: true, value: out };
    }
    case 'cascading': {
      const [p, c] = text.split(/\s*(?:>|\/|:)\s*/);
      const parent = findOption(f.options, p ?? '');
      if (!parent || parent === 'ambiguous') return bad(t('form.err.option', p ?? '', f.name, f.options.map((x) => x.label).join(', ')));
      if (!c) return { ok: true, value: [parent.value] };
      const child = findOption(parent.children, c);
      if (!child || child === 'ambiguous') return bad(t('form.err.option', c, f.name, parent.children.map((x) => x.label).join(', ')));
      return { ok: true, value: [parent.value, child.value] };
    }
    case 'labels': {
      const v = splitList(list);
      return v.length ? { ok: true, value: v } : bad(t('form.err.empty', f.name));
    }
    case 'user':
      return { ok: true, value: text };
    case 'users':
      return { ok: true, value: splitList(list) };
    case 'attachment': {
      const paths = list.flatMap((p) => p.split(/\s*,\s*/)).filter(Boolean);
      const missing = paths.filter((p) => !isReadableFile(p));
      return missing.length ? bad(t('form.err.files', missing.join(', '))) : { ok: true, value: paths };
    }
    case 'unsupported':
      return { ok: true, value: text };
  }
}

function isReadableFile(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.R_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The value in the field input format of the JSM API (`requestFieldValues`): strings for text,
 * `{id}` for options, `[{id}]` for multi-selects, `{id, child:{id}}` for cascading selects, numbers,
 * `yyyy-MM-dd` dates, string arrays for labels, and users as the portal's flavor names them:
 * `{accountId}` on Cloud (the default), `{name}` (the username) on Data Center.
 */
export function toWire(f: FormField, a: Answer, flavor: 'cloud' | 'dc' = 'cloud'): unknown {
  const person = (id: string) => (flavor === 'dc' ? { name: id } : { accountId: id });
  const arr = typeof a === 'string' ? [a] : a;
  const one = typeof a === 'string' ? a : (a[0] ?? '');
  switch (f.kind) {
    case 'number':
      return Number(one);
    case 'select':
      return { id: one };
    case 'multiselect':
      return arr.map((id) => ({ id }));
    case 'cascading':
      return arr[1] ? { id: arr[0], child: { id: arr[1] } } : { id: arr[0] };
    case 'labels':
      return arr;
    case 'user':
      return person(one);
    case 'users':
      return arr.map(person);
    default:
      return typeof a === 'string' ? a : a.join(', ');
  }
}

/** The answer as a person reads it (option labels, not ids). */
export function display(f: FormField, a: Answer | undefined): string {
  if (a === undefined) return '';
  const arr = typeof a === 'string' ? [a] : a;
  const label = (opts: readonly FieldOption[], v: string) => opts.find((o) => o.value === v)?.label ?? v;
  switch (f.kind) {
    case 'select':
    case 'multiselect':
      return arr.map((v) => label(f.options, v)).join(', ');
    case 'cascading': {
      const parent = f.options.find((o) => o.value === arr[0]);
      return [label(f.options, arr[0] ?? ''), ...(arr[1] ? [label(parent?.children ?? [], arr[1])] : [])].join(' > ');
    }
    default:
      return arr.join(', ');
  }
}

/** `--participant` / `--on-behalf-of` values (e-mails or account ids): every one valid, or the first bad one. */
export function parsePeople(values: readonly string[]): { ok: true; value: string[] } | { ok: false; bad: string } {
  const out: string[] = [];
  for (const v of splitList(values)) {
    const e = normalizePerson(v);
    if (!e) return { ok: false, bad: v };
    if (!out.includes(e)) out.push(e);
  }
  return { ok: true, value: out };
}
