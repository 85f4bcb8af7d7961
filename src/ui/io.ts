import type { Readable, Writable } from 'node:stream';
import type { Env } from '../lib/env.js';
import { wrapIndented } from './width.js';

/**
 * The program's streams and the facts about them. Results go to `stdout`; progress, warnings and
 * prompts go to `stderr`. Tests build an IO over in-memory streams.
 */
export interface IO {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  /** Terminal width for tables; 80 when unknown. */
  columns: number;
  /** The width stderr's terminal reports (0 on a terminal that reports none); absent when not known. */
  ttyColumns?: number;
  /** Colour on stderr/stdout when it is a TTY, unless NO_COLOR/--no-color; FORCE_COLOR forces it. */
  color: boolean;
  /** Writes a line (a newline is added) to stdout. */
  out(line: string): void;
  /** Writes a line (a newline is added) to stderr. */
  err(line: string): void;
}

export function wantColor(env: Env, isTTY: boolean, flagNoColor: boolean): boolean {
  if (flagNoColor) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function makeIO(parts: Omit<IO, 'out' | 'err'>): IO {
  return {
    ...parts,
    out: (line) => void parts.stdout.write(line + '\n'),
    err: (line) => void parts.stderr.write(line + '\n'),
  };
}

/**
 * Writes `line` to stderr; on a terminal it wraps by display width (at most 100 cells), keeping its
 * indent, so that a long line never breaks inside a word, a path or a URL.
 */
export function errWrapped(io: IO, line: string): void {
  const indent = line.length - line.trimStart().length;
  io.err(io.stderrIsTTY && line !== '' ? wrapIndented(line.trimStart(), Math.min(io.ttyColumns || io.columns, 100), indent) : line);
}

/** The terminal width of the program's output: stdout's, else stderr's (each asked only of a terminal), else 80. */
export function terminalColumns(stdout: number | undefined, stderr: number | undefined): number {
  return stdout || stderr || 80;
}

/** The real process streams. */
export function processIO(): IO {
  const env = process.env;
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const stderrIsTTY = Boolean(process.stderr.isTTY);
  return makeIO({
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stdoutIsTTY,
    stderrIsTTY,
    columns: terminalColumns(process.stdout.columns, process.stderr.columns),
    ...(stderrIsTTY ? { ttyColumns: process.stderr.columns ?? 0 } : {}),
    color: wantColor(env, stderrIsTTY, false),
  });
}
