/**
 * The sandbox's data folder: `state.json` (everything but file contents) and `blobs/` (uploaded
 * files). Every change runs under a lock file created with O_EXCL and re-reads the state under the
 * lock, then writes a temp file and renames it over `state.json`, so two processes sharing a folder
 * never lose or corrupt each other's writes and a reader never sees a half-written file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { readFileIfExists, writeFileAtomic } from '../lib/atomic-file.js';
import { CUSTOMERS } from './seed.js';

/** A customer who can log in to the sandbox. */
export interface StoredUser {
  accountId: string;
  /** The Data Center username (folders made before it existed: the e-mail's local part). */
  username?: string;
  displayName: string;
  email: string;
  token: string;
}

/** The user's Data Center username. */
export function usernameOf(u: StoredUser): string {
  const at = u.email.indexOf('@');
  return u.username ?? (at > 0 ? u.email.slice(0, at) : u.accountId);
}

export interface StoredStatus {
  status: string;
  at: number;
}

export interface StoredComment {
  id: string;
  body: string;
  public: boolean;
  /** accountId of a customer, or of the agent. */
  author: string;
  created: number;
  attachmentIds: string[];
}

export interface StoredAttachment {
  id: string;
  filename: string;
  mimeType: string;
  size: number;
  created: number;
  author: string;
  /** File name under `blobs/`. */
  blob: string;
}

export interface StoredTemporary {
  id: string;
  fileName: string;
  mimeType: string;
  size: number;
  created: number;
  uploader: string;
  serviceDeskId: string;
  blob: string;
}

/** A field value as the customer sent it, normalised (options carry both id and label). */
export type StoredFieldValue = unknown;

export interface StoredRequest {
  issueId: string;
  key: string;
  serviceDeskId: string;
  requestTypeId: string;
  reporter: string;
  participants: string[];
  created: number;
  fieldValues: Record<string, StoredFieldValue>;
  /** Oldest first. */
  history: StoredStatus[];
  comments: StoredComment[];
  attachments: StoredAttachment[];
  escalated: boolean;
  /** When the first agent reply stopped the first-response SLA. */
  firstResponseAt?: number;
  /** The reporter's satisfaction rating (Cloud's feedback), once given. */
  feedback?: StoredFeedback;
  /** Customers who turned the request's notifications off. */
  muted?: string[];
  /** Approvals asked of customers (`support sandbox approval`). */
  approvals?: StoredApproval[];
}

export interface StoredFeedback {
  rating: number;
  comment?: string;
  at: number;
}

export interface StoredApproval {
  id: string;
  name: string;
  /** accountIds and what each decided. */
  approvers: { accountId: string; decision: 'approved' | 'declined' | 'pending' }[];
  created: number;
  /** Set by the first answer, which decides (one approver needed, JSM's default). */
  completed?: number;
  finalDecision: 'approved' | 'declined' | 'pending';
}

/** Knobs a data folder can carry; options given to `startSandbox` win over them. */
export interface StoredSettings {
  attachmentLimit?: number;
  rateLimitPerMinute?: number;
  maxPageSize?: number;
  /** Writes (POST, DELETE) allowed per minute before 429; absent or 0: no limit. */
  rateLimitWritesPerMinute?: number;
  /**
   * Added to the number of every custom field id the folder's requests are stored with (absent: 0).
   * Set when a sandbox starts with another offset on a folder without requests.
   */
  fieldIdOffset?: number;
}

export interface SandboxState {
  version: 1;
  /** Added to the host clock to get sandbox time; `support sandbox advance` moves it. */
  clockOffsetMs: number;
  nextIssue: number;
  nextId: number;
  settings: StoredSettings;
  users: StoredUser[];
  requests: StoredRequest[];
  temporary: StoredTemporary[];
}

const STATE = 'state.json';
const LOCK = 'state.lock';
/** Every locked section takes milliseconds; a lock this old belongs to a process that died. */
const STALE_LOCK_MS = 10_000;
const LOCK_TIMEOUT_MS = 30_000;

/** The tail of each data folder's queue of writers in this process. */
const queues = new Map<string, Promise<void>>();

function newState(): SandboxState {
  return {
    version: 1,
    clockOffsetMs: 0,
    nextIssue: 1,
    nextId: 10_000,
    settings: {},
    users: CUSTOMERS.map((c) => ({ ...c, token: `sbx_${randomBytes(18).toString('base64url')}` })),
    requests: [],
    temporary: [],
  };
}

/** Raised when the data folder holds something that is not a sandbox state. */
export class SandboxDataError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SandboxDataError';
  }
}

