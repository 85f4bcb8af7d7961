/**
 * Walking folders for a bundle: following symlinks once per real folder, and recording what cannot
 * be collected (loops, vanished or unreadable paths, special files) with a stable reason code.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Something found but left out, with a stable reason code. */
export interface SkippedFile {
  source: string;
  entry?: string;
  reason: string;
  detail?: string;
}

/** True for a folder (following symlinks). */
export function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A file found by a walk. */
export interface Found {
  source: string;
  rel: string;
  st: fs.Stats;
}

/** Walks a folder (following symlinks, once per real folder) and reports what it finds. */
export function walk(dir: string, onFile: (f: Found) => void, skipped: SkippedFile[], excluded: (p: string) => string | undefined, base = dir): void {
  const seen = new Set<string>();
  const visit = (d: string, depth: number) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch (err) {
      skipped.push(skipOf(d, err));
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) {
      skipped.push({ source: d, reason: 'symlink-loop', detail: 'folder already visited through another path' });
      return;
    }
    seen.add(id);
    if (depth > 32) {
      skipped.push({ source: d, reason: 'too-deep' });
      return;
    }
    let names: string[];
    try {
      names = fs.readdirSync(d).sort();
    } catch (err) {
      skipped.push(skipOf(d, err));
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      const s = statToCollect(p, skipped, excluded);
      if (!s) continue;
      if (s.isDirectory()) visit(p, depth + 1);
      else if (s.isFile()) onFile({ source: p, rel: path.relative(base, p), st: s });
      else skipped.push({ source: p, reason: 'not-a-file', detail: kindOfStat(s) });
    }
  };
  visit(dir, 0);
}

/**
 * The stat of a path about to be collected, or undefined when it is excluded or cannot be read
 * (recorded in `skipped`). With `quietIfAbsent`, a path that is not there at all is not recorded
 * (an optional configuration file); a broken link still is.
 */
export function statToCollect(p: string, skipped: SkippedFile[], excluded: (p: string) => string | undefined, quietIfAbsent = false): fs.Stats | undefined {
  const why = excluded(p);
  if (why) {
    skipped.push({ source: p, reason: 'excluded', detail: why });
    return undefined;
  }
  try {
    return fs.statSync(p);
  } catch (err) {
    const s = skipOf(p, err);
    if (!quietIfAbsent) skipped.push(s);
    else if (s.reason !== 'vanished' || fs.existsSync(path.dirname(p))) {
      try {
        fs.lstatSync(p);
        skipped.push(s);
      } catch {
        // Not there at all: nothing to say.
      }
    }
    return undefined;
  }
}

/** The kind of a special file, for the manifest. */
export function kindOfStat(s: fs.Stats): string {
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'device';
  return 'special file';
}

/** The skipped-file record for a path that could not be read. */
export function skipOf(p: string, err: unknown): SkippedFile {
  const reason = reasonOf(err);
  if (reason === 'symlink-loop') return { source: p, reason, detail: 'symbolic link loop' };
  if (reason === 'vanished') return { source: p, reason, detail: 'missing or a broken symbolic link' };
  if (reason === 'unreadable') return { source: p, reason, detail: (err as NodeJS.ErrnoException).code };
  return { source: p, reason, detail: (err as Error).message };
}

/**
 * The stable reason code of a filesystem error: `vanished`, `unreadable`, `symlink-loop`,
 * `not-a-file`, else `read-error`.
 */
export function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'vanished';
  if (code === 'EACCES' || code === 'EPERM') return 'unreadable';
  if (code === 'ELOOP') return 'symlink-loop';
  if (code === 'EISDIR') return 'not-a-file';
  return 'read-error';
}

/** True for a symbolic link (asked of a path that does not resolve: a broken link). */
export function isBrokenLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
