#!/usr/bin/env node
// Start-up cost: the median wall time of `support --version` and `support --help` beside
// `node -e 0`, measured in the same run, interleaved so that machine drift hits all alike, and the
// median CPU time (user + system) of each. Targets: --version <= 1.10x, --help <= 1.30x (the
// program's help and a command's, both printed from the help manifest: scripts/help-manifest.mjs).
// Usage: node bench/startup.mjs [runs]   (build first: npm run build)
//        SUPPORT_BENCH_BIN=release/support-0.1.0-linux-x64 node bench/startup.mjs   (an artifact)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuClock, cpuMs } from './cpu.mjs';
import { median, supportCommand } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [cmd, ...pre] = supportCommand(root);
const runs = Number(process.argv[2] ?? 40);

function time(c, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const rows = [
  ['node -e 0', process.execPath, ['-e', '0'], null],
  ['support --version', cmd, [...pre, '--version'], 1.1],
  ['support --help', cmd, [...pre, '--help'], 1.3],
  ['support --help ja', cmd, [...pre, '--lang', 'ja', '--help'], 1.3],
  // A command's help (the longest), answered from the help manifest too.
  ['create --help ja', cmd, [...pre, '--lang', 'ja', 'create', '--help'], 1.3],
];
const wall = rows.map(() => []);
const cpu = rows.map(() => []);
for (let i = 0; i < 3; i++) for (const [, c, a] of rows) time(c, a);
for (let i = 0; i < runs; i++) {
  rows.forEach(([, c, a], k) => wall[k].push(time(c, a)));
  rows.forEach(([, c, a], k) => cpu[k].push(cpuMs(c, a)));
}
const peer = median(wall[0]);
const peerCpu = median(cpu[0]);
console.log(`runs: ${runs} (interleaved, medians; cpu: ${cpuClock})${process.env.SUPPORT_BENCH_BIN ? `  bin: ${process.env.SUPPORT_BENCH_BIN}` : ''}`);
rows.forEach(([name, , , target], k) => {
  const w = median(wall[k]);
  const c = median(cpu[k]);
  const ratio = target === null ? '' : `  ratio ${(w / peer).toFixed(2)}x (target <= ${target.toFixed(2)}x), cpu ${(c / peerCpu).toFixed(2)}x`;
  console.log(`${name.padEnd(18)} ${w.toFixed(1).padStart(6)} ms  cpu ${c.toFixed(1).padStart(6)} ms${ratio}`);
});
