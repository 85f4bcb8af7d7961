/**
 * The portal's attachment limit (`GET /rest/api/3/attachment/meta` -> `uploadLimit`) against a
 * built bundle, and the flags that would bring an oversized bundle under it.
 */
import type { Manifest } from './manifest.js';

/** A flag and the value that should bring the bundle under the limit. */
export interface LimitSuggestion {
  flag: '--since' | '--max-total' | '--max-file-size';
  value: string;
}

/** A bundle checked against the portal's limit, with the flags that would bring it under when it is over. */
export interface LimitCheck {
  ok: boolean;
  zipSize: number;
  limit: number | undefined;
  suggestions: LimitSuggestion[];
}

function sizeArg(bytes: number): string {
  const mb = Math.max(1, Math.floor(bytes / (1024 * 1024)));
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024}GB` : `${mb}MB`;
}

function daysArg(ms: number): string {
  const h = Math.max(1, Math.floor(ms / 3_600_000));
  return h >= 48 ? `${Math.floor(h / 24)}d` : `${h}h`;
}

/**
 * Checks a bundle of `zipSize` bytes against the portal's `uploadLimit` (undefined or <= 0: no
 * limit known, so it passes). When over, suggests values for `--max-total`, `--since` and
 * `--max-file-size` scaled by how much the zip must shrink, with a 10% margin, from what the
 * manifest says was collected.
 */
export function checkBundleSize(zipSize: number, uploadLimit: number | undefined, manifest: Manifest, now: number): LimitCheck {
  if (uploadLimit === undefined || uploadLimit <= 0 || zipSize <= uploadLimit) {
    return { ok: true, zipSize, limit: uploadLimit, suggestions: [] };
  }
  const factor = (uploadLimit / zipSize) * 0.9;
  const collected = manifest.totals.bytes;
  const suggestions: LimitSuggestion[] = [{ flag: '--max-total', value: sizeArg(collected * factor) }];
  // The newest logs that fit in the scaled budget give the --since that keeps only them.
  const logs = manifest.files.filter((f) => f.kind === 'log').sort((a, b) => Date.parse(b.mtime) - Date.parse(a.mtime));
  const logBytes = logs.reduce((s, f) => s + f.size, 0);
  if (logs.length > 1 && logBytes > 0) {
    const budget = logBytes - (collected - collected * factor);
    let sum = 0;
    let oldestKept: number | undefined;
    for (const f of logs) {
      if (sum + f.size > budget) break;
      sum += f.size;
      oldestKept = Date.parse(f.mtime);
    }
    if (oldestKept !== undefined && now - oldestKept > 0) suggestions.push({ flag: '--since', value: daysArg(now - oldestKept + 1) });
  }
  const biggest = Math.max(0, ...manifest.files.map((f) => f.size));
  if (biggest * 0.9 > collected * factor) suggestions.push({ flag: '--max-file-size', value: sizeArg(collected * factor) });
  return { ok: false, zipSize, limit: uploadLimit, suggestions };
}
