/**
 * The worker thread of a bundle: builds the entries the main thread hands it (redact + deflate +
 * hash on its own core) and posts back the results. In-memory data is at most `SPILL_AT` bytes, so
 * copying it with the message is cheap; buffers are not transferred because zlib and the Buffer
 * pool hand out slices of shared ArrayBuffers.
 */
import { parentPort } from 'node:worker_threads';
import { processEntry, type EntryTask } from './entry.js';

parentPort?.on('message', (task: EntryTask) => {
  processEntry(task).then(
    (res) => parentPort!.postMessage(res),
    (err: unknown) => {
      const e = err as NodeJS.ErrnoException | undefined;
      parentPort!.postMessage({ id: task.id, fatal: true, code: e?.code, message: e?.message ?? String(err) });
    },
  );
});
