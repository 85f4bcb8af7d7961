/**
 * A spinner on stderr while the CLI waits on the portal (ora): only on a terminal that can show one
 * (stderr a TTY with a known, non-zero width), never in CI, with NO_COLOR, under TERM=dumb or in
 * a pipe. ora is loaded only when a spinner is drawn.
 */
import type { Env } from '../lib/env.js';
import type { IO } from './io.js';

/** Whether a spinner may be drawn: a colour terminal with a width, outside CI. */
export function spinnerAllowed(io: IO, env: Env): boolean {
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const columns = io.ttyColumns ?? io.columns;
  return io.stderrIsTTY && io.color && !ci && !noColor && env.TERM !== 'dumb' && columns > 0;
}

export interface Spinner {
  /** Runs `work` with the spinner turning (nested calls share one spinner). */
  during<R>(work: () => Promise<R>): Promise<R>;
}

/** A spinner showing `text`, or one that does nothing where spinners are not allowed. */
export function createSpinner(io: IO, env: Env, text: string): Spinner {
  if (!spinnerAllowed(io, env)) return { during: (work) => work() };
  let active = 0;
  let spinner: { start(): unknown; stop(): unknown } | undefined;
  let loading: Promise<void> | undefined;
  return {
    async during(work) {
      active++;
      if (active === 1) {
        loading ??= import('ora').then(({ default: ora }) => {
          // No cursor hiding (it installs exit handlers of its own) and no stdin capture (prompts follow).
          spinner = ora({ text, stream: io.stderr, isEnabled: true, hideCursor: false, discardStdin: false });
        });
        await loading;
        if (active > 0) spinner?.start();
      }
      try {
        return await work();
      } finally {
        active--;
        if (active === 0) spinner?.stop();
      }
    },
  };
}

/**
 * `target` with every method that returns a promise or an async iterable (a portal API) wrapped
 * so that the spinner turns while it waits; `skip` names methods that show progress of their own.
 */
export function spinWhileWaiting<T extends object>(target: T, spinner: Spinner, skip: readonly string[] = []): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const v: unknown = Reflect.get(obj, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string' || skip.includes(prop)) return v;
      return (...args: unknown[]) => {
        const out: unknown = (v as (...a: unknown[]) => unknown).apply(obj, args);
        if (out instanceof Promise) return spinner.during(() => out);
        if (out !== null && typeof out === 'object' && Symbol.asyncIterator in out) {
          const iterable = out as AsyncIterable<unknown>;
          return {
            [Symbol.asyncIterator]() {
              const it = iterable[Symbol.asyncIterator]();
              return {
                next: () => spinner.during(() => it.next()),
                return: (value?: unknown) => (it.return ? it.return(value) : Promise.resolve({ done: true as const, value })),
              };
            },
          };
        }
        return out;
      };
    },
  });
}
