/** The size a bundle's zip will have, estimated without building it (what `--dry-run` shows). */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { BundleOptions } from './options.js';
import type { PlannedFile } from './plan.js';

/**
 * Estimates the zip's size by deflating a sample (256 KiB from the kept part) of the largest text
 * files at the chosen level; stored files count at their size.
 */
export function estimateZipSize(files: PlannedFile[], o: Pick<BundleOptions, 'maxFileSize' | 'level'>): number {
  const kept = (f: PlannedFile) => Math.min(f.size, o.maxFileSize);
  const text = files.filter((f) => f.deflate && !f.gunzip).sort((a, b) => kept(b) - kept(a));
  let sampled = 0;
  let packed = 0;
  for (const f of text.slice(0, 16)) {
    try {
      const fd = fs.openSync(f.source, 'r');
      try {
        const n = Math.min(256 * 1024, kept(f));
        const buf = Buffer.alloc(n);
        const got = fs.readSync(fd, buf, 0, n, Math.max(0, f.size - kept(f)));
        sampled += got;
        packed += zlib.deflateRawSync(buf.subarray(0, got), { level: o.level }).length;
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // Unreadable now: the real run will say so; the estimate just does without it.
    }
  }
  const ratio = sampled > 0 ? packed / sampled : 0.15;
  let total = 22;
  for (const f of files) {
    total += 30 + 46 + 2 * Buffer.byteLength(f.entry) + (f.deflate ? Math.ceil(kept(f) * ratio) : kept(f));
  }
  return total + 4096;
}
