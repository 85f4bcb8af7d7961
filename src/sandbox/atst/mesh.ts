/**
 * Bitbucket Data Center's mesh nodes (the remote git tier) as the sandbox serves them:
 * `GET /rest/api/{1.0|latest}/admin/git/mesh/nodes` lists them (a Bitbucket page: `values`,
 * `isLastPage`, `nextPageStart`, honouring `start` and `limit`), `…/support-zips/{id}` streams one
 * node's support zip and `…/support-zips` a zip of every node's zip. A mesh node marked offline
 * cannot build its zip: 500 with Bitbucket's `{errors: [{message}]}` body. Paths and the node
 * fields are from Bitbucket's REST reference (System Maintenance); the list's paging and the
 * offline answer are inferred.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { nodeFiles, type ZipFileContent } from './logs.js';

const MESH = /^\/rest\/api\/(?:1\.0|latest)\/admin\/git\/mesh\/(nodes|support-zips)(?:\/([^/]+))?$/;

/** The mesh nodes of a simulated Bitbucket. */
export interface MeshOptions {
  /** How many mesh nodes (ids "1".."N", names "mesh-1".."mesh-N"). */
  count: number;
  /** Ids of mesh nodes that are offline. */
  offline?: string[];
  /** The list itself fails (500), as when the mesh's control plane is in trouble. */
  listFails?: boolean;
}

/** What the mesh routes need from the server. */
export interface MeshContext {
  exportDir: string;
  now: () => number;
  writeZip(file: string, files: ZipFileContent[]): Promise<void>;
}

function errors(res: http.ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify({ errors: [{ context: null, message, exceptionName: null }] }));
}

/** The name a mesh node's files carry (tests look its planted secrets up by it). */
export const meshNodeName = (id: string) => `mesh-${id}`;

/** Answers a mesh route; false when the path is not one (the caller goes on). Auth is checked by the caller. */
export async function handleMesh(o: MeshOptions, c: MeshContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? '/', 'http://sandbox');
  const m = MESH.exec(url.pathname);
  if (!m || req.method !== 'GET') return false;
  const ids = Array.from({ length: o.count }, (_, i) => String(i + 1));
  const node = (id: string) => ({
    id,
    name: meshNodeName(id),
    rpcUrl: `https://${meshNodeName(id)}.sandbox.invalid:7777`,
    rpcId: `rpc-${id}`,
    state: o.offline?.includes(id) ? 'OFFLINE' : 'AVAILABLE',
    offline: o.offline?.includes(id) ?? false,
    lastSeenDate: c.now(),
    availabilityZone: 'zone-a',
  });
  if (m[1] === 'nodes') {
    if (o.listFails) {
      errors(res, 500, 'An error occurred while processing the request. Check the server logs for more information.');
      return true;
    }
    if (m[2]) {
      if (!ids.includes(m[2])) errors(res, 404, `Mesh node ${m[2]} does not exist.`);
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(node(m[2])));
      return true;
    }
    const start = Math.max(0, Number(url.searchParams.get('start') ?? 0) || 0);
    const limit = Math.min(2, Math.max(1, Number(url.searchParams.get('limit') ?? 2) || 2));
    const values = ids.slice(start, start + limit).map(node);
    const isLastPage = start + limit >= ids.length;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ size: values.length, limit, isLastPage, start, values, ...(isLastPage ? {} : { nextPageStart: start + limit }) }));
    return true;
  }
  const wanted = m[2] ? [m[2]] : ids.filter((id) => !o.offline?.includes(id));
  if (m[2] && !ids.includes(m[2])) {
    errors(res, 404, `Mesh node ${m[2]} does not exist.`);
    return true;
  }
  if (m[2] && o.offline?.includes(m[2])) {
    errors(res, 500, `Could not generate a support zip on Mesh node ${meshNodeName(m[2])}: the node is offline (UNAVAILABLE: io exception).`);
    return true;
  }
  const file = path.join(c.exportDir, `mesh-${crypto.randomUUID()}.zip`);
  const when = new Date(c.now());
  if (m[2]) await c.writeZip(file, nodeFiles(meshNodeName(m[2]), when, 50));
  else {
    const inner: ZipFileContent[] = [];
    for (const id of wanted) {
      const one = `${file}.${id}`;
      await c.writeZip(one, nodeFiles(meshNodeName(id), when, 50));
      inner.push({ name: `${meshNodeName(id)}.zip`, data: await fs.promises.readFile(one), mtime: when });
      await fs.promises.rm(one, { force: true });
    }
    await c.writeZip(file, inner);
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  fs.createReadStream(file)
    .pipe(res)
    .on('finish', () => fs.rm(file, () => undefined));
  return true;
}
