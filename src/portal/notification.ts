/**
 * The portal's notification switch for one request (`/request/{key}/notification`): `GET` says
 * whether the caller is subscribed, `PUT` subscribes, `DELETE` unsubscribes (204 each). Turning it
 * on or off twice ends in the same state, so both are retried like reads.
 */
import { SERVICEDESK_API, seg, type PortalApi } from './api.js';
import type { RequestNotificationSubscriptionDTO } from './types.js';

function path(key: string): string {
  return `${SERVICEDESK_API}/request/${seg(key)}/notification`;
}

/** Whether the caller gets the request's notifications; `undefined` when the portal does not say (404). */
export async function isSubscribed(api: PortalApi, key: string): Promise<boolean | undefined> {
  const body = await api.send<RequestNotificationSubscriptionDTO>({ method: 'GET', path: path(key), absentOn: [404] });
  return typeof body?.subscribed === 'boolean' ? body.subscribed : undefined;
}

/** Turns the caller's notifications for the request on (`PUT`) or off (`DELETE`). */
export async function setSubscribed(api: PortalApi, key: string, on: boolean): Promise<void> {
  await api.send({ method: on ? 'PUT' : 'DELETE', path: path(key), idempotent: true });
}
