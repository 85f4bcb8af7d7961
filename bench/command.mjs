#!/usr/bin/env node
// The fixed cost of a portal command: `support list` against a local sandbox portal (its own
// process, so the two sides don't share this one's event loop), beside `node -e 0`, interleaved in
// the same run; medians of wall and CPU time (user + system). Target: <= 2.0x.
// Usage: node bench/command.mjs [runs=30]   (build first: npm run build)
//        SUPPORT_BENCH_BIN=release/support-0.1.0-linux-x64 node bench/command.mjs   (an artifact)
//        node bench/command.mjs 30 --bin /path/to/older/checkout/bin/support.js   (another build too, same run)
// NODE_EXTRA_CA_CERTS in the environment makes Node itself load that CA file at start-up, `node -e 0`
// included (a distribution's bundle: ~60 ms of CPU on the machines measured), so the output says
// whether it was set; run it with `env -u NODE_EXTRA_CA_CERTS` for the figure without.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuClock, cpuMs } from './cpu.mjs';
import { median, supportCommand } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [cmd, ...pre] = supportCommand(root);
const binAt = process.argv.indexOf('--bin');
const other = binAt > 0 ? process.argv[binAt + 1] : undefined;
const runs = Number(process.argv[2] && process.argv[2] !== '--bin' ? process.argv[2] : 30);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'support-bench-command-'));

const sandbox = spawn(process.execPath, [path.join(root, 'bin', 'support.js'), 'sandbox', '--port', '0', '--data', path.join(dir, 'data'), '--json'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const portal = await new Promise((resolve, reject) => {
  let text = '';
  sandbox.stdout.on('data', (c) => {
    text += c;
    try {
      resolve(JSON.parse(text));
    } catch {
      // not all of it yet
    }
  });
  sandbox.on('exit', (code) => reject(new Error(`sandbox exited ${code}`)));
});
const env = { SUPPORT_EMAIL: portal.email, SUPPORT_TOKEN: portal.token, SUPPORT_CONFIG_DIR: dir, SUPPORT_DATA_DIR: dir };

function time(c, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(c, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

const rows = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ['support list', cmd, [...pre, '--portal', portal.url, 'list']],
  ...(other ? [['(--bin) list', process.execPath, [other, '--portal', portal.url, 'list']]] : []),
];
const wall = rows.map(() => []);
const cpu = rows.map(() => []);
try {
  for (let i = 0; i < 3; i++) for (const [, c, a] of rows) time(c, a);
  for (let i = 0; i < runs; i++) {
    rows.forEach(([, c, a], k) => wall[k].push(time(c, a)));
    rows.forEach(([, c, a], k) => cpu[k].push(cpuMs(c, a, env)));
  }
} finally {
  sandbox.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
const [p, ...ours] = wall.map(median);
const [pc, ...oursCpu] = cpu.map(median);
console.log(`runs: ${runs} (interleaved, medians; cpu: ${cpuClock})${process.env.SUPPORT_BENCH_BIN ? `  bin: ${process.env.SUPPORT_BENCH_BIN}` : ''}${other ? `  --bin: ${other}` : ''}`);
console.log(`NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? `set (${process.env.NODE_EXTRA_CA_CERTS})` : 'not set'}`);
console.log(`node -e 0      ${p.toFixed(1).padStart(6)} ms  cpu ${pc.toFixed(1).padStart(6)} ms`);
ours.forEach((o, k) => {
  const oc = oursCpu[k];
  console.log(`${rows[k + 1][0].padEnd(14)} ${o.toFixed(1).padStart(6)} ms  cpu ${oc.toFixed(1).padStart(6)} ms  ratio ${(o / p).toFixed(2)}x (target <= 2.00x), cpu ${(oc / pc).toFixed(2)}x`);
});
