import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Tests and files run in a random order every time, so a test that leans on another fails; the
    // run prints its seed, and `--sequence.seed=N` replays that order.
    sequence: { shuffle: { files: true, tests: true } },
    setupFiles: ['./test/support/setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
