import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { createT, type Lang } from '../i18n/index.js';
import type { Env } from '../lib/env.js';
import { wantColor } from './io.js';
import { theme } from './theme.js';
import { terminalRows } from './width.js';
import { CancelledError } from '../lib/errors.js';
import type { Choice, ChoiceSeparator, Prompter } from '../lib/prompter.js';

/**
 * The inquirer-backed prompter. Imported lazily by the commands that ask questions, so that
 * `--version`, `--help` and scripted runs never load inquirer. Prompts are drawn on stderr so that
 * stdout stays the result.
 */
export async function createInquirerPrompter(opts: {
  input: Readable;
  output: Writable;
  signal?: AbortSignal;
  /** Where `$VISUAL`/`$EDITOR` are read from (none: `vi`). */
  env?: Env;
  /** The language of inquirer's own words: key hints, Yes/No, "disabled" (default English). */
  lang?: Lang;
}): Promise<Prompter> {
  // The four prompts used, not @inquirer/prompts: its editor prompt pulls in iconv-lite and chardet,
  // a quarter of the bundled CLI (~520 KiB of 2 MB) that every start-up read and compiled.
  const [{ default: input }, { default: password }, { default: confirm }, { default: select, Separator }] = await Promise.all([
    import('@inquirer/input'),
    import('@inquirer/password'),
    import('@inquirer/confirm'),
    import('@inquirer/select'),
  ]);
  const inq = { input, password, confirm, select, Separator };
  const t = createT(opts.lang ?? 'en');
  const paint = theme(wantColor(opts.env ?? {}, true, false));
  const actions: Record<string, string> = { navigate: t('prompt.key.navigate'), select: t('prompt.key.select') };
  const selectTheme = {
    style: {
      keysHelpTip: (keys: [string, string][]) => keys.map(([key, action]) => `${paint.bold(key)} ${paint.dim(actions[action] ?? action)}`).join(paint.dim(' • ')),
    },
  };
  const yesNo = (v: boolean) => (v ? t('prompt.yes') : t('prompt.no'));
  /**
   * Runs one inquirer prompt. An answered prompt keeps its line; one cancelled (Ctrl-C, which
   * readline reads as a key, or a signal) is erased, so nothing half-asked is left on the screen.
   * Inquirer reads `clearPromptOnDone` once the prompt has settled.
   */
  const guard = async <R>(run: (context: { input: Readable; output: Writable; signal?: AbortSignal; clearPromptOnDone: boolean }) => Promise<R>): Promise<R> => {
    let cancelled = false;
    const cancel = () => void (cancelled = true);
    const onKey = (_s: unknown, key?: { ctrl?: boolean; name?: string }) => {
      if (key?.ctrl && key.name === 'c') cancel();
    };
    opts.input.on('keypress', onKey);
    opts.signal?.addEventListener('abort', cancel, { once: true });
    const context = {
      input: opts.input,
      output: opts.output,
      ...(opts.signal ? { signal: opts.signal } : {}),
      get clearPromptOnDone() {
        return cancelled;
      },
    };
    try {
      return await run(context);
    } catch (e) {
      const name = (e as { name?: string } | null)?.name;
      if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
        // Worded when rendered, in the language of the run.
        throw new CancelledError({ cause: e });
      }
      throw e;
    } finally {
      opts.input.off('keypress', onKey);
      opts.signal?.removeEventListener('abort', cancel);
    }
  };
  return {
    input: (q) =>
      guard((context) => inq.input({ message: q.message, default: q.default, validate: q.validate }, context)),
    password: (q) => guard((context) => inq.password({ message: q.message, mask: '*', validate: q.validate }, context)),
    confirm: (q) => guard((context) => inq.confirm({ message: q.message, default: q.default, transformer: yesNo }, context)),
    select: <V>(q: { message: string; choices: readonly (Choice<V> | ChoiceSeparator)[]; default?: V }) =>
      guard((context) =>
        inq.select<V>(
          {
            message: q.message,
            default: q.default,
            pageSize: 12,
            theme: selectTheme,
            choices: q.choices.map((c) =>
              'separator' in c
                ? new inq.Separator(c.separator)
                : { name: c.name, value: c.value, ...(c.short ? { short: c.short } : {}), description: c.description, disabled: c.disabled === true ? t('prompt.disabled') : c.disabled },
            ),
          },
          context,
        ),
      ),
    lines: (q) => readLines(q, opts),
    // Our own launcher, not inquirer's: an editor that is missing or fails must be a clear message
    // with the text kept, never an uncaught spawn error.
    editor: async (q) => {
      const { editText } = await import('./editor.js');
      let text = q.default ?? '';
      for (;;) {
        opts.output.write(`? ${q.message}\n`);
        text = await editText(text, { env: opts.env ?? {}, postfix: '.md', ...(opts.signal ? { signal: opts.signal } : {}) });
        const ok = q.validate?.(text) ?? true;
        if (ok === true) return text;
        // Open it again with what was written, so the person fixes it rather than starts over.
        opts.output.write(`> ${ok}\n`);
      }
    },
  };
}

