/**
 * From a filled form to the `POST /request` body, and the checks around it: local validation
 * against the field metadata (for portals without `request/validate`), secret masking for
 * `--dry-run`, and the draft marker that lets a retry find a request that was already filed.
 */
import type { T } from '../i18n/index.js';
import type { CustomerRequestDTO, RequestCreateDTO } from '../portal/types.js';
import { display, toWire } from './fields.js';
import { chosenLevel, conflicts, missingFlags, type FormMeta, type FormState } from './engine.js';

/** The footer line that identifies a draft inside the request's description. */
export function markerLine(draftId: string): string {
  return `support-draft: ${draftId}`;
}

/**
 * The create body (user fields as `opts.flavor` names people, Cloud by default). The description gets, below the user's details, what the engineer must know and
 * the portal has no field for (production or not; consent given) and the draft marker.
 */
export function buildBody(
  ids: { serviceDeskId: string; requestTypeId: string },
  meta: FormMeta,
  state: FormState,
  opts: { draftId: string; t: T; flavor?: 'cloud' | 'dc' },
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
    const consent = meta.fields.find((f) => f.role === 'consent');
    if (consent && state.values[consent.id] !== undefined) record.push(opts.t('form.record.consent'));
    const text = typeof values[details.id] === 'string' ? (values[details.id] as string) : '';
    values[details.id] = [text, record.join('\n'), `----\n${markerLine(opts.draftId)}`].filter((s) => s !== '').join('\n\n');
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

/** True when a request returned by the portal carries this draft's marker (in any text field). */
export function hasMarker(r: CustomerRequestDTO, draftId: string): boolean {
  const line = markerLine(draftId);
  return (r.requestFieldValues ?? []).some((v) => typeof v.value === 'string' && v.value.includes(line));
}