/**
 * A data folder. Reads are lock-free (the rename makes each version whole); changes go through
 * {@link Store.update}.
 */
export class Store {
  readonly dir: string;
  readonly blobDir: string;
  readonly tmpDir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
    this.blobDir = path.join(this.dir, 'blobs');
    this.tmpDir = path.join(this.dir, 'tmp');
  }

  /** Creates the folder and a first state (with fresh customer tokens) when there is none. */
  async init(): Promise<SandboxState> {
    await fsp.mkdir(this.blobDir, { recursive: true });
    await fsp.mkdir(this.tmpDir, { recursive: true });
    await this.sweepTmp();
    const existing = await this.readOrUndefined();
    if (existing) return existing;
    return this.update((s) => s);
  }

  /** The current state; a missing file reads as a new state (not written). */
  async read(): Promise<SandboxState> {
    return (await this.readOrUndefined()) ?? newState();
  }

  private async readOrUndefined(): Promise<SandboxState | undefined> {
    const file = path.join(this.dir, STATE);
    const text = await readFileIfExists(file);
    if (text === undefined) return undefined;
    try {
      const s = JSON.parse(text) as SandboxState;
      if (s.version !== 1 || !Array.isArray(s.requests)) throw new Error('not a sandbox state (version 1)');
      s.settings ??= {};
      s.temporary ??= [];
      return s;
    } catch (err) {
      throw new SandboxDataError(file, err);
    }
  }

  /**
   * Runs `change` on the freshest state under the lock and saves what it returns (or the same
   * object, changed in place). Returns the saved state.
   */
  async update(change: (s: SandboxState) => SandboxState | void): Promise<SandboxState> {
    // Writers in this process queue up here first, so that only writers in other processes ever
    // have to poll for the lock file.
    const previous = queues.get(this.dir) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((r) => (done = r));
    const tail = previous.then(() => mine);
    queues.set(this.dir, tail);
    await previous;
    try {
      await fsp.mkdir(this.dir, { recursive: true });
      const release = await this.lock();
      try {
        const current = await this.read();
        const next = change(current) ?? current;
        await this.write(next);
        return next;
      } finally {
        await release();
      }
    } finally {
      done();
      if (queues.get(this.dir) === tail) queues.delete(this.dir);
    }
  }

  /** Like {@link update}, but returns what `change` computes alongside the saved state. */
  async transact<R>(change: (s: SandboxState) => R): Promise<R> {
    let result: R | undefined;
    await this.update((s) => {
      result = change(s);
    });
    return result as R;
  }

  private async write(state: SandboxState): Promise<void> {
    await writeFileAtomic(path.join(this.dir, STATE), JSON.stringify(state, null, 1));
  }

  private async lock(): Promise<() => Promise<void>> {
    const file = path.join(this.dir, LOCK);
    const started = Date.now();
    let wait = 2;
    for (;;) {
      try {
        const fh = await fsp.open(file, fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_WRONLY, 0o600);
        await fh.writeFile(`${new Date().toISOString()}\n`);
        await fh.close();
        return async () => {
          await fsp.rm(file, { force: true });
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const st = await fsp.stat(file).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > STALE_LOCK_MS) {
        // Rename first so that two processes breaking the same stale lock do not both remove a fresh one.
        const aside = `${file}.stale.${randomBytes(4).toString('hex')}`;
        await fsp.rename(file, aside).then(
          () => fsp.rm(aside, { force: true }),
          () => undefined,
        );
        continue;
      }
      if (Date.now() - started > LOCK_TIMEOUT_MS) {
        throw new Error(`timed out waiting for the lock ${file}`);
      }
      await delay(wait);
      wait = Math.min(wait * 2, 20);
    }
  }

  /** Removes uploads a crashed process left in `tmp/` (older than a day, so never one in progress). */
  private async sweepTmp(): Promise<void> {
    const names = await fsp.readdir(this.tmpDir).catch(() => [] as string[]);
    await Promise.all(
      names.map(async (n) => {
        const p = path.join(this.tmpDir, n);
        const st = await fsp.stat(p).catch(() => undefined);
        if (st && Date.now() - st.mtimeMs > 86_400_000) await fsp.rm(p, { force: true });
      }),
    );
  }

  /** A fresh path under `tmp/` for an upload in progress. */
  tempUploadPath(): string {
    return path.join(this.tmpDir, `upload-${randomBytes(8).toString('hex')}`);
  }

  blobPath(blob: string): string {
    return path.join(this.blobDir, path.basename(blob));
  }
}
