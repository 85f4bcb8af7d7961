import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AuthError, CancelledError, CliError, exitCodeFor, renderError, UsageError } from '../src/cli/errors.js';
import { createT } from '../src/i18n/index.js';
import { PortalError, UnreadableFilesError, type PortalErrorKind } from '../src/portal/errors.js';
import { runCli } from './support/harness.js';
import { isBuilt, need } from './support/needs.js';

const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'support.js');

describe('support (the frame)', () => {
  it('--help lists commands, environment and exit codes on stdout, exit 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: support/);
    expect(r.stdout).toMatch(/Commands:/);
    expect(r.stdout).toMatch(/sandbox/);
    expect(r.stdout).toMatch(/SUPPORT_CONFIG_DIR/);
    expect(r.stdout).toMatch(/130\s+cancelled/);
    expect(r.stderr).toBe('');
  });

  it('--help in Japanese with --lang ja, SUPPORT_LANG or LANG=ja_JP.UTF-8', async () => {
    for (const [argv, env] of [
      [['--lang', 'ja', '--help'], {}],
      [['--help'], { SUPPORT_LANG: 'ja' }],
      [['--help'], { LANG: 'ja_JP.UTF-8' }],
    ] as const) {
      const r = await runCli([...argv], { env: { ...env } });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/使い方:/);
      expect(r.stdout).toMatch(/終了コード:/);
    }
  });

  it('--lang beats SUPPORT_LANG, which beats LC_ALL', async () => {
    const r = await runCli(['--lang', 'en', '--help'], { env: { SUPPORT_LANG: 'ja', LC_ALL: 'ja_JP.UTF-8' } });
    expect(r.stdout).toMatch(/Usage:/);
    const r2 = await runCli(['--help'], { env: { SUPPORT_LANG: 'en', LC_ALL: 'ja_JP.UTF-8' } });
    expect(r2.stdout).toMatch(/Usage:/);
    const r3 = await runCli(['--help'], { env: { LC_ALL: 'ja_JP.UTF-8', LANG: 'en_US.UTF-8' } });
    expect(r3.stdout).toMatch(/使い方:/);
  });

  it('an unknown command exits 2 with a hint', async () => {
    const r = await runCli(['sandbx']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error: unknown command "sandbx"/);
    expect(r.stderr).toMatch(/did you mean sandbox\?/);
  });

  it('an unknown flag exits 2 with a hint, in Japanese too', async () => {
    const r = await runCli(['--portl', 'x', 'sandbox']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option "--portl"/);
    expect(r.stderr).toMatch(/did you mean --portal\?/);
    const j = await runCli(['--lang', 'ja', '--bogus']);
    expect(j.code).toBe(2);
    expect(j.stderr).toMatch(/不明なオプション "--bogus"/);
  });

  it('an unsupported --lang exits 2', async () => {
    const r = await runCli(['--lang', 'fr', '--help']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown language "fr"/);
  });

  it('no command prints help on stderr and exits 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Usage: support/);
  });

  it('the built binary prints its version (what --version and --help load: test/startup.test.ts)', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const r = spawnSync(process.execPath, [BIN, '--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('errors and exit codes', () => {
  it('the inquirer prompter turns Ctrl-C into a CancelledError without text, worded when rendered', async () => {
    const { createInquirerPrompter } = await import('../src/ui/prompter.js');
    const ac = new AbortController();
    ac.abort();
    const p = await createInquirerPrompter({ input: new PassThrough(), output: new PassThrough(), signal: ac.signal });
    const err = await p.input({ message: 'Portal?' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect(exitCodeFor(err)).toBe(130);
    expect(renderError(err, createT('ja')).message).toBe('キャンセルしました。');
    expect(renderError(err, createT('en')).message).toBe('Cancelled.');
  });

  it('a cancel says what was cancelled, and how to resume a kept draft', () => {
    const t = createT('en');
    expect(renderError(new CancelledError({ reason: 'review' }), t)).toEqual({ message: 'Cancelled; nothing was filed.' });
    expect(renderError(new CancelledError({ resumable: true }), createT('ja'))).toEqual({
      message: 'キャンセルしました。回答は下書きに保存されています。',
      hint: '"support create --resume" で続けられます。',
    });
  });

  it('maps classes and portal kinds to exit codes in one place', () => {
    const portal = (kind: PortalErrorKind) => new PortalError({ kind, method: 'GET', url: 'https://x.example/a' });
    expect(exitCodeFor(new UsageError('x'))).toBe(2);
    expect(exitCodeFor(new UnreadableFilesError([{ path: 'a', reason: 'missing' }], 'x'))).toBe(2);
    expect(exitCodeFor(new AuthError('x'))).toBe(4);
    expect(exitCodeFor(portal('auth'))).toBe(4);
    expect(exitCodeFor(portal('permission'))).toBe(4);
    expect(exitCodeFor(portal('validation'))).toBe(1);
    expect(exitCodeFor(portal('network'))).toBe(1);
    expect(exitCodeFor(new CliError('x'))).toBe(1);
    expect(exitCodeFor(new Error('bug'))).toBe(1);
    expect(exitCodeFor(new CancelledError())).toBe(130);
  });
});

describe('run from a folder that was deleted', () => {
  it('a command without a relative path works; a relative path is reported missing (exit 2), not as a crash', (ctx) => {
    need(ctx, isBuilt(), 'the build (npm run build)');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'support-gone-'));
    const gone = path.join(home, 'unpacked-zip');
    const inGone = (args: string) =>
      spawnSync('/bin/sh', ['-c', `mkdir "$D" && cd "$D" && rmdir "$D" && exec "$NODE" "$BIN" ${args}`], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: home, SUPPORT_CONFIG_DIR: path.join(home, 'config'), SUPPORT_DATA_DIR: path.join(home, 'data'), D: gone, NODE: process.execPath, BIN },
      });
    try {
      const list = inGone('--portal sandbox list --json');
      expect(list.stderr).not.toContain('uv_cwd');
      expect(list.status, list.stderr).toBe(0);
      expect(JSON.parse(list.stdout)).toEqual([]);
      const attach = inGone('--portal sandbox attach SUP-1 relative.log');
      expect(attach.status).toBe(2);
      expect(attach.stderr).toContain('relative.log (not found)');
      expect(attach.stderr).not.toContain('uv_cwd');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
