/**
 * Drafts of `support create`: every answer is written here as it is given, so that Ctrl-C, a crash
 * or a failed submission loses nothing (`support create --resume`). A profile may have several,
 * under `<configDir>/drafts/`: `create-<profile>.json`, then `create-<profile>-<id>.json` when that
 * one is taken, so a new request never overwrites an unfinished one. Each is written atomically
 * (temp file + fsync + rename, the temp file removed on failure) with mode 0600 since it may hold
 * personal data (names, phone numbers).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../lib/atomic-file.js';
import { ConfigWriteError } from './errors.js';

/**
 * What the draft's create sent, recorded before the body left: when, a digest of the whole body,
 * and what identifies the request by its content (the form layer's `RequestIdentity`, opaque here).
 */
export interface SentRecord<I = unknown> {
  at: string;
  digest: string;
  identity: I;
}

/** A saved draft. `state` is the form's own shape (see `form/engine.ts`), kept opaque here. */
export interface Draft<S = unknown, I = unknown> {
  version: 1;
  /** Names the draft (`support create --resume <id>`); never sent to the portal. */
  id: string;
  createdAt: string;
  updatedAt: string;
  /** The portal the draft was started against (its URL, or "sandbox"). */
  portal?: string;
  serviceDeskId?: string;
  requestTypeId?: string;
  state: S;
  /** Set just before the create call is sent: until it is cleared, the request may exist. */
  sent?: SentRecord<I>;
}

/** A draft and the file it lives in. */
export interface DraftFile<S = unknown, I = unknown> {
  file: string;
  draft: Draft<S, I>;
}

/** A fresh draft id: 12 hex characters. */
export function newDraftId(): string {
  return randomBytes(6).toString('hex');
}

function safeProfile(profile: string): string {
  return profile.replace(/[^A-Za-z0-9._-]/g, '_') || 'default';
}

/** The folder of the drafts. */
export function draftsDir(configDir: string): string {
  return path.join(configDir, 'drafts');
}

/**
 * Where a new draft of a profile goes: `create-<profile>.json` when no draft is there, else a name
 * of its own (`create-<profile>-<id>.json`), so an unfinished draft is never replaced.
 */
export async function newDraftPath(configDir: string, profile: string, id: string): Promise<string> {
  const first = path.join(draftsDir(configDir), `create-${safeProfile(profile)}.json`);
  try {
    await fs.access(first);
  } catch {
    return first;
  }
  return path.join(draftsDir(configDir), `create-${safeProfile(profile)}-${id}.json`);
}

/** A draft file that could not be read: reported, never overwritten. */
export interface BadDraft {
  file: string;
  reason: string;
}

/**
 * Every draft of a profile, the most recently changed first, and the files that are not drafts
 * (corrupt, unreadable) apart.
 */
export async function listDrafts<S, I>(configDir: string, profile: string): Promise<{ drafts: DraftFile<S, I>[]; bad: BadDraft[] }> {
  const dir = draftsDir(configDir);
  const base = `create-${safeProfile(profile)}`;
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { drafts: [], bad: [] };
    throw e;
  }
  const mine = names.filter((n) => n === `${base}.json` || new RegExp(`^${base.replace(/[.]/g, '\\.')}-[0-9a-f]+\\.json$`).test(n));
  const drafts: DraftFile<S, I>[] = [];
  const bad: BadDraft[] = [];
  for (const n of mine) {
    const file = path.join(dir, n);
    try {
      const d = await loadDraft<S, I>(file);
      if (d) drafts.push({ file, draft: d });
    } catch (e) {
      bad.push({ file, reason: (e as Error).message });
    }
  }
  drafts.sort((a, b) => b.draft.updatedAt.localeCompare(a.draft.updatedAt));
  return { drafts, bad };
}

/** The saved draft, or undefined when there is none. A corrupt draft is reported, never ignored. */
export async function loadDraft<S, I = unknown>(file: string): Promise<Draft<S, I> | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const d = JSON.parse(text) as Draft<S, I> & { submittedAt?: string };
  if (d === null || typeof d !== 'object' || d.version !== 1 || typeof d.id !== 'string') {
    throw new Error(`not a draft: ${file}`);
  }
  // Drafts of earlier versions marked a send with `submittedAt` only: the request may exist, its content unknown.
  if (d.sent === undefined && typeof d.submittedAt === 'string') d.sent = { at: d.submittedAt, digest: '', identity: undefined as I };
  delete d.submittedAt;
  return d;
}

/**
 * Writes the draft atomically (a crash leaves the old or the new one, never half of one, and no
 * temp file), mode 0600. A full disk or a folder we may not write is a {@link ConfigWriteError}.
 */
export async function saveDraft<S, I>(file: string, draft: Draft<S, I>): Promise<void> {
  try {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, JSON.stringify(draft, null, 2) + '\n');
  } catch (e) {
    throw new ConfigWriteError(file, (e as NodeJS.ErrnoException).code, e);
  }
}

/** Removes the draft (after the portal confirmed the request). */
export async function deleteDraft(file: string): Promise<void> {
  await fs.rm(file, { force: true });
}
