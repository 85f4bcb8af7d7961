/**
 * The sandbox portal's customer workflow, as data: the statuses a customer sees, the transitions a
 * customer may take (where they are offered, where they lead, what else they change), and the moves
 * that happen without a transition (an agent reply, a customer's comment, time passing). Code refers
 * to the named entries of these tables, never to a transition's id or a status's name.
 */
import type { SandboxState, StoredRequest, StoredStatus } from './store.js';

/** A customer status and the category the API reports for it (`DONE` means resolved). */
export interface WorkflowStatus {
  name: string;
  category: 'INDETERMINATE' | 'DONE';
}

export const INVESTIGATING: WorkflowStatus = { name: 'Atlassian investigating', category: 'INDETERMINATE' };
export const WAITING: WorkflowStatus = { name: 'Waiting for customer', category: 'INDETERMINATE' };
export const RESOLVED: WorkflowStatus = { name: 'Resolved', category: 'DONE' };
export const STATUSES: readonly WorkflowStatus[] = [INVESTIGATING, WAITING, RESOLVED];

/** The status a new request starts in. */
export const INITIAL_STATUS = INVESTIGATING;

/** What taking a transition changes on the request besides its status. */
export interface TransitionEffects {
  /** Sets (true) or clears (false) the request's "escalated" mark. */
  escalated?: boolean;
}

/** A transition the customer can take. */
export interface WorkflowTransition {
  /** The id the API shows and takes. */
  id: string;
  name: string;
  /** The statuses in which the portal offers it. */
  from: readonly WorkflowStatus[];
  to: WorkflowStatus;
  /** Offered only while the request's "escalated" mark has this value (any when absent). */
  whileEscalated?: boolean;
  effects: TransitionEffects;
}

export const RESOLVE: WorkflowTransition = { id: '11', name: 'Resolve', from: [INVESTIGATING, WAITING], to: RESOLVED, effects: {} };
/** Escalating once is enough: a request already escalated is not offered it again until reopened. */
export const ESCALATE: WorkflowTransition = {
  id: '21',
  name: 'Escalate',
  from: [INVESTIGATING, WAITING],
  to: INVESTIGATING,
  whileEscalated: false,
  effects: { escalated: true },
};
export const REOPEN: WorkflowTransition = { id: '31', name: 'Reopen', from: [RESOLVED], to: INVESTIGATING, effects: { escalated: false } };
export const TRANSITIONS: readonly WorkflowTransition[] = [RESOLVE, ESCALATE, REOPEN];

/** A move that happens without a transition: from some statuses (any when absent) to another. */
export interface AutomaticMove {
  from?: readonly WorkflowStatus[];
  to: WorkflowStatus;
}

/** The support engineer replies: the request waits for the customer (and the first-response SLA stops). */
export const AGENT_REPLY: AutomaticMove = { to: WAITING };
/** A customer comment on a resolved or waiting request hands it back to support. */
export const CUSTOMER_ACTIVITY: AutomaticMove = { from: [RESOLVED, WAITING], to: INVESTIGATING };
/** A request left waiting for the customer this long is resolved by the portal. */
export const AUTO_RESOLVE = { from: [WAITING], to: RESOLVED, afterMs: 5 * 24 * 3_600_000 } as const;

/** The request's current status. */
export function currentStatus(r: StoredRequest): StoredStatus {
  return r.history[r.history.length - 1]!;
}

/** The category of a status by name (statuses the workflow does not know count as in progress). */
export function categoryOf(statusName: string): WorkflowStatus['category'] {
  return STATUSES.find((s) => s.name === statusName)?.category ?? 'INDETERMINATE';
}

/** True when the status is a resolved one. */
export function isDone(statusName: string): boolean {
  return categoryOf(statusName) === 'DONE';
}

function isIn(statuses: readonly WorkflowStatus[] | undefined, name: string): boolean {
  return statuses === undefined || statuses.some((s) => s.name === name);
}

/** Records a move to `to` at `at`, unless the request is already there. */
function moveTo(r: StoredRequest, to: WorkflowStatus, at: number): void {
  if (currentStatus(r).status !== to.name) r.history.push({ status: to.name, at });
}

/** Applies an automatic move when the request is in one of its `from` statuses. */
export function applyMove(r: StoredRequest, move: AutomaticMove, now: number): void {
  if (isIn(move.from, currentStatus(r).status)) moveTo(r, move.to, now);
}

/** The transitions the portal offers on the request now. */
export function offeredTransitions(r: StoredRequest): WorkflowTransition[] {
  const cur = currentStatus(r).status;
  return TRANSITIONS.filter((t) => isIn(t.from, cur) && (t.whileEscalated === undefined || t.whileEscalated === r.escalated));
}

/** Takes a transition the portal offers: its effects, then the move to its target status. */
export function takeTransition(r: StoredRequest, t: WorkflowTransition, now: number): void {
  if (t.effects.escalated !== undefined) r.escalated = t.effects.escalated;
  moveTo(r, t.to, now);
}

/**
 * Applies what time alone does to the requests: one left waiting for the customer past the
 * auto-resolve time is resolved, recorded at the moment it became due (so reading and writing at
 * different times give the same history). Returns true when something changed.
 */
export function settle(state: SandboxState, now: number): boolean {
  let changed = false;
  for (const r of state.requests) {
    const cur = currentStatus(r);
    if (isIn(AUTO_RESOLVE.from, cur.status) && now - cur.at > AUTO_RESOLVE.afterMs) {
      r.history.push({ status: AUTO_RESOLVE.to.name, at: cur.at + AUTO_RESOLVE.afterMs });
      changed = true;
    }
  }
  return changed;
}
