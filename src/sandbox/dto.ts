/**
 * Turns the stored state into the wire shapes of the JSM spec (`src/portal/types.ts`). Every
 * object here must validate against `../shared/jsm/`, whose schemas forbid unknown members.
 */
import type {
  AttachmentDTO,
  CommentDTO,
  CustomerRequestCreateMetaDTO,
  CustomerRequestDTO,
  CustomerRequestFieldValueDTO,
  CustomerRequestStatusDTO,
  DateDTO,
  DurationDTO,
  PagedDTO,
  RequestTypeDTO,
  RequestTypeFieldValueDTO,
  ServiceDeskDTO,
  SlaInformationDTO,
  UserDTO,
} from '../portal/types.js';
import { formatDuration } from '../lib/units.js';
import type { SandboxCatalog, SeedRequestType } from './catalog.js';
import { AGENT, firstResponseGoalMs } from './seed.js';
import { usernameOf, type SandboxState, type StoredAttachment, type StoredComment, type StoredRequest, type StoredStatus } from './store.js';
import { categoryOf, currentStatus, isDone } from './workflow.js';

/**
 * Which portal the sandbox imitates: Jira Service Management Cloud, or Data Center, whose answers
 * carry no status categories, name people by username (and key) instead of accountId, and whose
 * platform API is `/rest/api/2` only.
 */
export type SandboxFlavor = 'cloud' | 'dc';

/** What rendering needs besides the object: where the server is, the state, sandbox time and the portal it serves. */
export interface View {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  state: SandboxState;
  now: number;
  catalog: SandboxCatalog;
  flavor: SandboxFlavor;
}

