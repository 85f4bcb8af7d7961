/**
 * The `--json` shapes of the commands, as README.md documents them: what `ctx.output` prints. Commands
 * check what they print against these types (`satisfies`), and test/json-shapes.test.ts validates the
 * real output of each command against JSON Schemas generated from them, so a shape cannot drift.
 * Times are ISO-8601 in UTC; absent values are `""`. (`create`'s shapes are in cli/create/json.ts.)
 */

/** One element of `support list --json` (and of the TSV output, in this column order). */
export interface ListItem {
  key: string;
  status: string;
  statusCategory: string;
  impact: string;
  summary: string;
  requestTypeId: string;
  serviceDeskId: string;
  created: string;
  /** The last status change: the customer API exposes no other activity date. */
  updated: string;
  url: string;
}

/** `support list --json`: one array, streamed as pages arrive. */
export type ListJson = ListItem[];

/** A person as `view` shows them. */
export interface PersonJson {
  displayName: string;
  email: string;
  accountId: string;
}

/** `support view KEY --json`: everything the human view shows. */
export interface RequestView {
  key: string;
  id: string;
  summary: string;
  url: string;
  serviceDesk: { id: string; name: string };
  requestType: { id: string; name: string };
  reporter: PersonJson;
  created: string;
  status: { name: string; category: string; since: string };
  /** Oldest first. */
  history: { status: string; category: string; at: string }[];
  fields: { id: string; label: string; value: string }[];
  sla: { name: string; state: 'running' | 'paused' | 'met' | 'breached'; goalMs?: number; remainingMs?: number; breachTime?: string }[];
  participants: PersonJson[];
  /** `id` names it to `support download`; `download` is the command that saves it. */
  attachments: { id: string; filename: string; size: number; mimeType: string; created: string; author: string; url: string; download: string }[];
  /** Oldest first; `--comments N` keeps the last N. */
  comments: { id: string; author: string; created: string; body: string }[];
  commentCount: number;
  /**
   * When the portal resolves it by itself (in "Waiting for customer" only), and whose rule says so:
   * only where the portal's rule is known (the sandbox, or Atlassian's support portal).
   */
  autoResolve?: { at: string; inMs: number; rule: 'sandbox' | 'atlassian' };
  /**
   * Present while the request is escalated: `source` says how that is known: `status` (the portal's
   * status history names an escalated status), or `local` (escalated from this machine at `at`, and
   * the portal no longer offers "Escalate" on the open request).
   */
  escalation?: { at: string; source: 'status' | 'local' };
  /** Whether you get the request's notifications (`support notify`); absent when the portal does not say. */
  notifications?: 'on' | 'off';
  /** Your satisfaction rating, once given (`support feedback`). */
  feedback?: FeedbackValueJson;
  /** The request's approvals, when it has any. */
  approvals?: ApprovalJson[];
}

/** `support comment KEY --json`. */
export interface CommentJson {
  key: string;
  comment: { id: string; created: string; body: string };
  previousStatus: string;
  status: string;
  statusCategory: string;
  reopened: boolean;
  url: string;
  /** The same words by the same person were on the request already (an earlier run): nothing was sent. */
  alreadyAdded?: true;
}

/** The `bundle` member of `create --json` and `attach --json`. */
export interface BundleSummaryJson {
  output: string;
  zipBytes: number;
  files: number;
  collectedBytes: number;
  truncated: number;
  /** Matches per redaction rule. */
  redactions: Record<string, number>;
  mappingFile: string | null;
}

/** `support attach KEY FILE... --json` (exit 1 when `failed` is not empty). */
export interface AttachJson {
  key: string;
  attached: { name: string; path: string; size: number }[];
  failed: { name: string; path: string; size: number; reason: 'too-large' | 'disabled' | 'upload' | 'attach'; message: string }[];
  /** Files the request had already (same name and size): not sent again. Present only when there are some. */
  alreadyAttached?: { name: string; path: string; size: number }[];
  url: string;
  /** With `--bundle`. */
  bundle?: BundleSummaryJson;
}

