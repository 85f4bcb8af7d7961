/**
 * `buildBundle`: collect -> (redact + deflate on worker threads) -> zip container -> manifest.
 *
 * The zip is written to a hidden `.partial` file beside the output and renamed at the end, so an
 * interrupted run never leaves a zip that looks complete; Ctrl-C (the signal) or a full disk
 * removes the partial file and the spill folder before the error is rethrown.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { planFiles, type Plan, type PlanFilesOptions, type PlannedFile } from './plan.js';
import type { FoundProduct } from './products.js';
import type { SkippedFile } from './walk.js';
import type { EntryResult, EntryTask } from './entry.js';
import { Obfuscator, type ObfuscateKind } from './obfuscate.js';
import { createPool, MAX_WORKERS } from './pool.js';
import { ZipWriter } from './zip.js';

/** What the user asked for (the bundle flags, parsed): what to collect, plus how to write it. */
export interface BundleOptions
  extends Pick<PlanFilesOptions, 'product' | 'home' | 'install' | 'paths' | 'sinceMs' | 'maxFileSize' | 'maxTotal'> {
  /** The zip to write; a name in `cwd` is made up when undefined. */
  output: string | undefined;
  obfuscate: ObfuscateKind[];
  /** False with `--no-redact`. */
  redact: boolean;
  /** Deflate level 0-9. */
  level: number;
}

/** Defaults of the bundle flags (DESIGN §7). */
export const BUNDLE_DEFAULTS = {
  maxFileSize: 100 * 1024 * 1024,
  maxTotal: 2 * 1024 * 1024 * 1024,
  level: 6,
} as const;

/** The outside world a bundle needs; the CLI fills it from its context. */
export interface BundleEnv {
  env: Record<string, string | undefined>;
  cwd: string;
  /** Filesystem root for product discovery: `/` in production, a temp dir in tests. */
  root: string;
  now: () => number;
  version: string;
  /** The CLI's own configuration folder: never collected (it holds the token). */
  configDir: string;
  signal: AbortSignal;
  onProgress?: (p: BundleProgress) => void;
  /** Worker threads (default: one per core, at most 4; 0 = in process). */
  workers?: number;
  /** Zip64 records always (tests) or when needed. */
  zip64?: 'auto' | 'always';
  /** `public` drives zlib through its public API only (tests of the fallback); default `auto` (see `zlib-sync.ts`). */
  zlib?: 'auto' | 'public';
}

export interface BundleProgress {
  filesDone: number;
  filesTotal: number;
  /** Bytes of source read so far (after the per-file cap). */
  bytesIn: number;
  bytesTotal: number;
  /** Bytes of zip written. */
  bytesOut: number;
}

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

export interface BundleResult {
  output: string;
  /** Size of the zip in bytes. */
  zipSize: number;
  /** The private pseudonym mapping (0600), beside the zip; only with `--obfuscate`. */
  mappingFile: string | undefined;
  manifest: Manifest;
}

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
    spillPrefix: path.join(dir, `.${base}.spill-`),
    mapping: path.join(dir, `${base.replace(/\.zip$/i, '')}.obfuscation-map.json`),
  };
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

