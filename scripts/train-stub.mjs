// What the code cache is trained on (scripts/app.mjs writeCodeCache, the single-file executable in
// scripts/dist.mjs): `support --help`, then `list` and `attach` against a JSM stub on 127.0.0.1,
// so that the cache holds the functions a portal command runs (start-up, the client, the
// list and the upload), not only those of help. Measured: the functions compiled at run time were
// ~15 ms of `support list`, the larger cache costs less than that to read (bench/README.md).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

/** The JSM customer API answers the training runs need; anything else is a 404. */
function answer(method, pathname) {
  const get = method === 'GET';
  const empty = { start: 0, limit: 50, size: 0, isLastPage: true, values: [] };
  if (get && pathname === '/rest/servicedeskapi/request') return [200, empty];
  if (get && pathname === '/rest/servicedeskapi/request/SUP-1')
    return [200, { issueId: '10001', issueKey: 'SUP-1', serviceDeskId: '1', summary: 'training', currentStatus: { status: 'Open', statusCategory: 'NEW' } }];
  if (get && pathname === '/rest/api/3/attachment/meta') return [200, { enabled: true, uploadLimit: 1024 ** 3 }];
  if (get && pathname === '/rest/servicedeskapi/request/SUP-1/attachment') return [200, empty];
  if (!get && pathname === '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile')
    return [201, { temporaryAttachments: [{ temporaryAttachmentId: 'temp1', fileName: 'notes.txt' }] }];
  if (!get && pathname === '/rest/servicedeskapi/request/SUP-1/attachment')
    return [201, { attachments: { size: 1, isLastPage: true, values: [{ filename: 'notes.txt', size: 6 }] } }];
  return [404, { errorMessage: `training stub: ${method} ${pathname}` }];
}

/**
 * Starts the stub and makes a scratch folder; resolves with the argument lists of the training
 * runs, the environment they need (credentials, scratch config and data folders) and `close()`.
 */
export async function startTraining() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'support-train-'));
  const file = path.join(dir, 'notes.txt');
  fs.writeFileSync(file, 'hello\n');
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const [status, body] = answer(req.method ?? 'GET', new URL(req.url ?? '/', 'http://x').pathname);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  return {
    runs: [['--help'], ['--portal', url, 'list'], ['--portal', url, 'attach', 'SUP-1', file]],
    env: { SUPPORT_EMAIL: 'train@example.com', SUPPORT_TOKEN: 'train-token', SUPPORT_CONFIG_DIR: path.join(dir, 'config'), SUPPORT_DATA_DIR: path.join(dir, 'data') },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
