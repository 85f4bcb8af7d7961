// The multipart upload body reads files into a few reused buffers and goes to the dispatcher as is:
// every byte must still arrive as it is on disk, even when the server reads slowly and the socket
// holds writes back, over plain HTTP, TLS, a proxy that forwards http://, and a proxy's CONNECT
// tunnel to https://. The received body is parsed by undici's multipart parser
// (`Response.formData`), not ours.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Response } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/lib/clock.js';
import { JsmClient } from '../src/portal/client.js';
import { multipartBody, PART_CHUNK, type Part } from '../src/portal/multipart.js';
import { tempDir } from './support/harness.js';
import { hasTool, need } from './support/needs.js';
import { LoopbackProxy } from './support/proxy.js';

let dir: string;
beforeAll(() => {
  dir = tempDir('support-multipart-');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function writeFile(name: string, size: number): Part {
  const p = path.join(dir, name);
  fs.writeFileSync(p, randomBytes(size));
  return { path: p, name, size, type: 'application/octet-stream' };
}

/** A server that takes one upload slowly (a pause after every chunk it reads) and keeps the body. */
async function slowServer(tls?: { key: Buffer; cert: Buffer }): Promise<{ url: string; body: Promise<{ contentType: string; bytes: Buffer }>; close(): Promise<void> }> {
  let got!: (b: { contentType: string; bytes: Buffer }) => void;
  const body = new Promise<{ contentType: string; bytes: Buffer }>((r) => (got = r));
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      chunks.push(c);
      req.pause();
      setTimeout(() => req.resume(), 2);
    });
    req.on('end', () => {
      got({ contentType: req.headers['content-type'] ?? '', bytes: Buffer.concat(chunks) });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ temporaryAttachments: [] }));
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`, body, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('multipart upload body', () => {
  it.for(['http', 'https', 'proxy', 'tunnel'] as const)('arrives byte for byte through a slow reader (%s): whole chunks, file tails, empty and tiny files', { timeout: 60_000 }, async (via, ctx) => {
    let tls: { key: Buffer; cert: Buffer } | undefined;
    if (via === 'https' || via === 'tunnel') {
      need(ctx, hasTool('openssl', ['version']), 'openssl');
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, stdio: 'ignore' });
      tls = { key: fs.readFileSync(path.join(dir, 'key.pem')), cert: fs.readFileSync(path.join(dir, 'cert.pem')) };
    }
    // Sizes around the chunk size and its multiples, so that reused buffers and short tails mix;
    // well over what the loopback socket buffers hold, so that writes wait on the reader.
    const parts = [
      writeFile('big.bin', 12 * PART_CHUNK + 12_345),
      writeFile('empty.log', 0),
      writeFile('tail.bin', 70_001),
      writeFile('tiny.txt', 5),
      writeFile('exact.bin', 2 * PART_CHUNK),
      writeFile('under.bin', PART_CHUNK - 1),
      writeFile('over.bin', 3 * PART_CHUNK + 1),
    ];
    const server = await slowServer(tls);
    const proxy = via === 'proxy' || via === 'tunnel' ? await LoopbackProxy.start() : undefined;
    const api = new JsmClient({
      baseUrl: server.url,
      credentials: { kind: 'basic', email: 'you@example.com', token: 'tok' },
      userAgent: 'support-test',
      clock: systemClock,
      retry: { maxAttempts: 1 },
      ...(tls ? { caFiles: [path.join(dir, 'cert.pem')] } : {}),
      ...(proxy ? { env: { [via === 'tunnel' ? 'HTTPS_PROXY' : 'HTTP_PROXY']: proxy.url } } : {}),
    });
    try {
      await api.uploadTemporaryFiles('1', parts);
      const { contentType, bytes } = await server.body;
      const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
      const files = form.getAll('file') as File[];
      expect(files.map((f) => f.name)).toEqual(parts.map((p) => p.name));
      for (const [i, f] of files.entries()) {
        expect(f.size, f.name).toBe(parts[i]!.size);
        expect(sha(new Uint8Array(await f.arrayBuffer())), f.name).toBe(sha(fs.readFileSync(parts[i]!.path)));
      }
    } finally {
      await api.close();
      await proxy?.close();
      await server.close();
    }
    if (via === 'proxy') expect(proxy?.seen).toEqual([`POST ${server.url}/rest/servicedeskapi/servicedesk/1/attachTemporaryFile`]);
    if (via === 'tunnel') expect(proxy?.seen).toEqual([`CONNECT ${new URL(server.url).host}`]);
  });

  it('reads a large file through a few reused buffers, not a new one per chunk', async () => {
    const part = writeFile('reuse.bin', 16 * PART_CHUNK);
    const body = multipartBody([part], 'b', () => undefined, () => 0);
    const buffers = new Set<ArrayBufferLike>();
    let n = 0;
    for await (const chunk of body.stream) {
      n += chunk.length;
      if (chunk.length === PART_CHUNK) buffers.add(chunk.buffer);
    }
    expect(n).toBe(body.length);
    expect(buffers.size).toBeGreaterThan(0);
    expect(buffers.size).toBeLessThanOrEqual(4);
  });

  it('fails, naming the file, when it shrank after its size was announced', async () => {
    const part = writeFile('shrinks.bin', PART_CHUNK + 10);
    const body = multipartBody([{ ...part, size: part.size + 5 }], 'b', () => undefined, () => 0);
    await expect(
      (async () => {
        for await (const _ of body.stream) void _;
      })(),
    ).rejects.toThrow(`${part.path} shrank while it was being uploaded (${part.size} of ${part.size + 5} bytes)`);
  });
});
