/**
 * Who is calling: Basic (e-mail and API token) or Bearer (token) credentials of a sandbox customer,
 * compared in constant time.
 */
import type { T } from '../i18n/index.js';
import { HttpError } from './http.js';
import type { StoredUser } from './store.js';

/** The customer the Authorization header names, or undefined when it names none. */
export function authenticate(authorization: string | undefined, users: readonly StoredUser[]): StoredUser | undefined {
  if (!authorization) return undefined;
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i < 0) return undefined;
    const email = decoded.slice(0, i).toLowerCase();
    const token = decoded.slice(i + 1);
    return users.find((u) => u.email.toLowerCase() === email && safeEqual(u.token, token));
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) return users.find((u) => safeEqual(u.token, bearer[1]!));
  return undefined;
}

/** The 401 answer; Jira adds `X-Seraph-LoginReason` when credentials were given but wrong. */
export function unauthorized(t: T, credentialsGiven: boolean): HttpError {
  return new HttpError(401, t('sandbox.api.unauthorized'), 'sandbox.error.unauthorized', {
    'WWW-Authenticate': 'Basic realm="support sandbox", Bearer',
    ...(credentialsGiven ? { 'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED' } : {}),
  });
}

function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
