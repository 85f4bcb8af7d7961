/**
 * A real terminal for the built CLI: a tmux server of the test file's own (on a socket named for it
 * and the process), a session per test, and the pane read back as the terminal shows it. The test
 * follows the program by polling the pane for what it expects, never by a timer.
 */
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'vitest';
import { hasTool, isBuilt, need } from './needs.js';

export interface TmuxOpenOptions {
  /** The terminal's size (default 80 x 50). */
  columns?: number;
  rows?: number;
}

export interface TmuxReadOptions {
  /** Soft-wrapped rows joined back into their lines (`capture-pane -J`); default false. */
  joined?: boolean;
  /** Rows of scroll-back read besides the screen; default 400. */
  history?: number;
  /** The session to read (default: the one opened last). */
  session?: string;
}

export class Tmux {
  private session = '';

  /** `name` makes the socket: one tmux server per test file (and process). */
  constructor(name: string) {
    this.socket = `support-${name}-${process.pid}`;
  }

  private readonly socket: string;

  /** Runs a tmux command on this server; its output. */
  run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, ...args], { encoding: 'utf8' });
  }

  /** Skips (fails under CI) without tmux or the build; then runs `cmd` in a new session `name`, the one later calls address. */
  open(ctx: TestContext, name: string, cmd: string, o: TmuxOpenOptions = {}): void {
    need(ctx, hasTool('tmux', ['-V']), 'tmux');
    need(ctx, isBuilt(), 'the build (npm run build)');
    this.session = name;
    this.run('new-session', '-d', '-s', name, '-x', String(o.columns ?? 80), '-y', String(o.rows ?? 50), cmd);
  }

  /** The pane as the terminal shows it. */
  screen(o: TmuxReadOptions = {}): string {
    return this.run('capture-pane', '-p', ...(o.joined ? ['-J'] : []), '-t', o.session ?? this.session, '-S', `-${o.history ?? 400}`);
  }

  /** Polls the pane until `re` shows; throws with the screen after `timeoutMs` (default 15 s). */
  async waitFor(re: RegExp, o: TmuxReadOptions & { timeoutMs?: number } = {}): Promise<string> {
    const deadline = Date.now() + (o.timeoutMs ?? 15_000);
    for (;;) {
      const s = this.screen(o);
      if (re.test(s)) return s;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(re)}; screen:\n${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Presses keys (tmux key names: `Enter`, `Down`, `C-c`). */
  keys(...k: string[]): void {
    this.run('send-keys', '-t', this.session, ...k);
  }

  /** Types `text` as it is, then Enter. */
  type(text: string): void {
    this.run('send-keys', '-t', this.session, '-l', text);
    this.keys('Enter');
  }

  /** Ends the server and every session (nothing to do when none is left). */
  kill(): void {
    try {
      this.run('kill-server');
    } catch {
      // already gone
    }
  }
}
