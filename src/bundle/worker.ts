/**
 * The worker thread of a bundle: builds the entries the main thread hands it (redact + deflate +
 * hash with synchronous calls on its own core) and posts back the results. An entry's in-memory
 * data (at most `SPILL_AT` bytes) is one block with its own ArrayBuffer, transferred rather than
 * copied, so the main thread only ever writes.
 */
import { parentPort } from 'node:worker_threads';
import { processEntry, type EntryTask } from './entry.js';

parentPort?.on('message', (task: EntryTask) => {
  processEntry(task).then(
    (res) => parentPort!.postMessage(res, res.ok ? res.chunks.map((c) => c.buffer as ArrayBuffer) : []),
    (err: unknown) => {
      const e = err as NodeJS.ErrnoException | undefined;
      parentPort!.postMessage({ id: task.id, fatal: true, code: e?.code, message: e?.message ?? String(err) });
    },
  );
});
