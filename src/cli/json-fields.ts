import type { T } from '../i18n/index.js';
import { UsageError } from '../lib/errors.js';
import { wrapIndented } from '../ui/width.js';
import type { CreateJson } from './create/json.js';
import type {
  AttachJson,
  BundleDryRunJson,
  BundleJson,
  CommentJson,
  ListItem,
  LoginJson,
  LogoutJson,
  RequestView,
  TransitionJson,
  WhoamiJson,
} from './json-types.js';

/** Every top-level key of any member of a union. */
type AllKeys<T> = T extends unknown ? keyof T & string : never;

/**
 * The keys of a JSON type as a list: the object literal must name every key of the type and no
 * other (the compiler says so), so the list cannot drift from the type.
 */
const keysOf = <T>(keys: Record<AllKeys<T>, true>): readonly string[] => Object.keys(keys);

const transition = keysOf<TransitionJson>({ key: true, transition: true, alreadyDone: true, previousStatus: true, status: true, statusCategory: true, url: true });

/**
 * The fields `--json a,b` may select, per command (gh's `--json` fields): the top-level keys of
 * the command's JSON document (of each element, for a list). A command not here prints its whole
 * document and takes no field list.
 */
export const JSON_FIELDS: Readonly<Record<string, readonly string[]>> = {
  list: keysOf<ListItem>({ key: true, status: true, statusCategory: true, impact: true, summary: true, requestTypeId: true, serviceDeskId: true, created: true, updated: true, url: true }),
  view: keysOf<RequestView>({
    key: true,
    id: true,
    summary: true,
    url: true,
    serviceDesk: true,
    requestType: true,
    reporter: true,
    created: true,
    status: true,
    history: true,
    fields: true,
    sla: true,
    participants: true,
    attachments: true,
    comments: true,
    commentCount: true,
    autoResolve: true,
    escalation: true,
    notifications: true,
    feedback: true,
    approvals: true,
  }),
  comment: keysOf<CommentJson>({ key: true, comment: true, previousStatus: true, status: true, statusCategory: true, reopened: true, url: true, alreadyAdded: true }),
  attach: keysOf<AttachJson>({ key: true, attached: true, failed: true, alreadyAttached: true, url: true, bundle: true }),
  resolve: transition,
  escalate: transition,
  reopen: transition,
  create: keysOf<CreateJson>({
    key: true,
    url: true,
    status: true,
    fields: true,
    attachments: true,
    bundle: true,
    participants: true,
    onBehalfOf: true,
    dryRun: true,
    valid: true,
    validatedBy: true,
    problems: true,
    body: true,
    filed: true,
    redirect: true,
    alreadyFiled: true,
  }),
  bundle: keysOf<BundleJson | BundleDryRunJson>({
    output: true,
    zipBytes: true,
    mappingFile: true,
    files: true,
    collectedBytes: true,
    truncated: true,
    redactions: true,
    skipped: true,
    dryRun: true,
    products: true,
    estimatedZipBytes: true,
    nodes: true,
  }),
  login: keysOf<LoginJson>({ profile: true, portal: true, deployment: true, account: true, tokenStore: true }),
  logout: keysOf<LogoutJson>({ profile: true, removed: true, portal: true, tokenStore: true }),
  whoami: keysOf<WhoamiJson>({ account: true, portal: true, deployment: true, profile: true, tokenSource: true }),
};

/** Whether every name of a comma-separated list is a field of `command`'s JSON. */
export function isFieldList(command: string, value: string): boolean {
  const known = JSON_FIELDS[command];
  return known !== undefined && value.split(',').every((f) => known.includes(f.trim()));
}

/**
 * Rewrites every `--json` of argv so that commander cannot take a positional for its value:
 * `--json key,status` becomes `--json=key,status` when every name is a field of the command's JSON,
 * a bare `--json` becomes `--json=` (everything), so `support view --json SUP-1` keeps its key.
 * A list with an unknown name (given as `--json=...`, with a comma, or to a command that takes no
 * positional) is a usage error that lists the valid fields.
 */
export function jsonArgv(
  argv: readonly string[],
  at: { index: number; command: string | undefined; takesArgs: boolean },
  t: T,
  width: number,
): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (a.startsWith('--json=')) {
      const value = a.slice('--json='.length);
      if (value !== '') checkFields(at.command, value, t, width);
      out.push(a);
      continue;
    }
    if (a !== '--json') {
      out.push(a);
      continue;
    }
    const next = argv[i + 1];
    const candidate = i > at.index && next !== undefined && !next.startsWith('-') && at.command !== undefined && JSON_FIELDS[at.command] !== undefined;
    if (candidate && (isFieldList(at.command!, next) || next.includes(',') || !at.takesArgs)) {
      checkFields(at.command, next, t, width);
      out.push(`--json=${next}`);
      i++;
    } else {
      out.push('--json=');
    }
  }
  return out;
}

function checkFields(command: string | undefined, value: string, t: T, width: number): void {
  const known = command === undefined ? undefined : JSON_FIELDS[command];
  if (known === undefined) throw new UsageError(t('json.err.noFields', command ?? ''));
  const bad = value.split(',').map((f) => f.trim()).filter((f) => !known.includes(f));
  if (bad.length === 0) return;
  throw new UsageError(t('json.err.unknownFields', command!, bad.join(', ')), {
    hint: `${t('json.hint.fields')}\n${wrapIndented(known.join(', '), Math.min(width, 80), 2)}`,
  });
}
