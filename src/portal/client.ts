/**
 * `JsmClient`: the {@link PortalApi} over Node's HTTP client (`dispatcher.ts`). Lists are async iterators that follow
 * `isLastPage` and advance by `size` (servers cap `limit`); uploads stream from disk in a
 * multipart body with a known length; only idempotent calls are retried.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type {
  PortalApi,
  PortalCall,
  RequestExpand,
  RequestQuery,
  TemporaryAttachment,
  UploadFile,
  UploadProgress,
  ValidationResult,
} from './api.js';
import { SERVICEDESK_API as API, seg as enc } from './api.js';
import { PortalError } from './errors.js';
import { HttpTransport, type HttpCall, type PagingStop, type StreamAnswer, type TransportOptions } from './http.js';
import { mimeTypeOf } from './mime.js';
import { multipartBody } from './multipart.js';
import type { PortalFlavor } from './url.js';
import type {
  AttachmentCreateDTO,
  AttachmentCreateResultDTO,
  AttachmentDTO,
  AttachmentSettingsDTO,
  CommentDTO,
  CustomerRequestCreateMetaDTO,
  CustomerRequestDTO,
  CustomerRequestStatusDTO,
  CustomerTransitionDTO,
  MyselfDTO,
  PagedDTO,
  RequestCreateDTO,
  RequestTypeDTO,
  RequestTypeGroupDTO,
  ServiceDeskDTO,
  SlaInformationDTO,
  SoftwareInfoDTO,
  TemporaryAttachmentsDTO,
  UserDTO,
} from './types.js';

/** How a client authenticates. Cloud: e-mail + API token (Basic); Data Center: personal access token (Bearer). */
export type Credentials = { kind: 'basic'; email: string; token: string } | { kind: 'bearer'; token: string } | { kind: 'none' };

/** The `Authorization` header for credentials (UTF-8 bytes, base64, as Jira expects). */
export function authorizationHeader(c: Credentials): string | undefined {
  if (c.kind === 'basic') return `Basic ${Buffer.from(`${c.email}:${c.token}`, 'utf8').toString('base64')}`;
  if (c.kind === 'bearer') return `Bearer ${c.token}`;
  return undefined;
}

/** Everything a client needs; network settings and tracing go to the transport. */
export interface JsmClientOptions extends Omit<TransportOptions, 'authorization'> {
  credentials: Credentials;
  /** Page size asked of list endpoints (the server may cap it); default 50. */
  pageSize?: number;
  /** Names people by accountId (`cloud`, the default) or by username (`dc`) where the API takes a list of them. */
  flavor?: PortalFlavor;
}

/**
 * More items than any customer's list holds: a list still going past this is a server that never
 * says its last page, and it is cut there.
 */
const MAX_LIST_ITEMS = 100_000;


/** 52 random bits as 13 hex digits. */
function randomHex(): string {
  return Math.floor(Math.random() * 2 ** 52)
    .toString(16)
    .padStart(13, '0');
}

/** The JSM customer API client. Call {@link JsmClient.close} when done. */
export class JsmClient implements PortalApi {
  private readonly http: HttpTransport;
  private readonly pageSize: number;

  constructor(private readonly opts: JsmClientOptions) {
    const auth = authorizationHeader(opts.credentials);
    const c = opts.credentials;
    const derived =
      c.kind === 'basic'
        ? [c.token, encodeURIComponent(c.token), Buffer.from(`${c.email}:${c.token}`, 'utf8').toString('base64')]
        : c.kind === 'bearer'
          ? [c.token, encodeURIComponent(c.token)]
          : [];
    this.http = new HttpTransport({ ...opts, authorization: auth, secrets: [...(opts.secrets ?? []), ...derived] });
    this.pageSize = opts.pageSize ?? 50;
  }

