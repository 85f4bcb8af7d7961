/**
 * `support bundle --ssh HOST[,HOST…]`: runs `support bundle --output -` on each host with the
 * system's OpenSSH client (the user's own configuration, agent and known hosts; `BatchMode=yes`, so
 * a script never meets a password prompt) and streams each zip back into a private folder, at most
 * `--parallel` hosts at a time, each with its own progress line and time limit. `--ssh-copy` sends
 * this program (when it is one file) to a temporary folder on the host first and removes it after.
 *
 * `SUPPORT_SSH_CONFIG` passes `-F FILE` to ssh; `SUPPORT_SSH_REMOTE` replaces the remote command
 * (default `support`), e.g. `/opt/support/support` where it is not on the PATH of a login.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BundleOptions, MergeNode } from '../../bundle/index.js';
import { CliError } from '../../lib/errors.js';
import type { Ctx } from '../context.js';
import type { FleetOptions } from './flags.js';
import { progressPrinter } from './progress.js';

type SshFleet = Extract<FleetOptions, { route: 'ssh' }>;

/** A word quoted for a POSIX shell (the remote side runs the command through the user's shell). */
export function shellQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The `support bundle` arguments the hosts run: what to collect and the limits; obfuscation is applied once, here. */
export function remoteBundleArgs(o: BundleOptions): string[] {
  const a = ['bundle', '--output', '-'];
  if (o.product) a.push('--product', o.product);
  if (o.home) a.push('--home', o.home);
  if (o.install) a.push('--install', o.install);
  for (const p of o.paths) a.push('--path', p);
  if (o.sinceMs !== undefined) a.push('--since', `${Math.max(1, Math.round(o.sinceMs / 1000))}s`);
  a.push('--max-file-size', String(o.maxFileSize), '--max-total', String(o.maxTotal));
  if (!o.redact) a.push('--no-redact');
  if (o.followLinks) a.push('--follow-links');
  return a;
}

/**
 * The single file `--ssh-copy` sends: this program when it runs as the single-file executable of
 * the release build (Node's SEA: the executable itself). Any other build is many files (the
 * package's `dist/`, or the tarball's `lib/app` chunks beside its own Node): the error says what
 * is needed.
 */
export function singleFileOfSelf(ctx: Ctx): string {
  if (ctx.executable) return ctx.executable;
  let here = '?';
  try {
    here = path.resolve(fileURLToPath(import.meta.url), '../../..');
  } catch {
    // No module URL (a CommonJS bundle): the folder is not known.
  }
  throw new CliError(ctx.t('cluster.ssh.notSingleFile', here), { hint: ctx.t('cluster.ssh.notSingleFileHint') });
}

/** The command line a host runs (through its shell), with `--ssh-copy` the copy's set-up and removal around it. */
export function remoteCommand(o: BundleOptions, ctx: Ctx, copied: string | undefined): string {
  const args = remoteBundleArgs(o).map(shellQuote).join(' ');
  if (!copied) return `${ctx.env.SUPPORT_SSH_REMOTE?.trim() || 'support'} ${args}`;
  return [
    't=$(mktemp -d) || exit 1',
    `trap 'rm -rf "$t"' EXIT HUP INT TERM`,
    `cat > "$t/support" && chmod 700 "$t/support" && "$t/support" ${args}`,
  ].join('; ');
}

interface HostResult {
  host: string;
  state: 'ok' | 'failed' | 'timed-out' | 'cancelled';
  zip: string | undefined;
  exitCode: number | null;
  message: string | undefined;
  bytes: number;
}

