#!/usr/bin/env node
// Start-up cost: the median wall time of `support --version` beside `node -e 0`, measured in the
// same run, interleaved so that machine drift hits both alike. Target: ratio <= 1.2.
// Usage: node bench/startup.mjs [runs]   (build first: npm run build)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'support.js');
const runs = Number(process.argv[2] ?? 40);

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}


const peer = [];
const ours = [];
for (let i = 0; i < 3; i++) {
  time(['-e', '0']);
  time([bin, '--version']);
}
for (let i = 0; i < runs; i++) {
  peer.push(time(['-e', '0']));
  ours.push(time([bin, '--version']));
}
const p = median(peer);
const o = median(ours);
const help = [];
for (let i = 0; i < Math.min(runs, 15); i++) help.push(time([bin, '--help']));
console.log(`runs: ${runs}`);
console.log(`node -e 0           median ${p.toFixed(1)} ms`);
console.log(`support --version   median ${o.toFixed(1)} ms`);
console.log(`ratio               ${(o / p).toFixed(2)}x (target <= 1.20x)`);
console.log(`support --help      median ${median(help).toFixed(1)} ms (informational)`);
