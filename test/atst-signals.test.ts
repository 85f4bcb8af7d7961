/**
 * Ctrl-C during `support bundle --app URL --cluster`, through the built CLI: every running ATST
 * task is cancelled (DELETE task/{id}: the sandbox records it), the exit code is 130, and no zip,
 * partial zip or folder of downloaded node zips is left behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAtstSandbox, type AtstSandboxHandle, type AtstSandboxOptions } from '../src/sandbox/atst/index.js';
import { isBuilt, killAndWait, NOT_A_BUG, SIGNAL_EXIT, spawnCli, tempHome } from './support/built-cli.js';
import { need } from './support/needs.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A 3-node sandbox cluster (node2 and node3 slow, plus `o`) and the built CLI bundling from it into `out/`. */
async function bundling(o: Partial<AtstSandboxOptions> = {}) {
  const home = tempHome();
  cleanups.push(() => fs.rmSync(home, { recursive: true, force: true }));
  const h: AtstSandboxHandle = await startAtstSandbox({ nodes: 3, dataDir: path.join(home, 'atst'), taskMs: 200, slowNodes: ['node2', 'node3'], slowMs: 120_000, ...o });
  cleanups.push(() => h.close());
  const out = path.join(home, 'out');
  fs.mkdirSync(out);
  const c = spawnCli(['bundle', '--app', h.url, '--cluster', '--output', path.join(out, 'cluster.zip')], {
    home,
    cwd: out,
    env: { SUPPORT_APP_TOKEN: h.token, SUPPORT_ATST_POLL_MS: '100' },
  });
  return { h, out, c };
}

describe('Ctrl-C during a cluster bundle (built CLI)', () => {
  beforeEach((ctx) => need(ctx, isBuilt(), 'the build (npm run build)'));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} while node2 and node3 are still running: their tasks are cancelled, exit ${SIGNAL_EXIT[signal]}, nothing left`, async () => {
      const { h, out, c } = await bundling();
      // node1 is downloaded, node2 and node3 are still being built.
      await c.waitForStderr(/node1\s+100%\s+done/, 30_000);
      expect(h.tasks().filter((t) => t.cancelled)).toEqual([]);
      await killAndWait(c, signal);
      expect(await c.exited, c.stderr()).toEqual({ code: SIGNAL_EXIT[signal], signal: null });
      expect(c.stderr()).not.toMatch(NOT_A_BUG);
      const tasks = h.tasks();
      expect(tasks.filter((t) => t.cancelled).map((t) => t.nodeId).sort()).toEqual(['node2', 'node3']);
      expect(tasks.find((t) => t.nodeId === 'node1')!.cancelled).toBe(false);
      expect(fs.readdirSync(out)).toEqual([]);
    }, 60_000);
  }

  it('SIGINT before a node has handled the cluster message: its task, listed only after the signal, is cancelled too', async () => {
    // node3 lists its task 5 s after the request; the CLI watches for late tasks 3 s after Ctrl-C.
    const { h, out, c } = await bundling({ lateNodes: ['node3'], lateMs: 5000 });
    await c.waitForStderr(/node1\s+100%\s+done/, 30_000);
    const requested = h.tasks().find((t) => t.nodeId === 'node1')!.started;
    await new Promise((r) => setTimeout(r, Math.max(0, requested + 3000 - Date.now())));
    // node3's task is not listed yet when the signal comes.
    expect(Date.now()).toBeLessThan(requested + 4500);
    await killAndWait(c, 'SIGINT');
    expect(await c.exited, c.stderr()).toEqual({ code: SIGNAL_EXIT.SIGINT, signal: null });
    expect(Date.now()).toBeGreaterThan(requested + 5000);
    expect(h.tasks().filter((t) => t.cancelled).map((t) => t.nodeId).sort()).toEqual(['node2', 'node3']);
    expect(fs.readdirSync(out)).toEqual([]);
  }, 60_000);
});
