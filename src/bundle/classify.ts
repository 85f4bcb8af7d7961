/**
 * What kind of file a bundle holds: stored as is (already compressed), deflated binary, gzip to
 * decompress, text to redact, a log or a configuration file.
 */
import fs from 'node:fs';
import { isConfigFile } from './redact-rules.js';

/** Formats that are compressed already: stored in the zip, never deflated again or redacted. */
const STORED = /\.(zip|jar|war|ear|jfr|png|jpe?g|gif|webp|7z|bz2|xz|zst|tgz|tar\.gz|gz\.enc)$/i;
/**
 * Archives and compressed files the redactor cannot read (a rotated log as `.bz2`, `.xz`, `.zip`),
 * and key stores: left out of a redacted bundle, never stored unredacted.
 *
 * Measured for decompressing them instead (20 MiB of Jira log, one core, Node 20, same run as
 * zlib's gunzip at 114 MiB/s): `.bz2` with unbzip2-stream 1.4.3, the only streaming pure-JS bzip2
 * decoder in wide use, 2.6 MiB/s, ~44x slower: a 60 MiB rotated log would take ~25 s, so they stay
 * left out. `.xz` with xz-decompress 0.2.3 (xz-embedded as WebAssembly, no native build) 44 MiB/s:
 * fast enough, a candidate for a later change. `.zip` needs one redacted entry per member (yauzl
 * inflates through zlib): not done yet.
 */
const UNREADABLE = /\.(zip|7z|bz2|xz|lz4|lzma|zst|tgz|tbz2?|txz|tar(\.\w+)?|gz\.enc|keystore|jks|p12|pfx)$/i;
/** Binary files deflated but never run through the text redaction rules. */
const BINARY = /\.(hprof|class|bin|dat|db|ico|so|dll|exe|keystore|jks|p12|pfx)$/i;
/** Rotated logs compressed with gzip: decompressed and redacted like any log. */
const GZIP = /\.gz$/i;
/** Names of logs found outside a product's log folders (`--path`). */
const LOGLIKE = /(\.log|\.out|\.txt)(\.\d+|\.\d{4}-\d\d-\d\d.*)?(\.gz)?$|\.log\.|catalina|gc[-.]|thread|access|\.current$/i;

/** The decompressed size a gzip file states in its trailer (mod 4 GiB), or its own size. */
export function gzipSize(p: fs.PathLike, size: number): number {
  if (size < 18) return size;
  try {
    const fd = fs.openSync(p, 'r');
    try {
      const b = Buffer.alloc(4);
      fs.readSync(fd, b, 0, 4, size - 4);
      return b.readUInt32LE(0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return size;
  }
}

/** Where a file was found: a product's log folder, its configuration, or a `--path`. */
export type FileKind = 'log' | 'config' | 'other';

/** How a file is bundled. */
export interface FileClass {
  kind: FileKind;
  gunzip: boolean;
  deflate: boolean;
  /** Text to run the redaction rules on (false for binary and already-compressed files). */
  text: boolean;
  /** A known configuration file: the configuration rules apply (keystore, licence ...). */
  config: boolean;
  /** An archive or key store the redactor cannot read: left out unless `--no-redact`. */
  unreadable: boolean;
}

/** How a file named `base` that was found as `foundAs` is bundled. */
export function classify(base: string, foundAs: FileKind): FileClass {
  const stored = STORED.test(base);
  const config = isConfigFile(base);
  const kind = config ? 'config' : foundAs === 'other' && LOGLIKE.test(base) ? 'log' : foundAs;
  return { kind, gunzip: !stored && GZIP.test(base), deflate: !stored, text: !stored && !BINARY.test(base), config, unreadable: UNREADABLE.test(base) };
}

/** The entry name of a gzip file once decompressed: `app.log.2.gz` -> `app.log.2`. */
export function withoutGzip(name: string): string {
  return name.replace(GZIP, '');
}