/** `support resolve|escalate|reopen KEY --yes --json`. */
export interface TransitionJson {
  key: string;
  /** The transition taken; absent when the request was there already. */
  transition?: { id: string; name: string };
  /** The request was where the action leads already (an earlier run, or someone else): nothing was sent. */
  alreadyDone?: true;
  previousStatus: string;
  status: string;
  statusCategory: string;
  url: string;
}

/** One line of `support watch KEY --json`. */
export type WatchEvent =
  | { event: 'start'; key: string; status: string; statusCategory: string; since: string; at: string }
  | { event: 'status'; key: string; from: string; status: string; statusCategory: string; since: string; at: string }
  | { event: 'comment'; key: string; id: string; author: string; created: string; body: string; at: string }
  | { event: 'done'; key: string; status: string; statusCategory: string; at: string }
  | { event: 'timeout'; key: string; status: string; at: string };

/** A satisfaction rating: 1 to 5, and the comment given with it (`""` without one). */
export interface FeedbackValueJson {
  rating: number;
  comment: string;
}

/** `support feedback KEY --rating N --json`. */
export interface FeedbackJson extends FeedbackValueJson {
  key: string;
  url: string;
}

/** `support notify KEY on|off --json`: the state the portal reports afterwards. */
export interface NotifyJson {
  key: string;
  notifications: 'on' | 'off';
  url: string;
}

/** One approval as `view`, `approvals`, `approve` and `decline` show it. */
export interface ApprovalJson {
  id: string;
  name: string;
  finalDecision: 'approved' | 'declined' | 'pending';
  /** You are an approver and it still waits for an answer. */
  canAnswer: boolean;
  created: string;
  approvers: { displayName: string; decision: 'approved' | 'declined' | 'pending' }[];
}

/** One element of `support approvals --json`: a request whose approval waits for you. */
export interface PendingApprovalJson {
  key: string;
  summary: string;
  url: string;
  approval: ApprovalJson;
}

/** `support approvals --json`. */
export type ApprovalsJson = PendingApprovalJson[];

/** `support approve|decline KEY --yes --json`. */
export interface ApprovalAnswerJson {
  key: string;
  decision: 'approve' | 'decline';
  approval: ApprovalJson;
  /** The approval was decided already this way (an earlier run, or another approver): nothing was sent. */
  alreadyDone?: true;
  url: string;
}

/** One file of `support download --json`. */
export interface DownloadedFileJson {
  id: string;
  /** The attachment's name on the portal; `path` holds the name it was saved by. */
  filename: string;
  path: string;
  size: number;
  mimeType: string;
  author: string;
}

/** `support download KEY ... --json`. */
export interface DownloadJson {
  key: string;
  files: DownloadedFileJson[];
}

/** `support sandbox attach KEY FILE... --json`. */
export interface SandboxAttachJson {
  key: string;
  attachments: { id: string; filename: string }[];
}

/** `support sandbox approval KEY --approver EMAIL... --json`. */
export interface SandboxApprovalJson {
  key: string;
  approvalId: string;
}

/** The account the credentials belong to, as `login` and `whoami` print it. */
export interface AccountJson {
  accountId?: string;
  name?: string;
  displayName?: string;
  emailAddress?: string;
}

/** `support login --json`. */
export interface LoginJson {
  profile: string;
  portal: string;
  deployment: 'cloud' | 'dc';
  account: AccountJson;
  tokenStore: 'keyring' | 'file';
}

/** `support logout --json`. */
export interface LogoutJson {
  profile: string;
  removed: boolean;
  portal?: string;
  tokenStore?: 'keyring' | 'file';
}

