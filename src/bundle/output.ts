/**
 * Where a bundle goes: the zip's name, and the files beside it while it is built (the hidden
 * partial zip, the spill folder) or after (the private obfuscation mapping).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { BundleOptions } from './options.js';
import type { SkippedFile } from './walk.js';

/** What names a spill folder: `.<zip name>.spill-XXXXXX`. */
const SPILL_MARK = '.spill-';

/** Where the zip goes: the flag, or `support-bundle-<what>-<UTC time>.zip` in `cwd`. */
export function outputPath(o: BundleOptions, cwd: string, now: number): string {
  if (o.output) return path.resolve(cwd, o.output);
  const stamp = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return path.join(cwd, `support-bundle-${o.product ?? (o.paths.length && !o.home ? 'files' : 'atlassian')}-${stamp}.zip`);
}

/** Sidecar paths of an output: the partial zip, the spill folder prefix and the mapping file. */
export function sidecars(output: string): { partial: string; spillPrefix: string; mapping: string } {
  const dir = path.dirname(output);
  const base = path.basename(output);
  return {
    partial: path.join(dir, `.${base}.partial`),
    spillPrefix: path.join(dir, `.${base}${SPILL_MARK}`),
    mapping: path.join(dir, `${base.replace(/\.zip$/i, '')}.obfuscation-map.json`),
  };
}

/** Leftover or current spill folders of an output (so a bundle never collects its own temp files). */
export function spillDirs(output: string): string[] {
  const { spillPrefix } = sidecars(output);
  try {
    return fs
      .readdirSync(path.dirname(output))
      .map((n) => path.join(path.dirname(output), n))
      .filter((p) => p.startsWith(spillPrefix));
  } catch {
    return [];
  }
}

/** A bundle's hidden sidecar by its name: `.<zip>.partial` or `.<zip>.spill-XXXXXX`. */
const SIDECAR = /^\..+\.zip(\.partial|\.spill-[A-Za-z0-9]{6})$/i;

/**
 * Removes the hidden partial zips and spill folders that earlier bundles left in `dir` when they
 * were killed (SIGKILL, a power cut): ours by name, and last changed before `before` (this run's
 * start), so a bundle being written right now is left alone. Returns what was removed.
 */
export function removeStaleSidecars(dir: string, before: number): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const n of names) {
    if (!SIDECAR.test(n)) continue;
    const p = path.join(dir, n);
    try {
      if (fs.lstatSync(p).mtimeMs >= before) continue;
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(p);
    } catch {
      // Gone already, or not ours to remove: nothing to clean.
    }
  }
  return removed;
}

/**
 * Whether a left-out path is a bundle's own spill folder (of this run, or one interrupted beside
 * it): never collected, and not worth showing the user among what was left out.
 */
export function isOwnTempFile(s: SkippedFile): boolean {
  return s.reason === 'excluded' && s.detail?.includes(SPILL_MARK) === true;
}
