/**
 * `support kb search` and the sandbox's knowledge base: English and Japanese articles found by every
 * term of the query, on both sandbox flavours, the traffic valid against the JSM spec; bad input
 * exits 2 before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import type { KbSearchJson } from '../src/cli/json-types.js';
import { KB_ARTICLES, searchKb, terms } from '../src/sandbox/kb-seed.js';
import { API } from './support/follow-sandbox.js';
import { sandboxForDescribe } from './support/kb-flow.js';

describe('the sandbox knowledge base', () => {
  it('has a dozen articles, each in English and Japanese', () => {
    expect(KB_ARTICLES.filter((a) => a.spaceKey === 'KB')).toHaveLength(12);
    expect(KB_ARTICLES.filter((a) => a.spaceKey === 'KBJA')).toHaveLength(12);
    expect(KB_ARTICLES.filter((a) => a.spaceKey === 'KBJA').every((a) => /[\p{Script=Han}\p{Script=Katakana}]/u.test(a.title))).toBe(true);
  });

  it('matches when every term is in the title or body; Japanese terms are the runs between kana particles', () => {
    expect(terms('PDF エクスポートで日本語が表示されない')).toEqual(['pdf', 'エクスポート', '日本語', '表示']);
    expect(searchKb('PDF export Japanese').map((a) => a.title)).toEqual(['Japanese text is missing when a page is exported to PDF']);
    expect(searchKb('PDF エクスポートで日本語が表示されない').map((a) => a.title)).toEqual(['PDF エクスポートで日本語が表示されない']);
    expect(searchKb('OutOfMemoryError').map((a) => a.spaceKey)).toEqual(['KB', 'KBJA']);
    expect(searchKb('PDF export printer')).toEqual([]);
  });

  it("does not match the summaries the suite's other guided runs type (so they are not asked about articles)", () => {
    for (const s of ['Trial extension', 'Resume me', 'Cancel me', 'New one', 'Second draft', 'E2E automation rule fails', 'Printer on fire', 'Pasted', 'cancelled before send', 'Invoice address', 'New billing contact']) {
      expect(searchKb(s), s).toEqual([]);
    }
  });
});

for (const flavor of ['cloud', 'dc'] as const) {
  describe(`support kb search on the ${flavor} sandbox`, () => {
    const box = sandboxForDescribe({ flavor }, [`GET ${API}/knowledgebase/article/view/`]);

    it('prints numbered titles, excerpts and links on a terminal; title<TAB>url in a pipe', async () => {
      const tty = await box().cli(['kb', 'search', 'PDF', 'export', 'Japanese'], { tty: true });
      expect(tty.code, tty.stderr).toBe(0);
      expect(tty.stdout).toContain('1. Japanese text is missing when a page is exported to PDF');
      expect(tty.stdout).toContain('Confluence PDF export needs a font with Japanese glyphs.');
      expect(tty.stdout).toMatch(new RegExp(`${box().h.url}${API}/knowledgebase/article/view/\\d+`));
      const pipe = await box().cli(['kb', 'search', 'OutOfMemoryError']);
      expect(pipe.code).toBe(0);
      const lines = pipe.stdout.trim().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]!.split('\t')[0]).toBe('OutOfMemoryError: Java heap space');
      expect(lines[1]!.split('\t')[0]).toBe('OutOfMemoryError: Java heap space (ヒープメモリ不足)');
    });

    it('finds Japanese articles for a Japanese query, in one service desk, as JSON; the article page opens', async () => {
      const r = await box().cli(['kb', 'search', 'PDF エクスポートで日本語が表示されない', '--service-desk', 'SUP', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as KbSearchJson;
      expect(doc).toMatchObject({ query: 'PDF エクスポートで日本語が表示されない', serviceDeskId: '1' });
      expect(doc.articles.map((a) => a.title)).toEqual(['PDF エクスポートで日本語が表示されない']);
      expect(doc.articles[0]).toMatchObject({ spaceKey: 'KBJA', pageId: expect.stringMatching(/^\d+$/) });
      const page = await box().call('GET', new URL(doc.articles[0]!.url).pathname);
      expect(page.status).toBe(200);
      expect(page.text).toContain('CJK フォント');
      expect(box().exchanges.some((x) => x.method === 'GET' && x.path === `${API}/servicedesk/1/knowledgebase/article`)).toBe(true);
    });

    it('nothing found is not an error: an empty list, the reason on stderr', async () => {
      const r = await box().cli(['kb', 'search', 'printer on fire']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('No article matches "printer on fire".');
      const j = await box().cli(['kb', 'search', 'printer on fire', '--json']);
      expect(JSON.parse(j.stdout)).toEqual({ query: 'printer on fire', serviceDeskId: '', articles: [] });
    });

    it('bad input exits 2 before anything is sent: an empty text, a bad limit, an unknown service desk', async () => {
      const before = box().exchanges.length;
      const empty = await box().cli(['kb', 'search', ' ']);
      expect(empty.code).toBe(2);
      expect(empty.stderr).toMatch(/say what to look for/);
      const limit = await box().cli(['kb', 'search', 'pdf', '--limit', '0']);
      expect(limit.code).toBe(2);
      expect(limit.stderr).toMatch(/--limit must be a whole number from 1 to 50/);
      expect(box().exchanges.length).toBe(before);
      const desk = await box().cli(['kb', 'search', 'pdf', '--service-desk', 'NOPE']);
      expect(desk.code).toBe(2);
      expect(box().exchanges.slice(before).some((x) => x.path.includes('knowledgebase'))).toBe(false);
    });
  });
}

describe('kb help', () => {
  it('has examples in English and Japanese', async () => {
    const { runCli } = await import('./support/harness.js');
    const en = await runCli(['kb', 'search', '--help']);
    expect(en.stdout).toMatch(/Examples:[\s\S]*support kb search "PDF export Japanese"[\s\S]*PDF エクスポート 日本語/);
    const ja = await runCli(['--lang', 'ja', 'kb', 'search', '--help']);
    expect(ja.stdout).toContain('問題の答えになりそうなナレッジベースの記事を探します');
  });
});
