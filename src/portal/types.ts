/**
 * Wire types of the JSM customer REST API (`/rest/servicedeskapi`), as the official spec
 * (`../shared/jsm/jsm-cloud.swagger.v3.json`) describes them. Every member the spec marks optional
 * is optional here: real portals omit them (see `../shared/jsm/NOTES.md`). Shared by the client
 * (`portal/`) and the sandbox, which must produce exactly these shapes.
 */

/** A point in time as JSM sends it. */
export interface DateDTO {
  epochMillis?: number;
  friendly?: string;
  iso8601?: string;
  jira?: string;
}

export interface DurationDTO {
  friendly?: string;
  millis?: number;
}

export interface SelfLinkDTO {
  self?: string;
}

/** A page of a list endpoint. There is no total: follow `isLastPage` and advance by `size`. */
export interface PagedDTO<T> {
  start?: number;
  limit?: number;
  size?: number;
  isLastPage?: boolean;
  values?: T[];
  _expands?: string[];
  _links?: { base?: string; context?: string; self?: string; next?: string; prev?: string };
}

export interface UserDTO {
  accountId?: string;
  /** Deprecated on Cloud (holds the accountId); the username on Data Center. */
  name?: string;
  key?: string;
  emailAddress?: string;
  displayName?: string;
  active?: boolean;
  timeZone?: string;
  _links?: { jiraRest?: string; avatarUrls?: Record<string, string>; self?: string };
}

/** `GET /rest/api/{2,3}/myself` (platform API; a different shape from servicedeskapi). */
export interface MyselfDTO {
  accountId?: string;
  accountType?: string;
  name?: string;
  key?: string;
  emailAddress?: string;
  displayName?: string;
  active?: boolean;
  timeZone?: string;
  locale?: string;
  self?: string;
}

export interface SoftwareInfoDTO {
  version?: string;
  platformVersion?: string;
  buildDate?: DateDTO;
  buildChangeSet?: string;
  isLicensedForUse?: boolean;
  _links?: SelfLinkDTO;
}

export interface ServiceDeskDTO {
  id?: string;
  projectId?: string;
  projectKey?: string;
  projectName?: string;
  projectTypeKey?: string;
  _links?: SelfLinkDTO;
}

export interface RequestTypeGroupDTO {
  id?: string;
  name?: string;
}

export interface RequestTypeDTO {
  id?: string;
  name?: string;
  description?: string;
  helpText?: string;
  issueTypeId?: string;
  serviceDeskId?: string;
  portalId?: string;
  groupIds?: string[];
  icon?: { id?: string; _links?: { iconUrls?: Record<string, string> } };
  canCreateRequest?: boolean;
  restrictionStatus?: string;
  practice?: string;
  fields?: CustomerRequestCreateMetaDTO;
  _expands?: string[];
  _links?: SelfLinkDTO;
}

/** Schema of a Jira field (`JsonTypeBean`): how to send its value. */
export interface JsonTypeBean {
  type: string;
  items?: string;
  system?: string;
  custom?: string;
  customId?: number;
  configuration?: Record<string, unknown>;
}

export interface RequestTypeFieldValueDTO {
  value?: string;
  label?: string;
  children?: RequestTypeFieldValueDTO[];
}

export interface RequestTypeFieldDTO {
  fieldId?: string;
  name?: string;
  description?: string;
  required?: boolean;
  visible?: boolean;
  jiraSchema?: JsonTypeBean;
  validValues?: RequestTypeFieldValueDTO[];
  defaultValues?: RequestTypeFieldValueDTO[];
  presetValues?: string[];
}

/** `GET /servicedesk/{id}/requesttype/{id}/field`. */
export interface CustomerRequestCreateMetaDTO {
  requestTypeFields?: RequestTypeFieldDTO[];
  canRaiseOnBehalfOf?: boolean;
  canAddRequestParticipants?: boolean;
}

export interface CustomerRequestStatusDTO {
  status?: string;
  /** `UNDEFINED|NEW|INDETERMINATE|DONE` in the spec; treat as open. */
  statusCategory?: string;
  statusDate?: DateDTO;
}

export interface CustomerRequestFieldValueDTO {
  fieldId?: string;
  label?: string;
  value?: unknown;
  renderedValue?: unknown;
}

export interface AttachmentDTO {
  filename?: string;
  mimeType?: string;
  size?: number;
  created?: DateDTO;
  author?: UserDTO;
  _links?: { self?: string; jiraRest?: string; content?: string; thumbnail?: string };
}

/** `GET /request/{key}/notification`: whether the caller gets the request's notifications. */
export interface RequestNotificationSubscriptionDTO {
  subscribed?: boolean;
}

/** Customer satisfaction (`/request/{key}/feedback`, experimental): `type` is `csat`, `rating` 1-5. */
export interface CSATFeedbackFullDTO {
  type?: string;
  rating?: number;
  comment?: { body?: string };
}

