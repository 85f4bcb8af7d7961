import path from 'node:path';
import type { Command } from 'commander';
import { SANDBOX_PORT } from '../../config/paths.js';
import { CliError, UsageError } from '../../lib/errors.js';
import { formatDuration, parseDuration, parseSize } from '../../lib/units.js';
import type { Ctx } from '../context.js';
import { examples, type Registrar } from '../command.js';
import { sandboxAppOptions, startSandboxApp, type SandboxAppFlags, type SandboxAppOptions } from '../cluster/sandbox.js';
import type { SandboxAdvanceJson, SandboxReplyJson, SandboxStartJson } from '../json-types.js';
import { registerAgentActions } from './sandbox-agent.js';

/** `support sandbox` after parsing. */
export interface SandboxCommandOptions {
  port: number;
  /** Absolute data folder. */
  data: string;
  rateLimit?: number;
  maxPageSize?: number;
  attachmentLimit?: number;
  fieldIdOffset?: number;
  /** Default cloud. */
  flavor: 'cloud' | 'dc';
  /** Absolute path of a request type catalog (JSON or YAML). */
  catalog?: string;
  ignorePagingStart: boolean;
  rateLimitWrites?: number;
  /** `--app-nodes N`: an ATST product API for a simulated cluster beside the portal. */
  app?: SandboxAppOptions;
}

export interface SandboxReplyOptions {
  key: string;
  text: string;
  data: string;
}

export interface SandboxAdvanceOptions {
  ms: number;
  data: string;
}

interface RawServe extends SandboxAppFlags {
  port?: string;
  data?: string;
  rateLimit?: string;
  maxPageSize?: string;
  attachmentLimit?: string;
  fieldIdOffset?: string;
  flavor?: string;
  catalog?: string;
  ignorePagingStart?: boolean;
  rateLimitWrites?: string;
}

function dataDir(raw: string | undefined, ctx: Ctx): string {
  return raw ? path.resolve(ctx.cwd, raw) : ctx.paths.dataDir;
}

/** Checks the flags of `support sandbox`, naming every bad one at once. */
export function parseSandboxCommandOptions(raw: RawServe, ctx: Ctx): SandboxCommandOptions {
  const { t } = ctx;
  const problems: string[] = [];
  const whole = (v: string | undefined, min: number, max: number): number | undefined =>
    v !== undefined && /^\d+$/.test(v.trim()) && Number(v) >= min && Number(v) <= max ? Number(v) : undefined;
  const port = raw.port === undefined ? SANDBOX_PORT : whole(raw.port, 0, 65_535);
  if (port === undefined) problems.push(t('sandbox.err.port', raw.port ?? ''));
  const flavor = raw.flavor ?? 'cloud';
  if (flavor !== 'cloud' && flavor !== 'dc') problems.push(t('sandbox.err.flavor', flavor));
  const opts: SandboxCommandOptions = {
    port: port ?? 0,
    data: dataDir(raw.data, ctx),
    flavor: flavor === 'dc' ? 'dc' : 'cloud',
    ignorePagingStart: raw.ignorePagingStart === true,
  };
  if (raw.catalog !== undefined) opts.catalog = path.resolve(ctx.cwd, raw.catalog);
  for (const [flag, key, v] of [
    ['--rate-limit', 'rateLimit', raw.rateLimit],
    ['--rate-limit-writes', 'rateLimitWrites', raw.rateLimitWrites],
  ] as const) {
    if (v === undefined) continue;
    opts[key] = whole(v, 1, Number.MAX_SAFE_INTEGER);
    if (opts[key] === undefined) problems.push(t('sandbox.err.positive', flag, v));
  }
  if (raw.maxPageSize !== undefined) {
    opts.maxPageSize = whole(raw.maxPageSize, 1, 10_000);
    if (opts.maxPageSize === undefined) problems.push(t('sandbox.err.positive', '--max-page-size', raw.maxPageSize));
  }
  if (raw.attachmentLimit !== undefined) {
    const n = parseSize(raw.attachmentLimit);
    if (n === undefined || n < 1) problems.push(t('sandbox.err.size', raw.attachmentLimit));
    else opts.attachmentLimit = n;
  }
  if (raw.fieldIdOffset !== undefined) {
    opts.fieldIdOffset = whole(raw.fieldIdOffset, 0, 1_000_000_000);
    if (opts.fieldIdOffset === undefined) problems.push(t('sandbox.err.fieldIdOffset', raw.fieldIdOffset));
  }
  if (problems.length > 0) throw new UsageError(problems.join('\n'), { hint: t('err.seeHelp', 'support sandbox') });
  const app = sandboxAppOptions(raw, ctx);
  if (app) opts.app = app;
  return opts;
}

/**
 * Serves the sandbox until `ctx.signal` aborts (Ctrl-C), then closes it. Returns 0: stopping is
 * the normal end of a server, not a cancelled operation.
 */
