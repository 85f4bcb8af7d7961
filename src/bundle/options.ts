/** The options of a bundle: what the user asked for, and the outside world the build works in. */
import type { ObfuscateKind } from './obfuscate.js';
import type { Product } from './products.js';

/** What the user asked for (the bundle flags, parsed): what to collect, plus how to write it. */
export interface BundleOptions {
  product: Product | undefined;
  /** `--home` and `--install`, relative to `cwd`. */
  home: string | undefined;
  install: string | undefined;
  /** `--path` globs, relative to `cwd`. */
  paths: string[];
  /** `--since` in milliseconds: logs older than this are left out. */
  sinceMs: number | undefined;
  /** Per-file cap: a larger file keeps its tail. */
  maxFileSize: number;
  /** Total cap: newest logs first, the rest recorded as left out. */
  maxTotal: number;
  /** The zip to write; a name in `cwd` is made up when undefined. */
  output: string | undefined;
  obfuscate: ObfuscateKind[];
  /** False with `--no-redact`. */
  redact: boolean;
  /** `--follow-links`: follow symbolic links out of the collected folders too (never into /proc, /sys, /dev). */
  followLinks: boolean;
  /** Deflate level 0-9. */
  level: number;
}

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
  /**
   * Where entries are built: on this many worker threads, on one per core (`auto`, at most 4), or
   * in this thread (`in-process`). Threads need the compiled worker (`dist/bundle/worker.js`):
   * without it the build fails rather than quietly running in process.
   */
  threads: number | 'auto' | 'in-process';
  /** Zip64 records always (tests) or when needed. */
  zip64?: 'auto' | 'always';
  /** `public` drives zlib through its public API only (tests of the fallback); default `auto` (see `zlib-sync.ts`). */
  zlib?: 'auto' | 'public';
}

/** How far a build has come (handed to `BundleEnv.onProgress`). */
export interface BundleProgress {
  filesDone: number;
  filesTotal: number;
  /** Bytes of source read so far (after the per-file cap). */
  bytesIn: number;
  bytesTotal: number;
  /** Bytes of zip written. */
  bytesOut: number;
}
