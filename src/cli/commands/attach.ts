import type { BundleOptions } from '../../bundle/index.js';
import { CliError, UsageError } from '../../lib/errors.js';
import { addBundleFlags, bundleOptionsFrom, type BundleFlagValues } from '../bundle-flags.js';
import { defineCommand } from '../command.js';
import type { Ctx } from '../context.js';
import type { AttachJson } from '../json-types.js';
import { refuseStrayBundleFlags } from '../shared/bundle-send.js';
import { parseKey } from '../shared/common.js';
import { errWrapped } from '../../ui/io.js';

export interface AttachOptions {
  key: string;
  files: string[];
  comment?: string;
  /** With `--bundle`: the checked bundle options; the zip is built, checked and sent with the files. */
  bundle?: BundleOptions;
}

interface AttachFlags extends BundleFlagValues {
  comment?: string;
  bundle?: boolean;
}

export const register = defineCommand<[string, string[]], AttachFlags>((t) => ({
  name: 'attach',
  description: t('follow.attach.description'),
  args: [
    ['<key>', t('follow.arg.key')],
    ['[file...]', t('follow.attach.arg.files')],
  ],
  flags: [
    ['--comment <text>', t('follow.attach.opt.comment')],
    ['--bundle', t('bundle.opt.bundle')],
  ],
  moreFlags: addBundleFlags,
  examples: [
    'support attach SUP-12 support-bundle.zip',
    'support attach SUP-12 screenshot.png atlassian-jira.log --comment "Logs from node 2"',
    'support attach SUP-12 logs/*.log --json',
    'support attach SUP-12 --bundle --product confluence --since 2d --comment "Logs after the upgrade"',
  ],
  helpAfter: `${t('follow.attach.help.bundle')}\n`,
  action: async (ctx, [key, files], flags) => {
    // Checked before any network call: a typo in a bundle flag costs nothing.
    let bundle: BundleOptions | undefined;
    if (flags.bundle) bundle = bundleOptionsFrom(flags, ctx.t);
    else refuseStrayBundleFlags(flags, ctx);
    if (files.length === 0 && !bundle) throw new UsageError(ctx.t('follow.attach.err.nothing'), { hint: ctx.t('follow.attach.err.nothingHint') });
    await runAttach(
      { key: parseKey(key, ctx.t), files, ...(flags.comment !== undefined ? { comment: flags.comment } : {}), ...(bundle ? { bundle } : {}) },
      ctx,
    );
  },
}));

/**
 * Checks every path first (exit 2 naming the bad ones, nothing sent), then streams the files
 * with progress on a TTY. Partial failure: what was attached and what was not, exit 1.
 * With a bundle: once the request is known to exist, the zip is built and checked against the
 * portal's limit (over it, nothing at all is sent), then uploaded with the files.
 */
export async function runAttach(opts: AttachOptions, ctx: Ctx): Promise<void> {
  const { t } = ctx;
  const [{ checkFiles, attachFiles }, common, { createByteProgress }, { formatBytes }, send] = await Promise.all([
    import('../../portal/attach-files.js'),
    import('../shared/common.js'),
    import('../../ui/progress.js'),
    import('../../lib/units.js'),
    import('../shared/bundle-send.js'),
  ]);
  const checked = await checkFiles(opts.files, {
    cwd: ctx.cwd,
    message: (problems) =>
      t('follow.attach.err.files', problems.map((p) => `${p.path} (${t(`follow.attach.problem.${p.reason}`)})`).join(', ')),
  });
  await common.withPortal(ctx, async (api) => {
    const req = await common.fetchRequest(api, opts.key, t);
    const key = req.issueKey ?? opts.key;
    const bundle = opts.bundle ? await send.prepareBundle(opts.bundle, api, ctx) : undefined;
    const files = bundle ? [...checked, bundle.file] : checked;
    const progress = createByteProgress({ io: ctx.io, t, now: () => ctx.clock.now() });
    let result;
    try {
      result = await attachFiles(api, {
        serviceDeskId: req.serviceDeskId ?? '',
        issueKey: key,
        files,
        ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        onProgress: (p) => progress.update(p.bytes, p.total, p.file),
      });
    } finally {
      progress.done();
    }
    const reason = (f: (typeof result.failed)[number]) =>
      f.reason === 'too-large'
        ? t('follow.attach.fail.tooLarge', formatBytes(f.file.size), formatBytes(f.limit ?? 0))
        : f.reason === 'disabled'
          ? t('follow.attach.fail.disabled')
          : t(f.reason === 'upload' ? 'follow.attach.fail.upload' : 'follow.attach.fail.attach', f.message ?? '');
    if (ctx.globals.json) {
      ctx.output.json({
        key,
        attached: result.attached.map((f) => ({ name: f.name, path: f.path, size: f.size })),
        failed: result.failed.map((f) => ({ name: f.file.name, path: f.file.path, size: f.file.size, reason: f.reason, message: reason(f) })),
        ...(result.already.length > 0 ? { alreadyAttached: result.already.map((f) => ({ name: f.name, path: f.path, size: f.size })) } : {}),
        url: req._links?.web ?? '',
        ...(bundle ? { bundle: send.bundleJson(bundle.result) } : {}),
      } satisfies AttachJson);
    } else {
      for (const f of result.already) ctx.io.out(t('follow.attach.already', f.name, formatBytes(f.size), key));
      for (const f of result.attached) ctx.io.out(t('follow.attach.ok', f.name, formatBytes(f.size), key));
      for (const f of result.failed) errWrapped(ctx.io, t('follow.attach.failed', f.file.name, reason(f)));
    }
    if (result.failed.length > 0) {
      // Sending a file over the limit again fails the same way: only the others are worth a retry.
      const again = result.failed.filter((f) => f.reason === 'upload' || f.reason === 'attach');
      const tooLarge = result.failed.find((f) => f.reason === 'too-large');
      const hints = [
        ...(again.length > 0 ? [t('follow.attach.retryHint', `support attach ${key} ${again.map((f) => shellQuote(f.file.path)).join(' ')}`)] : []),
        ...(tooLarge ? [t('follow.attach.tooLargeHint', formatBytes(tooLarge.limit ?? 0), key)] : []),
      ];
      throw new CliError(t('follow.attach.partial', result.attached.length, result.failed.length), {
        ...(hints.length > 0 ? { hint: hints.join('\n') } : {}),
      });
    }
  });
}

/** Quotes a path for the retry command the user can paste. */
function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
