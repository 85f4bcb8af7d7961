/**
 * The sandbox portal: a JSM-compatible customer API over a data folder, for tests, demos and
 * `--portal sandbox`. Import it lazily (`await import('../sandbox/index.js')`): it is only needed
 * when a sandbox runs.
 */
import { systemClock, type Clock } from '../lib/clock.js';
import { buildCatalog, type CatalogSource } from './catalog.js';
import type { SandboxFlavor } from './dto.js';
import { AGENT, seedCatalog } from './seed.js';
import type { Exchange } from './http.js';
import { SandboxServer } from './server.js';
import { Store, usernameOf, type SandboxState } from './store.js';
import { AGENT_REPLY, applyMove, settle } from './workflow.js';

export type { Exchange } from './http.js';
export { DEFAULT_ATTACHMENT_LIMIT, DEFAULT_MAX_PAGE_SIZE } from './call.js';
export { SandboxDataError } from './store.js';
export { SandboxCatalogError, loadCatalogFile, type CatalogSource } from './catalog.js';
export type { SandboxFlavor } from './dto.js';

/** How to run a sandbox. */
export interface SandboxStartOptions {
  /** Created if missing; survives restarts; safe to share between processes. */
  dataDir: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default the system clock; sandbox time is this clock plus the data folder's offset. */
  clock?: Clock;
  /** Server-side cap on `limit` (default 50, or the data folder's `settings.maxPageSize`). */
  maxPageSize?: number;
  /** Largest accepted upload in bytes (default 100 MiB, or the data folder's `settings.attachmentLimit`). */
  attachmentLimit?: number;
  /** When set, requests beyond this many per minute get 429 with Retry-After (or `settings.rateLimitPerMinute`). */
  rateLimitPerMinute?: number;
  /**
   * When set, writes (POST, DELETE) beyond this many per minute get 429 with Retry-After,
   * X-RateLimit-Reset and RateLimit-Reason, as Cloud refuses writes (or `settings.rateLimitWritesPerMinute`).
   */
  rateLimitWritesPerMinute?: number;
  /** Which portal to imitate (default `cloud`); `dc` answers in Data Center's shapes. */
  flavor?: SandboxFlavor;
  /** The desk, request types and fields to serve instead of the built-in ones (see `loadCatalogFile`). */
  catalog?: CatalogSource;
  /** Answer every list from its first page whatever `start` asks for, as a proxy that drops the parameter would. */
  ignorePagingStart?: boolean;
  /**
   * Added to the number of every custom field id the portal has: with 10000, `customfield_10010`
   * is served, validated and stored as `customfield_20010` (and so on), so that clients can be tested
   * against field ids they do not know. A whole number, default the data folder's
   * `settings.fieldIdOffset`, else 0. A folder keeps the offset its requests were stored with: another
   * one is recorded only while the folder has no requests ({@link SandboxFieldIdOffsetError} otherwise).
   */
  fieldIdOffset?: number;
  /** Called with every request/response pair (tests check them against the spec). */
  onExchange?: (x: Exchange) => void;
}

/** A customer account of the sandbox. */
export interface SandboxUser {
  email: string;
  token: string;
  accountId: string;
  /** The Data Center username (what the `dc` flavor names the user by). */
  username?: string;
  displayName: string;
}

/** A running sandbox. `email`/`token` are those of `users[0]`, the default customer ("you"). */
export interface SandboxHandle {
  url: string;
  email: string;
  token: string;
  dataDir: string;
  /** `users[0]` is "you"; `users[1]` is another customer (for visibility tests). */
  users: SandboxUser[];
  close(): Promise<void>;
}

