/**
 * An ATST-compatible support-zip API for a simulated Data Center cluster of N nodes (`support
 * sandbox --app-nodes N`), on its own port: `info`, `cluster`, `local`, `status/cluster/{id}`,
 * `status/task/{id}`, `DELETE task/{id}`, `download/{fileName}`, with ATST's traps (text/plain
 * errors, `nodeIds` answered for every node, no CANCELLED state, 412 when not clustered). Each
 * node's zip holds generated logs with planted secrets (`logs.ts`) and any extra files given.
 * Nodes may be slow, fail, handle the cluster message late or never (no task), or keep their task
 * at 0 % on demand. One node (`nodes: 1`) is a product without a cluster. Behind `balancer`, each request
 * lands on one node and a zip can be downloaded only from the node that wrote it; with `websudo`,
 * a token (Bearer) is refused as atlassian-rest refuses it (401, `This resource requires WebSudo.`)
 * while Basic auth passes; `mesh` adds Bitbucket's mesh nodes (`mesh.ts`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ZipWriter } from '../../bundle/zip.js';
import { makeRouter, type BalancerOptions } from './balancer.js';
import { deflated, nodeFiles, type ZipFileContent } from './logs.js';
import { handleMesh, type MeshOptions } from './mesh.js';

const BASE = '/rest/troubleshooting/latest/support-zip';

/** How to run the simulated cluster. */
export interface AtstSandboxOptions {
  /** 1: a single node (no cluster zips, `POST cluster` answers 412). */
  nodes: number;
  /** Node ids whose task fails half way. */
  failNodes?: string[];
  /** Node ids whose task takes `slowMs`. */
  slowNodes?: string[];
  /** Default 60 s. */
  slowMs?: number;
  /** How long an ordinary task takes (default 1.5 s). */
  taskMs?: number;
  /** Where the nodes' `export` folders go (created). */
  dataDir: string;
  host?: string;
  port?: number;
  /** Extra files added to every node's zip (name inside the zip -> bytes), e.g. planted secret files. */
  extraFiles?: Map<string, Buffer>;
  /** Node ids that never handle the cluster message: no task of theirs ever appears. */
  absentNodes?: string[];
  /** Node ids that handle the cluster message late: their task appears `lateMs` after the request. */
  lateNodes?: string[];
  /** Default 10 s. */
  lateMs?: number;
  /** Node ids whose task stays in its initial state (IN_PROGRESS, 0 %) for ever. */
  stuckNodes?: string[];
  /** A load balancer without sticky sessions in front of the nodes; zips then live on their own node only. */
  balancer?: BalancerOptions;
  /** Secure administrator sessions on: a token (Bearer) gets atlassian-rest's WebSudo refusal. */
  websudo?: boolean;
  /** Bitbucket mesh nodes (absent: not Bitbucket, the mesh routes answer 404). */
  mesh?: MeshOptions;
  /** The sandbox's time (default the system's); tests share their injected clock. */
  now?: () => number;
  /** The credentials accepted: a personal access token (Bearer) and an admin user (Basic). */
  token?: string;
  user?: string;
  password?: string;
}

/** A task as the sandbox keeps it. */
export interface SandboxTask {
  taskId: string;
  nodeId: string;
  clusterTaskId: string | undefined;
  started: number;
  durationMs: number;
  fail: boolean;
  stuck: boolean;
  fileName: string | undefined;
  cancelled: boolean;
}

/** A download as the sandbox answered it: which node the balancer chose, and the status. */
export interface SandboxDownload {
  fileName: string;
  node: string | undefined;
  status: number;
}

