/**
 * The flags of a bundle from several machines: `--app URL --cluster [--nodes …]` (ATST on a Data
 * Center product), `--ssh HOST[,HOST…]` (hosts reached with the system's OpenSSH client), `--local`,
 * `--ssh-copy`, `--parallel N`, `--node-timeout D`. Kept light: checked at parse time, the
 * collection code is loaded only when it runs.
 */
import type { Command } from 'commander';
import type { T } from '../../i18n/index.js';
import { UsageError } from '../../lib/errors.js';
import { parseDuration } from '../../lib/units.js';

/** The raw values commander gives. */
export interface FleetFlagValues {
  app?: string;
  cluster?: boolean;
  nodes?: string;
  local?: boolean;
  ssh?: string;
  sshCopy?: boolean;
  parallel?: string;
  nodeTimeout?: string;
}

/** A checked fleet: where the nodes' zips come from, and whether this host's own collection joins them. */
export type FleetOptions = {
  /** `--local`: this host's own collection too (under `local/`). */
  local: boolean;
  /** Per node (SSH) or whole run (ATST) time limit. */
  timeoutMs: number;
} & (
  /** `appUrl` undefined: `SUPPORT_APP_URL`, read when the bundle is made. */
  | { route: 'app'; appUrl: string | undefined; cluster: boolean; nodes: string[] | undefined }
  | { route: 'ssh'; hosts: string[]; copy: boolean; parallel: number }
);

/** The option keys and flags of a fleet (for "given without --bundle" checks). */
export const FLEET_FLAGS: [keyof FleetFlagValues, string][] = [
  ['app', '--app'],
  ['cluster', '--cluster'],
  ['nodes', '--nodes'],
  ['local', '--local'],
  ['ssh', '--ssh'],
  ['sshCopy', '--ssh-copy'],
  ['parallel', '--parallel'],
  ['nodeTimeout', '--node-timeout'],
];

/** Default `--node-timeout`: 30 minutes. */
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

/** Adds the fleet flags to a command. */
export function addFleetFlags(cmd: Command, t: T): Command {
  return cmd
    .option('--app <url>', t('cluster.opt.app'))
    .option('--cluster', t('cluster.opt.cluster'))
    .option('--nodes <ids>', t('cluster.opt.nodes'))
    .option('--local', t('cluster.opt.local'))
    .option('--ssh <hosts>', t('cluster.opt.ssh'))
    .option('--ssh-copy', t('cluster.opt.sshCopy'))
    .option('--parallel <n>', t('cluster.opt.parallel'))
    .option('--node-timeout <duration>', t('cluster.opt.nodeTimeout'));
}

/** Just the fleet flags of a wider set of options. */
export function pickFleetFlags(v: FleetFlagValues): FleetFlagValues {
  return Object.fromEntries(FLEET_FLAGS.map(([k]) => [k, v[k]]).filter(([, x]) => x !== undefined)) as FleetFlagValues;
}

const list = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/**
 * The fleet the flags ask for, or undefined for an ordinary bundle of this host (`--local` alone
 * is that too). `--cluster` without `--app` takes `SUPPORT_APP_URL` when the bundle is made.
 * Every contradiction is a UsageError.
 */
export function fleetOptionsFrom(v: FleetFlagValues, t: T): FleetOptions | undefined {
  const appUrl = v.app?.trim() || undefined;
  const hosts = v.ssh === undefined ? undefined : list(v.ssh);
  if (appUrl === undefined && !v.cluster && hosts === undefined) {
    const stray = FLEET_FLAGS.filter(([k]) => v[k] !== undefined && k !== 'local').map(([, f]) => f);
    if (stray.length) throw new UsageError(t('cluster.err.needsRoute', stray.join(', ')));
    return undefined;
  }
  if ((appUrl !== undefined || v.cluster) && hosts !== undefined) throw new UsageError(t('cluster.err.bothRoutes'));
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  if (v.nodeTimeout !== undefined) {
    const ms = parseDuration(v.nodeTimeout);
    if (ms === undefined || ms <= 0) throw new UsageError(t('bundle.err.duration', '--node-timeout', v.nodeTimeout), { hint: t('bundle.err.durationHint') });
    timeoutMs = ms;
  }
  if (hosts !== undefined) {
    if (hosts.length === 0) throw new UsageError(t('cluster.err.noHosts'));
    const bad = hosts.filter((h) => h.startsWith('-') || /\s/.test(h));
    if (bad.length) throw new UsageError(t('cluster.err.badHost', bad.join(', ')));
    if (v.cluster || v.nodes !== undefined) throw new UsageError(t('cluster.err.appOnly', v.cluster ? '--cluster' : '--nodes'));
    let parallel = 4;
    if (v.parallel !== undefined) {
      if (!/^\d+$/.test(v.parallel.trim()) || Number(v.parallel) < 1 || Number(v.parallel) > 64) throw new UsageError(t('cluster.err.parallel', v.parallel));
      parallel = Number(v.parallel);
    }
    if (new Set(hosts).size !== hosts.length) throw new UsageError(t('cluster.err.duplicateHost'));
    return { route: 'ssh', hosts, copy: v.sshCopy === true, parallel, local: v.local === true, timeoutMs };
  }
  if (v.sshCopy || v.parallel !== undefined) throw new UsageError(t('cluster.err.sshOnly', v.sshCopy ? '--ssh-copy' : '--parallel'));
  const nodes = v.nodes === undefined ? undefined : list(v.nodes);
  if (nodes !== undefined && nodes.length === 0) throw new UsageError(t('cluster.err.noNodes'));
  if (nodes !== undefined && !v.cluster) throw new UsageError(t('cluster.err.nodesNeedCluster'));
  return { route: 'app', appUrl, cluster: v.cluster === true, nodes, local: v.local === true, timeoutMs };
}
