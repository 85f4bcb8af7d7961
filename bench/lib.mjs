// What every benchmark does the same way: medians, and running a command while sampling its peak
// RSS (VmHWM from /proc/PID/status every 20 ms).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs `cmd args` with `env` added to this process's environment; resolves with the wall time in ms,
 * the peak RSS in bytes (`hwm`), the byte count of stdout (`out`) and, with `keep`, its text.
 * Rejects, with stderr, when the command fails.
 */
export function measure(cmd, args, { env = {}, cwd, keep = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = 0;
    let err = '';
    const chunks = [];
    child.stdout.on('data', (c) => {
      out += c.length;
      if (keep) chunks.push(c);
    });
    child.stderr.on('data', (c) => (err += c));
    let hwm = 0;
    const timer = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwm = Math.max(hwm, Number(m[1]) * 1024);
      } catch {
        // the process has gone
      }
    }, 20);
    child.on('error', (e) => {
      clearInterval(timer);
      reject(e);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      else resolve({ ms, hwm, out, text: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/**
 * The `support` a bench runs: `SUPPORT_BENCH_BIN` (a release artifact: the tarball's `bin/support`
 * or the single-file executable) or, by default, `node bin/support.js`. Returns [command, ...args].
 */
export function supportCommand(root) {
  const bin = process.env.SUPPORT_BENCH_BIN;
  return bin ? [bin] : [process.execPath, `${root}/bin/support.js`];
}

/** User and system CPU seconds of `cmd args`, and its wall time in ms (GNU time's `%U %S %e`). */
export function cpuTime(cmd, args, env = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %e', cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [u, s, e] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { cpu: u + s, ms: e * 1000 };
}
