import path from 'node:path';
import { UsageError } from '../../lib/errors.js';
import { defineCommand } from '../command.js';
import { parseKey } from '../shared/common.js';

export type { DownloadOptions } from '../shared/download-files.js';

export const register = defineCommand<[string, string[]], { all?: boolean; output?: string; force?: boolean }>((t) => ({
  name: 'download',
  description: t('files.download.description'),
  args: [
    ['<key>', t('follow.arg.key')],
    ['[name...]', t('files.download.arg.names')],
  ],
  flags: [
    ['--all', t('files.download.opt.all')],
    ['-o, --output <dir>', t('files.download.opt.output')],
    ['--force', t('files.download.opt.force')],
  ],
  examples: [
    'support download SUP-12 fix-index.sh',
    'support download SUP-12 10042 --output ~/Downloads',
    'support download SUP-12 --all --output ./SUP-12',
    'support download SUP-12 patched-plugin.jar --force --json',
  ],
  helpAfter: `${t('files.download.help')}\n`,
  action: async (ctx, [key, names], flags) => {
    if (names.length > 0 && flags.all) throw new UsageError(ctx.t('files.download.err.both'));
    const output = path.resolve(ctx.cwd, flags.output ?? '.');
    const { runDownload } = await import('../shared/download-files.js');
    await runDownload({ key: parseKey(key, ctx.t), names, all: Boolean(flags.all), output, force: Boolean(flags.force) }, ctx);
  },
}));
