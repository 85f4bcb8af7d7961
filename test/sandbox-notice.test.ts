// The first run of the sandbox portal says, once, that it is local and nothing goes to Atlassian.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir } from './support/harness.js';

describe('the sandbox notice', () => {
  it('--portal sandbox says it once per user, in the user\'s language', async () => {
    const home = tempDir('support-notice-');
    try {
      const first = await runCli(['list', '--portal', 'sandbox'], { home, columns: 80 });
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toMatch(/built-in sandbox portal[\s\S]*Nothing is sent to\s+Atlassian\./);
      for (const line of first.stderr.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
      const json = await runCli(['list', '--portal', 'sandbox', '--json'], { home: tempDir('support-notice-json-') });
      expect(json.stderr).not.toMatch(/Atlassian/);
      const again = await runCli(['list', '--portal', 'sandbox'], { home });
      expect(again.code).toBe(0);
      expect(again.stderr).not.toMatch(/Atlassian/);
      const other = tempDir('support-notice-ja-');
      const ja = await runCli(['list', '--portal', 'sandbox'], { home: other, env: { SUPPORT_LANG: 'ja' } });
      expect(ja.stderr).toMatch(/Atlassian には何も送信し\s*ません/);
      fs.rmSync(other, { recursive: true, force: true });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
