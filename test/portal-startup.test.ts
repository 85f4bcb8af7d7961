/**
 * The fixed costs of a portal command. What it loads of Node to talk to an http:// portal (the
 * built CLI, bin/support.js, against a stub on 127.0.0.1): no TLS (`tls`, nor `http2`, which loads
 * it), no `child_process` (commander's, for executable subcommands), and for a list of one page no
 * `crypto` either, even with a CA bundle in NODE_EXTRA_CA_CERTS (read only for an https
 * connection). Which of Node's modules were loaded is `process.moduleLoadList`, printed as the
 * process exits by a preloaded file. And calls made right after an answer reuse its connection.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsmClient } from '../src/portal/client.js';
import { fakeClock } from './support/harness.js';
import { BIN } from './support/built-cli.js';
import { isBuilt, need } from './support/needs.js';
import { StubServer } from './support/stub-server.js';

let tmp: string;
let preload: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'support-portal-startup-'));
  preload = path.join(tmp, 'loaded.cjs');
  fs.writeFileSync(
    preload,
    `process.on('exit', () => {
  const fs = require('node:fs');
  fs.writeSync(2, '\\nLOADED ' + JSON.stringify(process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).map((m) => m.slice(13))) + '\\n');
  fs.writeSync(2, 'THREADS ' + fs.readdirSync('/proc/self/task').length + '\\n');
});\n`,
  );
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Runs the built CLI with `args` (or `node -e ...`); resolves with its exit code, output, the Node
 * modules it loaded and its thread count as it exits.
 */
function run(args: readonly string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; loaded: string[]; threads: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', preload, ...(args[0] === '-e' ? [] : [BIN]), ...args], {
      env: { PATH: process.env.PATH, HOME: tmp, SUPPORT_CONFIG_DIR: path.join(tmp, 'config'), SUPPORT_DATA_DIR: path.join(tmp, 'data'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = /^LOADED (.*)$/m.exec(stderr)?.[1];
      resolve({ code, stdout, stderr, loaded: line ? (JSON.parse(line) as string[]) : [], threads: Number(/^THREADS (\d+)$/m.exec(stderr)?.[1]) });
    });
  });
}

/** A CA bundle of the kind distributions keep in NODE_EXTRA_CA_CERTS (its content does not matter here). */
function caBundle(): string {
  const file = path.join(tmp, 'ca-bundle.pem');
  fs.writeFileSync(file, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'.repeat(100));
  return file;
}

const page = (values: unknown[]) => ({ json: { size: values.length, start: 0, limit: 50, isLastPage: true, values } });

describe('a portal command over http://', () => {
  it('lists without loading TLS, HTTP/2, child_process or crypto, with a CA bundle in NODE_EXTRA_CA_CERTS', async (ctx) => {
    need(ctx, isBuilt(), 'the built CLI (npm run build)');
    const s = await StubServer.start();
    try {
      s.stub('GET', '/rest/servicedeskapi/request', page([]));
      const r = await run(['--portal', s.url, 'list'], { SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 'tok', NODE_EXTRA_CA_CERTS: caBundle() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.loaded).toContain('http');
      expect(r.loaded.filter((m) => ['tls', '_tls_wrap', 'http2', 'child_process', 'crypto'].includes(m))).toEqual([]);
      s.assertDone();
    } finally {
      await s.close();
    }
  });

  it('attaches a file without loading TLS, HTTP/2, child_process or crypto, nor starting the thread pool', async (ctx) => {
    need(ctx, isBuilt(), 'the built CLI (npm run build)');
    const file = path.join(tmp, 'notes.txt');
    fs.writeFileSync(file, 'hello\n');
    const s = await StubServer.start();
    try {
      s.stub('GET', '/rest/servicedeskapi/request/SUP-1', { json: { issueId: '10001', issueKey: 'SUP-1', serviceDeskId: '1' } });
      s.stub('GET', '/rest/api/3/attachment/meta', { json: { enabled: true, uploadLimit: 1024 ** 3 } });
      s.stub('GET', '/rest/servicedeskapi/request/SUP-1/attachment', page([]));
      s.stub('POST', '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile', { status: 201, json: { temporaryAttachments: [{ temporaryAttachmentId: 't1', fileName: 'notes.txt' }] } });
      s.stub('POST', '/rest/servicedeskapi/request/SUP-1/attachment', {
        status: 201,
        json: { attachments: { size: 1, isLastPage: true, values: [{ filename: 'notes.txt', size: 6 }] } },
      });
      const r = await run(['--portal', s.url, 'attach', 'SUP-1', file], { SUPPORT_EMAIL: 'me@example.com', SUPPORT_TOKEN: 'tok', NODE_EXTRA_CA_CERTS: caBundle() });
      expect(r.code, r.stderr).toBe(0);
      expect(r.loaded.filter((m) => ['tls', '_tls_wrap', 'http2', 'child_process', 'crypto'].includes(m))).toEqual([]);
      // As many threads as Node that did nothing: libuv's pool of four was never started.
      const idle = await run(['-e', '0'], {});
      expect(r.threads).toBe(idle.threads);
      s.assertDone();
    } finally {
      await s.close();
    }
  });
});

describe('connections', () => {
  it('reuses the connection of an answer for the calls made right after it', async () => {
    let connections = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ enabled: true, uploadLimit: 1 }));
      });
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const c = new JsmClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { kind: 'none' }, userAgent: 'x', clock: fakeClock() });
    try {
      await c.attachmentMeta();
      await c.attachmentMeta();
      // Two together, as attach asks them: one goes on the open connection, one on a new one.
      await Promise.all([c.attachmentMeta(), c.attachmentMeta()]);
      expect(connections).toBe(2);
    } finally {
      await c.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
