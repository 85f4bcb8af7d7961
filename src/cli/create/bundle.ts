import fs from 'node:fs';
import path from 'node:path';
import type { BundleOptions } from '../../bundle/index.js';
import type { FormIO, FormMeta, FormState } from '../../form/engine.js';
import { display } from '../../form/fields.js';
import type { RequestTypeDTO } from '../../portal/types.js';
import { BUNDLE_PRODUCTS, bundleOptionsFrom, planFromFlags } from '../bundle-flags.js';
import type { CreateOptions } from './options.js';
import type { Ctx } from '../context.js';
import { bundleProductOf, discoverProducts } from '../shared/bundle-send.js';
import { TYPE_PATTERNS } from './resolve.js';

/**
 * The guided form's offer of a support bundle at the attachments question, or undefined where
 * none is offered: `--bundle` already answered it; a Cloud form (site URL, consent) has no server
 * logs to collect; a billing or account request needs none.
 */
export function bundleOffer(type: RequestTypeDTO, meta: FormMeta, opts: CreateOptions, ctx: Ctx): FormIO['bundle'] {
  if (opts.bundle || !offersBundle(type, meta)) return undefined;
  return {
    discover: () => discoverProducts(ctx),
    products: BUNDLE_PRODUCTS,
    checkHome: (dir) => {
      try {
        if (dir !== '' && fs.statSync(path.resolve(ctx.cwd, dir)).isDirectory()) return true;
      } catch {
        // Missing or unreadable: the same answer as "not a folder".
      }
      return ctx.t('create.bundle.homeBad', dir || '""');
    },
  };
}

function offersBundle(type: RequestTypeDTO, meta: FormMeta): boolean {
  if (meta.fields.some((f) => f.role === 'siteUrl' || f.role === 'consent')) return false;
  const name = type.name ?? '';
  return !TYPE_PATTERNS.billing.test(name) && !TYPE_PATTERNS.account.test(name);
}

/**
 * The bundle to build, if any: from --bundle, or from the form's "yes". Without an explicit product
 * it follows the request's product field when that names a product found here (or --home points at
 * it), so a Confluence request does not carry this node's Jira logs.
 */
export async function bundleOptionsFor(opts: CreateOptions, meta: FormMeta, state: FormState, ctx: Ctx): Promise<BundleOptions | undefined> {
  let o = opts.bundle;
  if (!o && state.bundle) o = bundleOptionsFrom({ product: state.bundle.product, home: state.bundle.home }, ctx.t);
  if (!o || o.product !== undefined) return o;
  const f = meta.fields.find((x) => x.role === 'product');
  const p = bundleProductOf(f ? display(f, state.values[f.id]) : opts.product);
  if (p && (o.home !== undefined || (await discoverProducts(ctx)).includes(p))) return { ...o, product: p };
  return o;
}

/** A dry run builds nothing: it says what the bundle would hold (and fails as a real run would on nothing to collect). */
export async function bundleDryRun(o: BundleOptions, ctx: Ctx): Promise<void> {
  const [{ estimateZipSize }, { formatBytes }] = await Promise.all([
    import('../../bundle/index.js'),
    import('../../lib/units.js'),
  ]);
  const plan = await planFromFlags(o, ctx);
  ctx.io.err(ctx.t('create.bundle.dryRun', plan.files.length, formatBytes(estimateZipSize(plan.files, o))));
}
