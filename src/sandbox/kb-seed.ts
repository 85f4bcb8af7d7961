/**
 * The sandbox's knowledge base: twelve articles on problems Atlassian's support answers every day,
 * each written in English (space `KB`) and in Japanese (space `KBJA`), and the search that finds
 * them. A search matches an article when every term of the query is in its title or body, as
 * Confluence's search does by default; Japanese text has no spaces, so a Japanese query's terms are
 * its runs of kanji, katakana and Latin letters (the kana particles between them are dropped).
 */

/** One knowledge-base page. */
export interface KbArticle {
  pageId: string;
  spaceKey: 'KB' | 'KBJA';
  title: string;
  body: string;
}

type Pair = readonly [en: readonly [title: string, body: string], ja: readonly [title: string, body: string]];

const TOPICS: readonly Pair[] = [
  [
    ['Japanese text is missing when a page is exported to PDF', 'Confluence PDF export needs a font with Japanese glyphs. Install a CJK font (for example Noto Sans CJK) in the PDF export settings.'],
    ['PDF エクスポートで日本語が表示されない', 'Confluence の PDF エクスポートには日本語のグリフを含むフォントが必要です。PDF エクスポート設定で CJK フォント (Noto Sans CJK など) をインストールしてください。'],
  ],
  [
    ['Jira is slow: collect thread dumps and a support zip', 'When pages load slowly, take thread dumps a few seconds apart and attach them with a support zip of the logs.'],
    ['Jira の動作が遅い: スレッドダンプとサポート zip の取得', 'ページの表示が遅い場合は、数秒間隔でスレッドダンプを取得し、ログのサポート zip と一緒に添付してください。'],
  ],
  [
    ['OutOfMemoryError: Java heap space', 'The JVM ran out of heap memory. Raise -Xmx in setenv.sh and check the garbage collection log.'],
    ['OutOfMemoryError: Java heap space (ヒープメモリ不足)', 'JVM のヒープメモリが不足しています。setenv.sh の -Xmx を増やし、GC ログを確認してください。'],
  ],
  [
    ['Base URL mismatch warning after a proxy change', 'The base URL in the general configuration must match the URL users type, including the proxy context path.'],
    ['プロキシ変更後にベース URL 不一致の警告が出る', '一般設定のベース URL は、プロキシのコンテキストパスを含め、ユーザーがアクセスする URL と一致させてください。'],
  ],
  [
    ['Unable to connect to the database after an upgrade', 'Check dbconfig.xml, the JDBC driver version and that the database accepts connections from the application node.'],
    ['アップグレード後にデータベースへ接続できない', 'dbconfig.xml、JDBC ドライバーのバージョン、データベースがアプリケーションノードからの接続を受け付けるかを確認してください。'],
  ],
  [
    ['Application link fails: OAuth signature rejected', 'Clocks of both servers must agree; re-create the application link after fixing NTP.'],
    ['アプリケーションリンクが失敗する: OAuth 署名が拒否される', '両サーバーの時刻が一致している必要があります。NTP を修正した後にアプリケーションリンクを作り直してください。'],
  ],
  [
    ['Outgoing mail is not sent: SMTP connection timeout', 'Test the SMTP server from the mail settings page and check the firewall and TLS settings.'],
    ['メールが送信されない: SMTP 接続タイムアウト', 'メール設定画面から SMTP サーバーをテストし、ファイアウォールと TLS の設定を確認してください。'],
  ],
  [
    ['Collaborative editing is unavailable: Synchrony is not running', 'Confluence needs Synchrony for collaborative editing. Check the Synchrony log and the port it listens on.'],
    ['共同編集が使えない: Synchrony が起動していない', 'Confluence の共同編集には Synchrony が必要です。Synchrony のログと待ち受けポートを確認してください。'],
  ],
  [
    ['PKIX path building failed: unable to find valid certification path', 'Java does not trust the certificate of the remote server. Import it into the JVM trust store.'],
    ['PKIX path building failed: 証明書パスが見つからない', 'Java がリモートサーバーの証明書を信頼していません。JVM のトラストストアに証明書をインポートしてください。'],
  ],
  [
    ['Customers do not receive notifications from the service desk', 'Check the customer notification rules, the outgoing mail server and whether the customer muted the request.'],
    ['顧客にサービスデスクからの通知が届かない', '顧客通知のルール、送信メールサーバー、顧客がリクエストの通知をオフにしていないかを確認してください。'],
  ],
  [
    ['git clone fails with RPC failed; HTTP 500 in Bitbucket', 'Large repositories can exceed proxy timeouts. Clone over SSH or raise the proxy read timeout.'],
    ['Bitbucket で git clone が RPC failed; HTTP 500 で失敗する', '大きなリポジトリはプロキシのタイムアウトを超えることがあります。SSH でクローンするか、プロキシの読み取りタイムアウトを延ばしてください。'],
  ],
  [
    ['License expired message after renewing the license', 'Apply the new license key in the license settings; the user tier of the new key must match.'],
    ['ライセンス更新後もライセンス期限切れと表示される', 'ライセンス設定で新しいライセンスキーを適用してください。新しいキーのユーザー数が一致している必要があります。'],
  ],
];

/** The knowledge base, English pages first; page ids as Confluence numbers them. */
export const KB_ARTICLES: readonly KbArticle[] = [
  ...TOPICS.map(([[title, body]], i): KbArticle => ({ pageId: String(8_786_100 + i), spaceKey: 'KB', title, body })),
  ...TOPICS.map(([, [title, body]], i): KbArticle => ({ pageId: String(8_786_200 + i), spaceKey: 'KBJA', title, body })),
];

/** Words too common to count as terms of a query. */
const STOP = new Set(['a', 'an', 'the', 'is', 'are', 'to', 'of', 'in', 'on', 'for', 'and', 'or', 'with', 'my', 'our', 'it', 'not', 'be', 'when', 'after', 'does']);

/** The terms of a query: lower-case words, and for Japanese the runs of kanji, katakana and Latin letters. */
export function terms(query: string): string[] {
  const out: string[] = [];
  for (const word of query.toLowerCase().normalize('NFKC').split(/[\s、。,.;:!?()「」『』"'/]+/u)) {
    if (word === '') continue;
    // Hiragana separates the terms of Japanese text.
    for (const run of word.split(/[\p{Script=Hiragana}]+/u)) {
      if (run.length === 0 || STOP.has(run)) continue;
      if (/^[\p{Script=Latin}\d-]$/u.test(run)) continue;
      out.push(run);
    }
  }
  return out;
}

/** The articles every term of `query` is found in (title or body), titles matching first. */
export function searchKb(query: string): KbArticle[] {
  const want = terms(query);
  if (want.length === 0) return [];
  const text = (a: KbArticle) => `${a.title}\n${a.body}`.toLowerCase().normalize('NFKC');
  const hits = KB_ARTICLES.filter((a) => want.every((w) => text(a).includes(w)));
  const inTitle = (a: KbArticle) => want.filter((w) => a.title.toLowerCase().normalize('NFKC').includes(w)).length;
  return hits.map((a, i) => ({ a, i, score: inTitle(a) })).sort((x, y) => y.score - x.score || x.i - y.i).map((x) => x.a);
}

/** The excerpt the portal shows: the first sentence of the body. */
export function excerptOf(a: KbArticle): string {
  const m = /^[^.。]*[.。]/u.exec(a.body);
  return m ? m[0] : a.body;
}
