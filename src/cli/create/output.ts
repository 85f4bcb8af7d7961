import type { RedirectProduct } from '../../form/validators.js';
import { UsageError } from '../../lib/errors.js';
import type { CustomerRequestDTO, RequestCreateDTO } from '../../portal/types.js';
import type { Ctx } from '../context.js';
import { bundleJson, type SendableBundle } from '../shared/bundle-send.js';
import type { AlreadyFiledJson, CreatedJson, DryRunJson, PeopleJson, RedirectJson } from './json.js';

/** What was filed, for the last words of a run. */
export interface Filed {
  request: CustomerRequestDTO;
  portalUrl: string;
  /** Names of the files attached, and paths of those that were not. */
  attached?: string[];
  failed?: string[];
  bundle?: SendableBundle;
  people?: PeopleJson;
}

/** The key and URL (tab-separated) on stdout, or the `--json` document; a person also reads the status. */
export function printCreated(f: Filed, ctx: Ctx): void {
  const r = f.request;
  const url = webUrl(r, f.portalUrl);
  if (!ctx.globals.json) {
    ctx.io.out(`${r.issueKey ?? ''}\t${url}`);
    if (ctx.interactive) ctx.io.err(ctx.t('create.created', r.issueKey ?? '', r.currentStatus?.status ?? ''));
    return;
  }
  const fields: CreatedJson['fields'] = {};
  for (const v of r.requestFieldValues ?? []) if (v.fieldId) fields[v.fieldId] = { label: v.label, value: v.value };
  const doc: CreatedJson = {
    key: r.issueKey,
    url,
    status: r.currentStatus?.status ?? null,
    fields,
    attachments: [...(f.attached ?? []).map((name) => ({ file: name, attached: true })), ...(f.failed ?? []).map((file) => ({ file, attached: false }))],
    ...(f.bundle ? { bundle: bundleJson(f.bundle.result) } : {}),
    ...f.people,
  };
  ctx.output.json(doc);
}

/**
 * A request an earlier run filed (found by its content): its key and URL, or with `--json`
 * `{"key": …, "alreadyFiled": true}`; nothing was sent now.
 */
export function printAlreadyFiled(r: CustomerRequestDTO, portalUrl: string, ctx: Ctx): void {
  ctx.io.err(ctx.t('create.alreadyFiled', r.issueKey ?? ''));
  if (ctx.globals.json) ctx.output.json({ key: r.issueKey, alreadyFiled: true } satisfies AlreadyFiledJson);
  else ctx.io.out(`${r.issueKey ?? ''}\t${webUrl(r, portalUrl)}`);
}

const REDIRECT_URL: Record<RedirectProduct, string> = {
  trello: 'https://trello.com/contact',
  sourcetree: 'https://community.atlassian.com/t5/Sourcetree/ct-p/sourcetree',
};

/** Where to go instead for a product this portal does not serve; in a script that is bad input (exit 2). */
export function printRedirect(product: RedirectProduct, ctx: Ctx): void {
  const t = ctx.t;
  const msg = t(product === 'trello' ? 'create.redirect.trello' : 'create.redirect.sourcetree', REDIRECT_URL[product]);
  if (ctx.globals.json) ctx.output.json({ filed: false, redirect: { product, url: REDIRECT_URL[product] } } satisfies RedirectJson);
  if (!ctx.interactive) throw new UsageError(msg, { hint: t('create.hint.redirect') });
  ctx.io.err(msg);
}

/** The outcome of checking a body without filing it. */
export interface Validation {
  validatedBy: 'portal' | 'local';
  problems: string[];
}

/** A dry run's report: the masked body on stdout (or the `--json` document), the verdict on stderr. */
export function printDryRun(masked: RequestCreateDTO, v: Validation, people: PeopleJson, ctx: Ctx): void {
  const t = ctx.t;
  if (ctx.globals.json) {
    const doc: DryRunJson = { dryRun: true, valid: v.problems.length === 0, validatedBy: v.validatedBy, problems: v.problems, body: masked, ...people };
    ctx.output.json(doc);
    return;
  }
  ctx.output.json(masked);
  for (const p of [...(people.participants ?? []), ...(people.onBehalfOf ? [people.onBehalfOf] : [])]) {
    if (p.id !== null && p.id !== p.input) ctx.io.err(t('create.dryRun.person', p.input, p.id));
  }
  ctx.io.err(v.problems.length ? t('create.dryRun.problems', v.validatedBy) : t('create.dryRun.ok', v.validatedBy));
  for (const p of v.problems) ctx.io.err(`  - ${p}`);
}

function webUrl(r: CustomerRequestDTO, portalUrl: string): string {
  return r._links?.web ?? `${portalUrl.replace(/\/+$/, '')}/servicedesk/customer/portal/${r.serviceDeskId ?? ''}/${r.issueKey ?? ''}`;
}
