/**
 * One bundle from several: each node's zip (from ATST, or another host's own bundle over SSH) is
 * read entry by entry, each entry written to a private spill folder and planned as
 * `nodes/<node-id>/<entry>`, then the whole plan goes through the ordinary build (redaction,
 * `--obfuscate`, per-file cap, one `manifest.json`). A zip inside a zip (a rotated log kept as .zip)
 * is opened once more; deeper archives are left out like any archive the redactor cannot read.
 * The manifest gains `nodes` (id, task, state, why) and each entry's real source
 * (`<node-id>:<path in its zip>`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { buildBundle, type BundleResult } from './build.js';
import { classify, gzipSize, withoutGzip } from './classify.js';
import type { Manifest } from './manifest.js';
import type { BundleEnv, BundleOptions } from './options.js';
import { safeEntry, type Plan, type PlannedFile } from './plan.js';
import { redactBuffer } from './redact.js';
import type { SkippedFile } from './walk.js';

/** One node (or host) to merge: its zip when it gave one, and what the manifest says of it. */
export interface MergeNode {
  /** The folder name under `nodes/` (ATST node id, or the SSH host). */
  id: string;
  /** Absent when the node gave nothing (the manifest then says why). */
  zip: string | undefined;
  /** Recorded in the manifest as given (after redaction of the texts): task id, state, message ... */
  record: Record<string, unknown>;
}

/** A node of a merged bundle's manifest: its record, plus how many entries it gave. */
export type ManifestNode = Record<string, unknown> & { id: string; entries: number };

/** The manifest of a merged bundle. */
export interface MergedManifest extends Manifest {
  /** How the nodes were reached (`atst` or `ssh`) and from where. */
  collection: Record<string, unknown>;
  nodes: ManifestNode[];
}

/** What to merge. `local` is this host's own plan (`--local`), kept under `local/`. */
export interface MergeInput {
  nodes: MergeNode[];
  collection: Record<string, unknown>;
  local?: Plan;
  output: string;
}

/** Nesting of zips opened: a node's zip, and zips inside it. */
const MAX_DEPTH = 2;

function openZip(file: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: true, decodeStrings: true }, (err, zf) =>
      err ? reject(err) : resolve(zf),
    ),
  );
}

function entryStream(zf: yauzl.ZipFile, e: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => zf.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))));
}

/** Hands every file entry of a zip to `onEntry`, one at a time, in the zip's order. */
async function eachEntry(file: string, onEntry: (e: yauzl.Entry, open: () => Promise<NodeJS.ReadableStream>) => Promise<void>): Promise<void> {
  const zf = await openZip(file);
  await new Promise<void>((resolve, reject) => {
    zf.on('error', reject);
    zf.on('end', resolve);
    zf.on('entry', (e: yauzl.Entry) => {
      const next = /\/$/.test(e.fileName) ? Promise.resolve() : onEntry(e, () => entryStream(zf, e));
      next.then(() => zf.readEntry(), (err: unknown) => {
        zf.close();
        reject(err);
      });
    });
    zf.readEntry();
  });
}

/** Text of a node record, redacted and obfuscated like the entries. */
function scrub(v: unknown, hide: (s: string) => string): unknown {
  if (typeof v === 'string') return hide(redactBuffer(Buffer.from(v, 'utf8')).output.toString('utf8'));
  if (Array.isArray(v)) return v.map((x) => scrub(x, hide));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x, hide)]));
  return v;
}

/**
 * Reads every node's zip into the spill folder and plans its entries. Skips (with a reason) what
 * the redactor cannot read and what goes over `--max-total`; a zip that cannot be read at all
 * is recorded on its node.
 */