export async function runSandbox(opts: SandboxCommandOptions, ctx: Ctx): Promise<number> {
  const { t, io } = ctx;
  const { startSandbox, loadCatalogFile, SandboxCatalogError, SandboxDataError, SandboxFieldIdOffsetError } = await import('../../sandbox/index.js');
  const { sandboxNoticeOnce } = await import('../sandbox-notice.js');
  await sandboxNoticeOnce(ctx, opts.data);
  let handle;
  try {
    const catalog = opts.catalog === undefined ? undefined : await loadCatalogFile(opts.catalog);
    handle = await startSandbox({
      dataDir: opts.data,
      port: opts.port,
      clock: ctx.clock,
      rateLimitPerMinute: opts.rateLimit,
      maxPageSize: opts.maxPageSize,
      attachmentLimit: opts.attachmentLimit,
      fieldIdOffset: opts.fieldIdOffset,
      flavor: opts.flavor,
      catalog,
      ignorePagingStart: opts.ignorePagingStart,
      rateLimitWritesPerMinute: opts.rateLimitWrites,
      // --debug shows the traffic; never the Authorization header.
      onExchange: ctx.globals.debug ? (x) => io.err(`${x.method} ${x.path} ${x.status}`) : undefined,
    });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(t('sandbox.err.portInUse', opts.port), { hint: t('sandbox.err.portInUse.hint'), cause: err });
    if (err instanceof SandboxFieldIdOffsetError) {
      throw new CliError(t('sandbox.err.fieldIdOffsetInUse', err.dataDir, err.stored, err.wanted), { hint: t('sandbox.err.fieldIdOffsetInUse.hint', err.stored), cause: err });
    }
    if (err instanceof SandboxCatalogError) throw new CliError(t('sandbox.err.catalog', err.message), { hint: t('sandbox.err.catalog.hint'), cause: err });
    if (err instanceof SandboxDataError) throw new CliError(t('sandbox.err.data', err.message), { hint: t('sandbox.err.data.hint'), cause: err });
    const syscall = (err as NodeJS.ErrnoException).syscall;
    if (syscall !== 'listen' && (code === 'EACCES' || code === 'ENOTDIR' || code === 'EROFS' || code === 'EPERM')) throw new CliError(t('sandbox.err.data', (err as Error).message), { cause: err });
    throw new CliError(t('sandbox.err.listen', err instanceof Error ? err.message : String(err)), { cause: err });
  }
  if (ctx.globals.json) {
    ctx.output.jsonLine({ url: handle.url, email: handle.email, token: handle.token, data: handle.dataDir } satisfies SandboxStartJson);
  } else if (io.stdoutIsTTY) {
    io.out(t('sandbox.out.title'));
    io.out(`  ${t('sandbox.out.url')}${handle.url}`);
    io.out(`  ${t('sandbox.out.email')}${handle.email}`);
    io.out(`  ${t('sandbox.out.token')}${handle.token}`);
    io.out(`  ${t('sandbox.out.data')}${handle.dataDir}`);
  } else {
    // Stable, untranslated keys for scripts reading a pipe.
    io.out(`url\t${handle.url}`);
    io.out(`email\t${handle.email}`);
    io.out(`token\t${handle.token}`);
    io.out(`data\t${handle.dataDir}`);
  }
  const app = opts.app ? await startSandboxApp(opts.app, opts.data, ctx) : undefined;
  if (!ctx.globals.json) {
    io.err(t('sandbox.out.try', handle.url, handle.email, handle.token));
    io.err(t('sandbox.out.stop'));
  }
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await handle.close();
  await app?.close();
  if (!ctx.globals.json) io.err(t('sandbox.out.stopped'));
  return 0;
}

/** `support sandbox reply KEY TEXT`: an agent reply, which makes the request wait for the customer. */
export async function runSandboxReply(opts: SandboxReplyOptions, ctx: Ctx): Promise<number> {
  const { sandboxReply, SandboxRequestNotFoundError, STATUS_AFTER_REPLY } = await import('../../sandbox/index.js');
  try {
    await sandboxReply(opts.data, opts.key, opts.text, ctx.clock);
  } catch (err) {
    if (err instanceof SandboxRequestNotFoundError) throw new CliError(ctx.t('sandbox.err.noRequest', opts.key, opts.data));
    throw err;
  }
  const key = opts.key.toUpperCase();
  if (ctx.globals.json) ctx.output.json({ key, status: STATUS_AFTER_REPLY } satisfies SandboxReplyJson);
  else ctx.io.out(ctx.t('sandbox.out.replied', key, STATUS_AFTER_REPLY));
  return 0;
}

