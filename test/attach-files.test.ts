import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../src/cli/errors.js';
import { systemClock } from '../src/lib/clock.js';
import { attachFiles, checkFiles, UnreadableFilesError, type CheckedFile } from '../src/portal/attach-files.js';
import { JsmClient } from '../src/portal/client.js';
import { tempDir } from './support/harness.js';

/**
 * A strict stub of the four endpoints an upload uses (the request's attachments list answers
 * `present`, empty unless a test says otherwise). Multipart bodies are scanned as they stream
 * (never buffered), so the 1 GiB test measures the client, not the server.
 */
interface Stub {
  url: string;
  uploads: { files: string[]; bytes: number; status: number; xsrf: string | undefined }[];
  attaches: { key: string; body: { temporaryAttachmentIds: string[]; public: boolean; additionalComment?: { body: string } } }[];
  unexpected: string[];
  /** Status to answer the n-th temporary upload with (default 201). */
  uploadStatus: (n: number) => number;
  meta: { enabled: boolean; uploadLimit: number };
  /** What `GET /request/{key}/attachment` lists. */
  present: { filename: string; size: number }[];
  /** When set, the settings are answered only once this settles. */
  metaGate?: Promise<void>;
  /** Called when the attachments list is asked for. */
  onList?: () => void;
  close(): Promise<void>;
}

