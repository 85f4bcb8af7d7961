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

/**
 * Whether a left-out path is a bundle's own spill folder (of this run, or one interrupted beside
 * it): never collected, and not worth showing the user among what was left out.
 */
export function isOwnTempFile(s: SkippedFile): boolean {
  return s.reason === 'excluded' && s.detail?.includes(SPILL_MARK) === true;
}
