/**
 * What the sandbox's support engineer does besides replying: put a file on a request (a script, a
 * patched jar) with a public comment, and ask customers to approve a request. Both work with or
 * without a running server on the data folder, as `sandboxReply` does.
 */
import { randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../lib/clock.js';
import { AGENT } from './seed.js';
import { Store, type SandboxState, type StoredRequest } from './store.js';
import { settle } from './workflow.js';

/** Raised for a key the data folder does not have. */
export class SandboxNoRequestError extends Error {
  constructor(readonly key: string) {
    super(`no request ${key} in the sandbox`);
    this.name = 'SandboxNoRequestError';
  }
}

/** Raised for an approver who is not one of the folder's customers. */
export class SandboxNoCustomerError extends Error {
  constructor(readonly who: string) {
    super(`no customer ${who} in the sandbox`);
    this.name = 'SandboxNoCustomerError';
  }
}

function requestIn(s: SandboxState, key: string): StoredRequest {
  const r = s.requests.find((x) => x.key === key.toUpperCase() || x.issueId === key);
  if (!r) throw new SandboxNoRequestError(key);
  return r;
}

export interface AgentFile {
  /** The file to copy onto the request. */
  path: string;
  /** The attachment's name (default: the file's base name); kept as given, however odd. */
  name?: string;
  mimeType?: string;
}

/**
 * Attaches files to a request as the support engineer, in one public comment (`comment`, may be
 * empty), as JSM does. Resolves the new attachments' ids.
 */
export async function sandboxAgentAttach(dataDir: string, key: string, files: readonly AgentFile[], comment = '', clock: Clock = systemClock): Promise<string[]> {
  const store = new Store(dataDir);
  await store.init();
  const copied = await Promise.all(
    files.map(async (f) => {
      const blob = `a-${randomBytes(10).toString('hex')}`;
      await fsp.copyFile(f.path, store.blobPath(blob));
      const size = (await fsp.stat(store.blobPath(blob))).size;
      return { blob, size, filename: f.name ?? path.basename(f.path), mimeType: f.mimeType ?? 'application/octet-stream' };
    }),
  );
  try {
    return await store.transact((s) => {
      const now = clock.now() + s.clockOffsetMs;
      settle(s, now);
      const r = requestIn(s, key);
      const added = copied.map((c) => ({ ...c, id: String(s.nextId++), created: now, author: AGENT.accountId }));
      r.attachments.push(...added);
      r.comments.push({ id: String(s.nextId++), body: comment, public: true, author: AGENT.accountId, created: now, attachmentIds: added.map((a) => a.id) });
      return added.map((a) => a.id);
    });
  } catch (err) {
    await Promise.all(copied.map((c) => fsp.rm(store.blobPath(c.blob), { force: true })));
    throw err;
  }
}

/**
 * Asks customers (by e-mail, accountId or username) to approve a request; they can then see it.
 * Resolves the approval's id.
 */
export async function sandboxAskApproval(dataDir: string, key: string, approvers: readonly string[], name: string, clock: Clock = systemClock): Promise<string> {
  const store = new Store(dataDir);
  await store.init();
  return store.transact((s) => {
    const now = clock.now() + s.clockOffsetMs;
    settle(s, now);
    const r = requestIn(s, key);
    const ids = approvers.map((who) => {
      const low = who.toLowerCase();
      const u = s.users.find((x) => x.accountId === who || x.email.toLowerCase() === low || x.username?.toLowerCase() === low);
      if (!u) throw new SandboxNoCustomerError(who);
      return u.accountId;
    });
    const id = String(s.nextId++);
    r.approvals = [...(r.approvals ?? []), { id, name, approvers: ids.map((accountId) => ({ accountId, decision: 'pending' as const })), created: now, finalDecision: 'pending' }];
    return id;
  });
}
