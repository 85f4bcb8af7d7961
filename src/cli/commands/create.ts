import { Command, Option } from 'commander';
import type { BundleOptions } from '../../bundle/index.js';
import type { MessageKey, T } from '../../i18n/index.js';
import { UsageError } from '../../lib/errors.js';
import {
  JIRA_LIMITS,
  limitMessage,
  limitProblem,
  normalizePerson,
  normalizePhone,
  normalizeSen,
  normalizeSiteUrl,
  parseImpactLevel,
  splitList,
} from '../../form/validators.js';
import { addBundleFlags, bundleOptionsFrom, type BundleFlagValues } from '../bundle-flags.js';
import { pickFleetFlags, type FleetFlagValues } from '../cluster/flags.js';
import type { Ctx } from '../context.js';
import { strayBundleFlags } from '../shared/bundle-send.js';
import { examples, type Registrar } from '../command.js';
import { readStdin } from '../stdin.js';

import type { CreateOptions } from '../create/options.js';

export type { CreateOptions };

/**
 * Raw commander values (and `--from` file keys, camel-cased the same way), with the bundle flags
 * (whose `--product` is `--bundle-product` here: `--product` is the portal's product field).
 */
export interface RawCreateOptions extends Omit<BundleFlagValues, 'product'> {
  serviceDesk?: unknown;
  requestType?: unknown;
  type?: unknown;
  deployment?: unknown;
  product?: unknown;
  sen?: unknown;
  siteUrl?: unknown;
  summary?: unknown;
  impact?: unknown;
  production?: unknown;
  notProduction?: unknown;
  details?: unknown;
  detailsFile?: unknown;
  productVersion?: unknown;
  participant?: unknown;
  onBehalfOf?: unknown;
  phone?: unknown;
  grantAccess?: unknown;
  attach?: unknown;
  field?: unknown;
  from?: unknown;
  yes?: unknown;
  dryRun?: unknown;
  resume?: unknown;
  bundle?: unknown;
  bundleProduct?: unknown;
  shareWith?: unknown;
  suggest?: unknown;
}

/** One flag of `support create`: commander's flags string, its help, and how it is given. */
interface FlagSpec {
  flags: string;
  help: MessageKey;
  /** Each use adds a value (`--attach a --attach b`). */
  repeatable?: true;
  /** Accepted in a `--from` file, under the flag's name without dashes and these other names. */
  from?: readonly string[];
}

/** The flags, in the order `--help` lists them (the bundle's own flags follow). */
const FLAGS: readonly FlagSpec[] = [
  { flags: '--service-desk <id|name>', help: 'create.opt.serviceDesk', from: [] },
  { flags: '--request-type <id|name>', help: 'create.opt.requestType', from: [] },
  { flags: '--type <technical|billing|account>', help: 'create.opt.type', from: [] },
  { flags: '--deployment <server|cloud>', help: 'create.opt.deployment', from: [] },
  { flags: '--product <name>', help: 'create.opt.product', from: [] },
  { flags: '--sen <number>', help: 'create.opt.sen', from: [] },
  { flags: '--site-url <url>', help: 'create.opt.siteUrl', from: [] },
  { flags: '--summary <text>', help: 'create.opt.summary', from: [] },
  { flags: '--impact <1-4>', help: 'create.opt.impact', from: [] },
  { flags: '--production', help: 'create.opt.production', from: [] },
  { flags: '--not-production', help: 'create.opt.notProduction', from: [] },
  { flags: '--details <text>', help: 'create.opt.details', from: [] },
  { flags: '--details-file <file|->', help: 'create.opt.detailsFile', from: [] },
  { flags: '--product-version <version>', help: 'create.opt.productVersion', from: [] },
  { flags: '--participant <email|account-id>', help: 'create.opt.participant', repeatable: true, from: ['participants'] },
  { flags: '--on-behalf-of <email|account-id>', help: 'create.opt.onBehalfOf', from: [] },
  { flags: '--phone <number>', help: 'create.opt.phone', from: [] },
  { flags: '--grant-access', help: 'create.opt.grantAccess', from: [] },
  { flags: '--attach <file>', help: 'create.opt.attach', repeatable: true, from: [] },
  { flags: '--field <id=value>', help: 'create.opt.field', repeatable: true, from: ['fields'] },
  { flags: '--from <file>', help: 'create.opt.from' },
  { flags: '-y, --yes', help: 'create.opt.yes' },
  { flags: '--dry-run', help: 'create.opt.dryRun' },
  { flags: '--resume [id]', help: 'create.opt.resume' },
  { flags: '--bundle', help: 'bundle.opt.bundle' },
  { flags: '--bundle-product <name>', help: 'create.opt.bundleProduct' },
  { flags: '--share-with <org>', help: 'kb.create.opt.shareWith', from: [] },
  { flags: '--no-suggest', help: 'kb.create.opt.noSuggest' },
];