/** Runs one host; resolves with its result (never rejects). */
function runHost(host: string, cmd: string, copied: string | undefined, dest: string, f: SshFleet, ctx: Ctx, show: ReturnType<typeof progressPrinter>): Promise<HostResult> {
  const ssh = ctx.env.SUPPORT_SSH_COMMAND?.trim() || 'ssh';
  const cfg = ctx.env.SUPPORT_SSH_CONFIG?.trim();
  const args = [...(cfg ? ['-F', cfg] : []), '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=20', '-T', '--', host, cmd];
  return new Promise((resolve) => {
    const out = fs.createWriteStream(dest, { mode: 0o600 });
    const child = spawn(ssh, args, { stdio: [copied ? 'pipe' : 'ignore', 'pipe', 'pipe'], env: { ...ctx.env } as NodeJS.ProcessEnv });
    let bytes = 0;
    let err = '';
    let state: HostResult['state'] | undefined;
    show(host, 0, ctx.t('cluster.state.running'));
    const stop = (why: HostResult['state']) => {
      state ??= why;
      child.kill('SIGTERM');
      // What ssh left running may hold its pipes open: stop reading them, and insist if ssh lingers.
      child.stdout?.destroy();
      child.stderr?.destroy();
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    };
    const timer = setTimeout(() => stop('timed-out'), f.timeoutMs);
    const onAbort = () => stop('cancelled');
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (copied && child.stdin) {
      fs.createReadStream(copied).on('error', () => child.stdin?.destroy()).pipe(child.stdin);
      child.stdin.on('error', () => undefined);
    }
    child.stdout!.on('data', (c: Buffer) => {
      bytes += c.length;
      show(host, 50, ctx.t('cluster.state.downloading'), bytes);
    });
    child.stdout!.pipe(out);
    child.stderr!.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-4000);
    });
    const finish = (code: number | null, message?: string) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      out.end(() => {
        const ok = state === undefined && code === 0 && bytes > 0;
        const lastLine = message ?? err.trim().split('\n').filter(Boolean).slice(-2).join(' ');
        const result: HostResult = { host, state: ok ? 'ok' : (state ?? 'failed'), zip: ok ? dest : undefined, exitCode: code, message: ok ? undefined : lastLine || `exit ${code}`, bytes };
        show(host, 100, ctx.t(ok ? 'cluster.state.done' : 'cluster.state.failed'), undefined, result.message);
        resolve(result);
      });
    };
    child.on('error', (e) => finish(null, e.message));
    child.on('close', (code) => finish(code));
  });
}

/** Collects every host's bundle into `dir` (at most `--parallel` at a time); failures are recorded, not thrown. */
export async function collectOverSsh(f: SshFleet, o: BundleOptions, ctx: Ctx, dir: string): Promise<{ nodes: MergeNode[]; collection: Record<string, unknown> }> {
  const copied = f.copy ? singleFileOfSelf(ctx) : undefined;
  const cmd = remoteCommand(o, ctx, copied);
  const show = progressPrinter(ctx);
  ctx.io.err(ctx.t('cluster.ssh.start', f.hosts.length, f.parallel));
  const results: HostResult[] = [];
  let next = 0;
  const slot = async () => {
    while (next < f.hosts.length && !ctx.signal.aborted) {
      const i = next++;
      const host = f.hosts[i]!;
      results[i] = await runHost(host, cmd, copied, path.join(dir, `host-${i}.zip`), f, ctx, show);
    }
  };
  await Promise.all(Array.from({ length: Math.min(f.parallel, f.hosts.length) }, slot));
  if (ctx.signal.aborted) throw ctx.signal.reason;
  for (const r of results) if (r.state !== 'ok') ctx.io.err(ctx.t('cluster.node.missing', r.host, ctx.t(`cluster.why.${r.state}`), r.message ?? ''));
  const nodes: MergeNode[] = results.map((r) => ({
    id: r.host.replace(/[^A-Za-z0-9_.@-]/g, '-'),
    zip: r.zip,
    record: { host: r.host, state: r.state, exitCode: r.exitCode, bytes: r.bytes, ...(r.message ? { why: r.message } : {}) },
  }));
  return { nodes, collection: { route: 'ssh', hosts: f.hosts, parallel: f.parallel, copied: copied !== undefined } };
}
