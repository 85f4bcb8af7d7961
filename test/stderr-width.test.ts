// Lines a person reads on stderr fit the terminal: long summary lines wrap at spaces (never inside a
// word), a node's progress line is cut to the width; in a pipe the same lines stay whole.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../src/cli/cluster/progress.js';
import type { Ctx } from '../src/cli/context.js';
import { textWidth } from '../src/ui/width.js';
import { runCli, tempDir, testDeps } from './support/harness.js';
import { LoopbackProxy } from './support/proxy.js';

/** A log whose redaction summary names many rules: a "Redacted: …" line far over 80 columns. */
function plantedTree(): string {
  const root = tempDir('support-stderr-width-');
  const lines = [
    'db password=hunter2hunter2',
    'Authorization: Basic dXNlcjpwYXNzd29yZA==',
    'token=abcdefabcdefabcdefabcdef',
    'aws_access_key_id=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'imaps://jira-mail@example.com:S3cretPass@imap.example.com',
    'client_secret=0123456789abcdef0123456789abcdef',
    'credential=abcdefghijklmnop',
  ];
  fs.mkdirSync(path.join(root, 'l'), { recursive: true });
  fs.writeFileSync(path.join(root, 'l/a.log'), lines.join('\n') + '\n');
  return root;
}

describe('stderr at the terminal width', () => {
  it('the bundle summary wraps at spaces on a terminal of 80 columns, and stays one line in a pipe', async () => {
    const root = plantedTree();
    const env = { SUPPORT_BUNDLE_ROOT: root };
    const pipe = await runCli(['bundle', '--path', 'l', '--output', 'p.zip'], { cwd: root, env });
    expect(pipe.code).toBe(0);
    const red = pipe.stderr.split('\n').find((l) => l.startsWith('Redacted: '))!;
    expect(textWidth(red)).toBeGreaterThan(80);

    const tty = await runCli(['bundle', '--path', 'l', '--output', 't.zip'], { cwd: root, env, tty: true, columns: 80 });
    expect(tty.code).toBe(0);
    const lines = tty.stderr.split('\n');
    for (const l of lines) expect(textWidth(l), l).toBeLessThanOrEqual(80);
    // Joined again at the breaks, the words are the pipe's words: nothing was cut inside one.
    const start = lines.findIndex((l) => l.startsWith('Redacted: '));
    const words = red.split(' ');
    const got = lines.slice(start).join(' ').split(/\s+/).slice(0, words.length);
    expect(got).toEqual(words);
  });

  it("a node's progress line is cut to the terminal's width; in a pipe the product's message is whole", () => {
    const message = `It was saved to ${'/var/atlassian/application-data/jira/export/'.repeat(2)}Jira_support_2026-11-30.zip`;
    const run = (tty: boolean) => {
      const { deps, stderr } = testDeps({ tty, columns: 80 });
      progressPrinter({ io: deps.io } as unknown as Ctx)('node1', 100, 'done', undefined, message);
      return stderr().trimEnd();
    };
    const onTty = run(true);
    expect(textWidth(onTty)).toBeLessThanOrEqual(80);
    expect(onTty).toMatch(/^ {2}node1 {2}100% {2}done {2}It was saved to \/var\/atlassian.*…$/);
    expect(run(false)).toBe(`  node1  100%  done  ${message}`);
  });

  it('a download just started shows no size ("0 B" read as an empty zip); one under way shows its bytes', () => {
    const { deps, stderr } = testDeps({ tty: false });
    const show = progressPrinter({ io: deps.io } as unknown as Ctx);
    show('node1', 100, 'downloading', 0);
    show('node2', 100, 'downloading', 3 * 1024 * 1024);
    expect(stderr()).toBe('  node1  100%  downloading\n  node2  100%  downloading  3.0 MiB\n');
  });
});

describe('errors and hints at the terminal width', () => {
  it('wrap at spaces on a terminal of 80 columns, in English and Japanese, and stay whole in a pipe', async () => {
    const proxy = await LoopbackProxy.start({ connect: 407 });
    try {
      const env = { HTTPS_PROXY: proxy.url, SUPPORT_TOKEN: 'tok-1234567890', SUPPORT_EMAIL: 'me@example.com', SUPPORT_KEYRING: 'off' };
      const argv = ['--portal', 'https://jira.example.com', 'list'];
      for (const lang of ['en', 'ja']) {
        const pipe = await runCli([...argv, '--lang', lang], { env });
        expect(pipe.code).toBe(1);
        const pipeLines = pipe.stderr.trimEnd().split('\n');
        expect(pipeLines.some((l) => textWidth(l) > 80), pipe.stderr).toBe(true);
        const tty = await runCli([...argv, '--lang', lang], { env, tty: true, columns: 80 });
        expect(tty.code).toBe(1);
        // From the error on (the spinner's frame before it is cleared on a real terminal).
        const lines = tty.stderr
          .slice(tty.stderr.indexOf(lang === 'en' ? 'error:' : 'エラー:'))
          .trimEnd()
          .split('\n');
        for (const l of lines) expect(textWidth(l), l).toBeLessThanOrEqual(80);
        expect(lines.length).toBeGreaterThan(pipeLines.length);
        // Nothing lost, and nothing cut inside a word: joined again, the English is the pipe's word
        // for word; the Japanese may break between characters, never inside the host or the variable.
        const words = (s: string[]) => s.join(' ').split(/\s+/).filter(Boolean);
        if (lang === 'en') expect(words(lines)).toEqual(words(pipeLines));
        else expect(lines.join('').replace(/\s+/g, '')).toBe(pipeLines.join('').replace(/\s+/g, ''));
        expect(tty.stderr).toContain('jira.example.com');
        expect(tty.stderr).toContain('HTTPS_PROXY=http://USER:PASSWORD@PROXY:PORT');
      }
    } finally {
      await proxy.close();
    }
  });
});
