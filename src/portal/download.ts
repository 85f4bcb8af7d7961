/**
 * Downloading a request's attachments: which URL to ask (the attachment's own content link when it
 * is on the portal, else `GET /request/{key}/attachment/{id}`), redirects followed by hand (Cloud
 * answers 303 to a media host, whose link carries its own short-lived ticket: the portal's
 * credentials never go to another host, and an https download never continues over http), the body
 * streamed to a file that the caller names, its length checked. File names are made safe here.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CancelledError } from '../lib/errors.js';
import { SERVICEDESK_API, seg, type PortalApi } from './api.js';
import { PortalError, transportCodeOf } from './errors.js';
import type { AttachmentDTO } from './types.js';

/** Redirects followed at most for one download (a media host answers after one). */
export const MAX_REDIRECTS = 5;

/** Why a download stopped that is not a portal's error answer. */
export type DownloadProblem = 'too-many-redirects' | 'insecure-redirect' | 'redirect-without-location' | 'length-mismatch';

/** A download that stopped for a reason of its own (see {@link DownloadProblem}); no file is left. */
export class DownloadError extends Error {
  constructor(
    readonly problem: DownloadProblem,
    /** Scheme, host and path of the URL concerned (never its query). */
    readonly url: string,
    /** For `length-mismatch`: bytes expected and received. */
    readonly expected?: number,
    readonly received?: number,
  ) {
    super(`${problem}: ${url}${expected !== undefined ? ` (${received} of ${expected} bytes)` : ''}`);
    this.name = 'DownloadError';
  }
}

/**
 * The attachment's id. The customer API's AttachmentDTO has no id member: it is the last path
 * segment of number of its `self`, `content` or `jiraRest` link (Cloud's servicedeskapi links,
 * `/rest/api/2/attachment/{id}`, or Data Center's `/secure/attachment/{id}/{name}`).
 */
export function attachmentIdOf(a: AttachmentDTO): string | undefined {
  for (const link of [a._links?.self, a._links?.jiraRest, a._links?.content]) {
    if (typeof link !== 'string') continue;
    let p: string;
    try {
      p = new URL(link).pathname;
    } catch {
      continue;
    }
    const m = /\/attachment\/(\d+)(?:\/[^/]*)?\/?$/.exec(p);
    if (m) return m[1];
  }
  return undefined;
}

const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i;
/** Control characters (C0, DEL, C1) and the invisible marks that reorder or hide text (bidi, zero width, BOM). */
function isInvisible(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x200b && code <= 0x200f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0xfeff;
}

/** `s` with every control or invisible character (see above) replaced by `by` (default: removed). */
export function withoutInvisible(s: string, by = ''): string {
  let out = '';
  for (const ch of s) out += isInvisible(ch.codePointAt(0)!) ? by : ch;
  return out;
}
const MAX_NAME_BYTES = 200;

/**
 * A name to create a file by in the chosen folder, whatever the portal sent: its last path segment
 * (`/` and `\` both count), without control or bidi characters, characters Windows refuses made
 * `_`, no leading or trailing dots or blanks that would hide or change it, at most 200 bytes (the
 * extension kept). `fallback` when nothing usable is left (`..`, an empty name, only dots).
 */
