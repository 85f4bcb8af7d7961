import { describe, expect, it } from 'vitest';
import { ScriptedPrompter, takeUnusedScripts } from './support/scripted-prompter.js';

describe('ScriptedPrompter', () => {
  it('reports answers the command never asked for (the setup file fails the test with this)', async () => {
    const p = new ScriptedPrompter([
      { kind: 'input', answer: 'one' },
      { kind: 'confirm', message: /sure/, answer: true },
    ]);
    expect(await p.input({ message: 'first?' })).toBe('one');
    const unused = takeUnusedScripts();
    expect(unused).toEqual(['ScriptedPrompter: 1 scripted answer(s) never asked for: confirm /sure/']);
    // Taken once: the setup hook after this test sees nothing left.
    expect(takeUnusedScripts()).toEqual([]);
  });

  it('a script used to the end leaves nothing to report', async () => {
    const p = new ScriptedPrompter([{ kind: 'confirm', answer: false }]);
    expect(await p.confirm({ message: 'ok?' })).toBe(false);
    expect(takeUnusedScripts()).toEqual([]);
  });
});
