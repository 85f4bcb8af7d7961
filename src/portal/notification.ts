/**
 * The portal's notification switch for one request (`/request/{key}/notification`): `GET` says
 * whether the caller is subscribed, `PUT` subscribes, `DELETE` unsubscribes (204 each). Turning it
 * on or off twice ends in the same state, so both are retried like reads.
 */
import { SERVICEDESK_API, seg, type ClientCalls } from './calls.js';
import type { RequestNotificationSubscriptionDTO } from './types.js';

function path(key: string): string {
  return `${SERVICEDESK_API}/request/${seg(key)}/notification`;
}

/** Whether the caller gets the request's notifications; `undefined` when the portal does not say (404). */
export async function isSubscribed(calls: ClientCalls, key: string): Promise<boolean | undefined> {
  const a = await calls.http.send({ method: 'GET', path: path(key), idempotent: true, accept: [404] });
  if (a.status === 404 || a.text.trim() === '') return undefined;
  const body = JSON.parse(a.text) as RequestNotificationSubscriptionDTO;
  return typeof body.subscribed === 'boolean' ? body.subscribed : undefined;
}

/** Turns the caller's notifications for the request on (`PUT`) or off (`DELETE`). */
export async function setSubscribed(calls: ClientCalls, key: string, on: boolean): Promise<void> {
  await calls.http.send({ method: on ? 'PUT' : 'DELETE', path: path(key), idempotent: true });
}
