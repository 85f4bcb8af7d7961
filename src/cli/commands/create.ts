import { Command } from 'commander';
import type { BundleOptions } from '../../bundle/build.js';
import type { T } from '../../i18n/index.js';
import { UsageError } from '../../lib/errors.js';
import {
  normalizePerson,
  normalizePhone,
  normalizeSen,
  normalizeSiteUrl,
  parseImpactLevel,
  splitList,
} from '../../form/validators.js';
import { addBundleFlags, bundleOptionsFrom, type BundleFlagValues } from '../bundle-flags.js';
import type { Ctx } from '../context.js';
import { strayBundleFlags } from '../shared/bundle-send.js';
import { examples, type Registrar } from '../command.js';
import { readText } from '../../lib/iter.js';

/** The options of `support create`, after `--from` is merged in and each value is checked. */
export interface CreateOptions {
  serviceDesk?: string;
  requestType?: string;
  type?: 'technical' | 'billing' | 'account';
  deployment?: 'server' | 'cloud';
  product?: string;
  /** Normalised (`SEN-…`). */
  sen?: string;
  /** Normalised https root. */
  siteUrl?: string;
  summary?: string;
  impact?: 1 | 2 | 3 | 4;
  /** true: --production; false: --not-production. */
  production?: boolean;
  /** From --details or --details-file. */
  details?: string;
  productVersion?: string;
  participants: string[];
  onBehalfOf?: string;
  phone?: string;
  grantAccess: boolean;
  attach: string[];
  /** `--field ID=VALUE` pairs, in order. */
  fields: [string, string][];
  yes: boolean;
  dryRun: boolean;
  resume: boolean;
  /**
   * With `--bundle`: the checked bundle options. `product` is `--bundle-product`; without it, run.ts
   * takes the request's product (`--product` or the form's answer) when it names one found here.
   */
  bundle?: BundleOptions;
}

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
}

/** Keys a `--from` file may use: the flag names without dashes. */
const FROM_KEYS: Record<string, keyof RawCreateOptions> = {
  'service-desk': 'serviceDesk',
  'request-type': 'requestType',
  type: 'type',
  deployment: 'deployment',
  product: 'product',
  sen: 'sen',
  'site-url': 'siteUrl',
  summary: 'summary',
  impact: 'impact',
  production: 'production',
  'not-production': 'notProduction',
  details: 'details',
  'details-file': 'detailsFile',
  'product-version': 'productVersion',
  participant: 'participant',
  participants: 'participant',
  'on-behalf-of': 'onBehalfOf',
  phone: 'phone',
  'grant-access': 'grantAccess',
  attach: 'attach',
  field: 'field',
  fields: 'field',
};

