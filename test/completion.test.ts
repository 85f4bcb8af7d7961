// `support completion bash|zsh|fish`: the scripts run in the real shells and complete commands,
// flags and flag values offline (the script never calls support or node), with and without the
// bash-completion package; `--install` puts them where each shell loads them, once.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasBashCompletion } from '../src/cli/completion/install.js';
import { runCli, tempDir } from './support/harness.js';
import { hasTool, need } from './support/needs.js';

const dir = tempDir('support-completion-');
const scripts: Record<string, string> = {};
beforeAll(async () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    const r = await runCli(['completion', shell]);
    expect(r.code, r.stderr).toBe(0);
    scripts[shell] = path.join(dir, `support.${shell}`);
    fs.writeFileSync(scripts[shell], r.stdout);
  }
  fs.mkdirSync(path.join(dir, 'files'));
  fs.writeFileSync(path.join(dir, 'files', 'support-zip.zip'), '');
  fs.writeFileSync(path.join(dir, 'files', 'notes.md'), '');
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const BASH_COMPLETION = '/usr/share/bash-completion/bash_completion';

/** The words bash offers for the command line `words` (the cursor on the last one), without the user's rc files. */
function bashComplete(words: string[], withPackage = false): string[] {
  const line = words.map((w) => `'${w}'`).join(' ');
  const prelude = withPackage ? `. ${BASH_COMPLETION}; ` : '';
  // A Tab must not start the CLI or Node: both are functions here that fail the run if called.
  const guard = 'support() { echo CALLED-SUPPORT >&2; exit 9; }; node() { echo CALLED-NODE >&2; exit 9; }; ';
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', `${prelude}${guard}. '${scripts.bash}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _support; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    encoding: 'utf8',
    cwd: path.join(dir, 'files'),
  });
  expect(r.stderr).not.toMatch(/CALLED|command not found|syntax error/);
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('support completion', () => {
  it('bash (without the bash-completion package): commands, flags, flag values, subcommands, files, help topics', () => {
    expect(bashComplete(['support', 'li'])).toEqual(['list']);
    expect(bashComplete(['support', 'co'])).toEqual(['comment', 'completion']);
    expect(bashComplete(['support', 'list', '--st'])).toEqual(['--status']);
    expect(bashComplete(['support', 'list', '--j'])).toEqual(['--json']);
    expect(bashComplete(['support', 'sandbox', '--flavor', ''])).toEqual(['cloud', 'dc']);
    expect(bashComplete(['support', '--lang', ''])).toEqual(['en', 'ja']);
    expect(bashComplete(['support', '--profile', 'x', 'create', '--type', ''])).toEqual(['account', 'billing', 'technical']);
    expect(bashComplete(['support', 'create', '--deployment', 'c'])).toEqual(['cloud']);
    expect(bashComplete(['support', 'list', '--portal', 's'])).toEqual(['sandbox']);
    expect(bashComplete(['support', 'sandbox', 'r'])).toEqual(['reply']);
    expect(bashComplete(['support', 'sandbox', '--data', 'x', 'ad'])).toEqual(['advance']);
    expect(bashComplete(['support', 'attach', 'SUP-1', 'su'])).toEqual(['support-zip.zip']);
    expect(bashComplete(['support', 'create', '--details-file', 'no'])).toEqual(['notes.md']);
    expect(bashComplete(['support', 'help', 'vi'])).toEqual(['view']);
    // A value the user types (a key, a summary) gets no invented words.
    expect(bashComplete(['support', 'create', '--summary', ''])).toEqual([]);
  });

  it('bash with the bash-completion package loaded completes the same', (ctx) => {
    need(ctx, fs.existsSync(BASH_COMPLETION), 'the bash-completion package');
    expect(bashComplete(['support', 'li'], true)).toEqual(['list']);
    expect(bashComplete(['support', 'sandbox', '--flavor', ''], true)).toEqual(['cloud', 'dc']);
    expect(bashComplete(['support', 'attach', 'SUP-1', 'no'], true)).toEqual(['notes.md']);
  });

  it('fish completes commands with their descriptions, flags and values', (ctx) => {
    need(ctx, hasTool('fish', ['--version']), 'fish');
    const complete = (line: string) =>
      spawnSync('fish', ['--no-config', '-c', `source '${scripts.fish}'; complete -C '${line}'`], { encoding: 'utf8', cwd: path.join(dir, 'files') }).stdout;
    expect(complete('support li')).toMatch(/^list\tlist your requests/m);
    expect(complete('support sandbox --flavor ')).toMatch(/^cloud\n?[\s\S]*^dc/m);
    expect(complete('support list --st')).toMatch(/^--status/m);
    expect(complete('support sandbox ')).toMatch(/^reply\t/m);
    expect(complete('support attach SUP-1 no')).toMatch(/^notes\.md/m);
  });

  it('zsh loads it (through bashcompinit) and registers the completion of support', (ctx) => {
    need(ctx, hasTool('zsh', ['--version']), 'zsh');
    const r = spawnSync('zsh', ['-f', '-c', `source '${scripts.zsh}'; print -r -- $_comps[support]`], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/_support/);
  });

  it('an unknown shell exits 2; the Japanese script describes commands in Japanese', async () => {
    const r = await runCli(['completion', 'tcsh']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no completion for the shell "tcsh"/);
    const ja = await runCli(['completion', 'fish'], { env: { SUPPORT_LANG: 'ja' } });
    expect(ja.stdout).toMatch(/-a 'list' -d '自分のリクエスト/);
  });

  it('--install puts each script where its shell loads it, and a second run adds no second line', async () => {
    const home = tempDir('support-completion-home-');
    try {
      const env = { SUPPORT_LANG: 'en' };
      const fish = await runCli(['completion', 'fish', '--install'], { home, env });
      expect(fish.code, fish.stderr).toBe(0);
      expect(fs.readFileSync(path.join(home, '.config', 'fish', 'completions', 'support.fish'), 'utf8')).toMatch(/^complete -c support/m);
      expect(fish.stderr).toMatch(/Installed fish completion in .*support\.fish/);

      for (let i = 0; i < 2; i++) expect((await runCli(['completion', 'bash', '--install'], { home, env })).code).toBe(0);
      const bashFile = path.join(home, '.local', 'share', 'bash-completion', 'completions', 'support');
      expect(fs.readFileSync(bashFile, 'utf8')).toMatch(/complete -F _support support/);
      const bashrc = path.join(home, '.bashrc');
      if (await hasBashCompletion()) expect(fs.existsSync(bashrc)).toBe(false);
      else expect(fs.readFileSync(bashrc, 'utf8').match(/support completion/g)).toHaveLength(1);

      for (let i = 0; i < 2; i++) expect((await runCli(['completion', 'zsh', '--install'], { home, env })).code).toBe(0);
      expect(fs.readFileSync(path.join(home, '.zshrc'), 'utf8').match(/support completion/g)).toHaveLength(1);
      // SHELL picks the shell when none is named.
      const byShell = await runCli(['completion'], { home, env: { ...env, SHELL: '/usr/bin/fish' } });
      expect(byShell.stdout).toMatch(/^complete -c support/m);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
