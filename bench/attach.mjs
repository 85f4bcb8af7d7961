#!/usr/bin/env node
// Upload throughput and memory: `support attach` of a 1 GiB file to a loopback JSM stub beside
// `curl -F` of the same file to the same server, interleaved in the same run (these machines drift,
// so only the ratio means something). The stub server runs in a process of its own, so that it
// shares no event loop with either side (and each side gets a core of its own on two cores). Also
// the CPU time (user + system) per GiB of each side: in all, and sent (over the same command with a
// 1 MiB file, which is the start-up and the calls around the upload), and the part size (bytes per
// file read and socket write) of the multipart stream.
// Targets: ours >= 0.90x curl's throughput (1 GiB), >= 0.95x (2 GiB); our peak RSS (VmHWM from
// /proc/PID/status) <= 150 MiB.
// Usage: node bench/attach.mjs [sizeMiB=1024] [runs=3]   (build first: npm run build)
//        SUPPORT_BENCH_BIN=release/support-0.1.0-linux-x64 node bench/attach.mjs   (an artifact)
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuTime, measure, median, supportCommand } from './lib.mjs';

/**
 * The JSM stub (run as `attach.mjs --serve SIZE`): prints its port, serves until killed. The
 * request lists no attachment (so nothing is skipped as already there); `GET /bench/received`
 * answers the byte count of the latest upload (and forgets it), which the bench checks after every run.
 */
function serve(size) {
  let received = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status, body) => {
      // The bench's own check closes its connection: no idle keep-alive for the server to cut.
      res.writeHead(status, { 'content-type': 'application/json', ...(url.pathname === '/bench/received' ? { connection: 'close' } : {}) });
      res.end(JSON.stringify(body));
    };
    let bytes = 0;
    req.on('data', (c) => (bytes += c.length));
    req.on('end', () => {
      const p = url.pathname;
      const get = req.method === 'GET';
      if (p === '/bench/received') {
        const n = received;
        received = 0;
        return json(200, { received: n });
      }
      if (p === '/rest/api/3/attachment/meta') return json(200, { enabled: true, uploadLimit: 64 * 1024 ** 3 });
      if (/\/myself$/.test(p)) return json(200, { accountId: 'bench', displayName: 'Bench', emailAddress: 'bench@example.com' });
      if (p === '/rest/servicedeskapi/info') return json(200, { version: '5.0.0' });
      if (p === '/rest/servicedeskapi/request/SUP-1' && get)
        return json(200, { issueId: '10001', issueKey: 'SUP-1', serviceDeskId: '1', summary: 'bench', currentStatus: { status: 'Open', statusCategory: 'NEW' } });
      if (p === '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile' && !get) {
        received = bytes;
        return json(201, { temporaryAttachments: [{ temporaryAttachmentId: 'temp1', fileName: 'support-bundle.bin' }] });
      }
      if (p === '/rest/servicedeskapi/request/SUP-1/attachment' && get) return json(200, { start: 0, limit: 50, size: 0, isLastPage: true, values: [] });
      if (p === '/rest/servicedeskapi/request/SUP-1/attachment')
        return json(201, { attachments: { size: 1, isLastPage: true, values: [{ filename: 'support-bundle.bin', size }] }, comment: { id: '1', body: '' } });
      json(404, { errorMessage: `bench stub: ${req.method} ${p}` });
    });
  });
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
}

if (process.argv[2] === '--serve') {
  serve(Number(process.argv[3]));
} else {
  await bench();
}

