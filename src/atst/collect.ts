/**
 * Collects support zips through ATST: start one cluster zip for the chosen nodes (or a local zip
 * when the product has no cluster zips), poll each node's task, stream each finished zip to disk,
 * and cancel every task still running when the signal aborts (Ctrl-C). A node that fails, times
 * out, never starts or cannot be downloaded is recorded with the reason; the others are kept.
 * Behind a load balancer without sticky sessions a zip that only its own node can serve is asked
 * for again, each time on a new connection, a bounded number of times.
 */
import path from 'node:path';
import type { Clock } from '../lib/clock.js';
import type { AtstClient } from './client.js';
import { collectMesh } from './mesh.js';
import { describe, outcome, safeName, transient, type NodeOutcome, type NodeProgress } from './outcome.js';
import type { AtstTask, AtstZipRequest } from './types.js';

export type { NodeOutcome, NodeProgress } from './outcome.js';

export interface CollectOptions {
  client: AtstClient;
  /** `--nodes`: these only (checked against `info`); undefined: every node. */
  nodes: string[] | undefined;
  /** Cluster zip (`--cluster`); false: the answering node's own zip. */
  cluster: boolean;
  request: Omit<AtstZipRequest, 'nodeIds'>;
  /** A private folder for the downloaded zips. */
  dir: string;
  clock: Clock;
  signal: AbortSignal;
  /** Time between polls (default 2 s). */
  pollMs?: number;
  /** Whole-run limit for the tasks (default 30 min); nodes still running then are timed out and cancelled. */
  timeoutMs?: number;
  /** How long a requested node may be missing from the status before it is recorded as never started (default 30 s). */
  graceMs?: number;
  /** Downloads tried per zip before the node is recorded as not downloadable (default 3 per cluster node, 3 to 48). */
  downloadTries?: number;
  /** Also fetch Bitbucket's mesh nodes' zips when the product serves them. */
  mesh?: boolean;
  onProgress?: (p: NodeProgress) => void;
  /** The product has no cluster zips: the single node's zip is taken instead. */
  onNotClustered?: (why: string) => void;
}

/** The result: what was asked, the cluster task, and one outcome per node. */
export interface CollectResult {
  clustered: boolean;
  clusterTaskId: string | undefined;
  nodes: NodeOutcome[];
}

/** `--nodes` named a node the cluster does not have. */
export class UnknownNodesError extends Error {
  constructor(
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(`unknown nodes: ${unknown.join(', ')}`);
    this.name = 'UnknownNodesError';
  }
}

/** Failed status reads in a row before each task is read on its own (and, per task, before its node is failed). */
const POLL_TRIES = 3;

/** Pause between two downloads of a zip that another node answered 404 for. */
const RETRY_PAUSE_MS = 250;
/** After Ctrl-C: how long to watch for tasks that start late (remote nodes start on a cluster message). */
const CANCEL_WATCH_MS = 3000;

