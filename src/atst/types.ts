/**
 * The wire shapes of the Atlassian Troubleshooting and Support Tools (ATST) support-zip REST API
 * (`<base>/rest/troubleshooting/latest/support-zip/`). Every field is optional: the server leaves
 * null fields out, and `fileName` appears only once a task starts writing its zip.
 */

/** `GET info`. `nodes` is present only when the product can build cluster zips. */
export interface AtstInfo {
  nodes?: { nodeId: string }[];
  itemOptions?: { key: string; name?: string; description?: string; category?: string; required?: boolean; selected?: boolean }[];
  instanceTitle?: string;
  fileConstraintSize?: number;
  fileConstraintLastModified?: number;
}

/** What ATST reports of a task. There is no CANCELLED state: a cancelled task is gone (404). */
export type AtstStatus = 'IN_PROGRESS' | 'COMPLETE_WITH_WARNING' | 'FAILED' | 'SUCCESSFUL';

/** A task (`status/task/{id}`, and each of `status/cluster/{id}`'s `tasks` with its `nodeId`). */
export interface AtstTask {
  taskId?: string;
  nodeId?: string;
  progressPercentage?: number;
  progressMessage?: string;
  fileName?: string | null;
  warnings?: { name?: string; body?: string }[];
  status?: AtstStatus;
  truncatedFiles?: string[];
  ageExcludedFiles?: string[];
}

/** `POST cluster`: `nodeIds` lists every node of the cluster, not only the requested ones. */
export interface AtstClusterStart {
  clusterTaskId: string;
  nodeIds?: string[];
}

/** `POST local` / `POST cluster` body. `fileConstraintSize` is one of -1, 25, 100, 500 (MB). */
export interface AtstZipRequest {
  items?: string[];
  nodeIds?: string[];
  fileConstraintSize?: number;
  fileConstraintLastModified?: number;
}

/** The file size limits ATST accepts, in MB (-1: none). */
export const ATST_SIZE_LIMITS = [25, 100, 500] as const;
/** The age limits ATST accepts, in days (-1: off). */
export const ATST_AGE_LIMITS = [0, 3, 5, 10] as const;

/**
 * A Bitbucket mesh node (`RestMeshNode` of Bitbucket's REST reference). `state` is one of
 * AVAILABLE, DELETING, DISABLED, DRAINING, OFFLINE.
 */
export interface MeshNode {
  id: string;
  name?: string;
  rpcUrl?: string;
  state?: string;
  offline?: boolean;
}
