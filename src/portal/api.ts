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
  UserDTO,
} from './types.js';
import { PortalError } from './errors.js';
import type { StreamAnswer } from './http.js';

/**
 * The operations the CLI performs on a JSM portal. `JsmClient` (portal/client.ts) implements it
 * over Node's HTTP client; commands depend on this interface only. List operations are async iterables that
 * follow `isLastPage` page by page (advancing by `size`), so memory does not grow with the count.
 */
export interface PortalApi {
  /** `GET /info` (anonymous on real portals). */
  info(): Promise<SoftwareInfoDTO>;
  /** `GET /rest/api/2/myself` (Cloud and DC) — who the credentials belong to. */
  myself(): Promise<MyselfDTO>;

  serviceDesks(): AsyncIterable<ServiceDeskDTO>;
  serviceDesk(serviceDeskId: string): Promise<ServiceDeskDTO>;
  requestTypes(serviceDeskId: string, opts?: { searchQuery?: string; groupId?: string }): AsyncIterable<RequestTypeDTO>;
  requestTypeGroups(serviceDeskId: string): AsyncIterable<RequestTypeGroupDTO>;
  requestType(serviceDeskId: string, requestTypeId: string): Promise<RequestTypeDTO>;
  requestTypeFields(serviceDeskId: string, requestTypeId: string): Promise<CustomerRequestCreateMetaDTO>;

  /** `POST /request`. Never retried blindly: a failure after the body was sent is ambiguous. */
  createRequest(body: RequestCreateDTO): Promise<CustomerRequestDTO>;
  /**
   * `POST /request/validate` where the portal has it; `undefined` when it answers 404 (older portals).
   * Resolves `{ valid: true }` or `{ valid: false, ... }` with the portal's messages.
   */
  validateRequest(body: RequestCreateDTO): Promise<ValidationResult | undefined>;
  requests(query?: RequestQuery): AsyncIterable<CustomerRequestDTO>;
  request(issueIdOrKey: string, expand?: readonly RequestExpand[]): Promise<CustomerRequestDTO>;

  comments(issueIdOrKey: string): AsyncIterable<CommentDTO>;
  /** `POST /request/{key}/comment` with `public: true`. Not retried blindly. */
  addComment(issueIdOrKey: string, body: string): Promise<CommentDTO>;

  /** Portal-wide attachment settings (`GET /rest/api/3/attachment/meta`): `uploadLimit` in bytes. */
  attachmentMeta(): Promise<AttachmentSettingsDTO>;
  /**
   * `POST /servicedesk/{id}/attachTemporaryFile`: streams each file from disk in one multipart body
   * (parts named `file`, `X-Atlassian-Token: no-check`). At most 60 files per call. Retried on 429,
   * 502-504 and connection errors (the upload is idempotent: an unused temporary file expires).
   */
  uploadTemporaryFiles(
    serviceDeskId: string,
    files: readonly UploadFile[],
    onProgress?: (p: UploadProgress) => void,
  ): Promise<TemporaryAttachment[]>;
  /** `POST /request/{key}/attachment` (creates a comment, optionally with text). */
  attachTemporaryFiles(issueIdOrKey: string, body: AttachmentCreateDTO): Promise<AttachmentCreateResultDTO>;
  attachments(issueIdOrKey: string): AsyncIterable<AttachmentDTO>;

  transitions(issueIdOrKey: string): AsyncIterable<CustomerTransitionDTO>;
  /** `POST /request/{key}/transition` (204). */
  transition(issueIdOrKey: string, transitionId: string, comment?: string): Promise<void>;
  statusHistory(issueIdOrKey: string): AsyncIterable<CustomerRequestStatusDTO>;

  participants(issueIdOrKey: string): AsyncIterable<UserDTO>;
  /** Adds participants named as the portal's flavor names people: accountIds (Cloud) or usernames (Data Center). */
  addParticipants(issueIdOrKey: string, ids: readonly string[]): Promise<PagedDTO<UserDTO>>;
  removeParticipants(issueIdOrKey: string, ids: readonly string[]): Promise<PagedDTO<UserDTO>>;

  sla(issueIdOrKey: string): AsyncIterable<SlaInformationDTO>;

  /**
   * The platform user search (not the customer API): Cloud `GET /rest/api/3/user/search?query=`
   * (accountIds), Data Center `GET /rest/api/2/user/search?username=` (usernames). Cloud matches the
   * query against names and e-mail prefixes, so callers must check the answers themselves. Needs
   * "Browse users": a 401 or 403 here rejects as a {@link PortalError} of kind `permission` (see
   * {@link isUserSearchDenied}); customer-only accounts often get that or an empty list.
   */
  findUsers(query: string): Promise<UserDTO[]>;
  /**
   * Now, as the portal's clock says (the `Date` header of its latest answer, when it differs from
   * ours by a minute or more); our clock before any answer.
   */
  portalNow?(): number;
  /** The workflow statuses the portal lists (`GET /rest/api/2/status`); empty when it refuses (customers often may not). */
  statuses?(): Promise<{ name: string; category?: string }[]>;