/** `support whoami --json`. */
export interface WhoamiJson {
  /** `name`: the username on Data Center; on Cloud, which has no usernames, the display name. */
  account: AccountJson & { name: string };
  portal: string;
  deployment: 'cloud' | 'dc' | 'sandbox';
  profile: string;
  tokenSource?: 'env' | 'keyring' | 'file' | 'sandbox';
}

/** Something found but left out of a bundle, with a stable reason code. */
export interface SkippedJson {
  source: string;
  entry?: string;
  reason: string;
  detail?: string;
}

/** `support bundle --json`. */
export interface BundleJson {
  output: string;
  zipBytes: number;
  mappingFile: string | null;
  files: number;
  collectedBytes: number;
  truncated: number;
  redactions: Record<string, number>;
  skipped: SkippedJson[];
  /** With `--app … --cluster` or `--ssh …`: every node or host, and why one gave nothing. */
  nodes?: BundleNodeJson[];
}

/** `support login --app URL --json`: the product admin credential saved for support zips. */
export interface AppLoginJson {
  /** The product's base URL, normalised. */
  app: string;
  /** `bearer`: a personal access token; `basic`: a user and password. */
  kind: 'bearer' | 'basic';
  user: string | null;
  /** Whether ATST offers cluster zips there. */
  clustered: boolean;
  nodes: string[];
  store: 'keyring' | 'file';
}

/** `support sandbox --app-nodes N --json`: the second line, the simulated cluster's ATST API and its admin credentials. */
export interface SandboxAppJson {
  appUrl: string;
  appToken: string;
  appUser: string;
  appPassword: string;
  appNodes: string[];
}

/** A node (ATST) or host (SSH) of a merged bundle. */
export interface BundleNodeJson {
  id: string;
  /** `ok`, or why there is nothing: `failed`, `timed-out`, `never-started`, `not-downloadable`, `cancelled`. */
  state: string;
  /** Entries it gave to the bundle (under `nodes/<id>/`). */
  entries: number;
  /** ATST's task id. */
  taskId?: string;
  why?: string;
}

/** `support bundle --dry-run --json`: what the bundle would hold. */
export interface BundleDryRunJson {
  dryRun: true;
  output: string;
  products: { product: string; home?: string; install?: string; homeFrom?: string; installFrom?: string }[];
  files: { entry: string; source: string; size: number; kept: number; truncated: boolean; kind: 'log' | 'config' | 'other'; mtime: string }[];
  skipped: SkippedJson[];
  collectedBytes: number;
  estimatedZipBytes: number;
}

/** `support sandbox --json`: one line once the portal listens. */
export interface SandboxStartJson {
  url: string;
  email: string;
  token: string;
  data: string;
}

/** `support sandbox reply KEY TEXT --json`. */
export interface SandboxReplyJson {
  key: string;
  status: string;
}

/** `support sandbox advance DURATION --json`. */
export interface SandboxAdvanceJson {
  advancedMs: number;
  sandboxTime: string;
}

/** One article of `support kb search --json`; `spaceKey` and `pageId` are "" when the portal does not say. */
export interface KbArticleJson {
  title: string;
  excerpt: string;
  url: string;
  spaceKey: string;
  pageId: string;
}

/** `support kb search TEXT --json`: best match first. `serviceDeskId` is "" when every desk's knowledge base was searched. */
export interface KbSearchJson {
  query: string;
  serviceDeskId: string;
  articles: KbArticleJson[];
}

/** A participant of a request. `id` is the Cloud accountId or the Data Center username; `email` is "" when hidden. */
export interface ParticipantJson {
  id: string;
  displayName: string;
  email: string;
}

/** `support participants KEY [--add WHO]... [--remove WHO]... --json`: what was asked (as given, and the id sent), then who participates now. */
export interface ParticipantsJson {
  key: string;
  added: { input: string; id: string }[];
  removed: { input: string; id: string }[];
  participants: ParticipantJson[];
}

/** `support orgs --json`: the customer organisations the account belongs to. */
export type OrgsJson = { id: string; name: string }[];
