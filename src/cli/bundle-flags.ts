import type { Command } from 'commander';
import type { BundleEnv, BundleOptions, BundleResult, LimitCheck, ObfuscateKind, Plan, Product } from '../bundle/index.js';
import type { T } from '../i18n/index.js';
import { CancelledError, CliError, UsageError } from '../lib/errors.js';
import { formatBytes, parseDuration, parseSize } from '../lib/units.js';
import { addFleetFlags, fleetOptionsFrom, type FleetFlagValues, type FleetOptions } from './cluster/flags.js';
import type { Ctx } from './context.js';
import type { BundleJson } from './json-types.js';

/**
 * The bundle flags for `support bundle`, `create --bundle` and `attach --bundle`:
 * `addBundleFlags` declares them, `bundleOptionsFrom` checks them, `makeBundle` builds the zip
 * with progress and translated errors, and `checkUploadLimit` refuses a zip over the portal's limit.
 * Kept light at module level: flags are checked at parse time, and the bundle layer is imported
 * only when a bundle is planned or built.
 */

/** The raw values commander gives for the bundle flags (the fleet's among them). */
export interface BundleFlagValues extends FleetFlagValues {
  product?: string;
  home?: string;
  install?: string;
  path?: string[];
  since?: string;
  maxFileSize?: string;
  maxTotal?: string;
  output?: string;
  obfuscate?: string;
  /** False with --no-redact. */
  redact?: boolean;
  followLinks?: boolean;
  level?: string;
}

/** Defaults of the bundle flags. */
export const BUNDLE_DEFAULTS = {
  maxFileSize: 100 * 1024 * 1024,
  maxTotal: 2 * 1024 * 1024 * 1024,
  level: 6,
} as const;

// The values `--product` and `--obfuscate` take, checked at parse time without loading the bundle
// layer; `satisfies` keeps each list equal to the bundle layer's type.
/** The products a bundle can collect, without loading the bundle layer (the `--help` path stays light). */
export const BUNDLE_PRODUCTS = Object.keys({ jira: 1, jsm: 1, confluence: 1, bitbucket: 1, bamboo: 1, crowd: 1 } satisfies Record<Product, 1>) as readonly Product[];
const KINDS: readonly string[] = Object.keys({ hosts: 1, ips: 1, emails: 1 } satisfies Record<ObfuscateKind, 1>);

/** Bundle options with the nodes or hosts to collect from (`--app … --cluster`, `--ssh …`), when asked. */
export type CliBundleOptions = BundleOptions & { fleet?: FleetOptions };

/** Adds the bundle flags to a command. */
export function addBundleFlags(cmd: Command, t: T): Command {
  return addFleetFlags(cmd, t)
    .option('--product <name>', t('bundle.opt.product'))
    .option('--home <dir>', t('bundle.opt.home'))
    .option('--install <dir>', t('bundle.opt.install'))
    .option('--path <glob>', t('bundle.opt.path'), (v: string, prev: string[] = []) => [...prev, v])
    .option('--since <duration>', t('bundle.opt.since'))
    .option('--max-file-size <size>', t('bundle.opt.maxFileSize'))
    .option('--max-total <size>', t('bundle.opt.maxTotal'))
    .option('--output <file>', t('bundle.opt.output'))
    .option('--obfuscate <kinds>', t('bundle.opt.obfuscate'))
    .option('--no-redact', t('bundle.opt.noRedact'))
    .option('--follow-links', t('bundle.opt.followLinks'))
    .option('--level <0-9>', t('bundle.opt.level'));
}

