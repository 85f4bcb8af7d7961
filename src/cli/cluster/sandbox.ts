/**
 * `support sandbox --app-nodes N [--app-fail IDS] [--app-slow IDS]`: beside the portal, an
 * ATST-compatible product API for a simulated cluster of N nodes on its own port (the product's
 * base URL for `support bundle --app`), with its admin token printed for `SUPPORT_APP_TOKEN`.
 */
import { UsageError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import type { SandboxAppJson } from '../json-types.js';

/** The raw `--app-*` flags of `support sandbox`. */
export interface SandboxAppFlags {
  appNodes?: string;
  appFail?: string;
  appSlow?: string;
}

/** Checked `--app-*` flags. */
export interface SandboxAppOptions {
  nodes: number;
  fail: string[];
  slow: string[];
}

const ids = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

/** The checked flags, or undefined without `--app-nodes`. */
export function sandboxAppOptions(raw: SandboxAppFlags, ctx: Ctx): SandboxAppOptions | undefined {
  if (raw.appNodes === undefined) {
    if (raw.appFail !== undefined || raw.appSlow !== undefined) throw new UsageError(ctx.t('cluster.sandbox.needsNodes'));
    return undefined;
  }
  const n = /^\d+$/.test(raw.appNodes.trim()) ? Number(raw.appNodes) : NaN;
  if (!(n >= 1 && n <= 16)) throw new UsageError(ctx.t('cluster.sandbox.badNodes', raw.appNodes));
  const o = { nodes: n, fail: ids(raw.appFail), slow: ids(raw.appSlow) };
  const known = Array.from({ length: n }, (_, i) => `node${i + 1}`);
  const unknown = [...o.fail, ...o.slow].filter((x) => !known.includes(x));
  if (unknown.length) throw new UsageError(ctx.t('cluster.err.unknownNodes', unknown.join(', '), known.join(', ')));
  return o;
}

/** Starts the simulated cluster's ATST API and prints where it is; returns its close(). */
export async function startSandboxApp(o: SandboxAppOptions, dataDir: string, ctx: Ctx): Promise<{ url: string; token: string; close: () => Promise<void> }> {
  const { startAtstSandbox } = await import('../../sandbox/atst/index.js');
  const h = await startAtstSandbox({ nodes: o.nodes, failNodes: o.fail, slowNodes: o.slow, dataDir });
  if (ctx.globals.json) ctx.output.jsonLine({ appUrl: h.url, appToken: h.token, appUser: h.user, appPassword: h.password, appNodes: h.nodeIds } satisfies SandboxAppJson);
  else if (ctx.io.stdoutIsTTY) ctx.io.out(ctx.t('cluster.sandbox.out', h.url, h.token, h.nodeIds.join(', ')));
  else {
    ctx.io.out(`app-url\t${h.url}`);
    ctx.io.out(`app-token\t${h.token}`);
  }
  return { url: h.url, token: h.token, close: h.close };
}
