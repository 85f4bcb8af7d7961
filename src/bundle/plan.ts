/**
 * Plans a bundle: finds each product's home and install folders, their logs and the configuration
 * files support asks for, plus `--path` globs; then applies `--since`, the per-file cap and
 * `--max-total`. Nothing here reads file contents except gzip trailers (4 bytes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { classify, gzipSize, withoutGzip, type FileClass, type FileKind } from './classify.js';
import { isGlob, walkGlob } from './glob.js';
import type { BundleEnv, BundleOptions } from './options.js';
import { outputPath, sidecars, spillDirs } from './output.js';
import { findProduct, guessProduct, jvmProps, layoutOf, PRODUCTS, type FoundProduct, type Product } from './products.js';
import { isBrokenLink, kindOfStat, statToCollect, walk, type Found, type SkippedFile } from './walk.js';

/** One file to bundle. */
export interface PlannedFile extends FileClass {
  source: string;
  entry: string;
  /** Size on disk when listed (for `.gz`, the decompressed size from its trailer). */
  size: number;
  mtimeMs: number;
}

/** What to look for and the limits to apply. */
export interface PlanFilesOptions extends Pick<BundleOptions, 'product' | 'home' | 'install' | 'paths' | 'sinceMs' | 'maxFileSize' | 'maxTotal'> {
  now: number;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Filesystem root for discovery (`/`; tests point it at a temp dir). */
  root: string;
  /** Paths never collected: the CLI's own config folder, the output zip and its temp files. */
  exclude: string[];
}

/** What a bundle will hold: the products found, the files to bundle, and what was left out. */
export interface Plan {
  products: FoundProduct[];
  files: PlannedFile[];
  skipped: SkippedFile[];
}

/** Lists what a bundle with these options would hold (what `--dry-run` shows). */
export function planBundle(o: BundleOptions, be: BundleEnv): Plan & { output: string } {
  const output = outputPath(o, be.cwd, be.now());
  const side = sidecars(output);
  const plan = planFiles({
    product: o.product,
    home: o.home,
    install: o.install,
    paths: o.paths,
    sinceMs: o.sinceMs,
    maxFileSize: o.maxFileSize,
    maxTotal: o.maxTotal,
    now: be.now(),
    env: be.env,
    cwd: be.cwd,
    root: be.root,
    exclude: [be.configDir, output, side.partial, side.mapping, ...spillDirs(output)],
  });
  return { ...plan, output };
}


/** An entry path made safe: forward slashes, no leading `/`, no `.` or `..` parts. */
export function safeEntry(p: string): string {
  return p
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
}

/** Lists everything the options ask for, then applies `--since`, the per-file cap and `--max-total`. */
export function planFiles(o: PlanFilesOptions): Plan {
  const skipped: SkippedFile[] = [];
  const files = new Map<string, PlannedFile>();
  const entries = new Set<string>();
  const exclude = o.exclude.map((e) => path.resolve(e));
  const excluded = (p: string): string | undefined => {
    for (const e of exclude) if (p === e || p.startsWith(e + path.sep)) return e;
    return undefined;
  };

  const add = (f: Found, entryBase: string, kind: FileKind) => {
    let real: string;
    try {
      real = fs.realpathSync(f.source);
    } catch {
      real = f.source;
    }
    if (excluded(real)) {
      skipped.push({ source: f.source, reason: 'excluded', detail: excluded(real) });
      return;
    }
    if (files.has(real)) return;
    const c = classify(path.basename(f.source), kind);
    let entry = safeEntry(`${entryBase}/${c.gunzip ? withoutGzip(f.rel) : f.rel}`);
    for (let n = 2; entries.has(entry); n++) entry = safeEntry(`${entryBase}/${f.rel}`) + (n > 2 ? `~${n}` : '');
    entries.add(entry);
    files.set(real, { source: f.source, entry, size: c.gunzip ? gzipSize(f.source, f.st.size) : f.st.size, mtimeMs: f.st.mtimeMs, ...c });
  };

  const addFile = (p: string, rel: string, entryBase: string, kind: FileKind) => {
    // An absent optional config file is normal; only a broken one is worth a note.
    const st = statToCollect(p, skipped, excluded, true);
    if (!st) return;
    if (st.isDirectory()) walk(p, (f) => add({ ...f, rel: path.join(rel, f.rel) }, entryBase, kind), skipped, excluded);
    else if (st.isFile()) add({ source: p, rel, st }, entryBase, kind);
    else skipped.push({ source: p, reason: 'not-a-file', detail: kindOfStat(st) });
  };

  const products: FoundProduct[] = [];
  const jvms = jvmProps(o.root);
  const wanted: Product[] = o.product
    ? [o.product]
    : o.home || o.install
      ? [guessProduct(o.home ? path.resolve(o.cwd, o.home) : '')]
      : PRODUCTS.filter((p) => p !== 'jsm');
  for (const p of wanted) {
    const f = findProduct(p, o, jvms);
    if (!f.home && !f.install) continue;
    products.push(f);
    const L = layoutOf(p);
    // Configuration first: a file reachable both directly and through a symlinked log folder keeps its own path.
    if (f.home) for (const c of L.homeConfig) addFile(path.join(f.home, c), c, `${p}/home`, 'config');
    if (f.install) for (const c of L.installConfig) addFile(path.join(f.install, c), c, `${p}/install`, 'config');
    if (f.home) for (const d of L.homeLogDirs) addFile(path.join(f.home, d), d, `${p}/home`, 'log');
    if (f.install) for (const d of L.installLogDirs) addFile(path.join(f.install, d), d, `${p}/install`, 'log');
  }

  for (const g of o.paths) {
    const abs = path.resolve(o.cwd, g);
    if (!isGlob(g)) {
      if (!fs.existsSync(abs) && !isBrokenLink(abs)) {
        skipped.push({ source: abs, reason: 'not-found', detail: g });
        continue;
      }
      addFile(abs, path.basename(abs), `files/${path.dirname(abs)}`, 'other');
      continue;
    }
    const matched = walkGlob(abs, (f, base) => add(f, `files/${base}`, 'other'), skipped, excluded);
    if (matched === 0) skipped.push({ source: abs, reason: 'not-found', detail: g });
  }

  return { products, ...limit([...files.values()], skipped, o) };
}

/** Applies `--since` to logs, then `--max-total` keeping configuration and the newest logs first. */
function limit(all: PlannedFile[], skipped: SkippedFile[], o: PlanFilesOptions): { files: PlannedFile[]; skipped: SkippedFile[] } {
  const fresh: PlannedFile[] = [];
  for (const f of all) {
    if (o.sinceMs !== undefined && f.kind === 'log' && f.mtimeMs < o.now - o.sinceMs) {
      skipped.push({ source: f.source, entry: f.entry, reason: 'older-than-since' });
    } else fresh.push(f);
  }
  const order = [...fresh].sort((a, b) => (a.kind === 'config') === (b.kind === 'config') ? b.mtimeMs - a.mtimeMs : a.kind === 'config' ? -1 : 1);
  const kept: PlannedFile[] = [];
  let total = 0;
  for (const f of order) {
    const eff = Math.min(f.size, o.maxFileSize);
    if (total + eff > o.maxTotal && f.kind !== 'config') {
      skipped.push({ source: f.source, entry: f.entry, reason: 'over-max-total', detail: String(eff) });
      continue;
    }
    total += eff;
    kept.push(f);
  }
  kept.sort((a, b) => a.entry.localeCompare(b.entry));
  return { files: kept, skipped };
}