/** Raised by {@link sandboxReply} for a key the data folder does not have. */
export class SandboxRequestNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no request ${key} in the sandbox`);
    this.name = 'SandboxRequestNotFoundError';
  }
}

/** Raised by {@link startSandbox} for a field id offset other than the one the folder's requests use. */
export class SandboxFieldIdOffsetError extends Error {
  constructor(
    readonly dataDir: string,
    /** The offset the folder's requests are stored with. */
    readonly stored: number,
    readonly wanted: number,
  ) {
    super(`the requests in ${dataDir} use the field id offset ${stored}, not ${wanted}`);
    this.name = 'SandboxFieldIdOffsetError';
  }
}

/** The offset to serve: the one asked for (recorded in a folder without requests), else the folder's. */
async function fieldIdOffsetFor(store: Store, state: SandboxState, wanted: number | undefined): Promise<number> {
  if (wanted === undefined) return state.settings.fieldIdOffset ?? 0;
  if (!Number.isSafeInteger(wanted) || wanted < 0) throw new RangeError(`fieldIdOffset must be a whole number of 0 or more (got ${wanted})`);
  if (wanted === (state.settings.fieldIdOffset ?? 0)) return wanted;
  await store.update((s) => {
    const stored = s.settings.fieldIdOffset ?? 0;
    if (stored !== wanted && s.requests.length > 0) throw new SandboxFieldIdOffsetError(store.dir, stored, wanted);
    s.settings.fieldIdOffset = wanted;
  });
  return wanted;
}

/** Starts a sandbox on `host:port` over `dataDir` and resolves once it is listening. */
export async function startSandbox(opts: SandboxStartOptions): Promise<SandboxHandle> {
  const store = new Store(opts.dataDir);
  const state = await store.init();
  const fieldIdOffset = await fieldIdOffsetFor(store, state, opts.fieldIdOffset);
  const server = new SandboxServer({
    catalog: opts.catalog ? buildCatalog(opts.catalog, fieldIdOffset) : seedCatalog(fieldIdOffset),
    flavor: opts.flavor ?? 'cloud',
    ignorePagingStart: opts.ignorePagingStart ?? false,
    rateLimitWritesPerMinute: opts.rateLimitWritesPerMinute,
    store,
    clock: opts.clock ?? systemClock,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    maxPageSize: opts.maxPageSize,
    attachmentLimit: opts.attachmentLimit,
    rateLimitPerMinute: opts.rateLimitPerMinute,
    onExchange: opts.onExchange,
  });
  const url = await server.listen();
  const users = state.users.map((u) => ({ email: u.email, token: u.token, accountId: u.accountId, username: usernameOf(u), displayName: u.displayName }));
  return {
    url,
    email: users[0]!.email,
    token: users[0]!.token,
    dataDir: store.dir,
    users,
    close: () => server.close(),
  };
}

/** The status a request is in after {@link sandboxReply}. */
export const STATUS_AFTER_REPLY: string = AGENT_REPLY.to.name;

/**
 * Posts a public comment as the sandbox's support engineer, which makes the request wait for the
 * customer (the first reply also stops the first-response SLA). Works with or without a running
 * server on the folder. `clock` defaults to the system clock.
 */
export async function sandboxReply(dataDir: string, key: string, text: string, clock: Clock = systemClock): Promise<void> {
  const store = new Store(dataDir);
  await store.init();
  await store.update((s) => {
    const now = clock.now() + s.clockOffsetMs;
    settle(s, now);
    const r = s.requests.find((x) => x.key === key.toUpperCase() || x.issueId === key);
    if (!r) throw new SandboxRequestNotFoundError(key);
    r.comments.push({ id: String(s.nextId++), body: text, public: true, author: AGENT.accountId, created: now, attachmentIds: [] });
    r.firstResponseAt ??= now;
    applyMove(r, AGENT_REPLY, now);
  });
}

/** Moves sandbox time forward by `ms` (running servers on the folder see it at their next request). */
export async function advanceSandboxClock(dataDir: string, ms: number, clock: Clock = systemClock): Promise<number> {
  const store = new Store(dataDir);
  await store.init();
  const s = await store.update((st) => {
    st.clockOffsetMs += ms;
    // Record what the passing time did (auto-resolve) at the moment it was due.
    settle(st, clock.now() + st.clockOffsetMs);
  });
  return clock.now() + s.clockOffsetMs;
}

export { sandboxAgentAttach, sandboxAskApproval, SandboxNoCustomerError, SandboxNoRequestError, type AgentFile } from './agent.js';
