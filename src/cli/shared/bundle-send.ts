/**
 * Sending a support bundle with `create --bundle` and `attach KEY --bundle`: the portal's attachment
 * settings are read first (a portal refusing attachments fails before minutes of zipping), then the
 * bundle is built and checked against the upload limit, so nothing is sent when it is too large.
 * The zip is kept on disk in every case: it is the user's copy, and the retry command names it.
 */
import { errWrapped } from '../../ui/io.js';
import type { BundleResult, Product } from '../../bundle/index.js';
import { CliError, UsageError } from '../../lib/errors.js';
import type { PortalApi } from '../../portal/api.js';
import type { CheckedFile } from '../../portal/attach-files.js';
import type { BundleFlagValues, CliBundleOptions } from '../bundle-flags.js';
import { FLEET_FLAGS } from '../cluster/flags.js';
import type { Ctx } from '../context.js';
import type { BundleSummaryJson } from '../json-types.js';

/** The bundle flags and the option keys commander gives them. */
const BUNDLE_FLAGS: [keyof BundleFlagValues, string][] = [
  ['product', '--product'],
  ['home', '--home'],
  ['install', '--install'],
  ['path', '--path'],
  ['since', '--since'],
  ['maxFileSize', '--max-file-size'],
  ['maxTotal', '--max-total'],
  ['output', '--output'],
  ['obfuscate', '--obfuscate'],
  ['redact', '--no-redact'],
  ['level', '--level'],
  ...FLEET_FLAGS,
];

/**
 * The bundle flags given without `--bundle` (they would silently do nothing). `skip` leaves out the
 * keys the command uses for itself (`create --product`).
 */
export function strayBundleFlags(v: BundleFlagValues, skip: readonly (keyof BundleFlagValues)[] = []): string[] {
  return BUNDLE_FLAGS.filter(([k]) => {
    if (skip.includes(k)) return false;
    const x = v[k];
    if (k === 'redact') return x === false;
    if (x === false) return false;
    return x !== undefined && !(Array.isArray(x) && x.length === 0);
  }).map(([, flag]) => flag);
}

/** Throws the usage error for bundle flags given without `--bundle`, naming each one. */
export function refuseStrayBundleFlags(v: BundleFlagValues, ctx: Ctx, skip: readonly (keyof BundleFlagValues)[] = []): void {
  const stray = strayBundleFlags(v, skip);
  if (stray.length) throw new UsageError(ctx.t('follow.bundle.err.needsBundle', stray.join(', ')));
}

/**
 * The bundle product a portal's product name stands for ("Jira Software Data Center" -> jira,
 * "Jira Service Management" -> jsm), or undefined when it names none (Trello, a Cloud-only app).
 */
export function bundleProductOf(name: string | undefined): Product | undefined {
  if (!name) return undefined;
  const n = name.toLowerCase();
  if (/service\s*(management|desk)|\bjsm\b/.test(n)) return 'jsm';
  for (const p of ['jira', 'confluence', 'bitbucket', 'bamboo', 'crowd'] as const) if (n.includes(p)) return p;
  return undefined;
}

/** The products whose home folder discovery finds on this machine (the guided form's offer). */
export async function discoverProducts(ctx: Ctx): Promise<Product[]> {
  const [{ findProduct, PRODUCTS }, { bundleEnvOf }] = await Promise.all([import('../../bundle/index.js'), import('../bundle-flags.js')]);
  const be = bundleEnvOf(ctx);
  const homes = new Set<string>();
  // jsm shares Jira's layout: one home is one product, named once.
  return PRODUCTS.filter((p) => {
    const home = findProduct(p, { home: undefined, install: undefined, env: be.env, root: be.root, cwd: be.cwd }).home;
    if (home === undefined || homes.has(home)) return false;
    homes.add(home);
    return true;
  });
}

/** A bundle built, checked and ready to upload. */
export interface SendableBundle {
  result: BundleResult;
  /** The zip as a file `attachFiles` takes. */
  file: CheckedFile;
}

/**
 * Lists what will be collected, reads the portal's attachment settings, builds the bundle (progress, 130 on Ctrl-C, 1 on a full
 * disk) and checks it against the upload limit. Throws before anything is sent when the portal takes
 * no attachments or the zip is over its limit (the error names the flags that would fit).
 */
export async function prepareBundle(o: CliBundleOptions, api: PortalApi, ctx: Ctx): Promise<SendableBundle> {
  const { t } = ctx;
  const [{ makeBundle, checkUploadLimit, planFromFlags, summaryLines }, path] = await Promise.all([import('../bundle-flags.js'), import('node:path')]);
  if (o.fleet) {
    // The nodes' zips merged into one bundle (`--app … --cluster`, `--ssh …`): the portal is asked first here too.
    const meta = await api.attachmentMeta();
    if (meta.enabled === false) throw new CliError(t('follow.bundle.err.disabled'));
    const { makeFleetBundle, fleetSummaryLines } = await import('../cluster/run.js');
    const result = await makeFleetBundle(o, o.fleet, ctx);
    for (const line of [...(await summaryLines(result, o, t)), ...fleetSummaryLines(result, ctx)]) errWrapped(ctx.io, line);
    ctx.io.err(t('follow.bundle.written', result.output));
    await checkUploadLimit(result, meta.uploadLimit, ctx);
    return { result, file: { path: result.output, name: path.basename(result.output), size: result.zipSize } };
  }
  // Local and cheap: "nothing to collect" is a usage error and needs no portal.
  const plan = await planFromFlags(o, ctx);
  const meta = await api.attachmentMeta();
  if (meta.enabled === false) throw new CliError(t('follow.bundle.err.disabled'));
  const result = await makeBundle(o, ctx, plan);
  for (const line of await summaryLines(result, o, t)) errWrapped(ctx.io, line);
  ctx.io.err(t('follow.bundle.written', result.output));
  await checkUploadLimit(result, meta.uploadLimit, ctx);
  return { result, file: { path: result.output, name: path.basename(result.output), size: result.zipSize } };
}

/** The `bundle` member of `create --json` and `attach --json`. */
export function bundleJson(r: BundleResult): BundleSummaryJson {
  const m = r.manifest;
  return {
    output: r.output,
    zipBytes: r.zipSize,
    files: m.totals.files,
    collectedBytes: m.totals.bytes,
    truncated: m.totals.truncated,
    redactions: m.totals.redactions,
    mappingFile: r.mappingFile ?? null,
  };
}