export function safeFileName(name: string, fallback: string): string {
  let s = withoutInvisible(name.normalize('NFC'));
  s = s.split(/[\\/]/).pop() ?? '';
  s = s.replace(/[<>:"|?*]/g, '_').trim();
  s = s.replace(/^\.+/, '').replace(/[. ]+$/, '');
  if (s === '') return fallback;
  if (RESERVED.test(s)) s = `_${s}`;
  if (Buffer.byteLength(s) > MAX_NAME_BYTES) {
    const dot = s.lastIndexOf('.');
    const ext = dot > 0 && s.length - dot <= 16 ? s.slice(dot) : '';
    let stem = s.slice(0, s.length - ext.length);
    while (Buffer.byteLength(stem + ext) > MAX_NAME_BYTES) stem = [...stem].slice(0, -1).join('');
    s = stem + ext;
  }
  return s;
}

function originOf(u: URL): string {
  return `${u.protocol}//${u.host}`;
}

function bare(u: URL): string {
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/**
 * The URL to ask first: the attachment's `content` link when it lies under the portal's base URL
 * (same origin and context path; Data Center's `/secure/attachment/...`), else the customer API's
 * `GET /request/{key}/attachment/{id}` on the portal (links that name another host, e.g. behind a
 * gateway or a proxy, are not followed with the portal's credentials).
 */
export function contentUrl(api: PortalApi, key: string, id: string, a: AttachmentDTO): string {
  const base = new URL(api.baseUrl);
  const link = a._links?.content;
  if (typeof link === 'string') {
    try {
      const u = new URL(link);
      const prefix = base.pathname.replace(/\/+$/, '');
      if (originOf(u) === originOf(base) && (prefix === '' || u.pathname.startsWith(`${prefix}/`))) return u.toString();
    } catch {
      // Not a URL: ask the customer API instead.
    }
  }
  return api.urlOf(`${SERVICEDESK_API}/request/${seg(key)}/attachment/${seg(id)}`);
}

export interface DownloadOptions {
  key: string;
  id: string;
  attachment: AttachmentDTO;
  /** The file to create (it must not exist); removed again when the download fails or is cancelled. */
  file: string;
  /** Bytes written so far, and the total when known. */
  onProgress?: (bytes: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Streams one attachment into `file` (created exclusively), following redirects as the module
 * header says. The length must match the answer's Content-Length and the attachment's size where
 * they are given; otherwise, or on any failure or cancellation, the file is removed. Resolves the
 * bytes written.
 */
export async function downloadAttachment(api: PortalApi, o: DownloadOptions): Promise<number> {
  const portal = new URL(api.baseUrl);
  let url = new URL(contentUrl(api, o.key, o.id, o.attachment));
  let authorized = originOf(url) === originOf(portal);
  for (let hop = 0; ; hop++) {
    const answer = await api.stream(url.toString(), authorized);
    if (answer.status >= 300) {
      await answer.body.dump().catch(() => undefined);
      const location = answer.headers.location;
      if (!location) throw new DownloadError('redirect-without-location', bare(url));
      if (hop >= MAX_REDIRECTS) throw new DownloadError('too-many-redirects', bare(url));
      const next = new URL(location, url);
      if (url.protocol === 'https:' && next.protocol !== 'https:') throw new DownloadError('insecure-redirect', bare(next));
      // Credentials go to the portal only: another host gets the request with its own ticket, no more.
      authorized = originOf(next) === originOf(portal);
      url = next;
      continue;
    }
    const announced = Number(answer.headers['content-length']);
    const expected = Number.isSafeInteger(announced) && answer.headers['content-length'] !== undefined ? announced : o.attachment.size;
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        o.onProgress?.(bytes, expected ?? 0);
        done(null, chunk);
      },
    });
    let fileError: unknown;
    const out = fs.createWriteStream(o.file, { flags: 'wx' }).on('error', (e) => (fileError ??= e));
    try {
      await pipeline(answer.body, counter, out, ...(o.signal ? [{ signal: o.signal }] : []));
      if (expected !== undefined && bytes !== expected) throw new DownloadError('length-mismatch', bare(url), expected, bytes);
    } catch (err) {
      // 'wx' failing means the file was there already: it is not ours to remove.
      if ((fileError as NodeJS.ErrnoException | undefined)?.code !== 'EEXIST') await fsp.rm(o.file, { force: true });
      if (o.signal?.aborted) throw new CancelledError({ cause: err });
      if (err instanceof DownloadError) throw err;
      if (fileError !== undefined) throw fileError;
      // The connection broke while the body was arriving.
      throw new PortalError({ kind: 'network', code: transportCodeOf(err), method: 'GET', url: bare(url), cause: err, mayHaveBeenSent: false });
    }
    return bytes;
  }
}
