import type { Readable, Writable } from 'node:stream';
import type { Env } from '../lib/env.js';
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
}): Promise<Prompter> {
  const inq = await import('@inquirer/prompts');
  const context = { input: opts.input, output: opts.output, signal: opts.signal, clearPromptOnDone: false };
  const guard = async <R>(p: Promise<R>): Promise<R> => {
    try {
      return await p;
    } catch (e) {
      const name = (e as { name?: string } | null)?.name;
      if (name === 'ExitPromptError' || name === 'AbortPromptError' || name === 'CancelPromptError') {
        // Worded when rendered, in the language of the run.
        throw new CancelledError({ cause: e });
      }
      throw e;
    }
  };
  return {
    input: (q) =>
      guard(inq.input({ message: q.message, default: q.default, validate: q.validate }, context)),
    password: (q) => guard(inq.password({ message: q.message, mask: '*', validate: q.validate }, context)),
    confirm: (q) => guard(inq.confirm({ message: q.message, default: q.default }, context)),
    select: <V>(q: { message: string; choices: readonly (Choice<V> | ChoiceSeparator)[]; default?: V }) =>
      guard(
        inq.select<V>(
          {
            message: q.message,
            default: q.default,
            pageSize: 12,
            choices: q.choices.map((c) =>
              'separator' in c
                ? new inq.Separator(c.separator)
                : { name: c.name, value: c.value, description: c.description, disabled: c.disabled },
            ),
          },
          context,
        ),
      ),
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
