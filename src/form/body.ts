/**
 * From a filled form to the `POST /request` body, and the checks around it: local validation
 * against the field metadata (for portals without `request/validate`), secret masking for
 * `--dry-run`, and what identifies a request by its content, so that a retry finds one that was
 * already filed without writing anything of ours into the ticket.
 */
import { createHash } from 'node:crypto';
import type { T } from '../i18n/index.js';
import type { CustomerRequestDTO, RequestCreateDTO } from '../portal/types.js';
import { display, overLimit, toWire } from './fields.js';
import { chosenLevel, conflicts, missingFlags, type FormMeta, type FormState } from './engine.js';

/**
 * The create body (user fields as `opts.flavor` names people, Cloud by default). The description
 * gets, below the user's details, what the engineer must know and the portal has no field for
 * (whether it is about production). Nothing else of ours: the consent travels in the portal's own
 * field.
 */
export function buildBody(
  ids: { serviceDeskId: string; requestTypeId: string },
  meta: FormMeta,
  state: FormState,
  opts: { t: T; flavor?: 'cloud' | 'dc' },
): RequestCreateDTO {
  const values: Record<string, unknown> = {};
  for (const f of meta.fields) {
    const a = state.values[f.id];
    if (a === undefined || f.kind === 'attachment') continue;
    values[f.id] = toWire(f, a, opts.flavor);
  }
  const details = meta.fields.find((f) => f.role === 'details');
  if (details) {
    const record: string[] = [];
    if (chosenLevel(meta, state) !== undefined && state.production !== undefined) {
      record.push(opts.t('form.record.production', state.production));
    }
    const text = typeof values[details.id] === 'string' ? (values[details.id] as string) : '';
    const described = [text, record.join('\n')].filter((s) => s !== '').join('\n\n');
    if (described !== '') values[details.id] = described;
  }
  const body: RequestCreateDTO = { serviceDeskId: ids.serviceDeskId, requestTypeId: ids.requestTypeId, requestFieldValues: values };
  if (meta.canAddRequestParticipants && state.participants && state.participants.length > 0) {
    body.requestParticipants = [...state.participants];
  }
  if (meta.canRaiseOnBehalfOf && state.onBehalfOf) body.raiseOnBehalfOf = state.onBehalfOf;
  return body;
}

/**
 * What is wrong with the form, checked locally against the metadata: required values missing
 * (named by flag), values outside `validValues`, impact rules. Empty when it can be sent.
 */
export function validateLocally(meta: FormMeta, state: FormState, t: T): string[] {
  const problems = missingFlags(meta, state).map((f) => t('create.err.missingOne', f));
  for (const f of meta.fields) {
    const a = state.values[f.id];
    if (a === undefined || f.options.length === 0 || f.kind === 'attachment') continue;
    const ids = typeof a === 'string' ? [a] : f.kind === 'cascading' ? a.slice(0, 1) : a;
    for (const id of ids) {
      if (!f.options.some((o) => o.value === id)) problems.push(t('form.err.option', display(f, id), f.name, f.options.map((o) => o.label).join(', ')));
    }
  }
  return [...problems, ...conflicts(meta, state, t)];
}

/**
 * The text values of a create body over their field's limit (Jira's, or the one the field's help
 * states): checked on the body as it will be sent, what the CLI adds to the details included.
 */
export function limitProblems(meta: FormMeta, body: RequestCreateDTO, t: T): string[] {
  const out: string[] = [];
  for (const f of meta.fields) {
    const v = body.requestFieldValues[f.id];
    const over = typeof v === 'string' ? overLimit(f, v, t) : undefined;
    if (over) out.push(over);
  }
  return out;
}

const SECRET_NAME = /pass(word|wd|phrase)?|secret|token|api[ _-]?key|credential|private key|パスワード|秘密/i;

/**
 * The body with secrets masked, for `--dry-run` output. Rule: the value of any field whose id or
 * name looks like a secret (password, secret, token, API key, credential) becomes `********`.
 * A create body has no credential of its own (they travel in headers), so nothing else is hidden.
 */
export function maskBody(body: RequestCreateDTO, meta: FormMeta): RequestCreateDTO {
  const values: Record<string, unknown> = {};
  for (const [id, v] of Object.entries(body.requestFieldValues)) {
    const f = meta.fields.find((x) => x.id === id);
    values[id] = SECRET_NAME.test(id) || (f && SECRET_NAME.test(f.name)) ? '********' : v;
  }
  return { ...body, requestFieldValues: values };
}

/**
 * What identifies a request by its content: where it was filed and the text values it carries
 * (summary, details, SEN, version...), as sent. Stored with a draft before its create leaves, so a
 * later run can tell whether the portal has it.
 */
export interface RequestIdentity {
  serviceDeskId: string;
  requestTypeId: string;
  /** The body's text values by field id. */
  text: Record<string, string>;
}

/** The identity of a create body. */
export function identityOf(body: RequestCreateDTO): RequestIdentity {
  const text: Record<string, string> = {};
  for (const [id, v] of Object.entries(body.requestFieldValues)) if (typeof v === 'string') text[id] = v;
  return { serviceDeskId: body.serviceDeskId, requestTypeId: body.requestTypeId, text };
}

/** A digest of everything a create body says: two bodies with the same digest file the same request. */
export function digestOf(body: RequestCreateDTO): string {
  return createHash('sha256').update(canonical(body)).digest('hex');
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Text as portals give it back: newlines as `\n`, no trailing blanks on a line or at the end. */
function normalText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim();
}

/**
 * True when a request the portal returned is the one `id` describes: same desk and type (when the
 * portal says), the same summary, and the same text in every text field the portal shows.
 */
export function matchesIdentity(r: CustomerRequestDTO, id: RequestIdentity): boolean {
  if (r.serviceDeskId !== undefined && r.serviceDeskId !== id.serviceDeskId) return false;
  if (r.requestTypeId !== undefined && r.requestTypeId !== id.requestTypeId) return false;
  const shown = new Map((r.requestFieldValues ?? []).map((f) => [f.fieldId, f.value]));
  if (id.text.summary !== undefined && shown.get('summary') === undefined && r.summary === undefined) return false;
  for (const [field, want] of Object.entries(id.text)) {
    const got = field === 'summary' ? (shown.get('summary') ?? r.summary) : shown.get(field);
    if (got === undefined || got === null) continue;
    if (typeof got !== 'string' || normalText(got) !== normalText(want)) return false;
  }
  return true;
}
