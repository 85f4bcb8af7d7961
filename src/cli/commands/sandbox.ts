import type { Registrar } from './index.js';

// Placeholder until the sandbox portal lands (issue 2); replaced by the real command.
export function register({ program }: Registrar): void {
  program.command('sandbox').description('run the built-in JSM-compatible sandbox portal');
}