  /**
   * One call to a JSON endpoint of the portal, for the customer operations kept in modules of their
   * own (kb.ts, organizations.ts, download.ts, feedback.ts, notification.ts, approvals.ts): the
   * answer parsed; `undefined` for 204, an empty body or a status of `absentOn`. Sent again only as
   * the one retry policy says (`portal/retry.ts`): a write that is not `idempotent` only when it
   * certainly was not processed. A success that is not JSON (a login or proxy page) is a
   * {@link PortalError} of kind `server`.
   */
  send<R>(call: PortalCall): Promise<R | undefined>;
  /**
   * A list endpoint followed page by page, as every list of this interface is, with the same guards:
   * a server (or proxy) that ignores `start`, repeats a page or never ends is stopped there, with a
   * notice, and what was read is kept.
   */
  list<R>(path: string, query?: PortalCall['query']): AsyncIterable<R>;
  /** The portal's base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The absolute URL {@link send} would call for `path` (`requestLanguage` included). */
  urlOf(path: string): string;
  /**
   * A GET whose body is streamed rather than read (a download), retried as any GET before the
   * answer arrives. A 2xx or 3xx answer is returned as it is (a redirect is never followed here);
   * anything else is a {@link PortalError}. `url` is absolute and may be on another host: the
   * credentials go with it only when `withCredentials`.
   */
  stream(url: string, withCredentials: boolean): Promise<StreamAnswer>;
}

/** A call {@link PortalApi.send} makes. */
export interface PortalCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Starts with `/`, e.g. `/rest/servicedeskapi/organization` (see {@link SERVICEDESK_API}). */
  path: string;
  query?: Record<string, string | number | boolean | readonly (string | number)[] | undefined>;
  json?: unknown;
  /** Headers of the endpoint's own, e.g. `X-ExperimentalApi: opt-in`. */
  headers?: Readonly<Record<string, string>>;
  /** Statuses that mean "nothing there" rather than an error (e.g. 404 on an optional endpoint): the call resolves `undefined`. */
  absentOn?: readonly number[];
  /**
   * Whether sending the call twice leaves the portal as sending it once: true by default for a GET;
   * a write that sets a state (a switch turned on with `PUT`, off with `DELETE`) may say so too.
   */
  idempotent?: boolean;
}

/** The customer API's root, which every JSM customer path starts with. */
export const SERVICEDESK_API = '/rest/servicedeskapi';

/** A path segment (a key, an id), encoded. */
export function seg(s: string): string {
  return encodeURIComponent(s);
}

/** True when `err` is the refusal of {@link PortalApi.findUsers} (the account may not browse users). */
export function isUserSearchDenied(err: unknown): err is PortalError {
  return err instanceof PortalError && err.kind === 'permission' && /\/rest\/api\/[23]\/user\/search$/.test(err.url);
}

export type RequestExpand =
  | 'serviceDesk'
  | 'requestType'
  | 'participant'
  | 'sla'
  | 'status'
  | 'attachment'
  | 'action'
  | 'comment';

export interface RequestQuery {
  /** Repeated `requestOwnership` keys, e.g. OWNED_REQUESTS, PARTICIPATED_REQUESTS. */
  ownership?: readonly ('OWNED_REQUESTS' | 'PARTICIPATED_REQUESTS' | 'ALL_ORGANIZATIONS' | 'ORGANIZATION')[];
  /** With ownership `ORGANIZATION`: the requests shared with this organization (an int32 id). */
  organizationId?: string;
  status?: 'OPEN_REQUESTS' | 'CLOSED_REQUESTS' | 'ALL_REQUESTS';
  searchTerm?: string;
  serviceDeskId?: string;
  requestTypeId?: string;
  expand?: readonly RequestExpand[];
  /** Page size asked of the server (it may cap it). */
  pageSize?: number;
}

export interface ValidationResult {
  valid: boolean;
  errorMessage?: string;
  errorMessages?: string[];
  fieldErrors?: { field?: string; message?: string }[];
}

export interface UploadFile {
  /** Path on disk; the file is streamed, never read whole. */
  path: string;
  /** Name sent to the portal (default: the path's basename). */
  name?: string;
  /** Size in bytes when known (saves a stat). */
  size?: number;
  /** The MIME type to send (default: from the name's extension, `application/octet-stream` when unknown). */
  mimeType?: string;
}

export interface UploadProgress {
  /** Bytes of file content sent so far (all files of the call). */
  bytes: number;
  /** Total bytes of file content in the call. */
  total: number;
  /** Average bytes per second since the call started. */
  rate: number;
  /** The file being sent. */
  file: string;
}

export interface TemporaryAttachment {
  temporaryAttachmentId: string;
  fileName: string;
}