function collect(v: string, prev: string[] = []): string[] {
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
    const key = FROM_KEYS[k];
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
  const fromFile = typeof flags.from === 'string' ? await readFrom(flags.from, ctx) : {};
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  // A flag replaces its file counterpart and the file's alternative to it (--details-file over details).
  const base: Record<string, unknown> = { ...fromFile };
  for (const pair of [['details', 'detailsFile'], ['production', 'notProduction'], ['requestType', 'type']] as const) {
    if (pair.some((k) => k in given)) for (const k of pair) delete base[k];
  }
  const raw: RawCreateOptions = { ...base, ...given };
  const problems: string[] = [];
  const opts: CreateOptions = {
    participants: [],
    grantAccess: bool(raw.grantAccess),
    attach: list(raw.attach),
    fields: [],
    yes: bool(raw.yes),
    dryRun: bool(raw.dryRun),
    resume: bool(raw.resume),
  };
  const s = (k: keyof RawCreateOptions) => str(raw[k])?.trim() || undefined;
  opts.serviceDesk = s('serviceDesk');
  opts.requestType = s('requestType');
  opts.product = s('product');
  opts.summary = s('summary');
  opts.productVersion = s('productVersion');

  const type = s('type')?.toLowerCase();
  if (type !== undefined) {
    if (type === 'technical' || type === 'billing' || type === 'account') opts.type = type;
    else problems.push(t('create.err.type', type));
  }
  const dep = s('deployment')?.toLowerCase();
  if (dep !== undefined) {
    if (dep === 'server' || dep === 'dc' || dep === 'datacenter' || dep === 'data-center') opts.deployment = 'server';
    else if (dep === 'cloud') opts.deployment = 'cloud';
    else problems.push(t('create.err.deployment', dep));
  }
  const sen = s('sen');
  if (sen !== undefined) {
    const v = normalizeSen(sen);
    if (v) opts.sen = v;
    else problems.push(t('form.err.sen', sen));
  }
  const site = s('siteUrl');
  if (site !== undefined) {
    const v = normalizeSiteUrl(site);
    if (v) opts.siteUrl = v;
    else problems.push(t('form.err.siteUrl', site));
  }
  const impact = s('impact');
  if (impact !== undefined) {
    const v = parseImpactLevel(impact);
    if (v && /^(l|level|lvl)?\s*[-_ ]?\s*[1-4]$/i.test(impact)) opts.impact = v;
    else problems.push(t('form.err.impact', impact));
  }
  const prod = bool(raw.production);
  const notProd = bool(raw.notProduction);
  if (prod && notProd) problems.push(t('create.err.productionBoth'));
  else if (prod) opts.production = true;
  else if (notProd) opts.production = false;
  if (opts.impact !== undefined && opts.impact <= 2 && opts.production === false) {
    problems.push(t('form.err.levelNotProduction', opts.impact));
  }
  const phone = s('phone');
  if (phone !== undefined) {
    const v = normalizePhone(phone);
    if (v) opts.phone = v;
    else problems.push(t('form.err.phone', phone));
  }
  // An e-mail is looked up on the portal later; anything without `@` is an accountId or username.
  for (const p of splitList(list(raw.participant))) {
    const e = normalizePerson(p);
    if (e) opts.participants.push(e);
    else problems.push(t('form.err.email', p));
  }
  const obo = s('onBehalfOf');
  if (obo !== undefined) {
    const e = normalizePerson(obo);
    if (e) opts.onBehalfOf = e;
    else problems.push(t('form.err.email', obo));
  }
  for (const f of list(raw.field)) {
    const i = f.indexOf('=');
    if (i <= 0) problems.push(t('create.err.fieldSyntax', f));
    else opts.fields.push([f.slice(0, i).trim(), f.slice(i + 1)]);
  }
  const details = str(raw.details);
  const detailsFile = s('detailsFile');
  if (details !== undefined && detailsFile !== undefined) problems.push(t('create.err.detailsBoth'));
  else if (details !== undefined) {
    if (details.trim() === '') problems.push(t('form.details.empty'));
    else opts.details = details;
  } else if (detailsFile !== undefined) {
    try {
      let text: string;
      if (detailsFile === '-') text = await readText(ctx.io.stdin);
      else {
        const [fs, path] = await Promise.all([import('node:fs/promises'), import('node:path')]);
        text = await fs.readFile(path.resolve(ctx.cwd, detailsFile), 'utf8');
      }
      if (text.trim() === '') problems.push(t('create.err.detailsFileEmpty', detailsFile));
      else opts.details = text.replace(/\s+$/, '');
    } catch (e) {
      problems.push(t('create.err.detailsFile', detailsFile, (e as Error).message));
    }
  }
  if (problems.length) throw new UsageError(problems.join('\n'), { hint: t('err.seeHelp', 'support create') });
  // Bundle flags come from the command line only: a --from file describes the request, not this machine.
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
  };
  const bundleProduct = str(flags.bundleProduct)?.trim() || undefined;
  if (bool(flags.bundle)) {
    opts.bundle = bundleOptionsFrom({ ...bv, product: bundleProduct }, t);
  } else {
    const stray = [...strayBundleFlags(bv, ['product']), ...(bundleProduct !== undefined ? ['--bundle-product'] : [])];
    if (stray.length) throw new UsageError(t('follow.bundle.err.needsBundle', stray.join(', ')), { hint: t('err.seeHelp', 'support create') });
  }
  return opts;
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
  const cmd = program
    .command('create')
    .description(t('create.description'))
    .option('--service-desk <id|name>', t('create.opt.serviceDesk'))
    .option('--request-type <id|name>', t('create.opt.requestType'))
    .option('--type <technical|billing|account>', t('create.opt.type'))
    .option('--deployment <server|cloud>', t('create.opt.deployment'))
    .option('--product <name>', t('create.opt.product'))
    .option('--sen <number>', t('create.opt.sen'))
    .option('--site-url <url>', t('create.opt.siteUrl'))
    .option('--summary <text>', t('create.opt.summary'))
    .option('--impact <1-4>', t('create.opt.impact'))
    .option('--production', t('create.opt.production'))
    .option('--not-production', t('create.opt.notProduction'))
    .option('--details <text>', t('create.opt.details'))
    .option('--details-file <file|->', t('create.opt.detailsFile'))
    .option('--product-version <version>', t('create.opt.productVersion'))
    .option('--participant <email|account-id>', t('create.opt.participant'), collect)
    .option('--on-behalf-of <email|account-id>', t('create.opt.onBehalfOf'))
    .option('--phone <number>', t('create.opt.phone'))
    .option('--grant-access', t('create.opt.grantAccess'))
    .option('--attach <file>', t('create.opt.attach'), collect)
    .option('--field <id=value>', t('create.opt.field'), collect)
    .option('--from <file>', t('create.opt.from'))
    .option('-y, --yes', t('create.opt.yes'))
    .option('--dry-run', t('create.opt.dryRun'))
    .option('--resume', t('create.opt.resume'))
    .option('--bundle', t('bundle.opt.bundle'))
    .option('--bundle-product <name>', t('create.opt.bundleProduct'));
  // create's --product is the portal's product field; the bundle's is --bundle-product.
  for (const o of addBundleFlags(new Command(), t).options) if (o.long !== '--product') cmd.addOption(o);
  cmd
    .addHelpText('after', help(t))
    .action(async (flags: RawCreateOptions, cmd: Command) => {
      const ctx = r.ctx(cmd);
      await runCreate(await parseCreateOptions(flags, ctx), ctx);
    });
}
