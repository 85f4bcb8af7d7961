/** `--path` globs: `*`, `**`, `?` and `[...]` over `/`-separated paths. */
import path from 'node:path';
import { isDir, walk, type Found, type SkippedFile } from './walk.js';

const GLOB_MAGIC = /[*?[]/;

/** Whether a path holds glob characters. */
export function isGlob(p: string): boolean {
  return GLOB_MAGIC.test(p);
}

/** A glob (`*`, `**`, `?`, `[...]`) as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Walks from the longest folder prefix of the absolute glob `abs` without glob characters and hands
 * each file under a match to `onMatch`, with that folder; a match on a folder takes everything under
 * it, as `zip -r` would. Returns how many files matched.
 */
export function walkGlob(
  abs: string,
  onMatch: (f: Found, base: string) => void,
  skipped: SkippedFile[],
  excluded: (p: string) => string | undefined,
): number {
  const fixed: string[] = [];
  for (const part of abs.split(path.sep)) {
    if (isGlob(part)) break;
    fixed.push(part);
  }
  const base = fixed.join(path.sep) || path.sep;
  const re = globToRegExp(path.relative(base, abs).split(path.sep).join('/'));
  let matched = 0;
  if (!isDir(base)) return 0;
  walk(
    base,
    (f) => {
      const segs = f.rel.split(path.sep);
      for (let i = 1; i <= segs.length; i++) {
        if (re.test(segs.slice(0, i).join('/'))) {
          matched++;
          onMatch(f, base);
          return;
        }
      }
    },
    skipped,
    excluded,
  );
  return matched;
}