async function bench() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const [cmd, ...pre] = supportCommand(root);
  const sizeMiB = Number(process.argv[2] ?? 1024);
  const runs = Number(process.argv[3] ?? 3);
  const size = sizeMiB * 1024 * 1024;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'support-bench-attach-'));
  const file = path.join(dir, 'support-bundle.bin');
  {
    // Real (non-sparse) data, so both sides read actual pages; 1 MiB blocks that differ.
    const fd = fs.openSync(file, 'w');
    const block = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < sizeMiB; i++) {
      block.fill(i % 251);
      fs.writeSync(fd, block);
    }
    fs.closeSync(fd);
  }
  const small = path.join(dir, 'small.bin');
  fs.writeFileSync(small, Buffer.alloc(1024 * 1024, 7));
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (c) => resolve(String(c).trim())));
  const base = `http://127.0.0.1:${port}`;

  const oursEnv = { SUPPORT_EMAIL: 'bench@example.com', SUPPORT_TOKEN: 'bench-token', SUPPORT_CONFIG_DIR: dir };
  const oursArgs = [...pre, '--portal', base, 'attach', 'SUP-1', file];
  const curlArgs = ['-sS', '-o', '/dev/null', '--fail', '-u', 'bench@example.com:bench-token', '-H', 'X-Atlassian-Token: no-check', '-F', `file=@${file}`, `${base}/rest/servicedeskapi/servicedesk/1/attachTemporaryFile`];
  // Every run must have carried the whole file (a stub answer that made us skip it would time nothing).
  const carried = async (what, r) => {
    const { received } = await (await fetch(`${base}/bench/received`)).json();
    if (received < size) throw new Error(`${what}: the stub received ${received} bytes, less than the file's ${size}`);
    return r;
  };
  const ours = async () => carried('support attach', await measure(cmd, oursArgs, { env: oursEnv }));
  const curl = async () => carried('curl -F', await measure('curl', curlArgs));
  const withSmall = (args) => args.map((a) => a.replace(file, small));

  const o = [];
  const c = [];
  const oCpu = [];
  const cCpu = [];
  const oFixed = [];
  const cFixed = [];
  try {
    await curl();
    await ours();
    for (let i = 0; i < runs; i++) {
      c.push(await curl());
      o.push(await ours());
      cCpu.push((await carried('curl -F', cpuTime('curl', curlArgs))).cpu);
      oCpu.push((await carried('support attach', cpuTime(cmd, oursArgs, oursEnv))).cpu);
      cFixed.push(cpuTime('curl', withSmall(curlArgs)).cpu);
      oFixed.push(cpuTime(cmd, withSmall(oursArgs), oursEnv).cpu);
    }
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const mibs = (ms) => sizeMiB / (ms / 1000);
  const om = median(o.map((x) => x.ms));
  const cm = median(c.map((x) => x.ms));
  const peak = Math.max(...o.map((x) => x.hwm));
  const gib = sizeMiB / 1024;
  const sent = (cpu, fixed) => `${(median(cpu) / gib).toFixed(2)} s/GiB (${((median(cpu) - median(fixed)) / (gib - 1 / 1024)).toFixed(2)} sent, ${median(fixed).toFixed(2)} s fixed)`;
  let part = 'see src/portal/multipart.ts';
  try {
    const { PART_CHUNK } = await import(`${root}/dist/portal/multipart.js`);
    part = `${PART_CHUNK / 1024} KiB`;
  } catch {
    // an artifact without a dist/ beside it
  }
  console.log(`file: ${sizeMiB} MiB, runs: ${runs} (interleaved, medians)${process.env.SUPPORT_BENCH_BIN ? `  bin: ${process.env.SUPPORT_BENCH_BIN}` : ''}`);
  console.log(`curl -F           ${cm.toFixed(0)} ms  ${mibs(cm).toFixed(0)} MiB/s  peak RSS ${(Math.max(...c.map((x) => x.hwm)) / 1024 ** 2).toFixed(0)} MiB  cpu ${sent(cCpu, cFixed)}`);
  console.log(`support attach    ${om.toFixed(0)} ms  ${mibs(om).toFixed(0)} MiB/s  peak RSS ${(peak / 1024 ** 2).toFixed(0)} MiB  cpu ${sent(oCpu, oFixed)}`);
  console.log(`throughput ratio  ${(cm / om).toFixed(2)}x curl (target >= ${sizeMiB >= 2048 ? '0.95' : '0.90'}x), cpu ${(median(oCpu) / median(cCpu)).toFixed(2)}x curl's`);
  console.log(`peak RSS          ${(peak / 1024 ** 2).toFixed(0)} MiB (target <= 150 MiB)`);
  console.log(`part size         ${part} per file read and socket write`);
}
