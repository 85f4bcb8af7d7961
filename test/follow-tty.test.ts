// Follow-ups in a real terminal: the built binary in tmux at 80 columns against the in-process
// sandbox (`--portal sandbox`), with TZ=Asia/Tokyo: local times in view, the "Last checked" line of
// watch, and nothing wider than the screen.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { sandboxReply, startSandbox } from '../src/sandbox/index.js';
import { displayWidth } from '../src/ui/table.js';
import { tempDir } from './support/harness.js';
import { REPO } from './support/built-cli.js';
import { caller, createBody, validFields } from './support/sandbox-client.js';
import { Tmux } from './support/tmux.js';

const term = new Tmux('follow-tty');
const home = tempDir('support-follow-tty-');
let key = '';
let created = 0;

/** Runs `support ...argv` in a new 80-column session; the pane stays after the command ends. */
function open(ctx: TestContext, name: string, argv: string[], lang = 'en'): void {
  const env = [`HOME=${home}`, `SUPPORT_CONFIG_DIR=${path.join(home, 'config')}`, 'SUPPORT_KEYRING=off', `SUPPORT_LANG=${lang}`, 'TZ=Asia/Tokyo', 'TERM=xterm-256color', 'NO_COLOR=1'];
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const cmd = `env ${env.map(q).join(' ')} ${q(process.execPath)} ${q(path.join(REPO, 'bin', 'support.js'))} --portal sandbox ${argv.map(q).join(' ')}; echo "[exit $?]"; sleep 60`;
  term.open(ctx, name, cmd, { columns: 80, rows: 60 });
}

const waitFor = (name: string, re: RegExp) => term.waitFor(re, { session: name, history: 200, timeoutMs: 20_000 });

/** `2026-11-30 15:04 +09:00` for an instant. */
const tokyo = (ms: number) => `${new Date(ms + 9 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')} +09:00`;

beforeAll(async () => {
  const h = await startSandbox({ dataDir: path.join(home, 'config', 'data'), port: 0 });
  try {
    const r = await caller(h)('POST', `${API}/request`, createBody('1', validFields('1', 'PDF export loses Japanese text 日本語のテキストが消える')));
    key = r.json.issueKey as string;
    created = Date.parse(r.json.createdDate.iso8601 as string);
    await sandboxReply(h.dataDir, key, 'Could you attach the support zip?');
  } finally {
    await h.close();
  }
});

afterAll(() => {
  term.kill();
  fs.rmSync(home, { recursive: true, force: true });
});

const API = '/rest/servicedeskapi';

describe('follow-ups in a terminal (tmux, 80 columns, TZ=Asia/Tokyo)', () => {
  for (const lang of ['en', 'ja']) {
    it(`view (${lang}): local times with their offset, every line within 80 columns`, async (ctx) => {
      open(ctx, `view-${lang}`, ['view', key], lang);
      const s = await waitFor(`view-${lang}`, /\[exit \d+\]/);
      expect(s).toContain('[exit 0]');
      expect(s).toContain(tokyo(created));
      expect(s).not.toMatch(/\d\dT\d\d:\d\d:\d\dZ/);
      // capture-pane without -J: a line wider than the pane would show as two, the first full width.
      for (const line of s.split('\n')) expect(displayWidth(line)).toBeLessThan(80);
    });
  }

  it('watch: a "Last checked" line in local time while waiting, cleared before the last message', async (ctx) => {
    open(ctx, 'watch', ['watch', key, '--interval', '1s', '--timeout', '4s']);
    const s = await waitFor('watch', /Last checked \d\d:\d\d:\d\d; next check \d\d:\d\d:\d\d\./);
    expect(s).toContain(`Watching ${key} (now: Waiting for customer) until resolved.`);
    const end = await waitFor('watch', /\[exit \d+\]/);
    expect(end).toContain('[exit 1]');
    // Cleared before the last message: no live line left behind.
    expect(end).not.toContain('Last checked');
  });
});
