/**
 * A bundle of several machines: the nodes' zips (ATST or SSH) land in a private folder beside the
 * output, this host's own collection joins them with `--local`, and all of it becomes ONE redacted
 * bundle (`nodes/<id>/…`, `local/…`, one manifest). Ctrl-C cancels the nodes' work and leaves no
 * partial file; it fails (exit 1) only when no node gave anything.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BundleOptions, BundleResult, MergedManifest, Plan } from '../../bundle/index.js';
import { CancelledError, CliError } from '../../lib/errors.js';
import { bundleEnvOf } from '../bundle-flags.js';
import type { Ctx } from '../context.js';
import type { FleetOptions } from './flags.js';

/** A merged bundle and its nodes. */
export type FleetResult = BundleResult & { manifest: MergedManifest };

/** Where the merged zip goes: `--output`, or `support-bundle-<route>-<UTC time>.zip` here. */
export function fleetOutput(o: BundleOptions, f: FleetOptions, ctx: Ctx): string {
  if (o.output) return path.resolve(ctx.cwd, o.output);
  const stamp = new Date(ctx.clock.now()).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return path.join(ctx.cwd, `support-bundle-${f.route === 'app' ? 'cluster' : 'hosts'}-${stamp}.zip`);
}

/** Collects from every node and merges. Throws CancelledError on Ctrl-C, CliError (1) when no node gave a zip. */
export async function makeFleetBundle(o: BundleOptions, f: FleetOptions, ctx: Ctx): Promise<FleetResult> {
  const output = fleetOutput(o, f, ctx);
  if (fs.existsSync(output) && fs.statSync(output).isDirectory()) throw new CliError(ctx.t('bundle.err.outputIsDir', output));
  fs.mkdirSync(path.dirname(output), { recursive: true });
  // The nodes' zips, unredacted until merged: a private folder, removed whatever happens.
  const dir = fs.mkdtempSync(path.join(path.dirname(output), `.${path.basename(output)}.download-`));
  fs.chmodSync(dir, 0o700);
  try {
    let local: Plan | undefined;
    if (f.local) {
      const { planBundle } = await import('../../bundle/index.js');
      local = planBundle({ ...o, output }, bundleEnvOf(ctx));
    }
    const got = f.route === 'app' ? await (await import('./app.js')).collectFromApp(f, o, ctx, dir) : await (await import('./ssh.js')).collectOverSsh(f, o, ctx, dir);
    const ok = got.nodes.filter((n) => n.zip !== undefined);
    if (ok.length === 0) throw new CliError(ctx.t('cluster.err.noneSucceeded', got.nodes.length), { hint: ctx.t('cluster.err.noneSucceededHint') });
    const [{ mergeBundles }, { createByteProgress }] = await Promise.all([import('../../bundle/index.js'), import('../../ui/progress.js')]);
    ctx.io.err(ctx.t('cluster.merge', ok.length, got.nodes.length));
    const bar = createByteProgress({ io: ctx.io, t: ctx.t, now: () => ctx.clock.now() });
    try {
      return await mergeBundles(
        { nodes: got.nodes, collection: got.collection, local, output },
        o,
        { ...bundleEnvOf(ctx), onProgress: (p) => bar.update(p.bytesIn, p.bytesTotal, ctx.t('bundle.progress', p.filesDone, p.filesTotal)) },
      );
    } finally {
      bar.done();
    }
  } catch (err) {
    if (ctx.signal.aborted) throw new CancelledError({ reason: 'bundle', cause: err });
    throw err;
  } finally {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}

/** The lines that say which nodes are in the bundle and why the others are not. */
export function fleetSummaryLines(r: FleetResult, ctx: Ctx): string[] {
  const nodes = r.manifest.nodes;
  const ok = nodes.filter((n) => n.entries > 0);
  const lines = [ctx.t('cluster.summary', ok.length, nodes.length, ok.map((n) => n.id).join(', '))];
  for (const n of nodes) if (n.entries === 0) lines.push(`  ${n.id}: ${String(n.state ?? '')}${n.why ? ` (${String(n.why)})` : ''}`);
  return lines;
}
