/**
 * A client of ATST's support-zip REST API on one product base URL (Jira, Confluence or Bitbucket
 * Data Center), over the portal layer's transport (proxy, CAs, timeouts, retries, a masked
 * `--debug` trace). Zips are streamed to disk, never held in memory. ATST answers errors as
 * `text/plain`, so the statuses it uses as answers are accepted and read here.
 */
import fs from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import type { Clock } from '../lib/clock.js';
import { buildDispatcher, HttpTransport, type Dispatcher, type NetworkOptions } from '../portal/http.js';
import { PortalError } from '../portal/errors.js';
import type { AtstClusterStart, AtstInfo, AtstTask, AtstZipRequest, MeshNode } from './types.js';

/** The support-zip resource, under the product's base URL. */
export const ATST_BASE = '/rest/troubleshooting/latest/support-zip';
/** Bitbucket's mesh nodes (a page of `RestMeshNode`), and under `MESH_ZIPS/{id}` each one's zip, streamed in the answer (no task). */
export const MESH_NODES = '/rest/api/latest/admin/git/mesh/nodes';
export const MESH_ZIPS = '/rest/api/latest/admin/git/mesh/support-zips';

/** Why ATST refused: no credential, not a system admin, a secure admin session needed, no ATST, or a 4xx text. */
export type AtstErrorKind = 'auth' | 'permission' | 'websudo' | 'missing' | 'refused';

/** A refusal of ATST's, with the server's own text (ATST answers in plain text). */
export class AtstError extends Error {
  constructor(
    readonly kind: AtstErrorKind,
    readonly status: number,
    /** The server's text, trimmed to one line. */
    readonly text: string,
  ) {
    super(`ATST ${kind} ${status}: ${text}`);
    this.name = 'AtstError';
  }
}

/** How to reach one product. */
export interface AtstClientOptions extends NetworkOptions {
  /** The product's base URL (may carry a context path such as `/jira`), already checked for cleartext. */
  baseUrl: string;
  /** `Bearer <PAT>` or `Basic <base64>`. */
  authorization: string;
  userAgent: string;
  clock: Clock;
  signal?: AbortSignal;
  debug?: (line: string) => void;
}

/**
 * A server's error text on one line: ATST answers text/plain, atlassian-rest's own refusals are
 * `{message, status-code}` and Bitbucket's are `{errors: [{message}]}`; their messages are taken.
 */
