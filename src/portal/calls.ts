/**
 * The request primitives of a {@link JsmClient}, for the portal operations kept in modules of their
 * own (download.ts, feedback.ts, notification.ts, approvals.ts) rather than in the client itself.
 */
import type { PortalApi } from './api.js';
import type { HttpCall, HttpTransport } from './http.js';
import type { PortalFlavor } from './url.js';

export interface ClientCalls {
  /** The transport: `send` for calls whose answer is read whole, `stream` for downloads. */
  http: HttpTransport;
  /** A call whose answer is JSON (`undefined` for 204 or an empty body). */
  json<T>(call: HttpCall): Promise<T>;
  /** A list endpoint followed page by page, as the client's own lists are. */
  paged<T>(path: string, query?: HttpCall['query']): AsyncIterable<T>;
  /** How the portal names people: by accountId (`cloud`) or by username (`dc`). */
  flavor: PortalFlavor;
}

/** Something that carries {@link ClientCalls} (a `JsmClient`). */
interface WithCalls {
  readonly calls: ClientCalls;
}

/**
 * The request primitives behind a {@link PortalApi}. Every session's api is a `JsmClient`; anything
 * else (a stand-in without them) is a programming error, said as such.
 */
export function callsOf(api: PortalApi): ClientCalls {
  const calls = (api as Partial<WithCalls>).calls;
  if (!calls) throw new TypeError('this portal client has no request primitives (portal/calls.ts)');
  return calls;
}

/** The servicedeskapi root every JSM customer path starts with. */
export const SERVICEDESK_API = '/rest/servicedeskapi';

/** A path segment, encoded. */
export function seg(s: string): string {
  return encodeURIComponent(s);
}
