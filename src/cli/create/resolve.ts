import { CliError, UsageError } from '../../lib/errors.js';
import { toArray } from '../../lib/iter.js';
import type { Choice, ChoiceSeparator } from '../../lib/prompter.js';
import type { RequestTypeDTO, RequestTypeGroupDTO, ServiceDeskDTO } from '../../portal/types.js';
import type { CreateOptions } from './options.js';
import type { CreateSession } from './session.js';

/** The service desk and request type to file on, once both are known. */
export interface Target {
  desk: ServiceDeskDTO & { id: string };
  type: RequestTypeDTO & { id: string };
}

/** How `--type` finds its request types by name (or by the name of their group). */
export const TYPE_PATTERNS: Record<NonNullable<CreateOptions['type']>, RegExp> = {
  technical: /technical|bug|技術|不具合/i,
  billing: /billing|payment|pricing|licen[cs]|請求|支払|価格/i,
  account: /account|アカウント/i,
};
const DEPLOYMENT_PATTERNS: Record<NonNullable<CreateOptions['deployment']>, RegExp> = {
  server: /server|data\s*center|\bDC\b|サーバー|データセンター/i,
  cloud: /cloud|クラウド/i,
};

/**
 * The desk and type from the flags, a resumed draft, the only choice, or the person's pick. Without
 * a terminal, names every flag still missing at once (summary and details too) as a usage error.
 */
export async function resolveTarget(s: CreateSession): Promise<Target> {
  const missing: string[] = [];
  const desk = await resolveDesk(s, missing);
  const type = desk?.id ? await resolveType(s, desk.id, missing) : undefined;
  if (!desk?.id || !type?.id) {
    for (const k of ['summary', 'details'] as const) if (s.opts[k] === undefined && !missing.includes(`--${k}`)) missing.push(`--${k}`);
    throw missingError(missing, s);
  }
  return { desk: { ...desk, id: desk.id }, type: { ...type, id: type.id } };
}

/** The usage error for required values a script did not give. */
export function missingError(flags: string[], s: CreateSession): UsageError {
  return new UsageError(s.ctx.t('create.err.missing', flags.join(', ')), { hint: s.ctx.t('create.hint.missing') });
}

/** The first line of a portal text, or undefined when it has none. */
export function firstLine(text: string | undefined): string | undefined {
  const l = text?.split(/\r?\n/)[0]?.trim();
  return l ? l : undefined;
}

function matchByName<X>(items: readonly X[], query: string, keys: (x: X) => (string | undefined)[]): X[] {
  const q = query.trim().toLowerCase();
  const exact = items.filter((x) => keys(x).some((k) => k !== undefined && k.toLowerCase() === q));
  if (exact.length) return exact;
  return items.filter((x) => keys(x).some((k) => k !== undefined && k.toLowerCase().includes(q)));
}

async function resolveDesk(s: CreateSession, missing: string[]): Promise<ServiceDeskDTO | undefined> {
  const { ctx, opts } = s;
  const t = ctx.t;
  const desks = await toArray(s.api.serviceDesks(), 1000);
  if (desks.length === 0) throw new CliError(t('create.err.noDesks'));
  const wanted = opts.serviceDesk ?? s.draft.draft.serviceDeskId;
  if (wanted !== undefined) {
    const m = matchByName(desks, wanted, (d) => [d.id, d.projectKey, d.projectName]);
    if (m.length === 1) return m[0];
    throw new UsageError(t(m.length ? 'create.err.deskAmbiguous' : 'create.err.deskUnknown', wanted), {
      hint: t('create.hint.choices', desks.map((d) => `${d.id} (${d.projectKey ?? ''} ${d.projectName ?? ''})`).join(', ')),
    });
  }
  if (desks.length === 1) return desks[0];
  if (!ctx.interactive) {
    missing.push('--service-desk');
    return undefined;
  }
  const id = await (await s.ask()).select({
    message: t('create.ask.desk'),
    choices: desks.map((d) => ({ name: d.projectName ?? d.id ?? '', value: d.id ?? '', description: d.projectKey })),
  });
  return desks.find((d) => d.id === id);
}

