/** What the collection reports of each node, and its progress as the polls see it. */
import { PortalError } from '../portal/errors.js';
import type { AtstStatus, AtstTask } from './types.js';

/** What became of one node. */
export interface NodeOutcome {
  nodeId: string;
  taskId: string | undefined;
  /**
   * `ok`: the zip is at `zip`; every other state says why there is none. `never-started`: no task
   * appeared within the grace period (`taskId` undefined), or the task never left its initial
   * state (0 %) before the time limit (`taskId` set).
   */
  state: 'ok' | 'failed' | 'timed-out' | 'never-started' | 'not-downloadable';
  zip: string | undefined;
  fileName: string | undefined;
  /** ATST's last status of the task. */
  status: AtstStatus | undefined;
  /** ATST's message: the failure text, or where the zip lies on the server. */
  message: string | undefined;
  warnings: string[];
  truncatedFiles: string[];
  ageExcludedFiles: string[];
  /**
   * Why, for the manifest: `no-task` (none listed within the grace period), `no-progress` (0 % at
   * the time limit), `other-node` (every download answered by a node that does not hold the zip),
   * `status-unreadable` (the task's status kept failing with 5xx).
   */
  reason?: 'no-task' | 'no-progress' | 'other-node' | 'status-unreadable';
  /** Downloads tried (a zip only its own node can serve may take several through a load balancer). */
  attempts?: number;
  /** A Bitbucket mesh node (its zip streamed, no task), with the name and state Bitbucket gives. */
  mesh?: { id: string; name?: string; state?: string };
}

/** Per-node progress, as the poll sees it. */
export interface NodeProgress {
  nodeId: string;
  percent: number;
  state: 'waiting' | 'running' | 'downloading' | 'done' | 'failed';
  message?: string;
  bytes?: number;
}

/** An outcome from the task ATST last reported (if any). */
export function outcome(nodeId: string, t: AtstTask | undefined, state: NodeOutcome['state'], message?: string): NodeOutcome {
  return {
    nodeId,
    taskId: t?.taskId,
    state,
    zip: undefined,
    fileName: t?.fileName ?? undefined,
    status: t?.status,
    message: message ?? t?.progressMessage,
    warnings: (t?.warnings ?? []).map((w) => [w.name, w.body].filter(Boolean).join(': ')),
    truncatedFiles: t?.truncatedFiles ?? [],
    ageExcludedFiles: t?.ageExcludedFiles ?? [],
  };
}

/** A node id as a file name. */
export const safeName = (s: string) => s.replace(/[^A-Za-z0-9_.-]/g, '-');

/** A failure another try may not have: a 5xx or a broken connection (not a refusal, not Ctrl-C). */
export const transient = (err: unknown): err is PortalError => err instanceof PortalError && (err.kind === 'server' || err.kind === 'network' || err.kind === 'timeout');

/** A server's failure in words for the manifest: the status (or what broke) and the server's own text. */
export const describe = (err: PortalError): string => [`${err.status ?? err.kind}`, ...err.messages].join(': ');
