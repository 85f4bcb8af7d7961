import fs from 'node:fs/promises';
import path from 'node:path';
import { wrapText } from '../ui/width.js';
import type { Ctx } from './context.js';

/**
 * The first time this user runs the sandbox portal (`support sandbox`, or `--portal sandbox`), one
 * line on stderr says that it is local and nothing goes to Atlassian; a marker in the config folder
 * keeps it from being said again. Not under `--json`. A marker that cannot be written only means it may be said again.
 */
export async function sandboxNoticeOnce(ctx: Ctx, dataDir: string): Promise<void> {
  // A script asking for JSON is not the person to tell; the first run a person sees says it.
  if (ctx.globals.json) return;
  const marker = path.join(ctx.paths.configDir, 'sandbox-notice-shown');
  const shown = await fs.access(marker).then(
    () => true,
    () => false,
  );
  if (shown) return;
  ctx.io.err(wrapText(ctx.t('sandbox.notice.local', dataDir), Math.min(ctx.io.columns, 80)).join('\n'));
  await fs
    .mkdir(ctx.paths.configDir, { recursive: true, mode: 0o700 })
    .then(() => fs.writeFile(marker, `${new Date(ctx.clock.now()).toISOString()}\n`, { mode: 0o600 }))
    .catch(() => undefined);
}
