/**
 * `support bundle` with a fleet (`--app … --cluster`, `--ssh …`) and `--output -` (the zip on
 * stdout, which is how `--ssh` gets each host's bundle): the parts of the bundle command that
 * come with them.
 */
import { errWrapped } from '../../ui/io.js';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { bundleJsonOf, bundleOptionsFrom, makeBundle, summaryLines, type BundleFlagValues, type CliBundleOptions } from '../bundle-flags.js';
import type { Ctx } from '../context.js';
import type { BundleJson } from '../json-types.js';
import { fleetSummaryLines, makeFleetBundle } from './run.js';

/** `support bundle --app … --cluster` or `--ssh …`: collects, merges, prints the zip's path (or its JSON). */
export async function runFleetBundle(opts: BundleFlagValues & { dryRun?: boolean }, o: CliBundleOptions, ctx: Ctx): Promise<void> {
  const { t, io } = ctx;
  if (opts.dryRun) throw new UsageError(t('cluster.err.dryRun'));
  const result = await makeFleetBundle(o, o.fleet!, ctx);
  const m = result.manifest;
  if (ctx.globals.json) {
    ctx.output.json({
      ...bundleJsonOf(result),
      nodes: m.nodes.map((n) => ({ id: n.id, state: String(n.state ?? ''), entries: n.entries, ...(typeof n.taskId === 'string' ? { taskId: n.taskId } : {}), ...(n.why ? { why: String(n.why) } : {}) })),
    } satisfies BundleJson);
    return;
  }
  io.out(result.output);
  for (const line of [...(await summaryLines(result, o, t)), ...fleetSummaryLines(result, ctx)]) errWrapped(io, line);
}

/**
 * `support bundle --output -`: the zip goes to stdout (never a terminal) and nowhere else; it is
 * built in a private temp folder that is removed afterwards, so `--obfuscate` (whose mapping
 * would be lost with it) is refused.
 */
export async function bundleToStdout(opts: BundleFlagValues & { dryRun?: boolean }, ctx: Ctx): Promise<void> {
  const { t, io } = ctx;
  if (io.stdoutIsTTY) throw new UsageError(t('cluster.err.stdoutTty'));
  if (ctx.globals.json || opts.dryRun) throw new UsageError(t('cluster.err.stdoutJson'));
  if (opts.obfuscate !== undefined) throw new UsageError(t('cluster.err.stdoutObfuscate'));
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'support-bundle-'));
  try {
    const o = bundleOptionsFrom({ ...opts, output: path.join(tmp, 'bundle.zip') }, t);
    const result = o.fleet ? await makeFleetBundle(o, o.fleet, ctx) : await makeBundle(o, ctx);
    for (const line of await summaryLines(result, o, t)) errWrapped(io, line);
    for await (const chunk of fs.createReadStream(result.output)) {
      if (!io.stdout.write(chunk)) await once(io.stdout, 'drain');
    }
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}
