/**
 * `buildBundle`: plan -> (redact + deflate on worker threads, or in process) -> zip container -> manifest.
 *
 * The zip is written to a hidden `.partial` file beside the output and renamed at the end, so an
 * interrupted run never leaves a zip that looks complete; Ctrl-C (the signal) or a full disk
 * removes the partial file and the spill folder before the error is rethrown.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EntryResult, EntryTask } from './entry.js';
import { makeManifest, manifestEntry, manifestFile, type Manifest, type ManifestFile } from './manifest.js';
import { Obfuscator, pseudonymTable } from './obfuscate.js';
import type { BundleEnv, BundleOptions, BundleProgress } from './options.js';
import { removeStaleSidecars, sidecars } from './output.js';
import { planBundle, type Plan } from './plan.js';
import { createPool, MAX_WORKERS } from './pool.js';
import { ZipWriter } from './zip.js';

/**
 * Adds to the manifest of a bundle built from a given plan (a merged bundle's nodes, the real
 * source of each entry); `hide` obfuscates text as the manifest's own paths are.
 */
export type ManifestDecorator = (m: Manifest, hide: (s: string) => string) => Manifest;

/** A finished bundle. */
export interface BundleResult {
  output: string;
  /** Size of the zip in bytes. */
  zipSize: number;
  /** The private pseudonym mapping (0600), beside the zip; only with `--obfuscate`. */
  mappingFile: string | undefined;
  manifest: Manifest;
  /** How many worker threads built entries (0: all were built in process). */
  workerThreads: number;
}


/** Bytes of zip written between two background syncs. */
const SYNC_EVERY = 32 * 1024 * 1024;

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
export async function buildBundle(o: BundleOptions, be: BundleEnv, given?: Plan & { output: string; decorate?: ManifestDecorator }): Promise<BundleResult> {
  const plan = given ?? planBundle(o, be);
  const output = plan.output;
  const side = sidecars(output);
  const dir = path.dirname(output);
  be.signal.throwIfAborted();
  // What a killed bundle left beside its zip (a hidden partial zip, a spill folder) goes first.
  removeStaleSidecars(dir, Date.now());
  const pool = createPool(be.threads === 'auto' ? Math.max(1, Math.min(os.availableParallelism(), MAX_WORKERS)) : be.threads);
  fs.mkdirSync(dir, { recursive: true });
  const spillDir = fs.mkdtempSync(side.spillPrefix);
  const key = crypto.randomBytes(32);
  const obf = o.obfuscate.length ? new Obfuscator(o.obfuscate, key) : undefined;
  // Hosts named anywhere in the paths, and this machine's name, are known before the first entry is named.
  obf?.learnHosts([os.hostname(), ...plan.files.map((f) => f.source), ...plan.skipped.map((s) => s.source)]);
  const threads = new Set<number>();
  let fh: fs.promises.FileHandle | undefined;
  const onAbort = () => void pool.close();
  be.signal.addEventListener('abort', onAbort, { once: true });
  try {
    // Only its owner may read what it collected, like the obfuscation map.
    fh = await fs.promises.open(side.partial, 'w', 0o600);
    await fh.chmod(0o600);
    const zip = new ZipWriter(fh, be.zip64 ?? 'auto');
    const out = fh;
    // The zip's data goes to disk in the background as it is written, SYNC_EVERY bytes at a time,
    // so that the fsync before the rename has little left to do: it took ~0.2 s at the end of a
    // 1 GiB bundle, with both cores idle (bench/README.md).
    let synced = 0;
    let syncing: Promise<void> | undefined;
    const syncSome = () => {
      if (syncing || zip.bytes - synced < SYNC_EVERY) return;
      synced = zip.bytes;
      // A failure here shows again in the final fsync, which is awaited.
      syncing = out.datasync().then(
        () => (syncing = undefined),
        () => (syncing = undefined),
      );
    };
    const files: ManifestFile[] = [];
    const skipped = [...plan.skipped];
    const mapping = new Map<string, string>();
    const totals: Record<string, number> = {};
    const bytesTotal = plan.files.reduce((s, f) => s + Math.min(f.size, o.maxFileSize), 0);
    const progress: BundleProgress = { filesDone: 0, filesTotal: plan.files.length, bytesIn: 0, bytesTotal, bytesOut: 0 };
    const tasks: EntryTask[] = plan.files.map((f, id) => ({
      id,
      source: f.source,
      ...(f.raw ? { raw: f.raw } : {}),
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
      if (res.thread !== 0) threads.add(res.thread);
      const deflated = taskOf.get(res.id)!.deflate;
      // Entry names are paths: host names in them are obfuscated like the text.
      const entry = obf ? obf.applyPath(f.entry) : f.entry;
      await zip.add(
        { name: entry, method: deflated ? 8 : 0, crc: res.crc, csize: res.csize, size: res.size, mtime: new Date(res.mtimeMs) },
        res.spill ? fileChunks(res.spill) : res.chunks,
      );
      if (res.spill) await fs.promises.rm(res.spill, { force: true });
      for (const [k, v] of Object.entries(res.counts)) totals[k] = (totals[k] ?? 0) + v;
      for (const [a, b] of res.mapping) mapping.set(a, b);
      files.push(manifestFile({ ...f, entry }, res, deflated));
      progress.bytesOut = zip.bytes;
      syncSome();
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
    // The threads go while the manifest is written and the zip synced.
    void pool.close();

    const made = makeManifest(o, be, { products: plan.products, files, skipped, redactions: totals, dir, obfuscator: obf });
    const manifest = given?.decorate ? given.decorate(made, (s) => (obf ? obf.apply(s) : s)) : made;
    if (obf) for (const [a, b] of obf.mapping) mapping.set(a, b);
    const m = manifestEntry(manifest, new Date(be.now()));
    await zip.add(m.meta, [m.data]);
    await zip.finish();
    await syncing;
    await fh.sync();
    await fh.close();
    fh = undefined;
    be.signal.throwIfAborted();
    let mappingFile: string | undefined;
    if (obf) {
      mappingFile = side.mapping;
      const doc = { zip: path.basename(output), created: manifest.created, pseudonyms: pseudonymTable(mapping) };
      await fs.promises.writeFile(mappingFile, JSON.stringify(doc, null, 2) + '\n', { mode: 0o600 });
      await fs.promises.chmod(mappingFile, 0o600);
    }
    await fs.promises.rename(side.partial, output);
    return { output, zipSize: fs.statSync(output).size, mappingFile, manifest, workerThreads: threads.size };
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
