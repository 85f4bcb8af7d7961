/**
 * A streaming `multipart/form-data` reader for `attachTemporaryFile`: part bodies go straight to
 * files on disk as they arrive, so an upload of any size costs the server a few chunks of memory.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { once } from 'node:events';
import type { Readable } from 'node:stream';

/** A file part, written to `path`. */
export interface ReceivedFile {
  name: string;
  filename: string;
  contentType: string;
  size: number;
  path: string;
}

/** Why a multipart body was refused; the server maps each kind to a status. */
export class MultipartError extends Error {
  constructor(
    readonly kind: 'malformed' | 'badPartName' | 'tooLarge' | 'tooMany' | 'noFiles',
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'MultipartError';
  }
}

export interface MultipartOptions {
  /** Largest accepted file, in bytes. */
  maxFileSize: number;
  maxFiles: number;
  /** Only parts with this name are accepted. */
  partName: string;
  /** A fresh path for the next file. */
  newPath(): string;
  /** Called with each part's name as soon as its headers are read (for exchange records). */
  onPart?(name: string): void;
}

/** The boundary of a `multipart/form-data` content type, or undefined. */
export function boundaryOf(contentType: string | undefined): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m?.[1] ?? m?.[2];
}

function parseHeaders(block: string): { name?: string; filename?: string; contentType: string } {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType = 'application/octet-stream';
  for (const line of block.split('\r\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === 'content-disposition') {
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1];
      const star = /;\s*filename\*=(?:UTF-8'')?([^;]+)/i.exec(value)?.[1];
      const plain = /;\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /;\s*filename=([^;\s]+)/i.exec(value)?.[1];
      filename = star ? decodeURIComponent(star.trim()) : plain;
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  return { name, filename, contentType };
}

/**
 * Reads the whole multipart body, writing each file part to disk. On any error the files written
 * so far are removed and a {@link MultipartError} (or the stream's error) is thrown; the caller
 * decides what to do with the rest of the request.
 */
export async function readMultipart(input: Readable, boundary: string, opts: MultipartOptions): Promise<ReceivedFile[]> {
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const files: ReceivedFile[] = [];
  // The body starts with `--boundary` (no CRLF before it); a leading CRLF lets one search find it.
  let buf: Buffer = Buffer.from('\r\n');
  let state: 'preamble' | 'after' | 'headers' | 'body' | 'done' = 'preamble';
  let out: fs.WriteStream | undefined;
  let current: ReceivedFile | undefined;

  const write = async (chunk: Buffer): Promise<void> => {
    if (!out || !current || chunk.length === 0) return;
    current.size += chunk.length;
    if (current.size > opts.maxFileSize) {
      throw new MultipartError('tooLarge', current.filename);
    }
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const finishPart = async (): Promise<void> => {
    if (!out) return;
    const s = out;
    out = undefined;
    s.end();
    await once(s, 'close');
  };

  try {
    // destroyOnReturn: false leaves the request readable after an early stop, so that the server can
    // still answer (and drain the rest) instead of resetting the connection.
    for await (const chunk of input.iterator({ destroyOnReturn: false })) {
      buf = buf.length === 0 ? (chunk as Buffer) : Buffer.concat([buf, chunk as Buffer]);
      for (;;) {
        if (state === 'preamble') {
          const i = buf.indexOf(delimiter);
          if (i < 0) {
            buf = buf.subarray(Math.max(0, buf.length - delimiter.length));
            break;
          }
          buf = buf.subarray(i + delimiter.length);
          state = 'after';
        }
        if (state === 'after') {
          if (buf.length < 2) break;
          const two = buf.subarray(0, 2).toString('latin1');
          if (two === '--') {
            state = 'done';
            break;
          }
          if (two !== '\r\n') throw new MultipartError('malformed', 'bad delimiter line');
          buf = buf.subarray(2);
          state = 'headers';
        }
        if (state === 'headers') {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) {
            if (buf.length > 16 * 1024) throw new MultipartError('malformed', 'part headers too long');
            break;
          }
          const h = parseHeaders(buf.subarray(0, end).toString('utf8'));
          buf = buf.subarray(end + 4);
          opts.onPart?.(h.name ?? '');
          if (h.name !== opts.partName) throw new MultipartError('badPartName', h.name ?? '');
          if (files.length >= opts.maxFiles) throw new MultipartError('tooMany', String(opts.maxFiles));
          current = { name: h.name, filename: h.filename || 'file', contentType: h.contentType, size: 0, path: opts.newPath() };
          files.push(current);
          out = fs.createWriteStream(current.path, { mode: 0o600 });
          state = 'body';
        }
        if (state === 'body') {
          const i = buf.indexOf(delimiter);
          if (i < 0) {
            // Keep what could be the start of a delimiter split across chunks.
            const keep = delimiter.length - 1;
            if (buf.length > keep) {
              await write(buf.subarray(0, buf.length - keep));
              buf = buf.subarray(buf.length - keep);
            }
            break;
          }
          await write(buf.subarray(0, i));
          await finishPart();
          buf = buf.subarray(i + delimiter.length);
          state = 'after';
          continue;
        }
        if (state === 'done') break;
      }
      if (state === 'done') break;
    }
    if (state !== 'done') throw new MultipartError('malformed', 'the body ended before the closing boundary');
    if (files.length === 0) throw new MultipartError('noFiles', opts.partName);
    return files;
  } catch (err) {
    if (out) {
      out.destroy();
      await once(out, 'close').catch(() => undefined);
    }
    await Promise.all(files.map((f) => fsp.rm(f.path, { force: true })));
    throw err;
  }
}
