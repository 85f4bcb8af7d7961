/**
 * `support sandbox --app-nodes N [--app-fail IDS] [--app-slow IDS] [--app-absent IDS]
 * [--app-stuck IDS] [--app-lb POLICY] [--app-websudo] [--app-mesh N [--app-mesh-offline IDS]]`:
 * beside the portal, an ATST-compatible product API for a simulated cluster of N nodes on its own
 * port (the product's base URL for `support bundle --app`), with its admin token printed for
 * `SUPPORT_APP_TOKEN`.
 */
import type { BalancerOptions, MeshOptions } from '../../sandbox/atst/index.js';
import { UsageError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import type { SandboxAppJson } from '../json-types.js';

/** The raw `--app-*` flags of `support sandbox`. */
export interface SandboxAppFlags {
  appNodes?: string;
  appFail?: string;
  appSlow?: string;
  appAbsent?: string;
  appStuck?: string;
  appLb?: string;
  appWebsudo?: boolean;
  appMesh?: string;
  appMeshOffline?: string;
}

/** Checked `--app-*` flags. */
export interface SandboxAppOptions {
  nodes: number;
  fail: string[];
  slow: string[];
  absent: string[];
  stuck: string[];
  balancer?: BalancerOptions;
  websudo: boolean;
  mesh?: MeshOptions;
}

const ids = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);
const count = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v) : NaN);

/** `round-robin`, `random`, `random:SEED` or `connection` (layer 4: round-robin per connection). */
function balancerOf(v: string, ctx: Ctx): BalancerOptions {
  const m = /^(round-robin|random|connection)(?::(\d{1,9}))?$/.exec(v.trim());
  if (!m || (m[2] !== undefined && m[1] !== 'random')) throw new UsageError(ctx.t('cluster.sandbox.badLb', v));
  if (m[1] === 'connection') return { policy: 'round-robin', per: 'connection' };
  return { policy: m[1] as 'round-robin' | 'random', ...(m[2] !== undefined ? { seed: Number(m[2]) } : {}) };
}

/** The checked flags, or undefined without `--app-nodes`. */
export function sandboxAppOptions(raw: SandboxAppFlags, ctx: Ctx): SandboxAppOptions | undefined {
  if (raw.appNodes === undefined) {
    const given = [raw.appFail, raw.appSlow, raw.appAbsent, raw.appStuck, raw.appLb, raw.appWebsudo, raw.appMesh, raw.appMeshOffline];
    if (given.some((v) => v !== undefined)) throw new UsageError(ctx.t('cluster.sandbox.needsNodes'));
    return undefined;
  }
  const n = count(raw.appNodes);
  if (!(n >= 1 && n <= 16)) throw new UsageError(ctx.t('cluster.sandbox.badNodes', raw.appNodes));
  const o: SandboxAppOptions = { nodes: n, fail: ids(raw.appFail), slow: ids(raw.appSlow), absent: ids(raw.appAbsent), stuck: ids(raw.appStuck), websudo: raw.appWebsudo === true };
  const known = Array.from({ length: n }, (_, i) => `node${i + 1}`);
  const unknown = [...o.fail, ...o.slow, ...o.absent, ...o.stuck].filter((x) => !known.includes(x));
  if (unknown.length) throw new UsageError(ctx.t('cluster.err.unknownNodes', unknown.join(', '), known.join(', ')));
  if (raw.appLb !== undefined) o.balancer = balancerOf(raw.appLb, ctx);
  if (raw.appMesh !== undefined) {
    const m = count(raw.appMesh);
    if (!(m >= 1 && m <= 16)) throw new UsageError(ctx.t('cluster.sandbox.badMesh', raw.appMesh));
    const meshIds = Array.from({ length: m }, (_, i) => String(i + 1));
    const offline = ids(raw.appMeshOffline);
    const bad = offline.filter((x) => !meshIds.includes(x));
    if (bad.length) throw new UsageError(ctx.t('cluster.err.unknownNodes', bad.join(', '), meshIds.join(', ')));
    o.mesh = { count: m, offline };
  } else if (raw.appMeshOffline !== undefined) throw new UsageError(ctx.t('cluster.sandbox.badMesh', ''));
  return o;
}

/** Starts the simulated cluster's ATST API and prints where it is; returns its close(). */
export async function startSandboxApp(o: SandboxAppOptions, dataDir: string, ctx: Ctx): Promise<{ url: string; token: string; close: () => Promise<void> }> {
  const { startAtstSandbox } = await import('../../sandbox/atst/index.js');
  const h = await startAtstSandbox({
    nodes: o.nodes,
    failNodes: o.fail,
    slowNodes: o.slow,
    absentNodes: o.absent,
    stuckNodes: o.stuck,
    websudo: o.websudo,
    ...(o.balancer ? { balancer: o.balancer } : {}),
    ...(o.mesh ? { mesh: o.mesh } : {}),
    dataDir,
  });
  if (ctx.globals.json) ctx.output.jsonLine({ appUrl: h.url, appToken: h.token, appUser: h.user, appPassword: h.password, appNodes: h.nodeIds } satisfies SandboxAppJson);
  else if (ctx.io.stdoutIsTTY) ctx.io.out(ctx.t('cluster.sandbox.out', h.url, h.token, h.nodeIds.join(', ')));
  else {
    ctx.io.out(`app-url\t${h.url}`);
    ctx.io.out(`app-token\t${h.token}`);
  }
  return { url: h.url, token: h.token, close: h.close };
}