/** `support sandbox advance 6d`: moves sandbox time forward (auto-resolve happens as time passes). */
export async function runSandboxAdvance(opts: SandboxAdvanceOptions, ctx: Ctx): Promise<number> {
  const { advanceSandboxClock } = await import('../../sandbox/index.js');
  const now = await advanceSandboxClock(opts.data, opts.ms, ctx.clock);
  const iso = new Date(now).toISOString();
  if (ctx.globals.json) ctx.output.json({ advancedMs: opts.ms, sandboxTime: iso } satisfies SandboxAdvanceJson);
  else ctx.io.out(ctx.t('sandbox.out.advanced', formatDuration(opts.ms), iso));
  return 0;
}

export function register(r: Registrar): void {
  const { program, t } = r;
  const sandbox = program
    .command('sandbox')
    .description(t('sandbox.description'))
    .option('--port <n>', t('sandbox.opt.port'))
    .option('--data <dir>', t('sandbox.opt.data'))
    .option('--rate-limit <n>', t('sandbox.opt.rateLimit'))
    .option('--max-page-size <n>', t('sandbox.opt.maxPageSize'))
    .option('--attachment-limit <size>', t('sandbox.opt.attachmentLimit'))
    .option('--field-id-offset <n>', t('sandbox.opt.fieldIdOffset'))
    .option('--flavor <cloud|dc>', t('sandbox.opt.flavor'))
    .option('--catalog <file>', t('sandbox.opt.catalog'))
    .option('--ignore-paging-start', t('sandbox.opt.ignorePagingStart'))
    .option('--rate-limit-writes <n>', t('sandbox.opt.rateLimitWrites'))
    .option('--app-nodes <n>', t('cluster.sandbox.opt.nodes'))
    .option('--app-fail <ids>', t('cluster.sandbox.opt.fail'))
    .option('--app-slow <ids>', t('cluster.sandbox.opt.slow'))
    .option('--app-absent <ids>', t('cluster.sandbox.opt.absent'))
    .option('--app-stuck <ids>', t('cluster.sandbox.opt.stuck'))
    .option('--app-lb <policy>', t('cluster.sandbox.opt.lb'))
    .option('--app-websudo', t('cluster.sandbox.opt.websudo'))
    .option('--app-mesh <n>', t('cluster.sandbox.opt.mesh'))
    .option('--app-mesh-offline <ids>', t('cluster.sandbox.opt.meshOffline'))
    .addHelpText(
      'after',
      `${t('sandbox.help.after')}\n${examples(t, [
        'support sandbox',
        'support sandbox --port 8080 --data ./sandbox-data',
        'support sandbox --json --port 0 --rate-limit 30 --max-page-size 5 --attachment-limit 1MB',
        'support sandbox --data ./other-ids --field-id-offset 10000',
        'support sandbox --flavor dc --data ./dc-sandbox',
        'support sandbox --catalog ./it-help-desk.yaml --data ./it-sandbox',
        'support sandbox --ignore-paging-start --rate-limit-writes 2 --max-page-size 2',
        'support sandbox reply SUP-1 "Please attach the support zip."',
        'support sandbox advance 6d',
      ])}`,
    )
    .action(async (raw: RawServe, cmd: Command) => {
      const ctx = r.ctx(cmd);
      await runSandbox(parseSandboxCommandOptions(raw, ctx), ctx);
    });

  sandbox
    .command('reply')
    .description(t('sandbox.reply.description'))
    .argument('<key>', t('sandbox.reply.arg.key'))
    .argument('<text...>', t('sandbox.reply.arg.text'))
    .option('--data <dir>', t('sandbox.opt.data'))
    .addHelpText('after', examples(t, ['support sandbox reply SUP-1 "Could you attach the support zip?"']))
    .action(async (key: string, text: string[], _o: unknown, cmd: Command) => {
      const ctx = r.ctx(cmd);
      // --data may have been taken by the parent command when given before "reply".
      const data = dataDir((cmd.optsWithGlobals() as { data?: string }).data, ctx);
      await runSandboxReply({ key, text: text.join(' '), data }, ctx);
    });

  sandbox
    .command('advance')
    .description(t('sandbox.advance.description'))
    .argument('<duration>', t('sandbox.advance.arg.duration'))
    .option('--data <dir>', t('sandbox.opt.data'))
    .addHelpText('after', examples(t, ['support sandbox advance 6d', 'support sandbox advance 2h --data ./sandbox-data']))
    .action(async (duration: string, _o: unknown, cmd: Command) => {
      const ctx = r.ctx(cmd);
      const ms = parseDuration(duration);
      if (ms === undefined || ms <= 0) throw new UsageError(t('sandbox.err.duration', duration));
      const data = dataDir((cmd.optsWithGlobals() as { data?: string }).data, ctx);
      await runSandboxAdvance({ ms, data }, ctx);
    });

  registerAgentActions(sandbox, r, dataDir);
}