/** Keys a `--from` file may use, each to the option it sets. */
const FROM_KEYS: ReadonlyMap<string, keyof RawCreateOptions> = new Map(
  FLAGS.flatMap((f) => {
    if (!f.from) return [];
    const o = new Option(f.flags);
    return [o.name(), ...f.from].map((k) => [k, o.attributeName() as keyof RawCreateOptions] as const);
  }),
);

/** commander's accumulator for a flag that may be given several times. */
function repeatable(v: string, prev: string[] = []): string[] {
  return [...prev, v];
}

/** Reads the `--from` file: JSON or YAML whose keys are flag names without the dashes. */
async function readFrom(file: string, ctx: Ctx): Promise<RawCreateOptions> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const t = ctx.t;
  let text: string;
  try {
    text = await fs.readFile(path.resolve(ctx.cwd, file), 'utf8');
  } catch (e) {
    throw new UsageError(t('create.err.fromRead', file, (e as Error).message));
  }
  let doc: unknown;
  try {
    const YAML = await import('yaml');
    doc = YAML.parse(text);
  } catch (e) {
    throw new UsageError(t('create.err.fromParse', file, (e as Error).message.split('\n')[0] ?? ''));
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new UsageError(t('create.err.fromShape', file));
  const out: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    const key = FROM_KEYS.get(k);
    if (!key) unknown.push(k);
    else if (key === 'field' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      out.field = Object.entries(v as Record<string, unknown>).map(([id, val]) => `${id}=${Array.isArray(val) ? val.join(',') : String(val)}`);
    } else out[key] = v;
  }
  if (unknown.length) throw new UsageError(t('create.err.fromKeys', file, unknown.join(', ')), { hint: t('create.hint.fromKeys') });
  return out as RawCreateOptions;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || v === false) return undefined;
  if (Array.isArray(v)) return v.map(String).join(', ');
  return String(v);
}

function list(v: unknown): string[] {
  if (v === undefined || v === null || v === false) return [];
  return Array.isArray(v) ? v.map(String) : [String(v)];
}

function bool(v: unknown): boolean {
  return v === true || (typeof v === 'string' && /^(true|yes|1|on)$/i.test(v));
}

/**
 * Merges `--from` under the flags and checks every value that can be checked without the portal
 * (formats of SEN, site URL, impact, e-mails, phone; the shortcuts' values). Every problem is
 * reported at once (exit 2), each with an example of a valid value.
 */
export async function parseCreateOptions(flags: RawCreateOptions, ctx: Ctx): Promise<CreateOptions> {
  const t = ctx.t;
  const raw = await withFromFile(flags, ctx);
  const problems: string[] = [];
  const opts = checkValues(raw, t, problems);
  const details = await readDetails(raw, ctx, problems);
  if (details !== undefined) opts.details = details;
  systemLimits(opts, t, problems);
  if (problems.length) throw new UsageError(problems.join('\n'), { hint: t('err.seeHelp', 'support create') });
  const bundle = bundleFlags(flags, t);
  if (bundle) opts.bundle = bundle;
  return opts;
}

/** The flags over the `--from` file; a flag replaces its file counterpart and the file's alternative to it (--details-file over details). */
async function withFromFile(flags: RawCreateOptions, ctx: Ctx): Promise<RawCreateOptions> {
  const fromFile = typeof flags.from === 'string' ? await readFrom(flags.from, ctx) : {};
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  const base: Record<string, unknown> = { ...fromFile };
  for (const pair of [['details', 'detailsFile'], ['production', 'notProduction'], ['requestType', 'type']] as const) {
    if (pair.some((k) => k in given)) for (const k of pair) delete base[k];
  }
  return { ...base, ...given };
}