  /** The portal's base URL, without a trailing slash. */
  get baseUrl(): string {
    return this.http.baseUrl;
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  portalNow(): number {
    return this.opts.clock.now() + this.http.clockSkewMs;
  }

  /** The call's answer parsed; `undefined` for 204, an empty body or a status the call accepts. */
  private async json<T>(call: HttpCall): Promise<T> {
    const a = await this.http.send(call);
    if (a.status === 204 || a.text.trim() === '' || call.accept?.includes(a.status)) return undefined as T;
    try {
      return JSON.parse(a.text) as T;
    } catch (err) {
      // A success answered with something else (a login or proxy page): a write may have been processed.
      throw new PortalError({
        kind: 'server',
        status: a.status,
        method: call.method,
        url: this.http.url(call.path).split('?')[0]!,
        messages: [`not JSON: ${a.text.slice(0, 200)}`],
        mayHaveBeenSent: call.method !== 'GET',
        cause: err,
      });
    }
  }

  private get<T>(p: string, query?: HttpCall['query']): Promise<T> {
    return this.json<T>({ method: 'GET', path: p, query, idempotent: true });
  }

  /**
   * Follows a list endpoint page by page: advance by `size`, stop on `isLastPage`, an empty page, or
   * a short page without the flag. A server (or a proxy) that ignores `start`, repeats a page or
   * never ends would otherwise be followed forever: the list stops there, says why through
   * `onNotice`, and keeps what it had.
   */
  private async *paged<T>(p: string, query: HttpCall['query'] = {}, pageSize = this.pageSize): AsyncGenerator<T> {
    let start = 0;
    let items = 0;
    const seen = new Set<string>();
    const stop = (reason: PagingStop) => this.http.notice({ kind: 'paging-stopped', url: this.http.url(p).split('?')[0]!, reason, items });
    for (;;) {
      const page = (await this.get<PagedDTO<T>>(p, { ...query, start, limit: pageSize })) ?? {};
      const values = Array.isArray(page.values) ? page.values : [];
      if (start > 0 && typeof page.start === 'number' && page.start !== start) return stop('start-ignored');
      const size = typeof page.size === 'number' ? page.size : values.length;
      // Without the flag, a page shorter than asked is taken as the last one.
      const last = page.isLastPage === true || size === 0 || values.length === 0 || (page.isLastPage === undefined && size < pageSize);
      // A digest per page, not the page: a long list must not keep a copy of itself. Only taken when
      // there is another page to compare it with: a list of one page (most) never loads node:crypto.
      if (values.length > 0 && (!last || seen.size > 0)) {
        const { createHash } = await import('node:crypto');
        const fingerprint = createHash('sha1').update(JSON.stringify(values)).digest('base64');
        if (seen.has(fingerprint)) return stop('repeated-page');
        seen.add(fingerprint);
      }
      for (const v of values) yield v;
      items += values.length;
      if (last) return;
      if (!(size > 0) || !Number.isSafeInteger(start + size)) return stop('not-advancing');
      if (items >= MAX_LIST_ITEMS) return stop('too-many');
      start += size;
    }
  }

  info(): Promise<SoftwareInfoDTO> {
    return this.get(`${API}/info`);
  }

  myself(): Promise<MyselfDTO> {
    return this.get('/rest/api/2/myself');
  }

  serviceDesks(): AsyncIterable<ServiceDeskDTO> {
    return this.paged(`${API}/servicedesk`);
  }

  serviceDesk(serviceDeskId: string): Promise<ServiceDeskDTO> {
    return this.get(`${API}/servicedesk/${enc(serviceDeskId)}`);
  }

  requestTypes(serviceDeskId: string, opts: { searchQuery?: string; groupId?: string } = {}): AsyncIterable<RequestTypeDTO> {
    return this.paged(`${API}/servicedesk/${enc(serviceDeskId)}/requesttype`, { searchQuery: opts.searchQuery, groupId: opts.groupId });
  }

  requestTypeGroups(serviceDeskId: string): AsyncIterable<RequestTypeGroupDTO> {
    return this.paged(`${API}/servicedesk/${enc(serviceDeskId)}/requesttypegroup`);
  }

  requestType(serviceDeskId: string, requestTypeId: string): Promise<RequestTypeDTO> {
    return this.get(`${API}/servicedesk/${enc(serviceDeskId)}/requesttype/${enc(requestTypeId)}`);
  }

  requestTypeFields(serviceDeskId: string, requestTypeId: string): Promise<CustomerRequestCreateMetaDTO> {
    return this.get(`${API}/servicedesk/${enc(serviceDeskId)}/requesttype/${enc(requestTypeId)}/field`);
  }

  createRequest(body: RequestCreateDTO): Promise<CustomerRequestDTO> {
    return this.json({ method: 'POST', path: `${API}/request`, json: body, idempotent: false });
  }

  async validateRequest(body: RequestCreateDTO): Promise<ValidationResult | undefined> {
    // Creates nothing, so it is safe to retry. Older portals lack the endpoint: 404, or 405 because
    // the path then matches `GET /request/{issueIdOrKey}` with "validate" as the key.
    const a = await this.http.send({ method: 'POST', path: `${API}/request/validate`, json: body, idempotent: true, accept: [400, 404, 405] });
    if (a.status === 404 || a.status === 405) return undefined;
    let parsed: ValidationResult | undefined;
    try {
      parsed = JSON.parse(a.text) as ValidationResult;
    } catch {
      parsed = undefined;
    }
    if (a.status === 400) return { ...parsed, valid: false };
    return parsed ?? { valid: true };
  }

  requests(q: RequestQuery = {}): AsyncIterable<CustomerRequestDTO> {
    return this.paged(
      `${API}/request`,
      {
        requestOwnership: q.ownership,
        requestStatus: q.status,
        searchTerm: q.searchTerm,
        serviceDeskId: q.serviceDeskId,
        requestTypeId: q.requestTypeId,
        organizationId: q.organizationId,
        expand: q.expand && q.expand.length > 0 ? q.expand.join(',') : undefined,
      },
      q.pageSize ?? this.pageSize,
    );
  }

  request(issueIdOrKey: string, expand?: readonly RequestExpand[]): Promise<CustomerRequestDTO> {
    return this.get(`${API}/request/${enc(issueIdOrKey)}`, { expand: expand && expand.length > 0 ? expand.join(',') : undefined });
  }

  comments(issueIdOrKey: string): AsyncIterable<CommentDTO> {
    return this.paged(`${API}/request/${enc(issueIdOrKey)}/comment`);
  }

  addComment(issueIdOrKey: string, body: string): Promise<CommentDTO> {
    return this.json({ method: 'POST', path: `${API}/request/${enc(issueIdOrKey)}/comment`, json: { body, public: true }, idempotent: false });
  }

  async attachmentMeta(): Promise<AttachmentSettingsDTO> {
    // Cloud serves v3; Data Center only v2.
    const a = await this.http.send({ method: 'GET', path: '/rest/api/3/attachment/meta', idempotent: true, accept: [404] });
    if (a.status !== 404) return JSON.parse(a.text) as AttachmentSettingsDTO;
    return this.get('/rest/api/2/attachment/meta');
  }

  async statuses(): Promise<{ name: string; category?: string }[]> {
    // The platform API (Cloud and Data Center); a customer-only account is often refused or sees none.
    const a = await this.http.send({ method: 'GET', path: '/rest/api/2/status', idempotent: true, accept: [401, 403, 404] });
    if (a.status >= 300) return [];
    let body: unknown;
    try {
      body = JSON.parse(a.text);
    } catch {
      return [];
    }
    if (!Array.isArray(body)) return [];
    return body
      .filter((x): x is { name: string; statusCategory?: { key?: unknown } } => typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string')
      .map((x) => ({ name: x.name, ...(typeof x.statusCategory?.key === 'string' ? { category: x.statusCategory.key.toUpperCase() } : {}) }));
  }

  async uploadTemporaryFiles(
    serviceDeskId: string,
    files: readonly UploadFile[],
    onProgress?: (p: UploadProgress) => void,
  ): Promise<TemporaryAttachment[]> {
    const parts = await Promise.all(
      files.map(async (f) => {
        const name = f.name ?? path.basename(f.path);
        return { path: f.path, name, size: f.size ?? (await fsp.stat(f.path)).size, type: f.mimeType ?? mimeTypeOf(name) };
      }),
    );
    // The boundary only has to be unlikely to occur in the files (RFC 2046 5.1.1): 104 random bits
    // of Math.random do, without loading node:crypto on the way to the upload (~2-5 ms measured).
    const boundary = `----support-${randomHex()}${randomHex()}`;
    const clock = this.opts.clock;
    const multipart = () => {
      const body = multipartBody(parts, boundary, (bytes, total, file, started) => {
        const secs = Math.max(0.001, (clock.now() - started) / 1000);
        onProgress?.({ bytes, total, rate: bytes / secs, file });
      }, () => clock.now());
      return { body: body.stream, length: body.length, contentType: `multipart/form-data; boundary=${boundary}` };
    };
    const res = await this.json<TemporaryAttachmentsDTO>({
      method: 'POST',
      path: `${API}/servicedesk/${enc(serviceDeskId)}/attachTemporaryFile`,
      headers: { 'x-atlassian-token': 'no-check' },
      stream: multipart,
      idempotent: true,
    });
    return (res?.temporaryAttachments ?? []).map((t) => ({ temporaryAttachmentId: t.temporaryAttachmentId ?? '', fileName: t.fileName ?? '' }));
  }

  attachTemporaryFiles(issueIdOrKey: string, body: AttachmentCreateDTO): Promise<AttachmentCreateResultDTO> {
    return this.json({ method: 'POST', path: `${API}/request/${enc(issueIdOrKey)}/attachment`, json: body, idempotent: false });
  }

  attachments(issueIdOrKey: string): AsyncIterable<AttachmentDTO> {
    return this.paged(`${API}/request/${enc(issueIdOrKey)}/attachment`);
  }

  transitions(issueIdOrKey: string): AsyncIterable<CustomerTransitionDTO> {
    return this.paged(`${API}/request/${enc(issueIdOrKey)}/transition`);
  }

  async transition(issueIdOrKey: string, transitionId: string, comment?: string): Promise<void> {
    await this.http.send({
      method: 'POST',
      path: `${API}/request/${enc(issueIdOrKey)}/transition`,
      json: { id: transitionId, ...(comment ? { additionalComment: { body: comment } } : {}) },
      idempotent: false,
    });
  }

  statusHistory(issueIdOrKey: string): AsyncIterable<CustomerRequestStatusDTO> {
    return this.paged(`${API}/request/${enc(issueIdOrKey)}/status`);
  }

  participants(issueIdOrKey: string): AsyncIterable<UserDTO> {
    return this.paged(`${API}/request/${enc(issueIdOrKey)}/participant`);
  }

  /** The participants body: `accountIds` on Cloud, `usernames` on Data Center (which has no accountIds). */
  private people(ids: readonly string[]): { accountIds: readonly string[] } | { usernames: readonly string[] } {
    return this.opts.flavor === 'dc' ? { usernames: ids } : { accountIds: ids };
  }

  addParticipants(issueIdOrKey: string, ids: readonly string[]): Promise<PagedDTO<UserDTO>> {
    return this.json({ method: 'POST', path: `${API}/request/${enc(issueIdOrKey)}/participant`, json: this.people(ids), idempotent: false });
  }

  removeParticipants(issueIdOrKey: string, ids: readonly string[]): Promise<PagedDTO<UserDTO>> {
    return this.json({ method: 'DELETE', path: `${API}/request/${enc(issueIdOrKey)}/participant`, json: this.people(ids), idempotent: false });
  }

  sla(issueIdOrKey: string): AsyncIterable<SlaInformationDTO> {
    return this.paged(`${API}/request/${enc(issueIdOrKey)}/sla`);
  }

  async findUsers(query: string): Promise<UserDTO[]> {
    // Bearer (personal access token) is Data Center. Basic is Cloud (e-mail + API token) but can be
    // a Data Center username and password too, so v3 first and v2 when the portal lacks v3 (404).
    const cloud = { path: '/rest/api/3/user/search', query: { query, maxResults: 50 } };
    const dc = { path: '/rest/api/2/user/search', query: { username: query, maxResults: 50 } };
    const order = this.opts.credentials.kind === 'bearer' ? [dc] : [cloud, dc];
    for (let i = 0; i < order.length; i++) {
      const o = order[i]!;
      const last = i === order.length - 1;
      try {
        const a = await this.http.send({ method: 'GET', path: o.path, query: o.query, idempotent: true, accept: last ? [] : [404] });
        if (a.status === 404) continue;
        let parsed: unknown;
        try {
          parsed = a.text.trim() === '' ? [] : JSON.parse(a.text);
        } catch (err) {
          throw new PortalError({ kind: 'server', status: a.status, method: 'GET', url: this.http.url(o.path), messages: [`not JSON: ${a.text.slice(0, 200)}`], cause: err });
        }
        return Array.isArray(parsed) ? (parsed as UserDTO[]) : [];
      } catch (e) {
        // The credentials already worked for the customer API: a 401 here is this endpoint's refusal.
        if (e instanceof PortalError && (e.kind === 'auth' || e.kind === 'permission')) {
          throw new PortalError({
            kind: 'permission',
            method: e.method,
            url: e.url,
            status: e.status,
            messages: e.messages,
            ...(e.loginReason ? { loginReason: e.loginReason } : {}),
            cause: e,
          });
        }
        throw e;
      }
    }
    return [];
  }

  async send<R>(call: PortalCall): Promise<R | undefined> {
    const { absentOn, headers, ...rest } = call;
    return this.json<R | undefined>({
      ...rest,
      ...(headers ? { headers: { ...headers } } : {}),
      ...(absentOn ? { accept: absentOn } : {}),
      idempotent: call.idempotent ?? call.method === 'GET',
    });
  }

  list<R>(p: string, query?: PortalCall['query']): AsyncIterable<R> {
    return this.paged<R>(p, query);
  }

  urlOf(p: string): string {
    return this.http.url(p);
  }

  stream(url: string, withCredentials: boolean): Promise<StreamAnswer> {
    return this.http.stream(url, withCredentials);
  }
}