async function resolveType(s: CreateSession, deskId: string, missing: string[]): Promise<RequestTypeDTO | undefined> {
  const { ctx, opts } = s;
  const [types, groups] = await Promise.all([toArray(s.api.requestTypes(deskId), 1000), toArray(s.api.requestTypeGroups(deskId), 1000)]);
  const usable = types.filter((x) => x.canCreateRequest !== false);
  const choices = () => ctx.t('create.hint.choices', usable.map((x) => `${x.id} (${x.name ?? ''})`).join(', '));
  const fromDraft = s.draft.draft.requestTypeId;
  const wanted = opts.requestType ?? (opts.type === undefined && opts.deployment === undefined ? fromDraft : undefined);
  if (wanted !== undefined) {
    const m = matchByName(usable, wanted, (x) => [x.id, x.name]);
    if (m.length === 1) return m[0];
    throw new UsageError(ctx.t(m.length ? 'create.err.typeAmbiguous' : 'create.err.typeUnknown', wanted), { hint: choices() });
  }
  let candidates = usable;
  if (opts.type !== undefined || opts.deployment !== undefined) {
    const kind = opts.type ?? 'technical';
    candidates = matching(usable, groups, kind);
    // Several technical types differ by where the product runs: --deployment picks one.
    if (kind === 'technical' && candidates.length > 1) {
      if (opts.deployment !== undefined) candidates = candidates.filter((x) => DEPLOYMENT_PATTERNS[opts.deployment!].test(x.name ?? ''));
      else if (!ctx.interactive) {
        missing.push('--deployment');
        return undefined;
      }
    }
    if (candidates.length === 0) throw new UsageError(ctx.t('create.err.typeShortcut', kind, opts.deployment ?? ''), { hint: choices() });
  }
  if (candidates.length === 1) return candidates[0];
  if (!ctx.interactive) {
    missing.push(candidates === usable ? '--request-type (--type technical|billing|account)' : '--request-type');
    return undefined;
  }
  return pickType(s, candidates, groups);
}

/** The usable types whose name (or group's name) says they are of `kind`. */
function matching(usable: RequestTypeDTO[], groups: RequestTypeGroupDTO[], kind: NonNullable<CreateOptions['type']>): RequestTypeDTO[] {
  const groupName = (x: RequestTypeDTO) => (x.groupIds ?? []).map((g) => groups.find((y) => y.id === g)?.name ?? '').join(' ');
  return usable.filter((x) => TYPE_PATTERNS[kind].test(`${x.name ?? ''} ${groupName(x)}`));
}

/** The portal's grouping: each group a heading, its types below (a type in no group comes last). */
async function pickType(s: CreateSession, types: RequestTypeDTO[], groups: RequestTypeGroupDTO[]): Promise<RequestTypeDTO | undefined> {
  const choices: (Choice<string> | ChoiceSeparator)[] = [];
  const seen = new Set<string>();
  const add = (x: RequestTypeDTO) => {
    seen.add(x.id ?? '');
    choices.push({ name: x.name ?? x.id ?? '', value: x.id ?? '', description: firstLine(x.description) });
  };
  for (const g of groups) {
    const members = types.filter((x) => !seen.has(x.id ?? '') && (x.groupIds ?? []).includes(g.id ?? ''));
    if (!members.length) continue;
    choices.push({ separator: `── ${g.name ?? ''}` });
    members.forEach(add);
  }
  const rest = types.filter((x) => !seen.has(x.id ?? ''));
  if (rest.length) {
    if (choices.length) choices.push({ separator: '──' });
    rest.forEach(add);
  }
  const id = await (await s.ask()).select({ message: s.ctx.t('create.ask.type'), choices });
  return types.find((x) => x.id === id);
}
