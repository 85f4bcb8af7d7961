#!/usr/bin/env node
// Listing at scale: `support list --limit 0 --json` over 5,000 sandbox requests (pages capped at 50
// by the sandbox), its peak RSS (VmHWM from /proc/PID/status) and wall time, beside curl fetching
// the same pages in a loop against the same sandbox in the same run. Target: peak RSS <= 100 MiB.
// Usage: node bench/list.mjs [count=5000] [runs=3]   (build first: npm run build)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, median } from './lib.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'bin', 'support.js');
const count = Number(process.argv[2] ?? 5000);
const runs = Number(process.argv[3] ?? 3);
const { startSandbox } = await import(path.join(root, 'dist', 'sandbox', 'index.js'));
const { Store } = await import(path.join(root, 'dist', 'sandbox', 'store.js'));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'support-bench-list-'));
const dataDir = path.join(dir, 'data');
let h = await startSandbox({ dataDir });
const auth = `Basic ${Buffer.from(`${h.email}:${h.token}`).toString('base64')}`;
const created = await fetch(`${h.url}/rest/servicedeskapi/request`, {
  method: 'POST',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: JSON.stringify({
    serviceDeskId: '1',
    requestTypeId: '3',
    requestFieldValues: { summary: 'Invoice amount differs from the quote', description: 'See the attached invoice.' },
  }),
});
if (created.status !== 201) throw new Error(`seed create: ${created.status} ${await created.text()}`);
await h.close();
// The other requests are copies written straight into the store in one update (an API call each
// would rewrite the state file 5,000 times).
await new Store(dataDir).update((s) => {
  const first = s.requests[0];
  for (let i = 1; i < count; i++) {
    const n = s.nextIssue++;
    s.requests.push({
      ...structuredClone(first),
      issueId: String(s.nextId++),
      key: `SUP-${n}`,
      created: first.created + i * 1000,
      fieldValues: { ...first.fieldValues, summary: `Request number ${n}: ${'lorem ipsum '.repeat(4)}` },
      history: first.history.map((x) => ({ ...x, at: first.created + i * 1000 })),
    });
  }
});
h = await startSandbox({ dataDir });
const base = h.url;

const ours = (keep = false) =>
  measure(
    process.execPath,
    [...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []), bin, '--portal', base, 'list', '--status', 'all', '--limit', '0', '--json'],
    { env: { SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token, SUPPORT_CONFIG_DIR: dir }, keep },
  );
// curl in a shell loop: one process per page, as a script would do it.
const pages = Math.ceil(count / 50);
const loop = `for i in $(seq 0 ${pages - 1}); do curl -sS --fail -u "$E:$T" "${base}/rest/servicedeskapi/request?requestStatus=ALL_REQUESTS&start=$((i*50))&limit=50"; done`;
const curl = () => measure('sh', ['-c', loop], { env: { E: h.email, T: h.token } });

const o = [];
const c = [];
try {
  // Warm-up run that also checks the output is the whole list (the sandbox runs in this process,
  // so nothing here may block the event loop).
  const check = await ours(true);
  const arr = JSON.parse(check.text);
  if (arr.length !== count) throw new Error(`expected ${count} requests, got ${arr.length}`);
  for (let i = 0; i < runs; i++) {
    c.push(await curl());
    o.push(await ours());
  }
} finally {
  await h.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
const om = median(o.map((x) => x.ms));
const cm = median(c.map((x) => x.ms));
const peak = Math.max(...o.map((x) => x.hwm));
console.log(`requests: ${count} (${pages} pages of 50), runs: ${runs} (interleaved, medians)`);
console.log(`curl loop (${pages} curls)   ${cm.toFixed(0)} ms`);
console.log(`support list --json      ${om.toFixed(0)} ms  (${(om / cm).toFixed(2)}x the curl loop), ${(o[0].out / 1024 ** 2).toFixed(1)} MiB of JSON`);
console.log(`peak RSS                 ${(peak / 1024 ** 2).toFixed(0)} MiB (target <= 100 MiB)`);