/** A running ATST sandbox. */
export interface AtstSandboxHandle {
  url: string;
  token: string;
  user: string;
  password: string;
  nodeIds: string[];
  /** Every task ever started, cancelled ones included (tests check the cancels). */
  tasks(): SandboxTask[];
  /** Every `download/{fileName}` asked, in order. */
  downloads(): SandboxDownload[];
  close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json' });
  res.end(text);
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function writeZip(file: string, files: ZipFileContent[]): Promise<void> {
  const fh = await fs.promises.open(file, 'w', 0o600);
  try {
    const zip = new ZipWriter(fh);
    for (const f of files) {
      const d = deflated(f);
      await zip.add(d.meta, [d.data]);
    }
    await zip.finish();
  } finally {
    await fh.close();
  }
}

/** Starts the simulated cluster's ATST API; resolves once it listens. */
export async function startAtstSandbox(o: AtstSandboxOptions): Promise<AtstSandboxHandle> {
  const nodeIds = Array.from({ length: Math.max(1, o.nodes) }, (_, i) => `node${i + 1}`);
  const clustered = o.nodes > 1;
  const token = o.token ?? `sbx-pat-${crypto.randomBytes(12).toString('hex')}`;
  const user = o.user ?? 'admin';
  const password = o.password ?? `sbx-${crypto.randomBytes(8).toString('hex')}`;
  const exportDir = path.join(o.dataDir, 'atst-export');
  const now = o.now ?? Date.now;
  // Behind a balancer each node keeps its zips in its own (local) home; otherwise one shared home.
  const exportOf = (nodeId: string) => (o.balancer ? path.join(exportDir, nodeId) : exportDir);
  for (const n of nodeIds) fs.mkdirSync(exportOf(n), { recursive: true });
  const route = o.balancer ? makeRouter(nodeIds, o.balancer) : undefined;
  const tasks = new Map<string, SandboxTask>();
  const writing = new Map<string, Promise<void>>();
  const downloads: SandboxDownload[] = [];

  const failedNow = (t: SandboxTask) => t.fail && now() - t.started >= t.durationMs / 2;
  /**
   * ATST's monitor rethrows a task's exception when the node that ran it is asked for its status:
   * behind a balancer, a status read that lands on that node is a 500.
   */
  const rethrows = (answering: string | undefined, list: SandboxTask[]) => list.find((t) => t.nodeId === answering && failedNow(t));

  const dto = (t: SandboxTask): Record<string, unknown> => {
    if (t.stuck) return { taskId: t.taskId, nodeId: t.nodeId, progressPercentage: 0, status: 'IN_PROGRESS', warnings: [], truncatedFiles: [], ageExcludedFiles: [] };
    const pct = Math.min(100, Math.floor(((now() - t.started) / t.durationMs) * 100));
    if (failedNow(t)) {
      return { taskId: t.taskId, nodeId: t.nodeId, progressPercentage: 100, progressMessage: `java.io.IOException: No space left on device (simulated on ${t.nodeId})`, status: 'FAILED', warnings: [], truncatedFiles: [], ageExcludedFiles: [] };
    }
    if (pct < 100 || !writing.has(t.taskId)) {
      if (pct >= 100 && !writing.has(t.taskId)) finish(t);
      return { taskId: t.taskId, nodeId: t.nodeId, progressPercentage: Math.min(pct, 99), progressMessage: `Adding application-logs on ${t.nodeId}`, status: 'IN_PROGRESS', warnings: [], truncatedFiles: [], ageExcludedFiles: [] };
    }
    return {
      taskId: t.taskId,
      nodeId: t.nodeId,
      progressPercentage: 100,
      progressMessage: `It was saved to ${path.join(exportOf(t.nodeId), t.fileName!)}.`,
      fileName: t.fileName,
      status: 'SUCCESSFUL',
      warnings: [],
      truncatedFiles: [],
      ageExcludedFiles: [],
    };
  };

  const finish = (t: SandboxTask) => {
    const stamp = new Date(t.started).toISOString().replace(/[:T]/g, '-').replace(/\..*$/, '');
    t.fileName = clustered ? `Jira_${t.nodeId}_support_${stamp}.zip` : `Jira_support_${stamp}.zip`;
    const files = nodeFiles(t.nodeId, new Date(now()));
    for (const [name, data] of o.extraFiles ?? []) files.push({ name, data, mtime: new Date(now()) });
    const done = writeZip(path.join(exportOf(t.nodeId), t.fileName), files);
    done.catch(() => undefined);
    writing.set(t.taskId, done);
  };

  const start = (nodeId: string, clusterTaskId: string | undefined): SandboxTask => {
    const t: SandboxTask = {
      taskId: crypto.randomUUID(),
      nodeId,
      clusterTaskId,
      started: now() + (o.lateNodes?.includes(nodeId) ? (o.lateMs ?? 10_000) : 0),
      durationMs: o.slowNodes?.includes(nodeId) ? (o.slowMs ?? 60_000) : (o.taskMs ?? 1500),
      fail: o.failNodes?.includes(nodeId) ?? false,
      stuck: o.stuckNodes?.includes(nodeId) ?? false,
      fileName: undefined,
      cancelled: false,
    };
    tasks.set(t.taskId, t);
    return t;
  };

  const basic = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  /** 'ok', or why not: no valid credential, or a token where a secure admin session is needed. */
  const authorized = (req: http.IncomingMessage): 'ok' | 'no' | 'websudo' => {
    const h = req.headers.authorization ?? '';
    if (h === basic) return 'ok';
    if (h !== `Bearer ${token}`) return 'no';
    // atlassian-rest skips WebSudo for Basic auth only (older versions; newer ones for PATs too).
    return o.websudo ? 'websudo' : 'ok';
  };
  /** Answers a refused request as the product does; true when it was refused. */
  const refused = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const a = authorized(req);
    if (a === 'ok') return false;
    if (a === 'no') res.writeHead(401).end();
    // WebSudoRequiredException through atlassian-rest's own mapper: 401 and its status entity.
    else send(res, 401, { message: 'This resource requires WebSudo.', 'status-code': 401 });
    return true;
  };