async function stubServer(): Promise<Stub> {
  const stub: Stub = {
    url: '',
    close: async () => undefined,
    uploads: [],
    attaches: [],
    unexpected: [],
    uploadStatus: () => 201,
    meta: { enabled: true, uploadLimit: 100 * 1024 ** 3 },
    present: [],
  };
  let nextId = 1;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/rest/api/3/attachment/meta') return void (stub.metaGate ?? Promise.resolve()).then(() => send(200, stub.meta));
    if (req.method === 'POST' && url.pathname === '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile') {
      const n = stub.uploads.length;
      const files: string[] = [];
      let bytes = 0;
      let tail = '';
      req.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        const text = tail + chunk.toString('latin1');
        for (const m of text.matchAll(/name="file"; filename="([^"]+)"/g)) files.push(m[1]!);
        tail = text.slice(-200).replace(/^.*name="file"; filename="[^"]+"/s, '');
      });
      req.on('end', () => {
        const status = stub.uploadStatus(n);
        stub.uploads.push({ files, bytes, status, xsrf: req.headers['x-atlassian-token'] as string | undefined });
        if (status !== 201) return send(status, { errorMessage: `stub failure ${status}` });
        send(201, { temporaryAttachments: files.map((f) => ({ temporaryAttachmentId: `temp${nextId++}`, fileName: f })) });
      });
      return;
    }
    const m = /^\/rest\/servicedeskapi\/request\/([^/]+)\/attachment$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      stub.onList?.();
      return send(200, { start: 0, limit: 50, size: stub.present.length, isLastPage: true, values: stub.present });
    }
    if (req.method === 'POST' && m) {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        const body = JSON.parse(text) as Stub['attaches'][number]['body'];
        stub.attaches.push({ key: m[1]!, body });
        send(201, {
          attachments: { size: body.temporaryAttachmentIds.length, isLastPage: true, values: body.temporaryAttachmentIds.map((id) => ({ filename: id })) },
          comment: { id: String(nextId++), body: body.additionalComment?.body ?? '', public: true },
        });
      });
      return;
    }
    stub.unexpected.push(`${req.method} ${req.url}`);
    send(404, { errorMessage: 'not stubbed' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}`;
  stub.close = () => new Promise<void>((r) => server.close(() => r()));
  return stub;
}

function client(url: string, attempts = 1): JsmClient {
  return new JsmClient({
    baseUrl: url,
    credentials: { kind: 'basic', email: 'you@example.com', token: 'tok' },
    userAgent: 'support-test',
    clock: systemClock,
    retry: { maxAttempts: attempts, baseDelayMs: 1, maxDelayMs: 1, random: () => 0 },
  });
}

let dir: string;
let stub: Stub;
let api: JsmClient;
beforeAll(() => {
  dir = tempDir('support-attach-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  expect(stub.unexpected).toEqual([]);
  await api.close();
  await stub.close();
});

async function setup(attempts = 1): Promise<void> {
  stub = await stubServer();
  api = client(stub.url, attempts);
}

function makeFiles(n: number, size = 10, prefix = 'f'): string[] {
  return Array.from({ length: n }, (_, i) => {
    const p = path.join(dir, `${prefix}${String(i).padStart(3, '0')}.log`);
    fs.writeFileSync(p, 'x'.repeat(size));
    return p;
  });
}

describe('checkFiles', () => {
  it('names every missing, unreadable or non-file path at once, in the order given', async () => {
    stub = await stubServer();
    api = client(stub.url);
    const [ok] = makeFiles(1, 5, 'chk');
    const locked = path.join(dir, 'locked.log');
    fs.writeFileSync(locked, 'secret');
    fs.chmodSync(locked, 0o000);
    const rootCanRead = (() => {
      try {
        fs.accessSync(locked, fs.constants.R_OK);
        return true;
      } catch {
        return false;
      }
    })();
    const err = await checkFiles([ok!, 'nope.log', dir, locked], { cwd: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnreadableFilesError);
    const problems = (err as UnreadableFilesError).problems;
    expect(problems.slice(0, 2)).toEqual([
      { path: 'nope.log', reason: 'missing' },
      { path: dir, reason: 'not-a-file' },
    ]);
    if (!rootCanRead) expect(problems[2]).toEqual({ path: locked, reason: 'unreadable' });
    expect(exitCodeFor(err)).toBe(2);
    expect((err as Error).message).toContain('nope.log');
    const good = await checkFiles([ok!]);
    expect(good).toEqual([{ path: ok, name: path.basename(ok!), size: 5 }]);
  });
});

describe('attachFiles', () => {
  it('sends 61 files as a batch of 60 and a batch of 1, each attached right away, the comment once', async () => {
    await setup();
    const files = await checkFiles(makeFiles(61, 10, 'many'));
    const seen: number[] = [];
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files, comment: 'logs', onProgress: (p) => seen.push(p.bytes) });
    expect(r.failed).toEqual([]);
    expect(r.attached.map((f) => f.name)).toEqual(files.map((f) => f.name));
    expect(stub.uploads.map((u) => u.files.length)).toEqual([60, 1]);
    expect(stub.uploads.every((u) => u.xsrf === 'no-check')).toBe(true);
    expect(stub.uploads.flatMap((u) => u.files)).toEqual(files.map((f) => f.name));
    expect(stub.attaches.map((a) => a.body.temporaryAttachmentIds.length)).toEqual([60, 1]);
    expect(stub.attaches.map((a) => a.body.additionalComment?.body)).toEqual(['logs', undefined]);
    expect(stub.attaches.every((a) => a.key === 'SUP-1' && a.body.public === true)).toBe(true);
    expect(Math.max(...seen)).toBe(610);
  });

  it('asks for the upload settings and the request\'s attachments at once (one round trip, not two)', async () => {
    await setup();
    const files = await checkFiles(makeFiles(1, 10, 'together'));
    // The settings are answered only after the list was asked for: in sequence, this never ends.
    let listed!: () => void;
    stub.metaGate = new Promise<void>((r) => (listed = r));
    stub.onList = () => listed();
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the list waited for the settings')), 5000).unref());
    const r = await Promise.race([attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files }), timeout]);
    expect(r.attached.map((f) => f.name)).toEqual([files[0]!.name]);
  });

  it('sends nothing the request has already (same name and size); a file of another size is sent', async () => {
    await setup();
    const files = await checkFiles(makeFiles(3, 10, 'again'));
    stub.present = [
      { filename: files[0]!.name, size: 10 },
      { filename: files[1]!.name, size: 11 },
    ];
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files, comment: 'logs' });
    expect(r.already.map((f) => f.name)).toEqual([files[0]!.name]);
    expect(r.attached.map((f) => f.name)).toEqual([files[1]!.name, files[2]!.name]);
    expect(stub.uploads.flatMap((u) => u.files)).toEqual([files[1]!.name, files[2]!.name]);
  });

  it('tries a failed temporary upload again (the client retries it)', async () => {
    await setup(2);
    stub.uploadStatus = (n) => (n === 0 ? 503 : 201);
    const files = await checkFiles(makeFiles(2, 10, 'retry'));
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files });
    expect(r.failed).toEqual([]);
    expect(r.attached).toHaveLength(2);
    expect(stub.uploads.map((u) => u.status)).toEqual([503, 201]);
    expect(stub.attaches).toHaveLength(1);
  });

  it('checks the size limit first: an oversized file is never sent, the others are', async () => {
    await setup();
    stub.meta = { enabled: true, uploadLimit: 100 };
    const [small] = makeFiles(1, 50, 'small');
    const [big] = makeFiles(1, 101, 'big');
    const files = await checkFiles([small!, big!]);
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files });
    expect(r.attached.map((f) => f.name)).toEqual(['small000.log']);
    expect(r.failed).toEqual([{ file: files[1], reason: 'too-large', limit: 100 }]);
    expect(stub.uploads.flatMap((u) => u.files)).toEqual(['small000.log']);
  });

  it('reports a partial failure precisely: the batch that failed twice, and the one that made it', async () => {
    await setup(2);
    stub.uploadStatus = (n) => (n === 0 ? 201 : 500);
    const files = await checkFiles(makeFiles(3, 10, 'part'));
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files, batchSize: 2 });
    expect(r.attached.map((f) => f.name)).toEqual(['part000.log', 'part001.log']);
    expect(r.failed.map((f) => [f.file.name, f.reason])).toEqual([['part002.log', 'upload']]);
    expect(r.failed[0]!.message).toMatch(/500|stub failure/);
    expect(stub.uploads.map((u) => u.status)).toEqual([201, 500, 500]);
  });

  it('sends one batch at most maxAttempts times in total: no retry loop around the client', async () => {
    await setup(3);
    stub.uploadStatus = () => 503;
    const files = await checkFiles(makeFiles(1, 10, 'down'));
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files });
    expect(r.failed.map((f) => f.reason)).toEqual(['upload']);
    expect(stub.uploads.map((u) => u.status)).toEqual([503, 503, 503]);
    expect(stub.attaches).toHaveLength(0);
  });

  it('does not retry a refusal (400) and attaches nothing when attachments are off', async () => {
    await setup();
    stub.uploadStatus = () => 400;
    const files = await checkFiles(makeFiles(1, 10, 'bad'));
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files });
    expect(r.failed.map((f) => f.reason)).toEqual(['upload']);
    expect(stub.uploads).toHaveLength(1);
    stub.meta = { enabled: false, uploadLimit: 0 };
    const r2 = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files });
    expect(r2.failed.map((f) => f.reason)).toEqual(['disabled']);
    expect(stub.uploads).toHaveLength(1);
  });

  it('streams a 1 GiB file from disk: the peak memory grows far less than the file', async () => {
    await setup();
    const big = path.join(dir, 'big.bin');
    const size = 1024 ** 3;
    fs.closeSync(fs.openSync(big, 'w'));
    fs.truncateSync(big, size); // sparse: costs no disk
    const files: CheckedFile[] = await checkFiles([big]);
    const before = process.resourceUsage().maxRSS * 1024;
    const r = await attachFiles(api, { serviceDeskId: '1', issueKey: 'SUP-1', files });
    const peak = process.resourceUsage().maxRSS * 1024;
    fs.rmSync(big);
    expect(r.failed).toEqual([]);
    expect(stub.uploads[0]!.bytes).toBeGreaterThan(size);
    // A whole-file read would add at least 1 GiB; streaming stays within a few buffers.
    expect(peak - before).toBeLessThan(200 * 1024 ** 2);
  }, 60_000);
});
