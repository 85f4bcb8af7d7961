/**
 * Bitbucket's mesh nodes (the remote git tier, outside ATST): listed with `GET
 * /rest/api/latest/admin/git/mesh/nodes`, each node's support zip streamed from
 * `…/mesh/support-zips/{id}` (built while the answer streams: no task, no polling). Each mesh node
 * becomes a node of its own (`mesh-<id>`); one that cannot give its zip is recorded with the
 * server's reason and the others are kept; a list that fails is recorded as node `mesh`. A
 * product without mesh answers the list with 404.
 */
import path from 'node:path';
import { PortalError } from '../portal/errors.js';
import { AtstError, type AtstClient } from './client.js';
import { describe, outcome, safeName, transient, type NodeOutcome, type NodeProgress } from './outcome.js';

/** The mesh nodes' zips in `dir`; [] when the product has no mesh nodes. */
export async function collectMesh(client: AtstClient, dir: string, signal: AbortSignal, onProgress?: (p: NodeProgress) => void): Promise<NodeOutcome[]> {
  const out: NodeOutcome[] = [];
  let nodes;
  try {
    nodes = await client.meshNodes();
  } catch (err) {
    // The list itself failed (5xx, a broken connection): recorded, the cluster's zips kept.
    if (signal.aborted || !transient(err)) throw err;
    return [{ ...outcome('mesh', undefined, 'failed', describe(err)), mesh: { id: '*' } }];
  }
  for (const m of nodes ?? []) {
    signal.throwIfAborted();
    const nodeId = `mesh-${safeName(m.id)}`;
    const mesh = { id: m.id, ...(m.name ? { name: m.name } : {}), ...(m.state ? { state: m.state } : {}) };
    const dest = path.join(dir, `${nodeId}.zip`);
    onProgress?.({ nodeId, percent: 100, state: 'downloading', bytes: 0 });
    try {
      if (await client.downloadMesh(m.id, dest, (bytes) => onProgress?.({ nodeId, percent: 100, state: 'downloading', bytes }))) {
        out.push({ ...outcome(nodeId, undefined, 'ok'), zip: dest, mesh });
        onProgress?.({ nodeId, percent: 100, state: 'done' });
        continue;
      }
      out.push({ ...outcome(nodeId, undefined, 'failed', `mesh node ${m.id} not found`), mesh });
    } catch (err) {
      if (signal.aborted) throw err;
      // The server's own words (an offline node, a refusal); anything else propagates.
      const said = err instanceof AtstError ? err.text : err instanceof PortalError ? describe(err) : undefined;
      if (said === undefined) throw err;
      out.push({ ...outcome(nodeId, undefined, 'failed', m.offline || m.state === 'OFFLINE' ? `${m.state ?? 'OFFLINE'}: ${said}` : said), mesh });
    }
    onProgress?.({ nodeId, percent: 100, state: 'failed', message: out.at(-1)!.message });
  }
  return out;
}
