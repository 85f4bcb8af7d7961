import { CancelledError } from '../../src/lib/errors.js';
import type { Choice, ChoiceSeparator, Prompter } from '../../src/lib/prompter.js';

/**
 * One scripted answer: which kind of prompt is expected, a pattern its message must match, and the
 * answer (or `cancel` to simulate Ctrl-C). `select` answers by value, or by a choice whose name
 * matches a RegExp.
 */
export type Step =
  | { kind: 'input' | 'password' | 'editor'; message?: RegExp; answer: string | 'cancel' }
  | { kind: 'confirm'; message?: RegExp; answer: boolean | 'cancel' }
  | { kind: 'select'; message?: RegExp; answer: unknown }
  | { kind: 'select'; message?: RegExp; pick: RegExp }
  /** Enter pressed without choosing: the prompt's default (a select's first choice, a confirm's yes when it has none). */
  | { kind: 'select' | 'confirm'; message?: RegExp; enter: true };

/** Every prompter created in the running test; `test/support/setup.ts` checks them after each test. */
const created: ScriptedPrompter[] = [];

/**
 * Forgets the prompters created so far and returns a description of each one whose script was not used
 * up (an answer the command never asked for means the test did not run the flow it meant to).
 */
export function takeUnusedScripts(): string[] {
  const unused = created.filter((p) => !p.done).map((p) => p.describeUnused());
  created.length = 0;
  return unused;
}

/**
 * A prompter that answers in order and fails the test on any unexpected question, and (through the
 * suite's setup file) on any answer left unused when the test ends.
 */
export class ScriptedPrompter implements Prompter {
  readonly asked: { kind: string; message: string; choices?: string[]; default?: unknown }[] = [];
  private i = 0;
  constructor(private readonly steps: Step[]) {
    created.push(this);
  }

  /** The steps never reached, for the failure message. */
  describeUnused(): string {
    const left = this.steps.slice(this.i).map((s) => `${s.kind}${s.message ? ` ${String(s.message)}` : ''}`);
    return `ScriptedPrompter: ${left.length} scripted answer(s) never asked for: ${left.join(', ')}`;
  }

  private next(kind: Step['kind'], message: string, choices?: string[], dflt?: unknown): Step {
    this.asked.push({ kind, message, ...(choices ? { choices } : {}), ...(dflt !== undefined ? { default: dflt } : {}) });
    const step = this.steps[this.i++];
    if (!step) throw new Error(`ScriptedPrompter: unexpected ${kind} prompt "${message}" (script exhausted)`);
    if (step.kind !== kind) throw new Error(`ScriptedPrompter: expected a ${step.kind} prompt, got ${kind} "${message}"`);
    if (step.message && !step.message.test(message)) {
      throw new Error(`ScriptedPrompter: prompt "${message}" does not match ${String(step.message)}`);
    }
    if ('answer' in step && step.answer === 'cancel') throw new CancelledError();
    return step;
  }

  /** True when every scripted step was used. */
  get done(): boolean {
    return this.i === this.steps.length;
  }

  private checked(value: string, validate?: (v: string) => true | string): string {
    const r = validate?.(value);
    if (r !== undefined && r !== true) throw new Error(`ScriptedPrompter: answer "${value}" rejected: ${r}`);
    return value;
  }

  async input(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
    const s = this.next('input', q.message) as { answer: string };
    return this.checked(s.answer === '' && q.default !== undefined ? q.default : s.answer, q.validate);
  }
  async password(q: { message: string; validate?: (v: string) => true | string }): Promise<string> {
    const s = this.next('password', q.message) as { answer: string };
    return this.checked(s.answer, q.validate);
  }
  async editor(q: { message: string; default?: string; validate?: (v: string) => true | string }): Promise<string> {
    const s = this.next('editor', q.message) as { answer: string };
    return this.checked(s.answer, q.validate);
  }
  async confirm(q: { message: string; default?: boolean }): Promise<boolean> {
    const s = this.next('confirm', q.message, undefined, q.default);
    if ('enter' in s) return q.default ?? true;
    return (s as { answer: boolean }).answer;
  }
  async select<V>(q: { message: string; choices: readonly (Choice<V> | ChoiceSeparator)[]; default?: V }): Promise<V> {
    const choices = q.choices.filter((c): c is Choice<V> => !('separator' in c));
    const s = this.next('select', q.message, choices.map((c) => c.name), q.default);
    if ('enter' in s) {
      const c = choices.find((x) => q.default !== undefined && Object.is(x.value, q.default)) ?? choices.find((x) => !x.disabled);
      if (!c) throw new Error(`ScriptedPrompter: nothing to choose in "${q.message}"`);
      if (c.disabled) throw new Error(`ScriptedPrompter: the default of "${q.message}" is disabled`);
      return c.value;
    }
    if ('pick' in s) {
      const c = choices.find((x) => s.pick.test(x.name));
      if (!c) throw new Error(`ScriptedPrompter: no choice matches ${String(s.pick)} in ${choices.map((x) => x.name).join(', ')}`);
      return c.value;
    }
    const c = choices.find((x) => Object.is(x.value, s.answer) || JSON.stringify(x.value) === JSON.stringify(s.answer));
    if (!c) throw new Error(`ScriptedPrompter: ${JSON.stringify(s.answer)} is not a choice of "${q.message}"`);
    return c.value;
  }
}