/** Lines arriving closer together than this are one paste: a blank line inside it does not end the text. */
const PASTE_GAP_MS = 15;

/**
 * Reads lines with one readline interface, so that every line of a paste is kept (a prompt per
 * line loses the lines that arrive before the next prompt exists). An empty line typed on its own
 * ends; `:e` alone continues in the editor with what was typed so far.
 */
function readLines(
  q: { message: string; more: string; required?: string },
  opts: { input: Readable; output: Writable; signal?: AbortSignal; env?: Env },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: opts.input, output: opts.output, terminal: Boolean((opts.input as { isTTY?: boolean }).isTTY) });
    const got: string[] = [];
    let last = 0;
    let done = false;
    const finish = (f: () => void) => {
      if (done) return;
      done = true;
      opts.signal?.removeEventListener('abort', onAbort);
      rl.close();
      f();
    };
    const onAbort = () => finish(() => reject(new CancelledError()));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    rl.on('SIGINT', onAbort);
    rl.on('close', () => finish(() => resolve(trimEnd(got))));
    opts.output.write(`? ${q.message}\n`);
    rl.setPrompt('  ');
    rl.prompt();
    const onLine = (line: string): void => {
      const inPaste = Date.now() - last < PASTE_GAP_MS;
      if (line.trim() === ':e') {
        finish(() => {
          void import('./editor.js').then(({ editText }) => editText(trimEnd(got), { env: opts.env ?? {} })).then((text) => resolve(text.replace(/\s+$/, '')), reject);
        });
        return;
      }
      if (line.trim() === '' && !inPaste) {
        if (got.length === 0 && q.required) {
          opts.output.write(`> ${q.required}\n`);
          rl.prompt();
          return;
        }
        // On a terminal, the empty "… (empty line to finish)" prompt that ended the text is erased.
        if (got.length > 0 && (opts.output as { isTTY?: boolean }).isTTY) opts.output.write('\x1b[1A\x1b[2K');
        finish(() => resolve(trimEnd(got)));
        return;
      }
      // A line typed after the "… (empty line to finish)" prompt is shown again indented like the
      // first one, so the text reads as one block (the hint stays only on the line being typed).
      const tty = opts.output as { isTTY?: boolean; columns?: number };
      if (got.length > 0 && tty.isTTY && tty.columns) {
        const rows = terminalRows(`? ${q.more} ${line}`, tty.columns);
        opts.output.write(`\x1b[${rows}A\r\x1b[J  ${line}\n`);
      }
      got.push(line);
      rl.setPrompt(`? ${q.more} `);
      rl.prompt();
    };
    // The gap that tells a paste from typing is taken from the end of the previous line's handling:
    // the time spent showing a line again (the first width lookup builds its tables) is not the user's.
    rl.on('line', (line: string) => {
      onLine(line);
      last = Date.now();
    });
  });
}

function trimEnd(lines: string[]): string {
  return lines.join('\n').replace(/\s+$/, '');
}