/** `--deployment`'s spellings: where the customer's product runs. */
const DEPLOYMENTS: ReadonlyMap<string, NonNullable<CreateOptions['deployment']>> = new Map([
  ['server', 'server'],
  ['dc', 'server'],
  ['datacenter', 'server'],
  ['data-center', 'server'],
  ['cloud', 'cloud'],
]);

/** Every value but the details checked and normalised; what is wrong goes to `problems`. */
function checkValues(raw: RawCreateOptions, t: T, problems: string[]): CreateOptions {
  const s = (k: keyof RawCreateOptions) => str(raw[k])?.trim() || undefined;
  /** `parse(value)`, or a problem (`message(value)`) when it gives nothing. */
  const valid = <V>(value: string | undefined, parse: (v: string) => V | undefined, message: (v: string) => string): V | undefined => {
    if (value === undefined) return undefined;
    const v = parse(value);
    if (v === undefined) problems.push(message(value));
    return v;
  };
  const opts: CreateOptions = {
    serviceDesk: s('serviceDesk'),
    requestType: s('requestType'),
    type: valid(s('type')?.toLowerCase(), (v) => (v === 'technical' || v === 'billing' || v === 'account' ? v : undefined), (v) => t('create.err.type', v)),
    deployment: valid(s('deployment')?.toLowerCase(), (v) => DEPLOYMENTS.get(v), (v) => t('create.err.deployment', v)),
    product: s('product'),
    sen: valid(s('sen'), normalizeSen, (v) => t('form.err.sen', v)),
    siteUrl: valid(s('siteUrl'), normalizeSiteUrl, (v) => t('form.err.siteUrl', v)),
    summary: s('summary'),
    impact: valid(s('impact'), impactLevel, (v) => t('form.err.impact', v)),
    production: productionOf(raw, t, problems),
    productVersion: s('productVersion'),
    participants: [],
    grantAccess: bool(raw.grantAccess),
    attach: list(raw.attach),
    fields: [],
    yes: bool(raw.yes),
    dryRun: bool(raw.dryRun),
    resume: raw.resume !== undefined && raw.resume !== false,
    ...(typeof raw.resume === 'string' && raw.resume.trim() !== '' ? { resumeId: raw.resume.trim() } : {}),
    ...(s('shareWith')?.trim() ? { shareWith: s('shareWith')!.trim() } : {}),
    ...(raw.suggest === false ? { suggest: false } : {}),
  };
  if (opts.impact !== undefined && opts.impact <= 2 && opts.production === false) problems.push(t('form.err.levelNotProduction', opts.impact));
  opts.phone = valid(s('phone'), normalizePhone, (v) => t('form.err.phone', v));
  // An e-mail is looked up on the portal later; anything without `@` is an accountId or username.
  for (const p of splitList(list(raw.participant))) {
    const e = valid(p, normalizePerson, (v) => t('form.err.email', v));
    if (e) opts.participants.push(e);
  }
  opts.onBehalfOf = valid(s('onBehalfOf'), normalizePerson, (v) => t('form.err.email', v));
  for (const f of list(raw.field)) {
    const i = f.indexOf('=');
    if (i <= 0) problems.push(t('create.err.fieldSyntax', f));
    else opts.fields.push([f.slice(0, i).trim(), f.slice(i + 1)]);
  }
  return opts;
}

/** The limits of Jira's own fields, known before any portal answers: a summary is one line of 255 characters at most, details 32,767. */
function systemLimits(opts: CreateOptions, t: T, problems: string[]): void {
  const check = (flag: string, v: string | undefined, max: number, oneLine: boolean) => {
    const p = v === undefined ? undefined : limitProblem(v, max, oneLine);
    if (p) problems.push(limitMessage(flag, p, t));
  };
  check('--summary', opts.summary, JIRA_LIMITS.summary, true);
  check('--details', opts.details, JIRA_LIMITS.textArea, false);
}

/** A level written as `2`, `L2`, `level 2`... (the form's own parser also takes words, which a flag does not). */
function impactLevel(v: string): CreateOptions['impact'] {
  const level = parseImpactLevel(v);
  return level && /^(l|level|lvl)?\s*[-_ ]?\s*[1-4]$/i.test(v) ? level : undefined;
}

/** true for --production, false for --not-production, undefined for neither; both is a problem. */
function productionOf(raw: RawCreateOptions, t: T, problems: string[]): boolean | undefined {
  const prod = bool(raw.production);
  const notProd = bool(raw.notProduction);
  if (prod && notProd) problems.push(t('create.err.productionBoth'));
  else if (prod) return true;
  else if (notProd) return false;
  return undefined;
}

