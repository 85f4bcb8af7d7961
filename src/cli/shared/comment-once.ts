/**
 * A comment is added at most once: before it is sent (and after an answer that may have been
 * lost), the request's comments are searched for the same words by the same person in the last
 * minutes. A comment that could not be sent is kept in a file, so the command the hint prints sends
 * exactly those words, and only if they are not there yet.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { draftsDir } from '../../config/drafts.js';
import { writeFileAtomic } from '../../lib/atomic-file.js';
import type { PortalApi } from '../../portal/api.js';
import type { CommentDTO, MyselfDTO, UserDTO } from '../../portal/types.js';
import { millisOf } from './common.js';

/** How far back the same words by the same person count as this comment sent before. */
export const SAME_COMMENT_WINDOW_MS = 10 * 60_000;

/** Text as a portal gives it back: newlines as `\n`, no trailing blanks on a line or at the end. */
function normal(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim();
}

function sameUser(a: UserDTO | undefined, me: MyselfDTO): boolean {
  if (!a) return false;
  if (a.accountId && me.accountId) return a.accountId === me.accountId;
  if (a.name && me.name) return a.name === me.name;
  return Boolean(a.emailAddress && me.emailAddress && a.emailAddress.toLowerCase() === me.emailAddress.toLowerCase());
}

/**
 * The newest comment on `key` with `body`'s words, written by the signed-in person since
 * `now - SAME_COMMENT_WINDOW_MS`; undefined when there is none.
 */
export async function findSameComment(api: PortalApi, key: string, body: string, now: number): Promise<CommentDTO | undefined> {
  const want = normal(body);
  const candidates: CommentDTO[] = [];
  for await (const c of api.comments(key)) {
    const at = millisOf(c.created);
    if (at !== undefined && at < now - SAME_COMMENT_WINDOW_MS) continue;
    if (typeof c.body === 'string' && normal(c.body) === want) candidates.push(c);
  }
  if (candidates.length === 0) return undefined;
  const me = await api.myself();
  return candidates.reverse().find((c) => sameUser(c.author, me));
}

/** Where the words of a comment that could not be sent are kept: one file per request and text. */
function unsentPath(configDir: string, key: string, body: string): string {
  const digest = createHash('sha256').update(normal(body)).digest('hex').slice(0, 12);
  return path.join(draftsDir(configDir), `comment-${key.replace(/[^A-Za-z0-9_-]/g, '_')}-${digest}.txt`);
}

/** Keeps the words of a comment that was not confirmed; returns the file (0600). */
export async function keepUnsent(configDir: string, key: string, body: string): Promise<string> {
  const file = unsentPath(configDir, key, body);
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await writeFileAtomic(file, body.endsWith('\n') ? body : `${body}\n`);
  return file;
}

/** Once the comment is on the request, its kept copy (if any) is no longer needed. */
export async function forgetUnsent(configDir: string, key: string, body: string): Promise<void> {
  await fs.rm(unsentPath(configDir, key, body), { force: true });
}