/** Leftover or current spill folders of an output (so a bundle never collects its own temp files). */
function spillDirs(output: string): string[] {
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

async function* fileChunks(p: string): AsyncIterable<Uint8Array> {
  const fh = await fs.promises.open(p, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Builds the bundle. Rejects with the signal's reason on Ctrl-C, or the write error (ENOSPC ...), after cleaning up. */
export async function buildBundle(o: BundleOptions, be: BundleEnv, given?: Plan & { output: string }): Promise<BundleResult> {
  const plan = given ?? planBundle(o, be);
  const output = plan.output;
  const side = sidecars(output);
  const dir = path.dirname(output);
  be.signal.throwIfAborted();
  fs.mkdirSync(dir, { recursive: true });
  const spillDir = fs.mkdtempSync(side.spillPrefix);
  const key = crypto.randomBytes(32);
  const obf = o.obfuscate.length ? new Obfuscator(o.obfuscate, key) : undefined;
  const nWorkers = be.workers ?? Math.max(1, Math.min(os.availableParallelism(), MAX_WORKERS));
  const pool = createPool(Math.max(1, nWorkers), nWorkers > 0);
  let fh: fs.promises.FileHandle | undefined;
  const onAbort = () => void pool.close();
  be.signal.addEventListener('abort', onAbort, { once: true });
  try {
    fh = await fs.promises.open(side.partial, 'w', 0o644);
    const zip = new ZipWriter(fh, be.zip64 ?? 'auto');
    const files: ManifestFile[] = [];
    const skipped = [...plan.skipped];
    const mapping = new Map<string, string>();
    const totals: Record<string, number> = {};
    const bytesTotal = plan.files.reduce((s, f) => s + Math.min(f.size, o.maxFileSize), 0);
    const progress: BundleProgress = { filesDone: 0, filesTotal: plan.files.length, bytesIn: 0, bytesTotal, bytesOut: 0 };
    const tasks: EntryTask[] = plan.files.map((f, id) => ({
      id,
      source: f.source,
      maxFileSize: o.maxFileSize,
      gunzip: f.gunzip,
      deflate: f.deflate && o.level > 0,
      level: o.level,
      redact: f.text && o.redact,
      config: f.config,
      obfuscate: obf && f.text ? { kinds: o.obfuscate, keyHex: key.toString('hex') } : undefined,
      spillDir,
      zlib: be.zlib ?? 'auto',
    }));

    const taskOf = new Map(tasks.map((t) => [t.id, t]));
    let writing: Promise<void> = Promise.resolve();
    const write = async (res: EntryResult) => {
      const f = plan.files[res.id]!;
      progress.filesDone++;
      progress.bytesIn += Math.min(f.size, o.maxFileSize);
      if (!res.ok) {
        skipped.push({ source: f.source, entry: f.entry, reason: res.reason, detail: res.detail });
        be.onProgress?.({ ...progress });
        return;
      }
      be.signal.throwIfAborted();
      const deflated = taskOf.get(res.id)!.deflate;
      await zip.add(
        { name: f.entry, method: deflated ? 8 : 0, crc: res.crc, csize: res.csize, size: res.size, mtime: new Date(res.mtimeMs) },
        res.spill ? fileChunks(res.spill) : res.chunks,
      );
      if (res.spill) await fs.promises.rm(res.spill, { force: true });
      for (const [k, v] of Object.entries(res.counts)) totals[k] = (totals[k] ?? 0) + v;
      for (const [a, b] of res.mapping) mapping.set(a, b);
      const notes = [...res.notes, ...(f.gunzip ? ['decompressed-from-gzip'] : [])];
      files.push({
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
      });
      progress.bytesOut = zip.bytes;
      be.onProgress?.({ ...progress });
    };

    let next = 0;
    let failure: unknown;
    const slot = async () => {
      while (next < tasks.length && failure === undefined) {
        const task = tasks[next++]!;
        try {
          be.signal.throwIfAborted();
          const res = await pool.run(task);
          // One writer at a time, and a slot takes its next file only once its result is written:
          // at most one finished entry per slot waits in memory or in the spill folder.
          writing = writing.then(() => (failure === undefined ? write(res) : undefined));
          await writing;
        } catch (err) {
          failure ??= err;
        }
      }
    };
    // Largest first: a big log started last would leave one core idle at the end.
    tasks.sort((a, b) => Math.min(plan.files[b.id]!.size, o.maxFileSize) - Math.min(plan.files[a.id]!.size, o.maxFileSize));
    await Promise.all(Array.from({ length: pool.size }, slot));
    if (be.signal.aborted) throw be.signal.reason;
    if (failure !== undefined) throw failure;

    files.sort((a, b) => a.entry.localeCompare(b.entry));
    const manifest: Manifest = {
      tool: { name: 'support', version: be.version },
      created: new Date(be.now()).toISOString(),
      options: {
        product: o.product ?? null,
        home: o.home ?? null,
        install: o.install ?? null,
        paths: o.paths,
        since: o.sinceMs === undefined ? null : `${Math.round(o.sinceMs / 1000)}s`,
        maxFileSize: o.maxFileSize,
        maxTotal: o.maxTotal,
        redact: o.redact,
        obfuscate: o.obfuscate,
        level: o.level,
      },
      host: hostFacts(dir, plan.products, be.env, obf),
      products: plan.products,
      files,
      skipped,
      totals: {
        files: files.length,
        skipped: skipped.length,
        bytes: files.reduce((s, f) => s + f.size, 0),
        truncated: files.filter((f) => f.truncated).length,
        redactions: totals,
      },
    };
    if (obf) for (const [a, b] of obf.mapping) mapping.set(a, b);
    const body = Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8');
    const packed = zlib.deflateRawSync(body, { level: 6 });
    await zip.add({ name: 'manifest.json', method: 8, crc: zlib.crc32(body) >>> 0, csize: packed.length, size: body.length, mtime: new Date(be.now()) }, [packed]);
    await zip.finish();
    await fh.sync();
    await fh.close();
    fh = undefined;
    be.signal.throwIfAborted();
    let mappingFile: string | undefined;
    if (obf) {
      mappingFile = side.mapping;
      const doc = { zip: path.basename(output), created: manifest.created, pseudonyms: Object.fromEntries([...mapping].map(([a, b]) => [b, a])) };
      await fs.promises.writeFile(mappingFile, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
      await fs.promises.chmod(mappingFile, 0o600);
    }
    await fs.promises.rename(side.partial, output);
    return { output, zipSize: fs.statSync(output).size, mappingFile, manifest };
  } catch (err) {
    if (fh) await fh.close().catch(() => undefined);
    await fs.promises.rm(side.partial, { force: true });
    if (obf) await fs.promises.rm(side.mapping, { force: true }).catch(() => undefined);
    throw be.signal.aborted ? be.signal.reason : err;
  } finally {
    be.signal.removeEventListener('abort', onAbort);
    await pool.close();
    await fs.promises.rm(spillDir, { recursive: true, force: true });
  }
}