export function oneLine(text: string): string {
  let said = text;
  try {
    const j = JSON.parse(text) as { message?: unknown; errors?: { message?: unknown }[] };
    const messages = [j.message, ...(Array.isArray(j.errors) ? j.errors.map((e) => e?.message) : [])].filter((m): m is string => typeof m === 'string' && m !== '');
    if (messages.length) said = messages.join(' ');
  } catch {
    // Not JSON: the text itself.
  }
  const s = said.replace(/\s+/g, ' ').trim();
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/**
 * Classifies a refusal: WebSudo first (atlassian-rest answers it with 401 and `This resource
 * requires WebSudo.`, which is not a wrong credential), then 401, 403 (not a system admin), 404,
 * other 4xx.
 */
export function atstRefusal(status: number, text: string): AtstError {
  const said = oneLine(text);
  if ((status === 401 || status === 403) && /websudo/i.test(said)) return new AtstError('websudo', status, said);
  if (status === 401) return new AtstError('auth', status, said);
  if (status === 403) return new AtstError('permission', status, said);
  if (status === 404) return new AtstError('missing', status, said);
  return new AtstError('refused', status, said);
}

/** ATST's support-zip calls on one product. */
export class AtstClient {
  private readonly http: HttpTransport;
  private readonly dispatcher: Dispatcher;

  constructor(private readonly opts: AtstClientOptions) {
    this.dispatcher = buildDispatcher(opts);
    // JSON calls are short and must still go out after Ctrl-C (the cancels): only downloads and waits take the signal.
    this.http = new HttpTransport({ ...opts, signal: undefined, dispatcher: this.dispatcher, retry: { maxAttempts: 3 } });
  }

  /** Closes the connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, json?: unknown, accept: number[] = [], base = ATST_BASE): Promise<{ status: number; text: string }> {
    const a = await this.http.send({
      method,
      path: `${base}${path}`,
      json,
      // Harmless, and what atlassian-rest's XSRF check looks for.
      headers: { 'x-atlassian-token': 'no-check' },
      idempotent: method !== 'POST',
      accept: [401, 403, 404, ...accept],
    });
    if (a.status === 401 || a.status === 403 || (a.status === 404 && !accept.includes(404))) throw atstRefusal(a.status, a.text);
    return a;
  }

  private static json<T>(text: string): T {
    return (text.trim() ? JSON.parse(text) : {}) as T;
  }

  /** The cluster's nodes (absent: no cluster zips) and the options the product offers. */
  async info(): Promise<AtstInfo> {
    return AtstClient.json<AtstInfo>((await this.call('GET', '/info')).text);
  }

  /** Starts a cluster zip; `not-clustered` (412, or ATST's "does not support clustering" 400) means: use {@link startLocal}. */
  async startCluster(body: AtstZipRequest): Promise<{ started: AtstClusterStart } | { notClustered: string }> {
    const a = await this.call('POST', '/cluster', body, [400, 412]);
    if (a.status === 412 || (a.status === 400 && /cluster/i.test(a.text))) return { notClustered: oneLine(a.text) };
    if (a.status === 400) throw atstRefusal(400, a.text);
    return { started: AtstClient.json<AtstClusterStart>(a.text) };
  }

  /** Starts a zip on the node that answers. */
  async startLocal(body: AtstZipRequest): Promise<AtstTask> {
    const a = await this.call('POST', '/local', body, [400]);
    if (a.status === 400) throw atstRefusal(400, a.text);
    return AtstClient.json<AtstTask>(a.text);
  }

  /**
   * The tasks of a cluster zip (an unknown or expired id gives `[]`, not 404). `fresh`: once, on a
   * connection of its own (after a 5xx: the node that answered may be the one whose task failed,
   * and a balancer that routes per connection would send every retry there again).
   */
  async clusterStatus(clusterTaskId: string, fresh = false): Promise<AtstTask[]> {
    const path = `/status/cluster/${encodeURIComponent(clusterTaskId)}`;
    const a = fresh ? await this.freshGet(path) : await this.call('GET', path);
    return AtstClient.json<{ tasks?: AtstTask[] }>(a.text).tasks ?? [];
  }

  /** One task, or undefined when it is gone (cancelled or expired). `fresh` as for {@link clusterStatus}. */
  async taskStatus(taskId: string, fresh = false): Promise<AtstTask | undefined> {
    const path = `/status/task/${encodeURIComponent(taskId)}`;
    const a = fresh ? await this.freshGet(path, [404]) : await this.call('GET', path, undefined, [404]);
    return a.status === 404 ? undefined : AtstClient.json<AtstTask>(a.text);
  }

  /** One GET of ATST's on a new connection, closed after the answer; no retries (the caller polls again). */
  private async freshGet(path: string, accept: number[] = []): Promise<{ status: number; text: string }> {
    const url = this.http.url(`${ATST_BASE}${path}`);
    this.opts.debug?.(`> GET ${url} (new connection)`);
    const res = await this.dispatcher.request(url, {
      method: 'GET',
      fresh: true,
      headers: { authorization: this.opts.authorization, 'user-agent': this.opts.userAgent, accept: 'application/json', 'x-atlassian-token': 'no-check' },
    }).catch((err: unknown) => {
      throw new PortalError({ kind: 'network', method: 'GET', url, code: (err as { code?: string }).code, cause: err });
    });
    const text = await res.body.text();
    this.opts.debug?.(`< ${res.statusCode} GET ${url}`);
    if (res.statusCode >= 200 && res.statusCode < 300) return { status: res.statusCode, text };
    if (accept.includes(res.statusCode)) return { status: res.statusCode, text };
    if (res.statusCode < 500) throw atstRefusal(res.statusCode, text);
    throw new PortalError({ kind: 'server', status: res.statusCode, method: 'GET', url, messages: text ? [oneLine(text)] : [] });
  }

  /** Cancels a task; false when it was already gone (ATST has no CANCELLED state: the task is deleted). */
  async cancel(taskId: string): Promise<boolean> {
    const a = await this.call('DELETE', `/task/${encodeURIComponent(taskId)}`, undefined, [404]);
    return a.status !== 404;
  }

  /**
   * Bitbucket's mesh nodes, every page of them; undefined when the product has none to offer
   * (not Bitbucket, or a Bitbucket without mesh: 404; 401/403: not this credential's to see).
   */
  async meshNodes(): Promise<MeshNode[] | undefined> {
    const nodes: MeshNode[] = [];
    for (let start = 0, pages = 0; pages < 100; pages++) {
      let a: { status: number; text: string };
      try {
        a = await this.call('GET', `?start=${start}&limit=100`, undefined, [404, 405, 500, 502, 503, 504], MESH_NODES);
      } catch (err) {
        if (err instanceof AtstError && (err.status === 401 || err.status === 403 || err.kind === 'missing')) return undefined;
        throw err;
      }
      // Bitbucket's errors are `{errors: [{message}]}`, which the portal's reader does not know: read here.
      if (a.status >= 500) throw new PortalError({ kind: 'server', status: a.status, method: 'GET', url: this.http.url(MESH_NODES), messages: [oneLine(a.text)] });
      if (a.status !== 200) return undefined;
      let page: { values?: MeshNode[]; isLastPage?: boolean; nextPageStart?: number } | MeshNode[] | MeshNode;
      try {
        page = AtstClient.json(a.text);
      } catch {
        // Not JSON (a login page, a proxy's page): no mesh nodes to be had here.
        return undefined;
      }
      // A page as Bitbucket lists things; a bare array or one node are taken too.
      if (!page || typeof page !== 'object') return undefined;
      if (Array.isArray(page)) return page;
      if (!('values' in page)) return 'id' in page ? [page as MeshNode] : nodes;
      nodes.push(...(page.values ?? []));
      if (page.isLastPage !== false || typeof page.nextPageStart !== 'number') return nodes;
      start = page.nextPageStart;
    }
    return nodes;
  }

  /**
   * Streams `GET download/{fileName}` into `dest`; `onBytes` hears the running total. Returns
   * false on 404 (another node holds the zip). `fresh`: on a connection of its own, closed after
   * the answer, so a load balancer that routes per connection picks a node again. `dest` is
   * created 0600 and removed again on any failure.
   */
  async download(fileName: string, dest: string, onBytes?: (n: number) => void, fresh = false): Promise<boolean> {
    return this.stream(`${ATST_BASE}/download/${encodeURIComponent(fileName)}`, dest, onBytes, fresh);
  }

  /** Streams one Bitbucket mesh node's support zip into `dest` (built while the answer streams). */
  async downloadMesh(meshNodeId: string, dest: string, onBytes?: (n: number) => void): Promise<boolean> {
    return this.stream(`${MESH_ZIPS}/${encodeURIComponent(meshNodeId)}`, dest, onBytes, false);
  }

  private async stream(path: string, dest: string, onBytes: ((n: number) => void) | undefined, fresh: boolean): Promise<boolean> {
    const url = this.http.url(path);
    this.opts.debug?.(`> GET ${url}${fresh ? ' (new connection)' : ''}`);
    const res = await this.dispatcher.request(url, {
      method: 'GET',
      ...(this.opts.signal ? { signal: this.opts.signal } : {}),
      fresh,
      headers: { authorization: this.opts.authorization, 'user-agent': this.opts.userAgent, accept: 'application/octet-stream', 'x-atlassian-token': 'no-check' },
    }).catch((err: unknown) => {
      throw new PortalError({ kind: 'network', method: 'GET', url, code: (err as { code?: string }).code, cause: err });
    });
    this.opts.debug?.(`< ${res.statusCode} GET ${url}`);
    if (res.statusCode === 404) {
      await res.body.dump();
      return false;
    }
    if (res.statusCode !== 200) {
      const text = await res.body.text().catch(() => '');
      if (res.statusCode < 500) throw atstRefusal(res.statusCode, text);
      throw new PortalError({ kind: 'server', status: res.statusCode, method: 'GET', url, messages: text ? [oneLine(text)] : [] });
    }
    let total = 0;
    const count = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        total += chunk.length;
        onBytes?.(total);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(res.body, count, fs.createWriteStream(dest, { mode: 0o600 }), { signal: this.opts.signal });
    } catch (err) {
      await fs.promises.rm(dest, { force: true });
      throw err;
    }
    return true;
  }
}
