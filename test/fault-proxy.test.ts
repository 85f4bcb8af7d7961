// The adversary itself: each fault does what it says, rules count and run out, hooks run at their step.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { FaultProxy } from './support/fault-proxy.js';

let origin: http.Server;
let originUrl: string;
let received: { method: string; url: string; body: string }[];

beforeAll(async () => {
  origin = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', body: Buffer.concat(chunks).toString() });
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, n: received.length }));
    });
  });
  await new Promise<void>((r) => origin.listen(0, '127.0.0.1', r));
  originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => origin.close(() => r()));
});

let proxy: FaultProxy;
beforeEach(async () => {
  received = [];
  proxy = await FaultProxy.start(originUrl);
});
afterEach(async () => {
  await proxy.close();
});

async function post(path: string, body = '{"a":1}', signal?: AbortSignal): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(proxy.url + path, { method: 'POST', body, headers: { 'content-type': 'application/json' }, ...(signal ? { signal } : {}) });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

describe('FaultProxy', () => {
  it('forwards untouched when no rule matches, and records what it saw', async () => {
    const r = await post('/x?y=1');
    expect(r.status).toBe(201);
    expect(JSON.parse(r.text)).toEqual({ ok: true, n: 1 });
    expect(received).toEqual([{ method: 'POST', url: '/x?y=1', body: '{"a":1}' }]);
    expect(proxy.seen).toEqual([{ method: 'POST', url: '/x?y=1', path: '/x', upstreamStatus: 201 }]);
  });

  it('refusals never reach the origin: 429 with Retry-After, 503, reset, a cut mid-upload', async () => {
    proxy.rule({ method: 'POST', path: '/r', fault: 'refuse-429', retryAfter: 7 });
    const a = await post('/r');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(JSON.parse(a.text)).toEqual({ errorMessage: 'Rate limit exceeded.' });
    proxy.rule({ method: 'POST', path: '/r', fault: 'refuse-503' });
    expect((await post('/r')).status).toBe(503);
    proxy.rule({ method: 'POST', path: '/r', fault: 'refuse-reset' });
    await expect(post('/r')).rejects.toThrow();
    proxy.rule({ method: 'POST', path: '/r', fault: 'drop-mid-upload', afterBytes: 10 });
    await expect(post('/r', 'x'.repeat(100_000))).rejects.toThrow();
    expect(received).toEqual([]);
    expect(proxy.seen.map((s) => s.fault)).toEqual(['refuse-429', 'refuse-503', 'refuse-reset', 'drop-mid-upload']);
  });

  it('after forwarding, the origin did the work but the client hears a drop, a 502, a 500 or an HTML page', async () => {
    proxy.rule({ method: 'POST', path: '/f', fault: 'forward-drop' });
    await expect(post('/f')).rejects.toThrow();
    proxy.rule({ method: 'POST', path: '/f', fault: 'forward-502' });
    expect((await post('/f')).status).toBe(502);
    proxy.rule({ method: 'POST', path: '/f', fault: 'forward-500' });
    expect((await post('/f')).status).toBe(500);
    proxy.rule({ method: 'POST', path: '/f', fault: 'forward-html' });
    const html = await post('/f');
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(html.text).toMatch(/^<!DOCTYPE html>/);
    expect(received.length).toBe(4);
    expect(proxy.seen.every((s) => s.upstreamStatus === 201)).toBe(true);
  });

  it('a stall holds the answer until the client gives up', async () => {
    // Waits for the origin to have the request rather than for a fixed time: a loaded machine may
    // take longer than any deadline to forward it.
    proxy.rule({ method: 'POST', path: '/s', fault: 'forward-stall' });
    const abort = new AbortController();
    let settled = false;
    const answer = post('/s', '{}', abort.signal).finally(() => (settled = true));
    await vi.waitFor(() => expect(received.length).toBe(1), { timeout: 20_000, interval: 20 });
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    abort.abort();
    await expect(answer).rejects.toThrow();
  });

  it('one-shot by default, `times` for more, Infinity for persistent; counted; RegExp paths see the query', async () => {
    const once = proxy.rule({ method: 'POST', path: '/o', fault: 'refuse-503' });
    expect((await post('/o')).status).toBe(503);
    expect((await post('/o')).status).toBe(201);
    expect(once).toMatchObject({ hits: 1, passed: 1 });
    const twice = proxy.rule({ method: 'POST', path: /^\/t\?k=1$/, fault: 'refuse-503', times: 2 });
    expect((await post('/t?k=2')).status).toBe(201);
    expect((await post('/t?k=1')).status).toBe(503);
    expect((await post('/t?k=1')).status).toBe(503);
    expect((await post('/t?k=1')).status).toBe(201);
    expect(twice.hits).toBe(2);
    proxy.rule({ method: 'POST', path: '/p', fault: 'refuse-503', times: Infinity });
    for (let i = 0; i < 5; i++) expect((await post('/p')).status).toBe(503);
    expect(proxy.count('POST', '/p')).toBe(5);
    expect(proxy.count('GET', '/p')).toBe(0);
  });

  it('skips the first matches when asked (the second GET of a request, not the first)', async () => {
    const r = proxy.rule({ method: 'POST', path: '/k', fault: 'refuse-503', skip: 1 });
    expect((await post('/k')).status).toBe(201);
    expect((await post('/k')).status).toBe(503);
    expect((await post('/k')).status).toBe(201);
    expect(r).toMatchObject({ hits: 1 });
  });

  it('runs onArrive before forwarding and onAnswered after the origin answered, awaiting both', async () => {
    const steps: string[] = [];
    proxy.rule({
      method: 'POST',
      path: '/h',
      fault: 'pass',
      onArrive: async () => {
        steps.push(`arrive:${received.length}`);
        await new Promise((r) => setTimeout(r, 20));
      },
      onAnswered: (s) => void steps.push(`answered:${received.length}:${s.upstreamStatus ?? ''}`),
    });
    expect((await post('/h')).status).toBe(201);
    expect(steps).toEqual(['arrive:0', 'answered:1:201']);
  });
});
