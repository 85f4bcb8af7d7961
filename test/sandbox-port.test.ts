import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { SANDBOX_PORT } from '../src/config/paths.js';
import { runCli } from './support/harness.js';

/** Holds the sandbox's well-known port for the test, or learns that something else already does. */
async function occupy(port: number): Promise<net.Server | undefined> {
  const server = net.createServer();
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => (err.code === 'EADDRINUSE' ? resolve(undefined) : reject(err)));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

describe('--portal sandbox and the well-known port', () => {
  it('falls back to any free port when the well-known one is taken, and still works', async () => {
    const held = await occupy(SANDBOX_PORT);
    try {
      const r = await runCli(['--portal', 'sandbox', 'create', '--type', 'billing', '--summary', 'Quote', '--details', 'For 500 users']);
      expect(r.stderr).not.toMatch(/error:/);
      expect(r.code).toBe(0);
      const url = new URL(r.stdout.trim().split('\t')[1]!);
      expect(url.hostname).toBe('127.0.0.1');
      expect(Number(url.port)).not.toBe(SANDBOX_PORT);
    } finally {
      held?.close();
    }
  });
});
