/**
 * `create --share-with ORG`: the request shared with one of the customer's organisations through
 * the create field the portal offers for it (Jira's "Organizations" field, whose values are
 * organisation ids). That field is the flag's, so the guided form never asks it.
 */
import { UsageError } from '../../lib/errors.js';
import type { FormMeta } from '../../form/engine.js';
import { ORGANIZATIONS_FIELD_TYPE, type Organization } from '../../portal/organizations.js';
import type { RequestCreateDTO } from '../../portal/types.js';
import { resolveOrganization } from '../shared/organizations.js';
import type { CreateSession } from './session.js';

/** Where and with whom the request is shared. */
export interface Share {
  fieldId: string;
  org: Organization;
}

/**
 * Takes the Organizations field out of `meta` and, with `--share-with`, finds the organisation
 * among the customer's. Bad input (exit 2) before anything is asked or sent: a request type
 * without the field, or an organisation the customer does not belong to.
 */
export async function prepareShare(s: CreateSession, meta: FormMeta, typeName: string): Promise<Share | undefined> {
  const i = meta.fields.findIndex((f) => f.schema?.custom === ORGANIZATIONS_FIELD_TYPE);
  const field = i < 0 ? undefined : meta.fields.splice(i, 1)[0];
  const wanted = s.opts.shareWith;
  if (wanted === undefined) return undefined;
  const { t } = s.ctx;
  if (!field) throw new UsageError(t('kb.share.err.noField', typeName), { hint: t('kb.share.hint.noField') });
  return { fieldId: field.id, org: await resolveOrganization(s.api, wanted, t) };
}

/** The body with the Organizations field set (`[id]`, a number as Jira takes it). */
export function withShare(body: RequestCreateDTO, share: Share | undefined): RequestCreateDTO {
  if (!share) return body;
  const id = /^\d+$/.test(share.org.id) ? Number(share.org.id) : share.org.id;
  return { ...body, requestFieldValues: { ...body.requestFieldValues, [share.fieldId]: [id] } };
}
