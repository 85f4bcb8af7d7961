/**
 * Runs entry tasks on worker threads, or in process: the caller chooses (`BundleEnv.threads`).
 * Threads run the compiled worker beside this module (`dist/bundle/worker.js`), or in the release
 * build the bundled worker beside the bundled CLI, or in the single-file executable the worker
 * embedded as an asset. When there is none (the TypeScript sources, or a broken install) asking for
 * threads is an error, never a silent single thread.
 */
import fs from 'node:fs';
import path from 'node:path';
import { getAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { processEntry, type EntryResult, type EntryTask } from './entry.js';

/** The most threads `threads: 'auto'` starts. */
export const MAX_WORKERS = 4;

/** Runs tasks; `close` stops the threads (also mid-task, on Ctrl-C). */
export interface EntryPool {
  readonly size: number;
  run(task: EntryTask): Promise<EntryResult>;
  close(): Promise<void>;
}

interface FatalMessage {
  id: number;
  fatal: true;
  code: string | undefined;
  message: string;
}

/** Rebuilds an error that crossed from a worker, keeping its errno code (ENOSPC ...). */
function errorFrom(m: FatalMessage): Error {
  const e = new Error(m.message) as NodeJS.ErrnoException;
  if (m.code !== undefined) e.code = m.code;
  return e;
}

/**
 * The worker's file name in the release build (set by `scripts/dist.mjs`): a file beside the
 * bundled CLI, or an asset of the single-file executable.
 */
declare const SUPPORT_WORKER: string | undefined;

/** A worker's code: a script to load, or (`eval`) its source. */
interface WorkerSource {
  script: URL | string;
  eval: boolean;
}

/** Where the worker's code is; throws when there is none. */
function workerSource(): WorkerSource {
  if (typeof SUPPORT_WORKER === 'string') {
    // getAsset throws when the executable has no such asset.
    if (isSea()) return { script: getAsset(SUPPORT_WORKER, 'utf8'), eval: true };
    const file = path.join(__dirname, SUPPORT_WORKER);
    if (!fs.existsSync(file)) throw new Error(`bundle: no worker at ${file} (a broken install: install support again)`);
    return { script: file, eval: false };
  }
  const url = new URL('./worker.js', import.meta.url);
  if (url.protocol !== 'file:' || !fs.existsSync(fileURLToPath(url))) {
    throw new Error(`bundle: no compiled worker at ${url.href} (run \`npm run build\`, or build in process)`);
  }
  return { script: url, eval: false };
}

/** A pool of `threads` worker threads, or of one slot in this thread. */
export function createPool(threads: number | 'in-process'): EntryPool {
  if (threads === 'in-process') {
    return { size: 1, run: (task) => processEntry(task), close: async () => undefined };
  }
  const source = workerSource();
  const size = Math.max(1, threads);
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const waiting: ((w: Worker) => void)[] = [];
  let closed = false;
  const acquire = (): Promise<Worker> => {
    const w = idle.pop();
    if (w) return Promise.resolve(w);
    if (all.length < size) {
      // A small young generation: redaction's 64 KiB strings die young, and every MiB of young
      // generation is RSS in each thread (peak RSS of a 1 GiB bundle, 2 workers: 2 MiB -> 159 MiB,
      // 4 -> 169, 8 -> 177, 32 -> 228; no measurable change in speed).
      const nw = new Worker(source.script, { eval: source.eval, resourceLimits: { maxYoungGenerationSizeMb: 2 } });
      nw.unref();
      all.push(nw);
      return Promise.resolve(nw);
    }
    return new Promise((resolve) => waiting.push(resolve));
  };
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  return {
    size,
    async run(task) {
      if (closed) throw new Error('pool closed');
      const w = await acquire();
      try {
        return await new Promise<EntryResult>((resolve, reject) => {
          const onMessage = (m: EntryResult | FatalMessage) => {
            cleanup();
            if ('fatal' in m) reject(errorFrom(m));
            else resolve(m);
          };
          const onError = (err: Error) => {
            cleanup();
            reject(err);
          };
          const onExit = () => {
            cleanup();
            reject(new Error('worker stopped'));
          };
          const cleanup = () => {
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
          };
          w.on('message', onMessage);
          w.on('error', onError);
          w.on('exit', onExit);
          w.postMessage(task);
        });
      } finally {
        if (!closed) release(w);
      }
    },
    async close() {
      closed = true;
      await Promise.all(all.map((w) => w.terminate()));
    },
  };
}
