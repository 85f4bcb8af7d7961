// A download from an https portal that redirects to plain http is refused before anything is
// fetched there: nothing is saved, and the http host sees no request. The portal's certificate is
// made here with openssl (never committed) and trusted through --ca-file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/harness.js';
import { hasTool, need } from './support/needs.js';
import { StubServer } from './support/stub-server.js';

const API = '/rest/servicedeskapi';
const dir = tempDir('support-download-tls-');
let server: https.Server | undefined;
let media: StubServer | undefined;
afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }
  await media?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('download over https', () => {
  it('refuses a redirect to plain http (exit 1, nothing saved, nothing fetched there)', async (ctx) => {
    need(ctx, hasTool('openssl', ['version']), 'openssl');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
    media = await StubServer.start();
    const mediaUrl = media.url;
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) }, (req, res) => {
      const base = `https://127.0.0.1:${(server!.address() as AddressInfo).port}`;
      if (req.url?.startsWith(`${API}/request/HD-1/attachment?`)) {
        const values = [{ filename: 'patch.jar', size: 3, _links: { self: `${base}${API}/request/HD-1/attachment/7`, content: `${base}${API}/request/HD-1/attachment/7` } }];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ size: 1, start: 0, limit: 50, isLastPage: true, values }));
      } else if (req.url?.startsWith(`${API}/request/HD-1/attachment/7`)) {
        res.writeHead(303, { location: `${mediaUrl}/file/7?token=t` }).end();
      } else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = tempDir('support-download-tls-out-');
    try {
      const r = await runCli(['--portal', url, '--ca-file', path.join(dir, 'cert.pem'), 'download', 'HD-1', 'patch.jar', '--output', out], {
        env: { SUPPORT_EMAIL: 'mia@example.com', SUPPORT_TOKEN: 'api-token' },
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('patch.jar (7): the portal sent the download to plain http');
      expect(r.stderr).not.toContain('token=t');
      expect(fs.readdirSync(out)).toEqual([]);
      expect(media.requests).toEqual([]);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