/** --details, or the text of --details-file (`-`: stdin); never both, never empty. */
async function readDetails(raw: RawCreateOptions, ctx: Ctx, problems: string[]): Promise<string | undefined> {
  const t = ctx.t;
  const details = str(raw.details);
  const detailsFile = str(raw.detailsFile)?.trim() || undefined;
  if (details !== undefined && detailsFile !== undefined) problems.push(t('create.err.detailsBoth'));
  else if (details !== undefined) {
    if (details.trim() !== '') return details;
    problems.push(t('form.details.empty'));
  } else if (detailsFile !== undefined) {
    try {
      let text: string;
      if (detailsFile === '-') text = await readStdin(ctx, '--details-file -', 'text');
      else {
        const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
        text = await fs.readFile(path.resolve(ctx.cwd, detailsFile), 'utf8');
      }
      if (text.trim() !== '') return text.replace(/\s+$/, '');
      problems.push(t('create.err.detailsFileEmpty', detailsFile));
    } catch (e) {
      problems.push(e instanceof UsageError ? e.message : t('create.err.detailsFile', detailsFile, (e as Error).message));
    }
  }
  return undefined;
}

/** With --bundle, the checked bundle options; without it, a bundle flag is a mistake. From the command line only: a --from file describes the request, not this machine. */
function bundleFlags(flags: RawCreateOptions, t: T): BundleOptions | undefined {
  const bv: BundleFlagValues = {
    home: flags.home,
    install: flags.install,
    path: flags.path,
    since: flags.since,
    maxFileSize: flags.maxFileSize,
    maxTotal: flags.maxTotal,
    output: flags.output,
    obfuscate: flags.obfuscate,
    redact: flags.redact,
    level: flags.level,
    ...pickFleetFlags(flags as FleetFlagValues),
  };
  const bundleProduct = str(flags.bundleProduct)?.trim() || undefined;
  if (bool(flags.bundle)) return bundleOptionsFrom({ ...bv, product: bundleProduct }, t);
  const stray = [...strayBundleFlags(bv, ['product']), ...(bundleProduct !== undefined ? ['--bundle-product'] : [])];
  if (stray.length) throw new UsageError(t('follow.bundle.err.needsBundle', stray.join(', ')), { hint: t('err.seeHelp', 'support create') });
  return undefined;
}

/** Files the request; see `../create/run.ts` (loaded only when the command runs). */
export async function runCreate(opts: CreateOptions, ctx: Ctx): Promise<void> {
  const { runCreateRequest } = await import('../create/run.js');
  await runCreateRequest(opts, ctx);
}

function help(t: T): string {
  return (
    examples(t, [
      'support create --portal sandbox',
      'support create --type technical --deployment server --product Jira --impact 3 \\',
      '    --summary "PDF export drops Japanese text" --details-file notes.md --attach support.zip',
      'support create --from request.yaml --yes --json',
      'support create --resume',
      'support create --type billing --summary "Invoice address" --details "..." --participant ann@example.com \\',
      '    --participant 5b10ac8d82e05b22cc7d4ef5',
      'support create --type billing --summary "Invoice address" --details "..." --dry-run',
      'support create --type technical --deployment server --product Jira --impact 3 --summary "Slow boards" \\',
      '    --details-file notes.md --bundle --since 3d --max-file-size 50MB',
    ]) + `\n${t('create.help.notes')}\n${t('create.help.bundle')}\n`
  );
}

export function register(r: Registrar): void {
  const { program, t } = r;
  const cmd = program.command('create').description(t('create.description'));
  for (const f of FLAGS) {
    const o = new Option(f.flags, t(f.help));
    cmd.addOption(f.repeatable ? o.argParser(repeatable) : o);
  }
  // create's --product is the portal's product field; the bundle's is --bundle-product.
  for (const o of addBundleFlags(new Command(), t).options) if (o.long !== '--product') cmd.addOption(o);
  cmd
    .addHelpText('after', help(t))
    .action(async (flags: RawCreateOptions, cmd: Command) => {
      const ctx = r.ctx(cmd);
      await runCreate(await parseCreateOptions(flags, ctx), ctx);
    });
}
