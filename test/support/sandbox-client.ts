/**
 * A tiny HTTP helper for sandbox tests: real requests over 127.0.0.1 with the credentials of a
 * sandbox user. Not the project's client (that lives in src/portal); this one sends exactly what a
 * test says, including deliberately wrong requests.
 */
import type { SandboxHandle } from '../../src/sandbox/index.js';

export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read wire JSON of many shapes
  text: string;
}

export type Auth = { email: string; token: string } | { bearer: string } | 'none';

export function basic(email: string, token: string): string {
  return `Basic ${Buffer.from(`${email}:${token}`, 'utf8').toString('base64')}`;
}

/** Calls the sandbox as a user (default: users[0]). `body` objects are sent as JSON; strings as-is. */
export function caller(h: SandboxHandle, auth: Auth = h.users[0]!) {
  const authHeader = auth === 'none' ? undefined : 'bearer' in auth ? `Bearer ${auth.bearer}` : basic(auth.email, auth.token);
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const h2: Record<string, string> = { Accept: 'application/json', ...headers };
    if (authHeader) h2.Authorization = authHeader;
    let payload: FormData | string | undefined;
    if (body instanceof FormData) payload = body;
    else if (typeof body === 'string') {
      payload = body;
      h2['Content-Type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h2['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(h.url + path, { method, headers: h2, body: payload });
    const text = await res.text();
    let json: unknown;
    if ((res.headers.get('content-type') ?? '').includes('json') && text !== '') json = JSON.parse(text);
    return { status: res.status, headers: res.headers, json, text };
  };
}

/** Valid field values for each seeded request type. */
export function validFields(requestTypeId: string, summary = 'Japanese text is missing when a page is exported to PDF'): Record<string, unknown> {
  const base = { summary, description: 'Steps: export a page.\nExpected: text.\nActual: blank.' };
  switch (requestTypeId) {
    case '1':
      return { ...base, customfield_10010: { id: '10002' }, customfield_10013: { value: 'Level 3 - Some' }, customfield_10012: 'SEN-1234567', customfield_10014: '9.12.3' };
    case '2':
      return {
        ...base,
        customfield_10010: { value: 'Jira' },
        customfield_10013: { id: '10100' },
        customfield_10017: 'https://example.atlassian.net',
        customfield_10018: [{ id: '10050' }],
      };
    default:
      return base;
  }
}

/** The same values keyed by the ids of a sandbox started with `fieldIdOffset` (`customfield_N` becomes `customfield_{N + offset}`). */
export function shiftFieldIds(fields: Record<string, unknown>, fieldIdOffset: number): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).map(([id, v]) => [id.replace(/^customfield_(\d+)$/, (_, n: string) => `customfield_${Number(n) + fieldIdOffset}`), v]));
}

export function createBody(requestTypeId = '1', fields: Record<string, unknown> = validFields(requestTypeId), extra: Record<string, unknown> = {}) {
  return { serviceDeskId: '1', requestTypeId, requestFieldValues: fields, ...extra };
}