/** Runs the whole collection; rejects with the signal's reason after cancelling the tasks on Ctrl-C. */
export async function collectZips(o: CollectOptions): Promise<CollectResult> {
  const { client, clock, signal } = o;
  const pollMs = o.pollMs ?? 2000;
  const start = clock.now();
  const deadline = start + (o.timeoutMs ?? 30 * 60_000);
  const grace = o.graceMs ?? 30_000;
  const info = await client.info();
  const known = info.nodes?.map((n) => n.nodeId);
  if (o.nodes && known) {
    const unknown = o.nodes.filter((n) => !known.includes(n));
    if (unknown.length) throw new UnknownNodesError(unknown, known);
  }
  let clusterTaskId: string | undefined;
  let localTask: AtstTask | undefined;
  if (o.cluster && known) {
    const r = await client.startCluster({ ...o.request, ...(o.nodes ? { nodeIds: o.nodes } : {}) });
    if ('started' in r) clusterTaskId = r.started.clusterTaskId;
    else o.onNotClustered?.(r.notClustered);
  } else if (o.cluster) o.onNotClustered?.('');
  if (!clusterTaskId) localTask = await client.startLocal(o.request);
  const wanted = clusterTaskId ? (o.nodes ?? known ?? []) : [localTask?.nodeId ?? 'single-node'];
  const live = new Map<string, AtstTask>();
  const done = new Map<string, NodeOutcome>();
  // Nodes whose task has left its initial state (0 %).
  const moved = new Set<string>();
  // Without sticky sessions each try lands on a node at random: enough tries to reach the holder.
  const tries = o.downloadTries ?? Math.min(48, Math.max(3, 3 * (known?.length ?? 1)));

  // Status reads that failed in a row (5xx, network), and per node when each task is read alone.
  let failedPolls = 0;
  const taskFails = new Map<string, number>();
  const poll = async (): Promise<AtstTask[]> => {
    if (clusterTaskId) return client.clusterStatus(clusterTaskId, failedPolls > 0);
    const t = localTask?.taskId ? await client.taskStatus(localTask.taskId, failedPolls > 0) : undefined;
    return t ? [{ ...t, nodeId: wanted[0] }] : [];
  };
  /**
   * When the status keeps failing (a node may answer 500 for a task that failed on it): each
   * running task read on its own; a node whose task cannot be read POLL_TRIES times is failed.
   */
  const eachTask = async (): Promise<AtstTask[]> => {
    const got: AtstTask[] = [];
    for (const [nodeId, t] of live) {
      if (!t.taskId || done.has(nodeId)) continue;
      try {
        const now = await client.taskStatus(t.taskId, true);
        if (now) got.push({ ...now, nodeId });
        taskFails.delete(nodeId);
      } catch (err) {
        if (!transient(err)) throw err;
        const n = (taskFails.get(nodeId) ?? 0) + 1;
        taskFails.set(nodeId, n);
        if (n >= POLL_TRIES) {
          live.delete(nodeId);
          done.set(nodeId, { ...outcome(nodeId, t, 'failed', describe(err)), reason: 'status-unreadable' });
          o.onProgress?.({ nodeId, percent: 100, state: 'failed', message: describe(err) });
        }
      }
    }
    return got;
  };

  const cancelRunning = async () => {
    const cancelled = new Set<string>();
    const cancelAll = async (tasks: Iterable<AtstTask>) => {
      for (const t of tasks) {
        if (!t.taskId || cancelled.has(t.taskId) || (t.status && t.status !== 'IN_PROGRESS')) continue;
        cancelled.add(t.taskId);
        await client.cancel(t.taskId).catch(() => false);
      }
    };
    await cancelAll(live.values());
    // Late tasks: a remote node lists its task only once it has handled the cluster message.
    const until = clock.now() + CANCEL_WATCH_MS;
    while (clusterTaskId && clock.now() < until) {
      const tasks = await poll().catch(() => []);
      await cancelAll(tasks.filter((t) => t.nodeId === undefined || !done.has(t.nodeId)));
      await clock.sleep(500);
    }
  };

  const fetchZip = async (t: AtstTask, nodeId: string): Promise<NodeOutcome> => {
    const out = outcome(nodeId, t, 'ok');
    if (!t.fileName) return { ...out, state: 'not-downloadable' };
    const dest = path.join(o.dir, `${safeName(nodeId)}.zip`);
    o.onProgress?.({ nodeId, percent: 100, state: 'downloading', bytes: 0 });
    for (let i = 1; i <= tries; i++) {
      // Another node's zip may live in that node's local home (404 elsewhere): a new connection lets the balancer choose again.
      if (await client.download(t.fileName, dest, (bytes) => o.onProgress?.({ nodeId, percent: 100, state: 'downloading', bytes }), i > 1)) return { ...out, zip: dest, attempts: i };
      if (i < tries) await clock.sleep(RETRY_PAUSE_MS, signal);
    }
    return { ...out, state: 'not-downloadable', attempts: tries, reason: 'other-node' };
  };

  try {
    for (const n of wanted) o.onProgress?.({ nodeId: n, percent: 0, state: 'waiting' });
    while (done.size < wanted.length) {
      signal.throwIfAborted();
      let tasks: AtstTask[];
      try {
        tasks = await poll();
        failedPolls = 0;
      } catch (err) {
        // A status read of a task that failed on the answering node may itself be a 5xx: ask again
        // on a new connection, then task by task; a refusal (AtstError) ends the run.
        if (!transient(err) || signal.aborted) throw err;
        tasks = ++failedPolls >= POLL_TRIES ? await eachTask() : [];
      }
      for (const t of tasks) if (t.nodeId && wanted.includes(t.nodeId) && !done.has(t.nodeId)) live.set(t.nodeId, t);
      for (const nodeId of wanted) {
        if (done.has(nodeId)) continue;
        const t = live.get(nodeId);
        if (!t) {
          if (clock.now() - start > grace) done.set(nodeId, { ...outcome(nodeId, undefined, 'never-started'), reason: 'no-task' });
          continue;
        }
        if ((t.progressPercentage ?? 0) > 0 || t.status === 'FAILED') moved.add(nodeId);
        if (t.status === 'IN_PROGRESS' || t.status === undefined) {
          o.onProgress?.({ nodeId, percent: t.progressPercentage ?? 0, state: 'running', message: t.progressMessage });
          continue;
        }
        live.delete(nodeId);
        if (t.status === 'FAILED') {
          done.set(nodeId, outcome(nodeId, t, 'failed'));
          o.onProgress?.({ nodeId, percent: 100, state: 'failed', message: t.progressMessage });
          continue;
        }
        const got = await fetchZip(t, nodeId);
        done.set(nodeId, got);
        o.onProgress?.({ nodeId, percent: 100, state: got.state === 'ok' ? 'done' : 'failed', message: got.message });
      }
      if (done.size >= wanted.length) break;
      if (clock.now() >= deadline) {
        const late = [...live.values()];
        // A task still at 0 % never started (queued behind another zip, or a hung node): not the same as a slow one.
        for (const n of wanted) {
          if (done.has(n)) continue;
          const t = live.get(n);
          done.set(n, t && moved.has(n) ? outcome(n, t, 'timed-out') : { ...outcome(n, t, 'never-started'), reason: t ? 'no-progress' : 'no-task' });
        }
        for (const t of late) if (t.taskId) await client.cancel(t.taskId).catch(() => false);
        live.clear();
        break;
      }
      await clock.sleep(pollMs, signal);
    }
    if (o.mesh) for (const m of await collectMesh(client, o.dir, signal, o.onProgress)) done.set(m.nodeId, m);
  } catch (err) {
    if (signal.aborted) {
      await cancelRunning();
      throw signal.reason;
    }
    throw err;
  }
  // In the cluster's order (the order ATST lists its nodes), the mesh nodes after them as Bitbucket lists them.
  const rank = (n: NodeOutcome) => (n.mesh ? wanted.length : wanted.indexOf(n.nodeId));
  return { clustered: clusterTaskId !== undefined, clusterTaskId, nodes: [...done.values()].sort((a, b) => rank(a) - rank(b)) };
}
