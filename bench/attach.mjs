#!/usr/bin/env node
// Upload throughput and memory: `support attach` of a 1 GiB file to a loopback JSM stub beside
// `curl -F` of the same file to the same server, interleaved in the same run (these machines drift,
// so only the ratio means something). The stub server runs in a process of its own, so that it
// shares no event loop with either side. Also the CPU time (user + system) per GiB of each side.
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

/** The JSM stub (run as `attach.mjs --serve SIZE`): prints its port, serves until killed. */
function serve(size) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    req.resume();
    req.on('end', () => {
      const p = url.pathname;
      if (p === '/rest/api/3/attachment/meta') return json(200, { enabled: true, uploadLimit: 64 * 1024 ** 3 });
      if (/\/myself$/.test(p)) return json(200, { accountId: 'bench', displayName: 'Bench', emailAddress: 'bench@example.com' });
      if (p === '/rest/servicedeskapi/info') return json(200, { version: '5.0.0' });
      if (p === '/rest/servicedeskapi/request/SUP-1' && req.method === 'GET')
        return json(200, { issueId: '10001', issueKey: 'SUP-1', serviceDeskId: '1', summary: 'bench', currentStatus: { status: 'Open', statusCategory: 'NEW' } });
      if (p === '/rest/servicedeskapi/servicedesk/1/attachTemporaryFile')
        return json(201, { temporaryAttachments: [{ temporaryAttachmentId: 'temp1', fileName: 'support-bundle.bin' }] });
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
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), '--serve', String(size)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => server.stdout.once('data', (c) => resolve(String(c).trim())));
  const base = `http://127.0.0.1:${port}`;

  const oursEnv = { SUPPORT_EMAIL: 'bench@example.com', SUPPORT_TOKEN: 'bench-token', SUPPORT_CONFIG_DIR: dir };
  const oursArgs = [...pre, '--portal', base, 'attach', 'SUP-1', file];
  const curlArgs = ['-sS', '-o', '/dev/null', '--fail', '-u', 'bench@example.com:bench-token', '-H', 'X-Atlassian-Token: no-check', '-F', `file=@${file}`, `${base}/rest/servicedeskapi/servicedesk/1/attachTemporaryFile`];
  const ours = () => measure(cmd, oursArgs, { env: oursEnv });
  const curl = () => measure('curl', curlArgs);

  const o = [];
  const c = [];
  const oCpu = [];
  const cCpu = [];
  try {
    await curl();
    await ours();
    for (let i = 0; i < runs; i++) {
      c.push(await curl());
      o.push(await ours());
      cCpu.push(cpuTime('curl', curlArgs).cpu);
      oCpu.push(cpuTime(cmd, oursArgs, oursEnv).cpu);
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
  console.log(`file: ${sizeMiB} MiB, runs: ${runs} (interleaved, medians)${process.env.SUPPORT_BENCH_BIN ? `  bin: ${process.env.SUPPORT_BENCH_BIN}` : ''}`);
  console.log(`curl -F           ${cm.toFixed(0)} ms  ${mibs(cm).toFixed(0)} MiB/s  peak RSS ${(Math.max(...c.map((x) => x.hwm)) / 1024 ** 2).toFixed(0)} MiB  cpu ${(median(cCpu) / gib).toFixed(2)} s/GiB`);
  console.log(`support attach    ${om.toFixed(0)} ms  ${mibs(om).toFixed(0)} MiB/s  peak RSS ${(peak / 1024 ** 2).toFixed(0)} MiB  cpu ${(median(oCpu) / gib).toFixed(2)} s/GiB`);
  console.log(`throughput ratio  ${(cm / om).toFixed(2)}x curl (target >= ${sizeMiB >= 2048 ? '0.95' : '0.90'}x), cpu ${(median(oCpu) / median(cCpu)).toFixed(2)}x curl's`);
  console.log(`peak RSS          ${(peak / 1024 ** 2).toFixed(0)} MiB (target <= 150 MiB)`);
}
