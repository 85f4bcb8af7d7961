// CPU time of one run of a command, precise to the microsecond where Linux `perf` is there
// (`perf stat -e task-clock`: the CPU time of every thread of the process), else GNU time's user +
// system seconds, which it prints in hundredths: too coarse for a 40 ms start-up.
import { spawnSync } from 'node:child_process';
import { cpuTime } from './lib.mjs';

const perf = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', 'true'], { encoding: 'utf8' }).status === 0;

/** What measures the CPU: `perf` or `time`. */
export const cpuClock = perf ? 'perf task-clock' : 'GNU time (10 ms steps)';

/** CPU milliseconds (all threads) of `cmd args` with `env` added to this process's environment. */
export function cpuMs(cmd, args, env = {}) {
  if (!perf) return cpuTime(cmd, args, env).cpu * 1000;
  const r = spawnSync('perf', ['stat', '-x,', '-e', 'task-clock', cmd, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const line = r.stderr.trim().split('\n').find((l) => l.includes('task-clock'));
  return Number(line.split(',')[0]);
}