async function planNodes(input: MergeInput, o: BundleOptions, spill: string, signal: AbortSignal) {
  const files: PlannedFile[] = [];
  const skipped: SkippedFile[] = [];
  const labels = new Map<string, string>();
  const counts = new Map<string, number>();
  const problems = new Map<string, string>();
  let total = 0;
  let n = 0;
  const read = async (nodeId: string, zip: string, prefix: string, depth: number): Promise<void> => {
    await eachEntry(zip, async (e, open) => {
      signal.throwIfAborted();
      const inner = safeEntry(`${prefix}${e.fileName}`);
      const label = `${nodeId}:${inner}`;
      if (!inner) return;
      const base = path.posix.basename(inner);
      const c = classify(base, /(^|\/)[^/]*logs?\//i.test(inner) || /\.log/i.test(base) ? 'log' : 'other');
      const tmp = path.join(spill, String(n++));
      if (/\.zip$/i.test(base) && depth < MAX_DEPTH) {
        await pipeline(await open(), fs.createWriteStream(tmp, { mode: 0o600 }));
        await read(nodeId, tmp, `${inner.replace(/\.zip$/i, '')}/`, depth + 1);
        await fs.promises.rm(tmp, { force: true });
        return;
      }
      if (c.unreadable && o.redact) {
        skipped.push({ source: label, reason: 'unreadable-archive', detail: 'compressed or an archive the redactor cannot read: left out rather than bundled unredacted' });
        return;
      }
      const size = Math.min(e.uncompressedSize, c.gunzip ? Number.MAX_SAFE_INTEGER : o.maxFileSize);
      if (total + Math.min(size, o.maxFileSize) > o.maxTotal) {
        skipped.push({ source: label, reason: 'over-max-total', detail: String(Math.min(size, o.maxFileSize)) });
        return;
      }
      await pipeline(await open(), fs.createWriteStream(tmp, { mode: 0o600 }));
      const mtime = e.getLastModDate();
      await fs.promises.utimes(tmp, mtime, mtime);
      const entry = safeEntry(`nodes/${nodeId}/${c.gunzip ? withoutGzip(inner) : inner}`);
      const st = fs.statSync(tmp);
      const planned: PlannedFile = { source: tmp, entry, size: c.gunzip ? gzipSize(tmp, st.size) : st.size, mtimeMs: mtime.getTime(), ...c };
      total += Math.min(planned.size, o.maxFileSize);
      files.push(planned);
      labels.set(entry, label);
      counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1);
    });
  };
  for (const node of input.nodes) {
    if (!node.zip) continue;
    try {
      await read(node.id, node.zip, '', 1);
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      problems.set(node.id, `unreadable zip: ${(err as Error).message}`);
    }
  }
  return { files, skipped, labels, counts, problems };
}

/**
 * Builds one bundle from the nodes' zips (and this host's plan with `--local`). The spill folder
 * beside the output is private (0700) and removed at the end, whatever happens.
 */
export async function mergeBundles(input: MergeInput, o: BundleOptions, be: BundleEnv): Promise<BundleResult & { manifest: MergedManifest }> {
  const dir = path.dirname(input.output);
  fs.mkdirSync(dir, { recursive: true });
  // Not named like the build's own sidecars: the build removes those it did not make.
  const spill = fs.mkdtempSync(path.join(dir, `.${path.basename(input.output)}.nodes-`));
  try {
    const got = await planNodes(input, o, spill, be.signal);
    const local = input.local;
    const localFiles = (local?.files ?? []).map((f) => ({ ...f, entry: `local/${f.entry}` }));
    const plan: Plan & { output: string } = {
      products: local?.products ?? [],
      files: [...got.files, ...localFiles].sort((a, b) => a.entry.localeCompare(b.entry)),
      skipped: [...got.skipped, ...(local?.skipped ?? [])],
      output: input.output,
    };
    const decorate = (m: Manifest, hide: (s: string) => string): MergedManifest => {
      const byEntry = new Map([...got.labels].map(([entry, label]) => [hide(entry), label]));
      const files = m.files.map((f) => (byEntry.has(f.entry) ? { ...f, source: hide(byEntry.get(f.entry)!) } : f));
      const nodes = input.nodes.map((nd) => {
        const problem = got.problems.get(nd.id);
        const record = { ...nd.record, ...(problem ? { state: 'unreadable-zip', message: problem } : {}) };
        return { id: hide(nd.id), ...(scrub(record, hide) as Record<string, unknown>), entries: got.counts.get(nd.id) ?? 0 };
      });
      return { ...m, files, collection: scrub(input.collection, hide) as Record<string, unknown>, nodes };
    };
    const result = await buildBundle(o, be, { ...plan, decorate });
    return result as BundleResult & { manifest: MergedManifest };
  } finally {
    await fs.promises.rm(spill, { recursive: true, force: true });
  }
}
