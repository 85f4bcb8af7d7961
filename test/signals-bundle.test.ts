// `support bundle` under signals, through the built CLI: the exit code a shell expects and no
// hidden `.partial` zip or `.spill-` folder left behind.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBuilt, killAndWait, NOT_A_BUG, SIGNAL_EXIT, spawnCli, tempHome, type CliChild } from './support/built-cli.js';

const built = isBuilt();
if (!built) console.warn('dist/ not built (npm run build): the bundle signal tests of the built CLI are skipped');

let home: string;
let logs: string;
beforeAll(() => {
  home = tempHome();
  logs = tempHome('support-signals-logs-');
  // Enough to take a while: a few files of varied log lines.
  const line = (i: number) => `2026-11-30 03:00:${String(i % 60).padStart(2, '0')},123 INFO [http-nio-8080-exec-${i % 16}] user${i}@example.com did thing ${i * 7919} from 10.0.${i % 255}.${(i * 3) % 255}\n`;
  for (let f = 0; f < 4; f++) {
    const fd = fs.openSync(path.join(logs, `atlassian-jira-${f}.log`), 'w');
    let buf = '';
    for (let i = 0; i < 300_000; i++) {
      buf += line(i + f);
      if (buf.length > 1 << 20) {
        fs.writeSync(fd, buf);
        buf = '';
      }
    }
    fs.writeSync(fd, buf);
    fs.closeSync(fd);
  }
});
afterAll(() => {
  fs.rmSync(logs, { recursive: true, force: true });
  fs.rmSync(home, { recursive: true, force: true });
});

const sidecars = (dir: string) => fs.readdirSync(dir).filter((n) => n.includes('.partial') || n.includes('.spill-'));

/** Starts a bundle into `out` and resolves once its hidden partial zip exists. */
async function startAndWaitForPartial(out: string): Promise<CliChild> {
  const c = spawnCli(['bundle', '--path', path.join(logs, '*.log'), '--output', out, '--level', '9'], { home });
  const deadline = Date.now() + 20_000;
  while (sidecars(path.dirname(out)).length === 0) {
    if (Date.now() > deadline) throw new Error(`no .partial appeared:\n${c.stderr()}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return c;
}

describe.skipIf(!built)('bundle under signals: no .partial zip or .spill- folder stays behind', () => {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`${signal} while the zip is written: exit ${SIGNAL_EXIT[signal]}, nothing left`, async () => {
      const outDir = tempHome('support-signals-out-');
      const c = await startAndWaitForPartial(path.join(outDir, 'b.zip'));
      await killAndWait(c, signal);
      expect(await c.exited, c.stderr()).toEqual({ code: SIGNAL_EXIT[signal], signal: null });
      expect(c.stderr()).not.toMatch(NOT_A_BUG);
      expect(fs.readdirSync(outDir)).toEqual([]);
      fs.rmSync(outDir, { recursive: true, force: true });
    });
  }
});
