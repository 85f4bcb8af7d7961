/**
 * What kind of file a bundle holds: stored as is (already compressed), deflated binary, gzip to
 * decompress, text to redact, a log or a configuration file.
 */
import fs from 'node:fs';
import { isConfigFile } from './redact-rules.js';

/** Formats that are compressed already: stored in the zip, never deflated again or redacted. */
const STORED = /\.(zip|jar|war|ear|jfr|png|jpe?g|gif|webp|7z|bz2|xz|zst|tgz|tar\.gz|gz\.enc)$/i;
/** Binary files deflated but never run through the text redaction rules. */
const BINARY = /\.(hprof|class|bin|dat|db|ico|so|dll|exe|keystore|jks|p12|pfx)$/i;
/** Rotated logs compressed with gzip: decompressed and redacted like any log. */
const GZIP = /\.gz$/i;
/** Names of logs found outside a product's log folders (`--path`). */
const LOGLIKE = /(\.log|\.out|\.txt)(\.\d+|\.\d{4}-\d\d-\d\d.*)?(\.gz)?$|\.log\.|catalina|gc[-.]|thread|access|\.current$/i;

/** The decompressed size a gzip file states in its trailer (mod 4 GiB), or its own size. */
export function gzipSize(p: string, size: number): number {
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
}

/** How a file named `base` that was found as `foundAs` is bundled. */
export function classify(base: string, foundAs: FileKind): FileClass {
  const stored = STORED.test(base);
  const config = isConfigFile(base);
  const kind = config ? 'config' : foundAs === 'other' && LOGLIKE.test(base) ? 'log' : foundAs;
  return { kind, gunzip: !stored && GZIP.test(base), deflate: !stored, text: !stored && !BINARY.test(base), config };
}

/** The entry name of a gzip file once decompressed: `app.log.2.gz` -> `app.log.2`. */
export function withoutGzip(name: string): string {
  return name.replace(GZIP, '');
}
