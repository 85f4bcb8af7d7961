import { UsageError } from '../lib/errors.js';
import { readText, STDIN_LIMITS } from '../lib/iter.js';
import { formatBytes } from '../lib/units.js';
import type { Ctx } from './context.js';

/**
 * Reads stdin for `option` (`--details-file -`, `--body-file -`, `--token-stdin`), at most `kind`'s
 * size from {@link STDIN_LIMITS}; longer is bad input (exit 2), found without reading the rest.
 */
export function readStdin(ctx: Ctx, option: string, kind: keyof typeof STDIN_LIMITS): Promise<string> {
  const maxBytes = STDIN_LIMITS[kind];
  return readText(ctx.io.stdin, { maxBytes, tooLong: () => new UsageError(ctx.t('err.stdinTooLong', option, formatBytes(maxBytes))) });
}
