/**
 * What commands and the form engine ask of a person. The production implementation lives in
 * `ui/prompter.ts` (inquirer); tests use a scripted one. Every method throws `CancelledError` when the
 * user presses Ctrl-C.
 */
export interface Choice<V> {
  name: string;
  value: V;
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
  /** Multi-line text, in `$EDITOR`/`$VISUAL` when one is set, else inline. */
  editor(q: {
    message: string;
    default?: string;
    validate?: (value: string) => true | string;
  }): Promise<string>;
}
