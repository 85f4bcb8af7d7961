import fs from 'node:fs';
import { SourceMap } from 'node:module';
import path from 'node:path';

/**
 * `stack` with the frames in the bundled CLI (`bundle`, built by scripts/app.mjs) pointed at the
 * TypeScript sources, through the source map beside the bundle. Node's own `--enable-source-maps`
 * does not see code that bin/load.cjs compiles with vm.Script, and would parse the 6 MB map at every
 * start; this reads it only for a stack about to be shown. Without a map the stack is unchanged.
 */
export function sourceMapped(stack: string, bundle: string | undefined): string {
  if (bundle === undefined) return stack;
  let map: SourceMap;
  try {
    map = new SourceMap(JSON.parse(fs.readFileSync(`${bundle}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0]);
  } catch {
    return stack;
  }
  const escaped = bundle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return stack.replace(new RegExp(`${escaped}:(\\d+):(\\d+)`, 'g'), (frame, line: string, column: string) => {
    const entry = map.findEntry(Number(line) - 1, Number(column) - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!entry.originalSource || entry.originalLine === undefined || entry.originalColumn === undefined) return frame;
    const source = entry.originalSource.startsWith('file:') ? new URL(entry.originalSource).pathname : path.resolve(path.dirname(bundle), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}
