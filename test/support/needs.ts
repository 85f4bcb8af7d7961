/**
 * Tests that need something from the machine (a command-line tool, the built `dist/`): in CI, where
 * `.ci/run` installs the tools and `npm test` builds first, a missing one fails the test; elsewhere
 * the test is reported as skipped, never as passed.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'vitest';

/** Whether a command-line tool answers its version flag: `-v` for Info-ZIP's `zip` and `unzip`, `-V` for tmux, `version` for openssl. */
export function hasTool(tool: string, versionArgs: readonly string[] = ['-v']): boolean {
  return spawnSync(tool, versionArgs, { stdio: 'ignore' }).status === 0;
}

/** The built bundle worker (`npm run build`): the threaded tests run the compiled code. */
export const BUILT_WORKER = path.join(import.meta.dirname, '../../dist/bundle/worker.js');

/** The compiled entry module (tsc). */
export const BUILT_MAIN = path.join(import.meta.dirname, '../../dist/main.js');

/** The bundled CLI that `bin/support.js` runs (scripts/app.mjs). */
export const BUILT_APP = path.join(import.meta.dirname, '../../dist/app/support.cjs');

/** Whether `npm run build` has been run. */
export function isBuilt(): boolean {
  return fs.existsSync(BUILT_MAIN) && fs.existsSync(BUILT_WORKER) && fs.existsSync(BUILT_APP);
}

/** Ends the test as skipped (or failed, under `CI=true`) when `available` is false. */
export function need(ctx: TestContext, available: boolean, what: string): void {
  if (available) return;
  if (process.env.CI === 'true') throw new Error(`this test needs ${what}, which CI must provide`);
  ctx.skip(`needs ${what}`);
}
