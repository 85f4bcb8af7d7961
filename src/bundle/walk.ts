/**
 * Walking folders for a bundle: following symbolic links only where {@link LinkPolicy} allows, once
 * per real folder, and recording what cannot be collected (links out of the collected folders,
 * loops, vanished or unreadable paths, special files) with a stable reason code. Names that are not
 * UTF-8 are kept, under a lossless escaped name (see {@link escapeName}).
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
  /** Its path; for a name that is not UTF-8, the path with that name escaped (see `raw`). */
  source: string;
  /** Its path relative to the walk's folder, names escaped where needed (see {@link escapeName}). */
  rel: string;
  st: fs.Stats;
  /** The path's bytes, when its name is not UTF-8 (a string path cannot name the file). */
  raw?: Buffer;
  /** Some name on the way was escaped. */
  escaped?: boolean;
}

/** Which symbolic links a walk follows. */
export interface LinkPolicy {
  /** Real paths of the collected folders (product homes and installs, `--path` roots). */
  roots: string[];
  /** `--follow-links`: follow links anywhere too, except into system folders. */
  all: boolean;
}

/** Folders no link is ever followed into: their files are not files (`/proc/kcore`, `/dev/zero`). */
const SYSTEM = ['/proc', '/sys', '/dev'];

function under(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * Why a link resolving to `target` is not followed (the manifest's detail), or undefined to follow
 * it: a link stays inside the collected folders unless `--follow-links`, and never leads into a
 * system folder. Special files it leads to are refused by the caller, as any special file.
 */
function linkRefusal(target: string, links: LinkPolicy): string | undefined {
  if (SYSTEM.some((d) => under(target, d))) return `${target} (a system folder: never followed)`;
  if (links.all || links.roots.some((r) => under(target, r))) return undefined;
  return target;
}

/** Bytes and characters of valid UTF-8, one sequence at a time (over bytes read as latin1). */
const UTF8_SEQ = /[\x20-\x7e]|[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}/y;

/**
 * A file name as it can go into a zip entry and a JSON manifest: bytes that are not UTF-8 and
 * control characters (a newline) become `%XX`, and then `%` itself becomes `%25`, so the escaped
 * name maps back to the original bytes. `utf8` says whether the name is valid UTF-8 (then a string
 * path still reaches the file). Names that need no escape are returned as they are.
 */
export function escapeName(name: Buffer): { name: string; escaped: boolean; utf8: boolean } {
  const bytes = name.toString('latin1');
  let out = '';
  let escaped = false;
  let utf8 = true;
  for (let i = 0; i < bytes.length; ) {
    UTF8_SEQ.lastIndex = i;
    const m = UTF8_SEQ.exec(bytes);
    if (m) {
      out += m[0] === '%' ? '%25' : Buffer.from(m[0], 'latin1').toString('utf8');
      i += m[0].length;
    } else {
      const c = bytes.charCodeAt(i);
      if (c >= 0x80) utf8 = false;
      out += `%${c.toString(16).toUpperCase().padStart(2, '0')}`;
      escaped = true;
      i++;
    }
  }
  return escaped ? { name: out, escaped, utf8 } : { name: name.toString('utf8'), escaped: false, utf8: true };
}

/** Walks a folder (following the links `links` allows, once per real folder) and reports what it finds. */
export function walk(dir: string, onFile: (f: Found) => void, skipped: SkippedFile[], excluded: (p: string) => string | undefined, links: LinkPolicy): void {
  const seen = new Set<string>();
  // `dBytes`: the folder's path as bytes, when a name on the way is not UTF-8 (`d` shows it escaped).
  const visit = (d: string, rel: string, depth: number, dBytes?: Buffer) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(dBytes ?? d);
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
    let names: Buffer[];
    try {
      names = fs.readdirSync(dBytes ?? d, { encoding: 'buffer' }).sort(Buffer.compare);
    } catch (err) {
      skipped.push(skipOf(d, err));
      return;
    }
    for (const raw of names) {
      const esc = escapeName(raw);
      // A name that is not UTF-8 can only be reached through its bytes; its path is shown escaped.
      const bytes = esc.utf8 && !dBytes ? undefined : Buffer.concat([dBytes ?? Buffer.from(d), Buffer.from(path.sep), raw]);
      const p = path.join(d, esc.utf8 ? raw.toString('utf8') : esc.name);
      const s = statToCollect(p, skipped, excluded, false, links, bytes);
      if (!s) continue;
      const r = path.join(rel, esc.name);
      if (s.isDirectory()) {
        visit(p, r, depth + 1, bytes);
      } else if (s.isFile()) {
        onFile({ source: p, rel: r, st: s, ...(bytes ? { raw: bytes } : {}), ...(esc.escaped || bytes || r !== path.relative(dir, p) ? { escaped: true } : {}) });
      } else skipped.push({ source: p, reason: 'not-a-file', detail: kindOfStat(s) });
    }
  };
  visit(dir, '', 0);
}

/**
 * The stat of a path about to be collected, or undefined when it is excluded, cannot be read, or
 * is a link `links` does not follow (recorded in `skipped`, with the link's target). With
 * `quietIfAbsent`, a path that is not there at all is not recorded (an optional configuration
 * file); a broken link still is. `bytes` is the path when its name is not UTF-8.
 */
export function statToCollect(
  p: string,
  skipped: SkippedFile[],
  excluded: (p: string) => string | undefined,
  quietIfAbsent: boolean,
  links: LinkPolicy,
  bytes?: Buffer,
): fs.Stats | undefined {
  const why = excluded(p);
  if (why) {
    skipped.push({ source: p, reason: 'excluded', detail: why });
    return undefined;
  }
  const at = bytes ?? p;
  try {
    const lst = fs.lstatSync(at);
    if (!lst.isSymbolicLink()) return lst;
    const target = fs.realpathSync(at);
    const st = fs.statSync(at);
    const refused = linkRefusal(target, links);
    if (refused === undefined) return st;
    skipped.push({ source: p, reason: 'symlink-outside', detail: refused });
    return undefined;
  } catch (err) {
    const s = skipOf(p, err);
    if (!quietIfAbsent) skipped.push(s);
    else if (s.reason !== 'vanished' || fs.existsSync(path.dirname(p))) {
      try {
        fs.lstatSync(at);
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
