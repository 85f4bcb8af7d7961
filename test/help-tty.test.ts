// The built CLI in a real 80-column terminal (tmux), in English and Japanese: help lines never
// wrap (a wrapped line is what broke `$SUPPOR` / `T_PROFILE` and spilled to column 0), and the
// prompts' own words (key hints, Yes/No) are in the user's language.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { tempDir } from './support/harness.js';
import { BIN, REPO } from './support/built-cli.js';
import { Tmux } from './support/tmux.js';

const home = tempDir('support-help-tty-');
const term = new Tmux('help-tty');
const open = (ctx: TestContext, name: string, cmd: string) => term.open(ctx, name, cmd, { columns: 80, rows: 50 });
/** The pane as the terminal shows it (`joined`: soft-wrapped rows joined back into their lines). */
const screen = (joined = false) => term.screen({ joined });
const waitFor = (re: RegExp) => term.waitFor(re);

afterAll(() => {
  term.kill();
  fs.rmSync(home, { recursive: true, force: true });
});

const env = (lang: string) =>
  `cd ${JSON.stringify(REPO)} && env -u EDITOR -u VISUAL -u CI -u NO_COLOR TERM=xterm-256color SUPPORT_LANG=${lang} SUPPORT_KEYRING=off SUPPORT_CONFIG_DIR=${JSON.stringify(path.join(home, `config-${lang}`))}`;

describe('the built CLI at 80 columns (tmux)', () => {
  for (const lang of ['en', 'ja']) {
    it(`${lang}: no line of support --help or create --help wraps in the terminal`, async (ctx) => {
      open(ctx, `help-${lang}`, `${env(lang)} sh -c 'node ${JSON.stringify(BIN)} --help; node ${JSON.stringify(BIN)} create --help; echo END-OF-HELP; sleep 30'`);
      await waitFor(/END-OF-HELP/);
      const rows = screen();
      // A line wider than the terminal takes two rows, which -J joins back: none may differ.
      expect(screen(true)).toBe(rows);
      expect(rows).toMatch(lang === 'ja' ? /\$SUPPORT_PROFILE/ : /\$SUPPORT_PROFILE/);
      expect(rows).toMatch(lang === 'ja' ? /使い方: support create \[オプション\]/ : /Usage: support create \[options\]/);
    });
  }

  it('ja: the select hints and the Yes/No answer of the guided create are in Japanese', async (ctx) => {
    open(ctx, 'prompts-ja', `${env('ja')} node ${JSON.stringify(BIN)} create --portal sandbox; echo EXIT=$?; sleep 30`);
    const first = await waitFor(/↑↓/);
    expect(first).toMatch(/↑↓ 移動 • ⏎ 選択/);
    expect(first).not.toMatch(/navigate|select\b/);
    // Enter through the request type, the product and the optional questions up to the summary (the
    // portal's labels come in Japanese too; each answered question leaves a ✔ line).
    const ticks = (text: string) => (text.match(/✔/g) ?? []).length;
    for (let answered = 1; !/\? 要約/.test(screen()); answered++) {
      expect(answered, screen()).toBeLessThan(8);
      term.keys('Enter');
      for (const deadline = Date.now() + 15_000; ticks(screen()) < answered; ) {
        if (Date.now() > deadline) throw new Error(`no answer ${answered}; screen:\n${screen()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await waitFor(/\n\? /);
    }
    term.type('Boards are slow');
    // The first yes/no question of the form (production or not); the answer is shown in Japanese.
    await waitFor(/\((?:Y\/n|y\/N)\)/);
    term.type('y');
    const answered = await waitFor(/✔ .*はい/);
    expect(answered).not.toMatch(/✔ .*\bYes\b/);
    term.keys('C-c');
    await waitFor(/EXIT=\d+/);
  });
});
