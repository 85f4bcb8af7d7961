/**
 * What commands and the form engine ask of a person. The production implementation lives in
 * `ui/prompter.ts` (inquirer); tests use a scripted one. Every method throws `CancelledError` when the
 * user presses Ctrl-C.
 */
export interface Choice<V> {
  name: string;
  value: V;
  /** What the answered prompt shows, when shorter than `name`. */
  short?: string;
  description?: string;
  disabled?: boolean | string;
}

export interface ChoiceSeparator {
  separator: string;
}

export interface Prompter {
  input(q: {
    message: string;
    default?: string;
    /** Returns true when valid, or the message to show. */
    validate?: (value: string) => true | string;
  }): Promise<string>;
  password(q: { message: string; validate?: (value: string) => true | string }): Promise<string>;
  confirm(q: { message: string; default?: boolean }): Promise<boolean>;
  select<V>(q: {
    message: string;
    choices: readonly (Choice<V> | ChoiceSeparator)[];
    default?: V;
  }): Promise<V>;
  /**
   * Several lines typed or pasted at once (every pasted line is kept, blank ones inside a paste
   * too), ended by an empty line typed on its own; `:e` on a line of its own continues in the
   * editor with what was typed so far. Optional: without it, callers ask line by line with `input`.
   */
  lines?(q: {
    message: string;
    /** The prompt of each line after the first. */
    more: string;
    /** What to say when the first line is empty and text is required (undefined: not required). */
    required?: string | undefined;
  }): Promise<string>;
  /** Multi-line text, in `$EDITOR`/`$VISUAL` when one is set, else inline. */
  editor(q: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
}
