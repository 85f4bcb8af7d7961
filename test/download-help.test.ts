/**
 * The help of the files commands (download, feedback, notify, approvals, approve, decline, sandbox
 * attach and approval) in English and Japanese: examples present, every line within 80 columns by
 * display width (wide characters count two).
 */
import { describe, expect, it } from 'vitest';
import { displayWidth } from '../src/ui/table.js';
import { runCli } from './support/harness.js';

const COMMANDS = [['download'], ['feedback'], ['notify'], ['approvals'], ['approve'], ['decline'], ['sandbox', 'attach'], ['sandbox', 'approval']];

describe('help of the files commands', () => {
  for (const lang of ['en', 'ja'] as const) {
    it(`${lang}: every command has examples and fits 80 columns`, async () => {
      // The global options (and `sandbox`'s own, inherited by its subcommands) are not ours to fit.
      const squash = (l: string) => l.replace(/\s+/g, ' ').trim();
      const global = new Set<string>();
      for (const other of [['whoami'], ['sandbox'], ['sandbox', 'reply']]) {
        for (const l of (await runCli(['--lang', lang, ...other, '--help'], { columns: 80 })).stdout.split('\n')) global.add(squash(l));
      }
      for (const argv of COMMANDS) {
        const r = await runCli(['--lang', lang, ...argv, '--help'], { columns: 80 });
        expect(r.code, argv.join(' ')).toBe(0);
        expect(r.stdout, argv.join(' ')).toMatch(lang === 'en' ? /Examples:/ : /例/);
        expect(r.stdout).toContain(`support ${argv.join(' ')} `);
        const wide = r.stdout.split('\n').filter((l) => !global.has(squash(l)) && displayWidth(l) > 80);
        expect(wide, `${lang} ${argv.join(' ')}`).toEqual([]);
      }
    });
  }
  it('the Japanese help is in Japanese', async () => {
    const r = await runCli(['--lang', 'ja', 'download', '--help'], { columns: 80 });
    expect(r.stdout).toContain('添付ファイル');
    const f = await runCli(['--lang', 'ja', 'feedback', '--help'], { columns: 80 });
    expect(f.stdout).toContain('迅速で分かりやすい対応でした');
  });
});