/** One approver of an approval and what they decided. */
export interface ApproverDTO {
  approver?: UserDTO;
  approverDecision?: 'approved' | 'declined' | 'pending';
}

/** An approval on a request (`/request/{key}/approval`). */
export interface ApprovalDTO {
  id?: string;
  name?: string;
  finalDecision?: 'approved' | 'declined' | 'pending';
  canAnswerApproval?: boolean;
  approvers?: ApproverDTO[];
  createdDate?: DateDTO;
  completedDate?: DateDTO;
  _links?: SelfLinkDTO;
}

export interface CommentDTO {
  id?: string;
  body?: string;
  public?: boolean;
  author?: UserDTO;
  created?: DateDTO;
  renderedBody?: { html?: string };
  attachments?: PagedDTO<AttachmentDTO>;
  _expands?: string[];
  _links?: SelfLinkDTO;
}

export interface SlaCycleDTO {
  startTime?: DateDTO;
  stopTime?: DateDTO;
  breachTime?: DateDTO;
  breached?: boolean;
  paused?: boolean;
  withinCalendarHours?: boolean;
  goalDuration?: DurationDTO;
  elapsedTime?: DurationDTO;
  remainingTime?: DurationDTO;
}

export interface SlaInformationDTO {
  id?: string;
  name?: string;
  slaDisplayFormat?: string;
  ongoingCycle?: SlaCycleDTO;
  completedCycles?: SlaCycleDTO[];
  _links?: SelfLinkDTO;
}

export interface CustomerRequestActionsDTO {
  addAttachment?: { allowed?: boolean };
  addComment?: { allowed?: boolean };
  addParticipant?: { allowed?: boolean };
  removeParticipant?: { allowed?: boolean };
}

/** A request as the customer sees it (`GET /request/{key}`), with the members `expand` adds. */
export interface CustomerRequestDTO {
  issueId?: string;
  issueKey?: string;
  summary?: string;
  requestTypeId?: string;
  serviceDeskId?: string;
  createdDate?: DateDTO;
  reporter?: UserDTO;
  requestFieldValues?: CustomerRequestFieldValueDTO[];
  currentStatus?: CustomerRequestStatusDTO;
  serviceDesk?: ServiceDeskDTO;
  requestType?: RequestTypeDTO;
  participants?: PagedDTO<UserDTO>;
  sla?: PagedDTO<SlaInformationDTO>;
  status?: PagedDTO<CustomerRequestStatusDTO>;
  attachments?: PagedDTO<AttachmentDTO>;
  comments?: PagedDTO<CommentDTO>;
  actions?: CustomerRequestActionsDTO;
  _expands?: string[];
  _links?: { web?: string; agent?: string; jiraRest?: string; self?: string };
}

/** `POST /request` body. Note `serviceDeskId` and `requestTypeId` are strings here. */
export interface RequestCreateDTO {
  serviceDeskId: string;
  requestTypeId: string;
  requestFieldValues: Record<string, unknown>;
  raiseOnBehalfOf?: string;
  requestParticipants?: string[];
  isAdfRequest?: boolean;
  channel?: string;
}

export interface CustomerTransitionDTO {
  id?: string;
  name?: string;
}

export interface TemporaryAttachmentsDTO {
  temporaryAttachments?: { temporaryAttachmentId?: string; fileName?: string }[];
}

export interface AttachmentCreateDTO {
  temporaryAttachmentIds: string[];
  public: boolean;
  additionalComment?: { body: string };
}

export interface AttachmentCreateResultDTO {
  attachments?: PagedDTO<AttachmentDTO>;
  comment?: CommentDTO;
}

/** `GET /rest/api/3/attachment/meta`. */
export interface AttachmentSettingsDTO {
  enabled?: boolean;
  uploadLimit?: number;
}

/** The JSM error body (`errorMessage`) and the platform one (`errorMessages`, `errors`). */
export interface ErrorResponseDTO {
  errorMessage?: string;
  i18nErrorMessage?: { i18nKey?: string; parameters?: string[] };
  errorMessages?: string[];
  errors?: Record<string, string>;
}

/** A knowledge-base article a search found (`GET /knowledgebase/article`, `GET /servicedesk/{id}/knowledgebase/article`). */
export interface ArticleDTO {
  title?: string;
  /** The part of the article that matched (may carry `@@@hl@@@` marks when `highlight=true`). */
  excerpt?: string;
  /** Where the article lives: `{type: "confluence", pageId, spaceKey}` on JSM. */
  source?: { type?: string; [k: string]: unknown };
  /** `iframeSrc`: the article's body, for a browser. */
  content?: { iframeSrc?: string };
}

/** A customer organization (`GET /organization`). */
export interface OrganizationDTO {
  id?: string;
  name?: string;
  uuid?: string;
  scimManaged?: boolean;
  created?: DateDTO;
  _links?: SelfLinkDTO;
}
