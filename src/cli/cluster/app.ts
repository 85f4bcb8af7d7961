/**
 * `support bundle --app URL --cluster`: the nodes' support zips through the product's own ATST
 * API, with the product admin credential (`SUPPORT_APP_TOKEN`, or `SUPPORT_APP_USER` and
 * `SUPPORT_APP_PASSWORD`, or what `support login --app URL` saved), per-node progress on stderr.
 */
import type { NodeOutcome } from '../../atst/outcome.js';
import type { AtstZipRequest } from '../../atst/types.js';
import type { AppCredential } from '../../config/app-credentials.js';
import type { BundleOptions, MergeNode } from '../../bundle/index.js';
import { AuthError, CliError, UsageError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import { networkOptions, parsePortalUrl, requireSecureTransport } from '../session.js';
import type { FleetOptions } from './flags.js';
import { progressPrinter } from './progress.js';

/** The product credential for `url`: the environment first, then the saved one. */
export async function appCredential(ctx: Ctx, url: string) {
  const { appCredentialFromEnv, AppCredentialStore } = await import('../../config/app-credentials.js');
  const fromEnv = appCredentialFromEnv(ctx.env);
  if (fromEnv === 'incomplete') throw new UsageError(ctx.t('cluster.err.envIncomplete'));
  if (fromEnv) return fromEnv;
  const saved = await new AppCredentialStore(ctx.paths.configDir, ctx.env).get(url);
  if (saved) return saved.credential;
  throw new AuthError(ctx.t('cluster.err.noCredential', url), { hint: ctx.t('cluster.err.noCredentialHint', url) });
}

/** ATST's file size limit (MB: 25, 100, 500, or -1 for none) that keeps at least `--max-file-size`. */
export function atstSizeLimit(maxFileSize: number): number {
  const mb = maxFileSize / (1024 * 1024);
  for (const v of [25, 100, 500]) if (mb <= v) return v;
  return -1;
}

/** ATST's age limit (days: 0, 3, 5, 10, or -1 for off) that keeps at least `--since`; undefined: no filter asked. */
export function atstAgeLimit(sinceMs: number | undefined): number | undefined {
  if (sinceMs === undefined) return undefined;
  const days = sinceMs / 86_400_000;
  for (const v of [0, 3, 5, 10]) if (days <= v) return v;
  return -1;
}

/** Builds an ATST client for the URL with the context's network settings and the credential (by default the environment's or the saved one). */
export async function atstClientFor(ctx: Ctx, appUrl: string, given?: AppCredential) {
  const url = parsePortalUrl(ctx, appUrl);
  requireSecureTransport(ctx, url, given === undefined);
  const credential = given ?? (await appCredential(ctx, url));
  const [{ AtstClient }, { authorizationOf, secretsOf }] = await Promise.all([import('../../atst/client.js'), import('../../config/app-credentials.js')]);
  const client = new AtstClient({
    ...networkOptions(ctx),
    baseUrl: url,
    authorization: authorizationOf(credential),
    userAgent: `support/${ctx.version} (support zips)`,
    clock: ctx.clock,
    signal: ctx.signal,
    debug: ctx.globals.debug ? (line) => ctx.io.err(`debug: ${line}`) : undefined,
  });
  return { client, url, credential, secrets: secretsOf(credential) };
}

/** An ATST refusal in the user's words: sign in, a system admin, a secure admin session, no ATST. */
export function atstErrorText(ctx: Ctx, url: string, err: { kind: string; status: number; text: string }): CliError {
  const { t } = ctx;
  const host = new URL(url).host;
  if (err.kind === 'auth') return new AuthError(t('cluster.err.auth', host), { hint: t('cluster.err.noCredentialHint', url) });
  if (err.kind === 'websudo') return new AuthError(t('cluster.err.websudo', host), { hint: t('cluster.err.websudoHint') });
  if (err.kind === 'permission') return new AuthError(t('cluster.err.permission', host, err.text || String(err.status)));
  if (err.kind === 'missing') return new CliError(t('cluster.err.noAtst', host), { hint: t('cluster.err.noAtstHint') });
  return new CliError(t('cluster.err.refused', host, err.status, err.text));
}

/** Why a node gave no zip, in the user's words. */
function missingLine(ctx: Ctx, n: NodeOutcome): string {
  const { t } = ctx;
  if (n.state === 'never-started') return t('cluster.node.missing', n.nodeId, t(n.taskId ? 'cluster.why.stuck' : 'cluster.why.noTask'), '');
  if (n.state === 'not-downloadable' && n.attempts !== undefined) return t('cluster.node.elsewhere', n.nodeId, n.attempts, n.message ?? '');
  return t('cluster.node.missing', n.nodeId, t(`cluster.why.${n.state}`), n.message ?? '');
}

/** Collects the nodes' zips into `dir`; every node that gave none is recorded with the reason. */
export async function collectFromApp(f: Extract<FleetOptions, { route: 'app' }>, o: BundleOptions, ctx: Ctx, dir: string): Promise<{ nodes: MergeNode[]; collection: Record<string, unknown> }> {
  const { t, io } = ctx;
  const appUrl = f.appUrl ?? ctx.env.SUPPORT_APP_URL?.trim();
  if (!appUrl) throw new UsageError(t('cluster.err.noApp'), { hint: t('cluster.err.noAppHint') });
  const { client, url } = await atstClientFor(ctx, appUrl);
  const [{ collectZips, UnknownNodesError }, { AtstError }] = await Promise.all([import('../../atst/collect.js'), import('../../atst/client.js')]);
  const age = atstAgeLimit(o.sinceMs);
  const request: AtstZipRequest = { fileConstraintSize: atstSizeLimit(o.maxFileSize), ...(age !== undefined ? { fileConstraintLastModified: age } : {}) };
  const show = progressPrinter(ctx);
  io.err(t('cluster.app.start', new URL(url).host));
  try {
    const r = await collectZips({
      client,
      nodes: f.nodes,
      cluster: f.cluster,
      request,
      dir,
      clock: ctx.clock,
      signal: ctx.signal,
      timeoutMs: f.timeoutMs,
      pollMs: Number(ctx.env.SUPPORT_ATST_POLL_MS) > 0 ? Number(ctx.env.SUPPORT_ATST_POLL_MS) : undefined,
      mesh: true,
      onProgress: (p) => show(p.nodeId, p.percent, t(`cluster.state.${p.state}`), p.bytes, p.message),
      onNotClustered: () => io.err(t('cluster.app.notClustered')),
    });
    const nodes: MergeNode[] = r.nodes.map((n) => ({
      id: n.nodeId,
      zip: n.zip,
      record: {
        taskId: n.taskId ?? null,
        state: n.state,
        atstStatus: n.status ?? null,
        ...(n.state !== 'ok' && n.message ? { why: n.message } : {}),
        ...(n.fileName ? { fileName: n.fileName } : {}),
        warnings: n.warnings,
        truncatedFiles: n.truncatedFiles,
        ageExcludedFiles: n.ageExcludedFiles,
        ...(n.reason ? { reason: n.reason } : {}),
        ...(n.attempts !== undefined ? { attempts: n.attempts } : {}),
        ...(n.mesh ? { mesh: n.mesh } : {}),
      },
    }));
    for (const n of r.nodes) if (n.state !== 'ok') io.err(missingLine(ctx, n));
    return { nodes, collection: { route: 'atst', url, clustered: r.clustered, clusterTaskId: r.clusterTaskId ?? null, request } };
  } catch (err) {
    if (err instanceof UnknownNodesError) throw new UsageError(t('cluster.err.unknownNodes', err.unknown.join(', '), err.known.join(', ')));
    if (err instanceof AtstError) throw atstErrorText(ctx, url, err);
    throw err;
  } finally {
    await client.close();
  }
}
