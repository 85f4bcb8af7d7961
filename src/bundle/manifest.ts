/**
 * `manifest.json`, the last entry of every bundle: the options, the host, the products found, each
 * file with its hash, truncation and redaction counts, and what was left out and why.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import type { EntryDone } from './entry.js';
import type { Obfuscator } from './obfuscate.js';
import type { BundleEnv, BundleOptions } from './options.js';
import type { PlannedFile } from './plan.js';
import type { FoundProduct } from './products.js';
import type { SkippedFile } from './walk.js';
import type { ZipEntryMeta } from './zip.js';

/** One entry of `manifest.json`'s `files`. */
export interface ManifestFile {
  entry: string;
  source: string;
  /** Size of the entry's content as extracted. */
  size: number;
  sha256: string;
  mtime: string;
  kind: PlannedFile['kind'];
  compression: 'deflate' | 'store';
  /** Present when only the tail was kept. */
  truncated?: { originalSize: number; keptBytes: number; droppedBytes: number };
  /** How many values each rule replaced. */
  redactions: Record<string, number>;
  /** `grew-while-read`, `shrank-while-read`, `decompressed-from-gzip`. */
  notes?: string[];
}

/** `manifest.json`: what the bundle holds and how it was made. */
export interface Manifest {
  tool: { name: string; version: string };
  created: string;
  options: Record<string, unknown>;
  host: Record<string, unknown>;
  products: FoundProduct[];
  files: ManifestFile[];
  skipped: SkippedFile[];
  totals: { files: number; skipped: number; bytes: number; truncated: number; redactions: Record<string, number> };
}

/** The manifest record of a built entry. */
export function manifestFile(f: PlannedFile, res: EntryDone, deflated: boolean): ManifestFile {
  const notes = [...res.notes, ...(f.gunzip ? ['decompressed-from-gzip'] : []), ...(f.notes ?? [])];
  return {
    entry: f.entry,
    source: f.source,
    size: res.size,
    sha256: res.sha256,
    mtime: new Date(res.mtimeMs).toISOString(),
    kind: f.kind,
    compression: deflated ? 'deflate' : 'store',
    ...(res.truncatedBytes > 0
      ? { truncated: { originalSize: res.sourceSize, keptBytes: res.sourceSize - res.truncatedBytes, droppedBytes: res.truncatedBytes } }
      : {}),
    redactions: res.counts,
    ...(notes.length ? { notes } : {}),
  };
}

/** What a build hands over for the manifest. */
export interface ManifestParts {
  products: FoundProduct[];
  files: ManifestFile[];
  skipped: SkippedFile[];
  /** Replacements per rule, over all files. */
  redactions: Record<string, number>;
  /** The folder of the zip (its free space is a host fact). */
  dir: string;
  obfuscator: Obfuscator | undefined;
}

/** The manifest of a finished bundle; `files` are sorted by entry name. */
export function makeManifest(o: BundleOptions, be: BundleEnv, p: ManifestParts): Manifest {
  // Paths name hosts too (`logs/jira-node-1.corp.example.com/`): obfuscated like the text.
  const obf = p.obfuscator;
  const hide = (s: string): string => (obf ? obf.applyPath(s) : s);
  const hideOpt = (s: string | undefined): string | undefined => (s === undefined ? undefined : hide(s));
  const files = [...p.files].map((f) => ({ ...f, source: hide(f.source) })).sort((a, b) => a.entry.localeCompare(b.entry));
  const skipped = p.skipped.map((s) => ({ ...s, source: hide(s.source), ...(s.entry ? { entry: hide(s.entry) } : {}), ...(s.detail ? { detail: hide(s.detail) } : {}) }));
  const products = p.products.map((f) => ({ ...f, home: hideOpt(f.home), install: hideOpt(f.install) }));
  return {
    tool: { name: 'support', version: be.version },
    created: new Date(be.now()).toISOString(),
    options: {
      product: o.product ?? null,
      home: hideOpt(o.home) ?? null,
      install: hideOpt(o.install) ?? null,
      paths: o.paths.map(hide),
      since: o.sinceMs === undefined ? null : `${Math.round(o.sinceMs / 1000)}s`,
      maxFileSize: o.maxFileSize,
      maxTotal: o.maxTotal,
      redact: o.redact,
      followLinks: o.followLinks,
      obfuscate: o.obfuscate,
      level: o.level,
    },
    host: hostFacts(p.dir, p.products, be.env, p.obfuscator),
    products,
    files,
    skipped,
    totals: {
      files: files.length,
      skipped: skipped.length,
      bytes: files.reduce((s, f) => s + f.size, 0),
      truncated: files.filter((f) => f.truncated).length,
      redactions: p.redactions,
    },
  };
}

/** `manifest.json` as a zip entry: its metadata and its deflated data. */
export function manifestEntry(m: Manifest, mtime: Date): { meta: ZipEntryMeta; data: Buffer } {
  const body = Buffer.from(JSON.stringify(m, null, 2) + '\n', 'utf8');
  const data = zlib.deflateRawSync(body, { level: 6 });
  return { meta: { name: 'manifest.json', method: 8, crc: zlib.crc32(body) >>> 0, csize: data.length, size: body.length, mtime }, data };
}

function javaVersion(products: FoundProduct[], env: Record<string, string | undefined>): string | undefined {
  const candidates = [
    ...products.flatMap((p) => (p.install ? [path.join(p.install, 'jre/release'), path.join(p.install, 'jre/lib/release')] : [])),
    ...(env.JAVA_HOME ? [path.join(env.JAVA_HOME, 'release')] : []),
  ];
  for (const c of candidates) {
    try {
      const m = /^JAVA_VERSION="?([^"\n]+)"?/m.exec(fs.readFileSync(c, 'utf8'));
      if (m) return m[1];
    } catch {
      // Not there: try the next place.
    }
  }
  return undefined;
}

function hostFacts(dir: string, products: FoundProduct[], env: Record<string, string | undefined>, obf: Obfuscator | undefined): Record<string, unknown> {
  let diskFree: number | undefined;
  try {
    const s = fs.statfsSync(dir);
    diskFree = s.bavail * s.bsize;
  } catch {
    diskFree = undefined;
  }
  const hostname = os.hostname();
  return {
    os: `${os.type()} ${os.release()}`,
    platform: os.platform(),
    arch: os.arch(),
    hostname: obf ? obf.host(hostname) : hostname,
    cpus: os.cpus().length,
    memoryBytes: os.totalmem(),
    memoryFreeBytes: os.freemem(),
    diskFreeBytes: diskFree,
    java: javaVersion(products, env),
  };
}
