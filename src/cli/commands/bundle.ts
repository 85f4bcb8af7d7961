import { errWrapped } from '../../ui/io.js';
import type { Command } from 'commander';
import { formatBytes } from '../../lib/units.js';
import { addBundleFlags, bundleJsonOf, bundleOptionsFrom, makeBundle, planFromFlags, summaryLines, type BundleFlagValues } from '../bundle-flags.js';
import type { Ctx } from '../context.js';
import type { BundleDryRunJson, BundleJson } from '../json-types.js';
import { examples, type Registrar } from '../command.js';
import { bundleToStdout, runFleetBundle } from '../cluster/command.js';

export interface BundleCommandOptions extends BundleFlagValues {
  dryRun?: boolean;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  const cmd = program.command('bundle').description(t('bundle.description'));
  addBundleFlags(cmd, t)
    .option('--dry-run', t('bundle.opt.dryRun'))
    .addHelpText(
      'after',
      examples(t, [
        'support bundle --product jira --since 5d',
        'support bundle --home /var/atlassian/application-data/jira --install /opt/atlassian/jira',
        'support bundle --path "/srv/app/logs/*.log" --max-file-size 50MB --output app.zip',
        'support bundle --product confluence --obfuscate hosts,ips,emails --dry-run',
        'SUPPORT_APP_TOKEN=… support bundle --app https://jira.example.com --cluster --since 3d',
        'support bundle --app https://jira.example.com --cluster --nodes node1,node3 --local',
        'support bundle --ssh jira1.example.com,jira2.example.com --product jira --parallel 2',
      ]) + t('bundle.help.after') + t('cluster.help.after'),
    )
    .action(async (_opts: BundleCommandOptions, c: Command) => {
      await runBundle(c.opts<BundleCommandOptions>(), r.ctx(c));
    });
}

/** `support bundle`: builds the zip (or lists what it would hold with --dry-run). */
export async function runBundle(opts: BundleCommandOptions, ctx: Ctx): Promise<void> {
  const o = bundleOptionsFrom(opts, ctx.t);
  if (o.output === '-') return bundleToStdout(opts, ctx);
  if (o.fleet) return runFleetBundle(opts, o, ctx);
  const plan = await planFromFlags(o, ctx);
  const { t, io } = ctx;
  if (opts.dryRun) {
    const { estimateZipSize } = await import('../../bundle/index.js');
    const estimate = estimateZipSize(plan.files, o);
    const collected = plan.files.reduce((s, f) => s + Math.min(f.size, o.maxFileSize), 0);
    if (ctx.globals.json) {
      ctx.output.json({
        dryRun: true,
        output: plan.output,
        products: plan.products,
        files: plan.files.map((f) => ({
          entry: f.entry,
          source: f.source,
          size: f.size,
          kept: Math.min(f.size, o.maxFileSize),
          truncated: f.size > o.maxFileSize,
          kind: f.kind,
          mtime: new Date(f.mtimeMs).toISOString(),
        })),
        skipped: plan.skipped,
        collectedBytes: collected,
        estimatedZipBytes: estimate,
      } satisfies BundleDryRunJson);
      return;
    }
    for (const p of plan.products) io.err(t('bundle.found', p.product, [p.home, p.install].filter(Boolean).join(', ')));
    io.err(t('bundle.dry.title', plan.files.length));
    const width = Math.max(0, ...plan.files.map((f) => f.entry.length));
    for (const f of plan.files) {
      const kept = Math.min(f.size, o.maxFileSize);
      io.out(`${f.entry.padEnd(width)}  ${formatBytes(kept).padStart(9)}${kept < f.size ? ` (${formatBytes(f.size)})` : ''}`);
    }
    if (plan.skipped.length) {
      io.err(t('bundle.dry.skipped', plan.skipped.length));
      for (const s of plan.skipped) io.err(`  ${s.reason}: ${s.source}`);
    }
    io.err(t('bundle.dry.estimate', formatBytes(estimate), formatBytes(collected), plan.output));
    return;
  }
  const result = await makeBundle(o, ctx, plan);
  if (ctx.globals.json) {
    ctx.output.json(bundleJsonOf(result) satisfies BundleJson);
    return;
  }
  io.out(result.output);
  for (const line of await summaryLines(result, o, t)) errWrapped(io, line);
}
