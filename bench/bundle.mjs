#!/usr/bin/env node
// Benchmark of `support bundle` against Info-ZIP `zip -r -q -6` on the same corpus in the same run
// (these machines drift by up to 25% between runs, so only the ratios mean much).
//
//   npm run build && node bench/bundle.mjs [--scales 1,4] [--rounds N] [--out DIR] [--keep] [--bin PATH[,PATH...]]
//
// For each scale it makes a corpus with ../shared/corpus/gen_logs.py (1 GiB at scale 1; reused if
// present), runs zip, then `support bundle --path CORPUS --level 6` (redaction on) of each build,
// and prints the times, the throughput ratios, the output sizes, and our peak RSS (GNU time's, or
// VmHWM polled from /proc).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const scales = opt('--scales', '1').split(',').map(Number);
const out = path.resolve(opt('--out', path.join(repo, '.bench-out')));
const keep = args.includes('--keep');
// Rounds alternate zip and ours; the medians are reported (a loaded machine drifts within a run too).
const rounds = Number(opt('--rounds', '1'));
const gen = path.resolve(repo, '../shared/corpus/gen_logs.py');
// `--bin` runs other builds of `support` (an older commit's, to compare: `--bin OLD,bin/support.js`),
// each in every round after zip.
const bins = opt('--bin', path.join(repo, 'bin/support.js')).split(',').map((b) => path.resolve(b));
const MiB = 1024 * 1024;

if (!fs.existsSync(path.join(repo, 'dist/bundle/worker.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(2);
}
if (spawnSync('zip', ['-v']).status !== 0) {
  console.error('bench: Info-ZIP `zip` is not installed');
  process.exit(2);
}

function du(dir) {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? du(p) : fs.statSync(p).size;
  }
  return total;
}

const gnuTime = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/**
 * Runs a command in `cwd`; resolves with wall time in seconds, CPU seconds (user + system, all
 * threads; NaN without GNU time) and peak RSS (GNU time's maximum resident set, else VmHWM polled).
 */
async function timed(cmd, argv, cwd) {
  const env = { SUPPORT_CONFIG_DIR: path.join(out, 'config') };
  if (!gnuTime) {
    const r = await measure(cmd, argv, { cwd, env });
    return { secs: r.ms / 1000, cpu: NaN, hwm: r.hwm };
  }
  const report = path.join(out, 'time.txt');
  const r = await measure(gnuTime, ['-f', '%U %S %M', '-o', report, cmd, ...argv], { cwd, env });
  const [user, sys, maxKiB] = fs.readFileSync(report, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { secs: r.ms / 1000, cpu: user + sys, hwm: maxKiB * 1024 };
}

fs.mkdirSync(out, { recursive: true });
const rows = [];
for (const scale of scales) {
  const corpus = path.join(out, `corpus-${scale}`);
  if (!fs.existsSync(path.join(corpus, '.done'))) {
    console.error(`bench: generating corpus at scale ${scale} in ${corpus} ...`);
    fs.rmSync(corpus, { recursive: true, force: true });
    const g = spawnSync('python3', [gen, corpus, '--scale', String(scale)], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (g.status !== 0) process.exit(1);
    fs.writeFileSync(path.join(corpus, '.done'), '');
  }
  const input = du(corpus);
  // Warm the page cache for both runs alike.
  spawnSync('sh', ['-c', `cat $(find "${corpus}" -type f) > /dev/null`]);
  const zipOut = path.join(out, `zip-${scale}.zip`);
  const ourOut = bins.map((_, b) => path.join(out, `support-${scale}${bins.length > 1 ? `-${b}` : ''}.zip`));
  const zr = [];
  const sr = bins.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const f of [zipOut, ...ourOut]) fs.rmSync(f, { force: true });
    console.error(`bench: zip -r -q -6 (${(input / MiB).toFixed(0)} MiB) ...`);
    zr.push(await timed('zip', ['-r', '-q', '-6', zipOut, path.basename(corpus)], out));
    // Builds alternate their order from round to round, as zip and ours alternate.
    for (const [b, bin] of round % 2 ? [...bins.entries()].reverse() : bins.entries()) {
      console.error(`bench: ${bin} bundle --level 6 ...`);
      sr[b].push(await timed(process.execPath, [bin, 'bundle', '--path', corpus, '--level', '6', '--output', ourOut[b], '--max-total', '64GB', '--max-file-size', '64GB'], out));
    }
  }
  const med = (runs, k) => median(runs.map((r) => r[k]));
  const z = { secs: med(zr, 'secs'), cpu: med(zr, 'cpu') };
  const zs = fs.statSync(zipOut).size;
  for (const [b, bin] of bins.entries()) {
    const s = { secs: med(sr[b], 'secs'), cpu: med(sr[b], 'cpu'), hwm: Math.max(...sr[b].map((r) => r.hwm)) };
    const ss = fs.statSync(ourOut[b]).size;
    rows.push({ scale, bin, inputMiB: input / MiB, zipSecs: z.secs, ourSecs: s.secs, ratio: z.secs / s.secs, zipCpu: z.cpu, ourCpu: s.cpu, zipMiB: zs / MiB, ourMiB: ss / MiB, sizeRatio: ss / zs, rssMiB: s.hwm / MiB });
  }
  if (!keep) for (const f of [zipOut, ...ourOut]) fs.rmSync(f, { force: true });
}

const f = (n, d = 1) => n.toFixed(d);
console.log('scale  input MiB  zip s  support s  throughput x zip  zip MiB  support MiB  size x zip  support peak RSS MiB');
for (const r of rows) {
  console.log(
    `${String(r.scale).padEnd(5)}  ${f(r.inputMiB, 0).padStart(9)}  ${f(r.zipSecs).padStart(5)}  ${f(r.ourSecs).padStart(9)}  ${f(r.ratio, 2).padStart(16)}  ${f(r.zipMiB).padStart(7)}  ${f(r.ourMiB).padStart(11)}  ${f(r.sizeRatio, 3).padStart(10)}  ${f(r.rssMiB, 0).padStart(20)}`,
  );
}
for (const r of rows) console.log(`scale ${r.scale}: CPU s (user + system) zip ${f(r.zipCpu, 2)}, support ${f(r.ourCpu, 2)}, CPU x zip ${f(r.zipCpu / r.ourCpu, 2)}${bins.length > 1 ? `  (${path.relative(process.cwd(), r.bin)})` : ''}`);
console.log('targets: throughput >= 1.45x zip, size <= 1.02x zip, peak RSS <= 150 MiB and flat across scales');