/** Checks the flag values and turns them into bundle options; every problem is a UsageError. */
export function bundleOptionsFrom(v: BundleFlagValues, t: T): CliBundleOptions {
  const fleet = fleetOptionsFrom(v, t);
  if (v.product !== undefined && !(BUNDLE_PRODUCTS as readonly string[]).includes(v.product.toLowerCase())) {
    throw new UsageError(t('bundle.err.product', v.product), { hint: t('bundle.err.productHint') });
  }
  let sinceMs: number | undefined;
  if (v.since !== undefined) {
    sinceMs = parseDuration(v.since);
    if (sinceMs === undefined || sinceMs <= 0) throw new UsageError(t('bundle.err.duration', '--since', v.since), { hint: t('bundle.err.durationHint') });
  }
  const size = (flag: string, text: string | undefined, dflt: number): number => {
    if (text === undefined) return dflt;
    const n = parseSize(text);
    if (n === undefined || n <= 0) throw new UsageError(t('bundle.err.size', flag, text), { hint: t('bundle.err.sizeHint') });
    return n;
  };
  let level: number = BUNDLE_DEFAULTS.level;
  if (v.level !== undefined) {
    if (!/^\d$/.test(v.level.trim())) throw new UsageError(t('bundle.err.level', v.level));
    level = Number(v.level.trim());
  }
  let obfuscate: ObfuscateKind[] = [];
  if (v.obfuscate !== undefined) {
    const kinds = v.obfuscate.split(',').map((k) => k.trim().toLowerCase()).filter((k) => k !== '');
    if (kinds.length === 0 || kinds.some((k) => !KINDS.includes(k))) {
      throw new UsageError(t('bundle.err.obfuscate', v.obfuscate), { hint: t('bundle.err.obfuscateHint') });
    }
    obfuscate = [...new Set(kinds)] as ObfuscateKind[];
  }
  return {
    product: v.product?.toLowerCase() as Product | undefined,
    home: v.home,
    install: v.install,
    paths: v.path ?? [],
    sinceMs,
    maxFileSize: size('--max-file-size', v.maxFileSize, BUNDLE_DEFAULTS.maxFileSize),
    maxTotal: size('--max-total', v.maxTotal, BUNDLE_DEFAULTS.maxTotal),
    output: v.output,
    obfuscate,
    redact: v.redact !== false,
    followLinks: v.followLinks === true,
    level,
    ...(fleet ? { fleet } : {}),
  };
}

/**
 * The bundle's view of the outside world. `SUPPORT_BUNDLE_ROOT` moves discovery's `/` (tests);
 * `SUPPORT_BUNDLE_THREADS` sets the worker threads (`0`: build in process, as the tests of the
 * TypeScript sources must; default one per core, at most 4).
 */
export function bundleEnvOf(ctx: Ctx): BundleEnv {
  const threads = Number(ctx.env.SUPPORT_BUNDLE_THREADS ?? NaN);
  return {
    threads: threads === 0 ? 'in-process' : Number.isInteger(threads) && threads > 0 ? threads : 'auto',
    env: ctx.env,
    cwd: ctx.cwd,
    root: ctx.env.SUPPORT_BUNDLE_ROOT || '/',
    now: () => ctx.clock.now(),
    version: ctx.version,
    configDir: ctx.paths.configDir,
    signal: ctx.signal,
  };
}

/** Lists what would be collected; a UsageError when there is nothing at all. */
export async function planFromFlags(o: BundleOptions, ctx: Ctx): Promise<Plan & { output: string }> {
  const { planBundle } = await import('../bundle/index.js');
  const fs = await import('node:fs');
  const plan = planBundle(o, bundleEnvOf(ctx));
  if (fs.existsSync(plan.output) && fs.statSync(plan.output).isDirectory()) {
    throw new UsageError(ctx.t('bundle.err.outputIsDir', plan.output));
  }
  if (plan.products.length === 0 && o.paths.length === 0) {
    throw new UsageError(ctx.t('bundle.err.nothing'), { hint: ctx.t('bundle.err.nothingHint') });
  }
  return plan;
}

/**
 * Builds the bundle with progress on a TTY, turning Ctrl-C into CancelledError (130) and a full
 * disk into a CliError (1); the partial zip is gone in both cases.
 */
