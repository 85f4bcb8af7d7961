/**
 * Byte progress on a terminal: `label  12.0 MiB / 1.0 GiB  45.1 MiB/s  ETA 22s`, redrawn in place on
 * stderr at most every `intervalMs`. When stderr is not a TTY (nohup, cron, a log file), long work
 * prints the same figures as plain lines, one every 10% or 30 s; work done within a few seconds
 * prints nothing. Used by uploads (`attach`, `create`) and the bundle writer.
 */
import type { T } from '../i18n/index.js';
import { formatBytes, formatDuration } from '../lib/units.js';
import type { IO } from './io.js';

export interface ByteProgress {
  /** Reports `bytes` done out of `total` (total 0 or unknown: no percentage or ETA). */
  update(bytes: number, total: number, label?: string): void;
  /** Clears the line (the caller prints the result). */
  done(): void;
}

export interface ByteProgressOptions {
  io: IO;
  t: T;
  /** Milliseconds now; pass `ctx.clock.now`. */
  now: () => number;
  /** Text before the figures (e.g. the file name). */
  label?: string;
  /** Minimum time between redraws (default 100 ms). */
  intervalMs?: number;
}

/** The figures of one progress line, without the terminal handling (exported for tests). */
export function progressLine(
  t: T,
  p: { label: string; bytes: number; total: number; elapsedMs: number; rate?: number },
): string {
  const rate = p.rate ?? (p.elapsedMs > 0 ? (p.bytes * 1000) / p.elapsedMs : 0);
  const parts = [p.label];
  if (p.total > 0) {
    const pct = Math.min(100, Math.floor((p.bytes / p.total) * 100));
    parts.push(`${String(pct).padStart(3)}%`, `${formatBytes(p.bytes)} / ${formatBytes(p.total)}`);
  } else {
    parts.push(formatBytes(p.bytes));
  }
  if (rate > 0) {
    parts.push(`${formatBytes(Math.round(rate))}/s`);
    if (p.total > 0 && p.bytes < p.total) parts.push(t('follow.progress.eta', formatDuration(((p.total - p.bytes) * 1000) / rate)));
  }
  return parts.filter((x) => x !== '').join('  ');
}

/**
 * A progress line on stderr. The rate is an exponentially smoothed average of recent samples, so
 * the ETA follows the current speed rather than the whole history.
 */
export function createByteProgress(opts: ByteProgressOptions): ByteProgress {
  const { io, t, now } = opts;
  const interval = opts.intervalMs ?? 100;
  if (!io.stderrIsTTY) return plainProgress(opts);
  const start = now();
  let lastDraw = Number.NEGATIVE_INFINITY;
  let lastSample = { at: start, bytes: 0 };
  let rate = 0;
  let drawn = false;
  // Once done, a late report (the upload's last chunk, read as Ctrl-C stopped it) draws nothing:
  // it would leave a progress line for the next message ("Cancelled.") to run on from.
  let finished = false;
  let label = opts.label ?? '';
  const draw = (line: string) => {
    const max = Math.max(10, io.columns - 1);
    io.stderr.write(`\r\x1b[2K${line.length > max ? line.slice(0, max) : line}`);
    drawn = true;
  };
  return {
    update(bytes, total, l) {
      if (finished) return;
      if (l !== undefined) label = l;
      const at = now();
      const dt = at - lastSample.at;
      if (dt >= 250) {
        const inst = ((bytes - lastSample.bytes) * 1000) / dt;
        rate = rate === 0 ? inst : rate * 0.7 + inst * 0.3;
        lastSample = { at, bytes };
      }
      if (at - lastDraw < interval && bytes < total) return;
      lastDraw = at;
      draw(progressLine(t, { label, bytes, total, elapsedMs: at - start, ...(rate > 0 ? { rate } : {}) }));
    },
    done() {
      if (drawn) io.stderr.write('\r\x1b[2K');
      drawn = false;
      finished = true;
    },
  };
}

/** Work shorter than this writes no progress lines outside a terminal. */
const PLAIN_QUIET_MS = 3_000;
/** Outside a terminal, a line at least this often while work goes on (and at every tenth done). */
const PLAIN_EVERY_MS = 30_000;

/** Progress as plain lines on stderr, for logs: at each tenth of the total, or every 30 s. */
function plainProgress(opts: ByteProgressOptions): ByteProgress {
  const { io, t, now } = opts;
  const start = now();
  let label = opts.label ?? '';
  let lastAt = start;
  let lastTenth = -1;
  return {
    update(bytes, total, l) {
      if (l !== undefined) label = l;
      const at = now();
      if (at - start < PLAIN_QUIET_MS) return;
      const tenth = total > 0 ? Math.floor((bytes / total) * 10) : -1;
      if ((total > 0 && tenth > lastTenth) || at - lastAt >= PLAIN_EVERY_MS) {
        lastTenth = Math.max(lastTenth, tenth);
        lastAt = at;
        io.err(progressLine(t, { label, bytes, total, elapsedMs: at - start }));
      }
    },
    done: () => undefined,
  };
}
