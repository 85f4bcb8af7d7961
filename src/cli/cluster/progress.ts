/**
 * One progress line per node (or host) on stderr: `node2  40%  running  Adding application-logs`.
 * A line is printed when a node's state changes or its percentage moves by 10 or more, so a
 * pipe or a log file gets a readable record rather than a stream of updates.
 */
import { formatBytes } from '../../lib/units.js';
import { displayWidth, oneLine, truncate } from '../../ui/table.js';
import type { Ctx } from '../context.js';

/** Returns the function that reports one node's progress. */
export function progressPrinter(ctx: Ctx): (node: string, percent: number, state: string, bytes?: number, message?: string) => void {
  const last = new Map<string, { percent: number; state: string }>();
  return (node, percent, state, bytes, message) => {
    const prev = last.get(node);
    if (prev && prev.state === state && percent - prev.percent < 10 && bytes === undefined) return;
    if (prev && prev.state === state && bytes !== undefined && bytes > 0) return;
    last.set(node, { percent, state });
    const head = `  ${node}  ${String(percent).padStart(3)}%  ${state}`;
    // The product's own message is whole in a pipe or a log file; on a terminal it is cut to the
    // line's width, so that a long path never wraps into a line of its own.
    // A download just started has no size to show yet ("0 B" read as an empty zip).
    let detail = bytes ? formatBytes(bytes) : bytes === 0 ? '' : oneLine(message ?? '');
    if (ctx.io.stderrIsTTY) detail = truncate(detail, (ctx.io.ttyColumns || ctx.io.columns) - displayWidth(head) - 2);
    ctx.io.err(`${head}${detail ? `  ${detail}` : ''}`);
  };
}
