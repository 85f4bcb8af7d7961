import { afterEach } from 'vitest';
import { takeUnusedScripts } from './scripted-prompter.js';

// A scripted answer the command never asked for fails the test that scripted it.
afterEach(() => {
  const unused = takeUnusedScripts();
  if (unused.length > 0) throw new Error(unused.join('\n'));
});