export async function makeBundle(o: BundleOptions, ctx: Ctx, plan?: Plan & { output: string }): Promise<BundleResult> {
  const thePlan = plan ?? (await planFromFlags(o, ctx));
  const [{ buildBundle }, { createByteProgress }] = await Promise.all([import('../bundle/index.js'), import('../ui/progress.js')]);
  const bar = createByteProgress({ io: ctx.io, t: ctx.t, now: () => ctx.clock.now() });
  const path = await import('node:path');
  try {
    const result = await buildBundle(
      o,
      { ...bundleEnvOf(ctx), onProgress: (p) => bar.update(p.bytesIn, p.bytesTotal, ctx.t('bundle.progress', p.filesDone, p.filesTotal)) },
      thePlan,
    );
    if (ctx.globals.debug) ctx.io.err(ctx.t('dist.debug.threads', result.workerThreads));
    return result;
  } catch (err) {
    if (ctx.signal.aborted) throw new CancelledError({ reason: 'bundle', cause: err });
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT') {
      throw new CliError(ctx.t('bundle.err.diskFull', path.dirname(thePlan.output)), { hint: ctx.t('bundle.err.diskFullHint'), cause: err });
    }
    if (typeof code === 'string') throw new CliError(ctx.t('bundle.err.write', thePlan.output, (err as Error).message), { cause: err });
    throw err;
  } finally {
    bar.done();
  }
}

/**
 * Checks a built bundle against the portal's attachment limit (`PortalApi.attachmentMeta()`'s
 * `uploadLimit`). Over the limit it throws a CliError naming the flags that would bring it under;
 * the caller must then upload nothing.
 */
export async function checkUploadLimit(result: BundleResult, uploadLimit: number | undefined, ctx: Ctx): Promise<LimitCheck> {
  const { checkBundleSize } = await import('../bundle/index.js');
  const check = checkBundleSize(result.zipSize, uploadLimit, result.manifest, ctx.clock.now());
  if (!check.ok) {
    const flags = check.suggestions.map((s) => `${s.flag} ${s.value}`).join(', ');
    throw new CliError(ctx.t('bundle.err.overLimit', formatBytes(check.zipSize), formatBytes(check.limit ?? 0)), {
      hint: ctx.t('bundle.err.overLimitHint', flags),
    });
  }
  return check;
}

/** `support bundle --json` of a finished bundle. */
export function bundleJsonOf(result: BundleResult): BundleJson {
  const m = result.manifest;
  return {
    output: result.output,
    zipBytes: result.zipSize,
    mappingFile: result.mappingFile ?? null,
    files: m.totals.files,
    collectedBytes: m.totals.bytes,
    truncated: m.totals.truncated,
    redactions: m.totals.redactions,
    skipped: m.skipped,
  };
}

/** The summary lines a finished bundle prints on stderr. */
export async function summaryLines(r: BundleResult, o: BundleOptions, t: T): Promise<string[]> {
  const { isOwnTempFile } = await import('../bundle/index.js');
  const m = r.manifest;
  const lines = [t('bundle.summary', m.totals.files, formatBytes(m.totals.bytes), formatBytes(r.zipSize))];
  if (m.totals.truncated) lines.push(t('bundle.summary.truncated', m.totals.truncated));
  if (!o.redact) lines.push(t('bundle.summary.redactOff'));
  else {
    const red = Object.entries(m.totals.redactions).sort((a, b) => b[1] - a[1]);
    lines.push(red.length ? t('bundle.summary.redactions', red.map(([k, n]) => `${k} ${n}`).join(', ')) : t('bundle.summary.noRedactions'));
  }
  const skipped = m.skipped.filter((s) => !isOwnTempFile(s));
  if (skipped.length) {
    lines.push(t('bundle.summary.skipped', skipped.length));
    for (const s of skipped.slice(0, 10)) lines.push(`  ${s.reason}: ${s.source}`);
    if (skipped.length > 10) lines.push('  …');
  }
  if (r.mappingFile) lines.push(t('bundle.summary.mapping', r.mappingFile));
  return lines;
}