export const API = '/rest/servicedeskapi';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A DateDTO in UTC, in Jira's formats (`+0000` offsets, `jira` with milliseconds). */
export function date(ms: number): DateDTO {
  const d = new Date(ms);
  const iso = d.toISOString();
  const h = d.getUTCHours();
  const friendly = `${String(d.getUTCDate()).padStart(2, '0')}/${MONTHS[d.getUTCMonth()]}/${String(d.getUTCFullYear()).slice(2)} ${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
  return {
    epochMillis: ms,
    friendly,
    iso8601: `${iso.slice(0, 19)}+0000`,
    jira: `${iso.slice(0, 23)}+0000`,
  };
}

export function duration(ms: number): DurationDTO {
  return { millis: ms, friendly: ms < 0 ? `-${formatDuration(-ms)}` : formatDuration(ms) };
}

/** Paging as JSM does it: `limit` capped by the server, `isLastPage`, links to the neighbours. */
export interface PageQuery {
  start: number;
  limit: number;
}

export function page<T>(view: View, items: readonly T[], q: PageQuery, selfPath: string, extra: Record<string, string[]> = {}): PagedDTO<T> {
  const values = items.slice(q.start, q.start + q.limit);
  const isLastPage = q.start + values.length >= items.length;
  const link = (start: number): string => {
    const u = new URL(selfPath, view.url);
    for (const [k, vs] of Object.entries(extra)) for (const v of vs) u.searchParams.append(k, v);
    u.searchParams.set('start', String(start));
    u.searchParams.set('limit', String(q.limit));
    return u.toString();
  };
  const links: NonNullable<PagedDTO<T>['_links']> = { base: `${view.url}${API}`, context: '', self: link(q.start) };
  if (!isLastPage) links.next = link(q.start + values.length);
  if (q.start > 0) links.prev = link(Math.max(0, q.start - q.limit));
  return { _expands: [], size: values.length, start: q.start, limit: q.limit, isLastPage, values, _links: links };
}

/** A customer or the agent, by accountId; on Data Center by username and key instead. */
export function user(view: View, accountId: string): UserDTO {
  const u = view.state.users.find((x) => x.accountId === accountId);
  const isAgent = accountId === AGENT.accountId;
  const displayName = u?.displayName ?? (isAgent ? AGENT.displayName : accountId);
  const emailAddress = u?.email ?? (isAgent ? AGENT.emailAddress : undefined);
  const id = view.flavor === 'dc' ? { name: u ? usernameOf(u) : isAgent ? AGENT.username : accountId } : { accountId };
  const ref = view.flavor === 'dc' ? `username=${encodeURIComponent(id.name!)}` : `accountId=${encodeURIComponent(accountId)}`;
  const avatar = `${view.url}/secure/useravatar?${ref}`;
  return {
    ...(view.flavor === 'dc' ? { name: id.name, key: id.name } : id),
    ...(emailAddress ? { emailAddress } : {}),
    displayName,
    active: true,
    timeZone: 'Etc/UTC',
    _links: {
      jiraRest: `${view.url}/rest/api/2/user?${ref}`,
      avatarUrls: { '48x48': `${avatar}&size=48`, '24x24': `${avatar}&size=24`, '16x16': `${avatar}&size=16`, '32x32': `${avatar}&size=32` },
      self: `${view.url}/rest/api/2/user?${ref}`,
    },
  };
}

export function serviceDesk(view: View): ServiceDeskDTO {
  const d = view.catalog.desk;
  return {
    id: d.id,
    projectId: d.projectId,
    projectKey: d.projectKey,
    projectName: d.projectName,
    projectTypeKey: d.projectTypeKey,
    _links: { self: `${view.url}${API}/servicedesk/${d.id}` },
  };
}

export function fieldMeta(view: View, requestTypeId: string): CustomerRequestCreateMetaDTO {
  return {
    requestTypeFields: view.catalog.fieldsOf(requestTypeId).map(({ field, required }) => ({
      fieldId: field.fieldId,
      name: field.name,
      description: field.description,
      required,
      visible: true,
      jiraSchema: { ...field.jiraSchema },
      validValues: (field.validValues ?? []).map(function option(o): RequestTypeFieldValueDTO {
        return { value: o.value, label: o.label, children: (o.children ?? []).map(option) };
      }),
      defaultValues: [],
      presetValues: [],
    })),
    canRaiseOnBehalfOf: true,
    canAddRequestParticipants: true,
  };
}

export function requestType(view: View, rt: SeedRequestType, withFields: boolean): RequestTypeDTO {
  const icon = `${view.url}/secure/viewavatar?avatarType=SD_REQTYPE&avatarId=${rt.icon}`;
  return {
    _expands: withFields ? [] : ['field'],
    id: rt.id,
    _links: { self: `${view.url}${API}/servicedesk/${view.catalog.desk.id}/requesttype/${rt.id}` },
    name: rt.name,
    description: rt.description,
    helpText: rt.helpText,
    issueTypeId: rt.issueTypeId,
    serviceDeskId: view.catalog.desk.id,
    portalId: view.catalog.desk.portalId,
    groupIds: [...rt.groupIds],
    icon: {
      id: rt.icon,
      _links: { iconUrls: { '48x48': `${icon}&size=large`, '24x24': `${icon}&size=small`, '16x16': `${icon}&size=xsmall`, '32x32': `${icon}&size=medium` } },
    },
    canCreateRequest: true,
    restrictionStatus: 'OPEN',
    ...(withFields ? { fields: fieldMeta(view, rt.id) } : {}),
  };
}

/** A status as the portal reports it: Data Center gives no category. */
export function status(view: View, s: StoredStatus): CustomerRequestStatusDTO {
  if (view.flavor === 'dc') return { status: s.status, statusDate: date(s.at) };
  return { status: s.status, statusCategory: categoryOf(s.status), statusDate: date(s.at) };
}

/**
 * The body JSM gives the comment that carries new attachments: the customer's text, then each file
 * in wiki markup (`!shot.png|thumbnail!` for images, `[^log.txt] _(32 kB)_` for others).
 */
export function withAttachmentMarkup(text: string, files: readonly Pick<StoredAttachment, 'filename' | 'mimeType' | 'size'>[]): string {
  const refs = files.map((f) => (f.mimeType.startsWith('image/') ? `!${f.filename}|thumbnail!` : `[^${f.filename}] _(${Math.max(1, Math.round(f.size / 1000))} kB)_`));
  return [text.trim(), ...refs].filter((x) => x !== '').join(' ');
}

export function attachment(view: View, r: StoredRequest, a: StoredAttachment): AttachmentDTO {
  const self = `${view.url}${API}/request/${r.key}/attachment/${a.id}`;
  // Data Center's content link is its attachment servlet; Cloud's is the customer API's download.
  const content = view.flavor === 'dc' ? `${view.url}/secure/attachment/${a.id}/${encodeURIComponent(a.filename)}` : self;
  return {
    filename: a.filename,
    author: user(view, a.author),
    created: date(a.created),
    size: a.size,
    mimeType: a.mimeType,
    _links: { self, jiraRest: `${view.url}/rest/api/2/attachment/${a.id}`, content },
  };
}

/** Text made safe to put in HTML. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function comment(view: View, r: StoredRequest, c: StoredComment, expand: ReadonlySet<string>): CommentDTO {
  const dto: CommentDTO = {
    _expands: ['attachment', 'renderedBody'].filter((e) => !expand.has(e)),
    id: c.id,
    body: c.body,
    public: c.public,
    author: user(view, c.author),
    created: date(c.created),
    _links: { self: `${view.url}${API}/request/${r.key}/comment/${c.id}` },
  };
  if (expand.has('renderedBody')) dto.renderedBody = { html: `<p>${escapeHtml(c.body).replace(/\n/g, '<br/>')}</p>` };
  if (expand.has('attachment')) {
    const list = r.attachments.filter((a) => c.attachmentIds.includes(a.id));
    dto.attachments = page(view, list.map((a) => attachment(view, r, a)), { start: 0, limit: Math.max(list.length, 1) }, `${API}/request/${r.key}/comment/${c.id}/attachment`);
  }
  return dto;
}

function fieldValue(view: View, r: StoredRequest, fieldId: string): CustomerRequestFieldValueDTO {
  const field = view.catalog.fieldsOf(r.requestTypeId).find((f) => f.field.fieldId === fieldId)?.field;
  const v = r.fieldValues[fieldId];
  if (fieldId === 'attachment' && Array.isArray(v)) {
    const ids = v as string[];
    return {
      fieldId,
      label: field?.name ?? fieldId,
      value: r.attachments.filter((a) => ids.includes(a.id)).map((a) => ({ id: a.id, filename: a.filename, size: a.size })),
    };
  }
  // People are stored by accountId and shown as the flavor's API shows them.
  const asUser = (x: unknown) => user(view, (x as { accountId: string }).accountId);
  if (field?.jiraSchema.type === 'user' && v !== null && typeof v === 'object') return { fieldId, label: field.name, value: asUser(v) };
  if (field?.jiraSchema.items === 'user' && Array.isArray(v)) return { fieldId, label: field.name, value: v.map(asUser) };
  return { fieldId, label: field?.name ?? fieldId, value: v };
}

/** The first-response SLA: stopped by the first agent reply (or the request being resolved first). */
export function sla(view: View, r: StoredRequest): SlaInformationDTO {
  const impactId = view.catalog.impactFieldId;
  const impact = impactId === undefined ? undefined : (r.fieldValues[impactId] as { id?: string } | undefined);
  const goal = firstResponseGoalMs(impact?.id);
  const start = r.created;
  const breachAt = start + goal;
  const resolvedAt = r.history.find((h) => isDone(h.status))?.at;
  const stop = r.firstResponseAt ?? resolvedAt;
  const base: SlaInformationDTO = {
    id: '1',
    name: view.catalog.slaNames['1'] ?? '',
    slaDisplayFormat: 'NEW_SLA_FORMAT',
    _links: { self: `${view.url}${API}/request/${r.key}/sla/1` },
  };
  if (stop !== undefined) {
    return {
      ...base,
      completedCycles: [
        {
          startTime: date(start),
          stopTime: date(stop),
          breachTime: date(breachAt),
          breached: stop > breachAt,
          goalDuration: duration(goal),
          elapsedTime: duration(stop - start),
          remainingTime: duration(breachAt - stop),
        },
      ],
    };
  }
  const elapsed = Math.max(0, view.now - start);
  return {
    ...base,
    completedCycles: [],
    ongoingCycle: {
      startTime: date(start),
      breachTime: date(breachAt),
      breached: view.now > breachAt,
      paused: false,
      withinCalendarHours: false,
      goalDuration: duration(goal),
      elapsedTime: duration(elapsed),
      remainingTime: duration(breachAt - view.now),
    },
  };
}

export const REQUEST_EXPANDS = ['serviceDesk', 'requestType', 'participant', 'sla', 'status', 'attachment', 'action', 'comment'] as const;

export function request(view: View, r: StoredRequest, expand: ReadonlySet<string>): CustomerRequestDTO {
  const rt = view.catalog.requestType(r.requestTypeId);
  const fieldOrder = view.catalog.fieldsOf(r.requestTypeId).map((f) => f.field.fieldId);
  const summary = typeof r.fieldValues.summary === 'string' ? r.fieldValues.summary : '';
  const dto: CustomerRequestDTO = {
    _expands: REQUEST_EXPANDS.filter((e) => !expand.has(e)),
    issueId: r.issueId,
    issueKey: r.key,
    summary,
    requestTypeId: r.requestTypeId,
    serviceDeskId: r.serviceDeskId,
    createdDate: date(r.created),
    reporter: user(view, r.reporter),
    requestFieldValues: fieldOrder.filter((id) => id in r.fieldValues).map((id) => fieldValue(view, r, id)),
    currentStatus: status(view, currentStatus(r)),
    _links: {
      jiraRest: `${view.url}/rest/api/2/issue/${r.issueId}`,
      web: `${view.url}/servicedesk/customer/portal/${view.catalog.desk.portalId}/${r.key}`,
      ...(view.flavor === 'cloud' ? { agent: `${view.url}/browse/${r.key}` } : {}),
      self: `${view.url}${API}/request/${r.issueId}`,
    },
  };
  const all = { start: 0, limit: 50 };
  if (expand.has('serviceDesk')) dto.serviceDesk = serviceDesk(view);
  if (expand.has('requestType') && rt) dto.requestType = requestType(view, rt, false);
  if (expand.has('participant')) dto.participants = page(view, r.participants.map((p) => user(view, p)), all, `${API}/request/${r.key}/participant`);
  if (expand.has('sla')) dto.sla = page(view, [sla(view, r)], all, `${API}/request/${r.key}/sla`);
  if (expand.has('status')) dto.status = page(view, [...r.history].reverse().map((h) => status(view, h)), all, `${API}/request/${r.key}/status`);
  if (expand.has('attachment')) dto.attachments = page(view, r.attachments.map((a) => attachment(view, r, a)), all, `${API}/request/${r.key}/attachment`);
  if (expand.has('comment')) {
    dto.comments = page(view, r.comments.filter((c) => c.public).map((c) => comment(view, r, c, new Set())), all, `${API}/request/${r.key}/comment`);
  }
  if (expand.has('action')) {
    dto.actions = {
      addAttachment: { allowed: true },
      addComment: { allowed: true },
      addParticipant: { allowed: true },
      removeParticipant: { allowed: true },
    };
  }
  return dto;
}