  const validate = (body: Record<string, unknown>): string | undefined => {
    if (Array.isArray(body.items) && body.items.length === 0) return 'You must specify one or more items to include in the support zip';
    if (Array.isArray(body.nodeIds) && body.nodeIds.length === 0) return 'You must specify one or more node IDs';
    if (body.fileConstraintSize !== undefined && ![-1, 25, 100, 500].includes(body.fileConstraintSize as number)) return `Invalid file size limit: ${String(body.fileConstraintSize)}`;
    if (body.fileConstraintLastModified !== undefined && ![-1, 0, 3, 5, 10].includes(body.fileConstraintLastModified as number)) return `Invalid file age limit: ${String(body.fileConstraintLastModified)}`;
    return undefined;
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    const p = url.pathname;
    if (p === '/__sandbox/atst/tasks') return send(res, 200, [...tasks.values()]);
    // The node the balancer sends this request to (undefined: no balancer, one shared home).
    const answering = route?.(req);
    if (o.mesh && p.startsWith('/rest/api/')) {
      if (authorized(req) === 'no') return send(res, 401, { errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: null }] });
      if (await handleMesh(o.mesh, { exportDir, now, writeZip }, req, res)) return;
    }
    if (!p.startsWith(BASE + '/')) return send(res, 404, 'Not found');
    if (refused(req, res)) return;
    const rest = p.slice(BASE.length + 1);
    const m = req.method ?? 'GET';
    if (m === 'GET' && rest === 'info') {
      return send(res, 200, {
        ...(clustered ? { nodes: nodeIds.map((nodeId) => ({ nodeId })) } : {}),
        itemOptions: [
          { key: 'application-logs', name: 'Application logs', category: 'LOGS', required: false, selected: true },
          { key: 'application-config', name: 'Application configuration', category: 'CONFIG', required: false, selected: true },
          { key: 'thread-dump', name: 'Thread dumps', category: 'OTHER', required: false, selected: false },
        ],
        instanceTitle: 'Sandbox Jira',
        fileConstraintSize: 100,
        fileConstraintLastModified: 5,
      });
    }
    if (m === 'POST' && (rest === 'cluster' || rest === 'local')) {
      const text = await readBody(req);
      let body: Record<string, unknown> = {};
      try {
        body = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch {
        return send(res, 400, `Cannot parse Support zip request from '${text}'`);
      }
      const bad = validate(body);
      if (bad) return send(res, 400, bad);
      if (rest === 'local') {
        const t = start(answering ?? nodeIds[0]!, undefined);
        return send(res, 200, { taskId: t.taskId, progressPercentage: 0, status: 'IN_PROGRESS', warnings: [], truncatedFiles: [], ageExcludedFiles: [] });
      }
      if (!clustered) return send(res, 412, 'Not clustered');
      const clusterTaskId = crypto.randomUUID();
      const wanted = Array.isArray(body.nodeIds) ? nodeIds.filter((n) => (body.nodeIds as string[]).includes(n)) : nodeIds;
      for (const n of wanted) if (!o.absentNodes?.includes(n)) start(n, clusterTaskId);
      return send(res, 200, { clusterTaskId, nodeIds });
    }
    let mm = /^status\/cluster\/([^/]+)$/.exec(rest);
    if (m === 'GET' && mm) {
      // A node lists its task once it has handled the cluster message.
      const list = [...tasks.values()].filter((t) => t.clusterTaskId === decodeURIComponent(mm![1]!) && !t.cancelled && t.started <= now());
      const bad = rethrows(answering, list);
      if (bad) return send(res, 500, `java.io.IOException: No space left on device (simulated on ${bad.nodeId})`);
      return send(res, 200, { clusterTaskId: decodeURIComponent(mm[1]!), tasks: list.map(dto) });
    }
    mm = /^status\/task\/([^/]+)$/.exec(rest);
    if (m === 'GET' && mm) {
      const t = tasks.get(decodeURIComponent(mm[1]!));
      if (t && !t.cancelled && rethrows(answering, [t])) return send(res, 500, `java.io.IOException: No space left on device (simulated on ${t.nodeId})`);
      return t && !t.cancelled ? send(res, 200, dto(t)) : send(res, 404, 'No such task found');
    }
    mm = /^task\/([^/]+)$/.exec(rest);
    if (m === 'DELETE' && mm) {
      const t = tasks.get(decodeURIComponent(mm[1]!));
      if (!t || t.cancelled) return send(res, 404, 'Task not found');
      t.cancelled = true;
      res.writeHead(200).end();
      return;
    }
    mm = /^download\/([^/]+)$/.exec(rest);
    if (m === 'GET' && mm) {
      const name = decodeURIComponent(mm[1]!);
      const t = [...tasks.values()].find((x) => x.fileName === name);
      // Only the export folder of the node that answers is looked in.
      const here = t && /^[A-Za-z0-9_.-]+$/.test(name) && (answering === undefined || answering === t.nodeId);
      downloads.push({ fileName: name, node: answering, status: here ? 200 : 404 });
      if (!here) return send(res, 404, `'${name}' does not exist or is not downloadable`);
      await writing.get(t.taskId);
      const file = path.join(exportOf(t.nodeId), name);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-disposition': `attachment; filename="${name}"`, 'content-length': String(fs.statSync(file).size) });
      fs.createReadStream(file).pipe(res);
      return;
    }
    return send(res, 404, 'Not found');
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) send(res, 500, String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as { port: number };
  return {
    url: `http://${o.host ?? '127.0.0.1'}:${addr.port}`,
    token,
    user,
    password,
    nodeIds,
    tasks: () => [...tasks.values()].map((t) => ({ ...t })),
    downloads: () => downloads.map((d) => ({ ...d })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
