import { maskBody, validateLocally } from '../../form/body.js';
import type { FormMeta, FormState } from '../../form/engine.js';
import type { T } from '../../i18n/index.js';
import { UsageError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import { PortalError } from '../../portal/errors.js';
import type { RequestCreateDTO } from '../../portal/types.js';
import type { PeopleJson } from './json.js';
import { printDryRun, type Validation } from './output.js';
import type { CreateSession } from './session.js';

/** `--dry-run`: checks the body (on the portal when it can, else against the field metadata) and files nothing. */
export async function dryRun(s: CreateSession, body: RequestCreateDTO, meta: FormMeta, people: PeopleJson): Promise<void> {
  const v = await validate(s.api, body, meta, s.draft.state, s.ctx.t);
  printDryRun(maskBody(body, meta), v, people, s.ctx);
  if (v.problems.length) throw new UsageError(s.ctx.t('create.dryRun.invalid'));
}

async function validate(api: PortalApi, body: RequestCreateDTO, meta: FormMeta, state: FormState, t: T): Promise<Validation> {
  let remote: Awaited<ReturnType<PortalApi['validateRequest']>>;
  try {
    remote = await api.validateRequest(body);
  } catch (e) {
    // Portals without the endpoint answer 404, or 405 when `/request/{key}` swallows the path.
    if (!(e instanceof PortalError && (e.status === 404 || e.status === 405 || e.status === 501))) throw e;
    remote = undefined;
  }
  if (remote === undefined) return { validatedBy: 'local', problems: validateLocally(meta, state, t) };
  if (remote.valid) return { validatedBy: 'portal', problems: [] };
  const problems = [
    ...(remote.errorMessage ? [remote.errorMessage] : []),
    ...(remote.errorMessages ?? []),
    ...(remote.fieldErrors ?? []).map((f) => `${f.field ?? ''}: ${f.message ?? ''}`),
  ];
  return { validatedBy: 'portal', problems: problems.length ? problems : [t('create.dryRun.invalid')] };
}
