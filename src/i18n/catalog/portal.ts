import { count } from '../plural.js';
import type { Catalog } from '../types.js';

/** Messages of the portal client: errors as the user reads them, network options. */
export const en = {
  'portal.opt.caFile': 'trust this PEM CA certificate (a private CA) in addition to the system ones',
  'portal.err.auth': (host: string) => `${host} rejected the credentials (HTTP 401).`,
  'portal.err.authSeraph': (host: string, reason: string) => `${host} rejected the credentials (X-Seraph-LoginReason: ${reason}).`,
  'portal.err.authDenied': (host: string) =>
    `${host} refused to check the credentials (AUTHENTICATION_DENIED): too many failed sign-ins have turned on a CAPTCHA.`,
  'portal.hint.auth': 'Sign in again: support login (add --profile NAME for another profile).',
  'portal.hint.authDenied': 'Sign in once in a web browser to clear the CAPTCHA, then run: support login',
  'portal.err.permission': (host: string) => `You do not have permission for this on ${host} (HTTP 403).`,
  'portal.err.unlicensed': (host: string) =>
    `${host} answered with an HTML page instead of the JSM API (HTTP 403): Jira Service Management looks unlicensed or not installed there.`,
  'portal.hint.unlicensed': 'Ask the Jira administrator to check the Jira Service Management licence (Administration > Applications).',
  'portal.err.proxyPage': (host: string) =>
    `Something between you and ${host} (a proxy or firewall) refused the request with an HTML page (HTTP 403).`,
  'portal.hint.proxyPage': 'Check HTTPS_PROXY / NO_PROXY, or ask your network administrator to allow this portal.',
  'portal.err.notFound': (host: string, path: string) => `Not found on ${host}: ${path} (HTTP 404).`,
  'portal.hint.notFound': 'Check the key or id; the portal also answers 404 for what you are not allowed to see.',
  'portal.err.validation': (host: string, status: number) => `${host} refused the request (HTTP ${status}).`,
  'portal.err.rateLimited': (host: string) => `${host} is limiting the rate of requests (HTTP 429).`,
  'portal.notice.rateLimited': (host: string, seconds: number, attempt: number, max: number) =>
    `${host} is limiting the rate of requests (HTTP 429); nothing was changed. Sending again in ${seconds} s (attempt ${attempt} of ${max}).`,
  'portal.notice.paging': (path: string, reason: 'start-ignored' | 'repeated-page' | 'not-advancing' | 'too-many', items: number) =>
    `The list ${path} was cut short after ${count(items, 'item')}: ${
      {
        'start-ignored': 'the server (or a proxy) ignored the page position (start) and answered another page',
        'repeated-page': 'the server sent the same page again',
        'not-advancing': 'the server reported a page size that does not advance',
        'too-many': 'the server never reported its last page',
      }[reason]
    }. What was read so far is shown.`,
  'portal.err.oddAnswer': (host: string, detail: string) =>
    `${host} answered in a shape this client cannot read (${detail}): a value outside what the JSM API documents, such as a date out of range or a number where text belongs.`,
  'portal.hint.oddAnswer': 'Run the command again with --debug to see the answer; if the portal is a proxy or a mock, check what it returns.',
  'portal.hint.rateLimited': (seconds: number | undefined) =>
    seconds === undefined ? 'Wait a little and try again.' : `Try again in ${seconds} s.`,
  'portal.err.server': (host: string, status: number) => `${host} failed to answer the request (HTTP ${status}).`,
  'portal.hint.server': 'This is a problem on the portal side; try again later. Run with --debug to see the exchange.',
  'portal.err.network': (host: string, cause: string) => `Cannot reach ${host}: ${cause}.`,
  'portal.hint.network': 'Check the portal URL and your network; behind a proxy, set HTTPS_PROXY (and NO_PROXY for hosts to reach directly).',
  'portal.hint.proxyUnreachable': 'Check the proxy address in HTTPS_PROXY / HTTP_PROXY (the host and port your browser or package manager uses), or unset it if this machine reaches the portal directly.',
  'portal.hint.proxyAuth': 'Give the proxy user and password in its URL: HTTPS_PROXY=http://USER:PASSWORD@PROXY:PORT (characters such as @ or : in the password written as %40, %3A).',
  'portal.hint.proxyRefused': 'The proxy does not allow this portal: ask your network administrator, or set NO_PROXY if the portal is reachable directly.',
  'portal.hint.proxyUnavailable': 'The proxy is up but could not connect to the portal: check the portal URL, then try again later.',
  'portal.err.timeout': (host: string, what: string) => `${host} did not answer in time: ${what}.`,
  'portal.hint.timeout': 'Try again; on a slow link raise SUPPORT_CONNECT_TIMEOUT / SUPPORT_READ_TIMEOUT (seconds).',
  'portal.err.tlsUnknownCa': (host: string, code: string) =>
    `The certificate of ${host} is signed by an authority this machine does not trust (${code}).`,
  'portal.hint.tlsUnknownCa':
    'If the portal uses a private CA, give its PEM certificate: --ca-file FILE, or NODE_EXTRA_CA_CERTS=FILE. Never disable verification.',
  'portal.err.tls': (host: string, code: string) => `The TLS connection to ${host} failed (${code}).`,
  'portal.hint.tls': 'Check the portal URL (the certificate must match its host name) and the machine clock.',
  'portal.err.portalSaid': 'The portal said:',
  'portal.cause.ECONNREFUSED': 'connection refused, nothing listens on that port',
  'portal.cause.ENOTFOUND': 'host name not found in DNS',
  'portal.cause.EAI_AGAIN': 'the DNS lookup of the host name failed for now',
  'portal.cause.ECONNRESET': 'the connection was reset',
  'portal.cause.EHOSTUNREACH': 'host unreachable',
  'portal.cause.ENETUNREACH': 'network unreachable',
  'portal.cause.CONNECT_TIMEOUT': 'connecting took too long',
  'portal.cause.HEADERS_TIMEOUT': 'waiting for the answer took too long',
  'portal.cause.BODY_TIMEOUT': 'the answer stopped arriving',
  'portal.cause.PROXY_UNREACHABLE': 'the proxy could not be reached',
  'portal.cause.PROXY_AUTH': 'the proxy asks for a user name and password',
  'portal.cause.PROXY_REFUSED': 'the proxy refused the connection',
  'portal.cause.PROXY_UNAVAILABLE': 'the proxy could not reach the portal',
  'portal.cause.other': (code: string) => code,
  'portal.err.caFile': (file: string, reason: string) => `Cannot use the CA file ${file}: ${reason}.`,
  'portal.hint.caFile': 'Give a PEM file holding one or more "-----BEGIN CERTIFICATE-----" blocks.',
  'portal.err.insecureConfig': (file: string, mode: string) => `${file} has mode ${mode}, and could not be set to 600; not saving a token there.`,
  'portal.err.badUrl': (input: string) => `"${input}" is not a portal URL (expected https://your-site.atlassian.net or https://jira.example.com).`,
  'portal.err.credentialsInUrl': (input: string) => `"${input}" holds a user name or password; give the portal's address alone.`,
  'portal.hint.credentialsInUrl': 'Sign in with: support login --portal URL --token-stdin (the token is stored apart from the address).',
  'portal.err.insecureHttp': (url: string, https: string) =>
    `Refusing to send credentials in clear text to ${url}: plain http:// is allowed only to this machine (localhost). Use ${https}`,
  'portal.hint.insecureHttp': 'For a lab portal without TLS, set SUPPORT_ALLOW_INSECURE_HTTP=1 to send them anyway.',
  'portal.warn.insecureHttp': (url: string) => `warning: sending credentials in clear text to ${url} (SUPPORT_ALLOW_INSECURE_HTTP=1).`,
  'portal.err.redirect': (host: string, status: number, target: string) => `${host} redirected the request (HTTP ${status}) to ${target}; redirects are not followed.`,
  'portal.hint.redirect': 'If that is the portal\'s real address, use it with --portal; a login page there means a proxy or single sign-on sits in front of the REST API.',
} as const;

export const ja: Catalog<typeof en> = {
  'portal.opt.caFile': 'システムの証明書に加えてこの PEM の CA 証明書 (プライベート CA) を信頼します',
  'portal.err.auth': (host) => `${host} が認証情報を拒否しました (HTTP 401)。`,
  'portal.err.authSeraph': (host, reason) => `${host} が認証情報を拒否しました (X-Seraph-LoginReason: ${reason})。`,
  'portal.err.authDenied': (host) =>
    `${host} が認証情報の確認を拒否しました (AUTHENTICATION_DENIED): サインインの失敗が続いたため CAPTCHA が有効になっています。`,
  'portal.hint.auth': 'もう一度サインインしてください: support login (別のプロファイルは --profile NAME)',
  'portal.hint.authDenied': 'Web ブラウザーで一度サインインして CAPTCHA を解除してから実行してください: support login',
  'portal.err.permission': (host) => `${host} でこの操作の権限がありません (HTTP 403)。`,
  'portal.err.unlicensed': (host) =>
    `${host} は JSM の API ではなく HTML ページを返しました (HTTP 403): Jira Service Management のライセンスがないか、インストールされていないようです。`,
  'portal.hint.unlicensed': 'Jira 管理者に Jira Service Management のライセンスを確認してもらってください (管理 > アプリケーション)。',
  'portal.err.proxyPage': (host) => `${host} との間にある何か (プロキシまたはファイアウォール) が HTML ページでリクエストを拒否しました (HTTP 403)。`,
  'portal.hint.proxyPage': 'HTTPS_PROXY / NO_PROXY を確認するか、ネットワーク管理者にこのポータルへの接続許可を依頼してください。',
  'portal.err.notFound': (host, path) => `${host} に見つかりません: ${path} (HTTP 404)。`,
  'portal.hint.notFound': 'キーや ID を確認してください。閲覧権限のないものにもポータルは 404 を返します。',
  'portal.err.validation': (host, status) => `${host} がリクエストを受け付けませんでした (HTTP ${status})。`,
  'portal.err.rateLimited': (host) => `${host} がリクエストの頻度を制限しています (HTTP 429)。`,
  'portal.notice.rateLimited': (host, seconds, attempt, max) =>
    `${host} がリクエストの頻度を制限しています (HTTP 429)。何も変更されていません。${seconds} 秒後に再送します (${max} 回中 ${attempt} 回目)。`,
  'portal.notice.paging': (path, reason, items) =>
    `一覧 ${path} の読み込みを ${items} 件で打ち切りました: ${
      {
        'start-ignored': 'サーバー (またはプロキシ) がページ位置 (start) を無視して別のページを返しました',
        'repeated-page': 'サーバーが同じページを繰り返し返しました',
        'not-advancing': 'サーバーが進まないページサイズを返しました',
        'too-many': 'サーバーが最後のページを示しませんでした',
      }[reason]
    }。ここまでに読んだ分を表示します。`,
  'portal.err.oddAnswer': (host, detail) =>
    `${host} の応答はこのクライアントが読めない形でした (${detail})。範囲外の日付や、文字列の場所に数値があるなど、JSM API の文書にない値です。`,
  'portal.hint.oddAnswer': '--debug を付けて再実行すると応答を確認できます。ポータルがプロキシやモックなら、その返す内容を確認してください。',
  'portal.hint.rateLimited': (seconds) => (seconds === undefined ? '少し待ってから再実行してください。' : `${seconds} 秒後に再実行してください。`),
  'portal.err.server': (host, status) => `${host} がリクエストを処理できませんでした (HTTP ${status})。`,
  'portal.hint.server': 'ポータル側の問題です。しばらくしてから再実行してください。--debug でやり取りを確認できます。',
  'portal.err.network': (host, cause) => `${host} に接続できません: ${cause}。`,
  'portal.hint.network': 'ポータルの URL とネットワークを確認してください。プロキシ経由の場合は HTTPS_PROXY (直接接続するホストは NO_PROXY) を設定してください。',
  'portal.hint.proxyUnreachable': 'HTTPS_PROXY / HTTP_PROXY のプロキシのアドレス (ブラウザーやパッケージマネージャーが使うホストとポート) を確認してください。このマシンからポータルに直接接続できる場合は設定を外してください。',
  'portal.hint.proxyAuth': 'プロキシのユーザー名とパスワードを URL に含めてください: HTTPS_PROXY=http://USER:PASSWORD@PROXY:PORT (パスワード中の @ や : は %40、%3A と書きます)。',
  'portal.hint.proxyRefused': 'プロキシがこのポータルへの接続を許可していません。ネットワーク管理者に依頼するか、ポータルに直接接続できる場合は NO_PROXY を設定してください。',
  'portal.hint.proxyUnavailable': 'プロキシは動いていますが、ポータルに接続できませんでした。ポータルの URL を確認し、しばらくしてから再度お試しください。',
  'portal.err.timeout': (host, what) => `${host} から時間内に応答がありませんでした: ${what}。`,
  'portal.hint.timeout': '再実行してください。回線が遅い場合は SUPPORT_CONNECT_TIMEOUT / SUPPORT_READ_TIMEOUT (秒) を増やしてください。',
  'portal.err.tlsUnknownCa': (host, code) => `${host} の証明書は、このマシンが信頼していない認証局の署名です (${code})。`,
  'portal.hint.tlsUnknownCa':
    'ポータルがプライベート CA を使っている場合は、その PEM 証明書を指定してください: --ca-file FILE または NODE_EXTRA_CA_CERTS=FILE。検証は無効にしないでください。',
  'portal.err.tls': (host, code) => `${host} との TLS 接続に失敗しました (${code})。`,
  'portal.hint.tls': 'ポータルの URL (証明書はホスト名と一致する必要があります) とマシンの時計を確認してください。',
  'portal.err.portalSaid': 'ポータルからのメッセージ:',
  'portal.cause.ECONNREFUSED': '接続が拒否されました、そのポートで待ち受けているものはありません',
  'portal.cause.ENOTFOUND': 'DNS でホスト名が見つかりません',
  'portal.cause.EAI_AGAIN': 'DNS でのホスト名の解決に一時的に失敗しました',
  'portal.cause.ECONNRESET': '接続がリセットされました',
  'portal.cause.EHOSTUNREACH': 'ホストに到達できません',
  'portal.cause.ENETUNREACH': 'ネットワークに到達できません',
  'portal.cause.CONNECT_TIMEOUT': '接続に時間がかかりすぎました',
  'portal.cause.HEADERS_TIMEOUT': '応答の待ち時間が長すぎました',
  'portal.cause.BODY_TIMEOUT': '応答の受信が途中で止まりました',
  'portal.cause.PROXY_UNREACHABLE': 'プロキシに接続できませんでした',
  'portal.cause.PROXY_AUTH': 'プロキシがユーザー名とパスワードを求めています',
  'portal.cause.PROXY_REFUSED': 'プロキシが接続を拒否しました',
  'portal.cause.PROXY_UNAVAILABLE': 'プロキシからポータルに接続できませんでした',
  'portal.cause.other': (code) => code,
  'portal.err.caFile': (file, reason) => `CA ファイル ${file} を使えません: ${reason}。`,
  'portal.hint.caFile': '"-----BEGIN CERTIFICATE-----" ブロックを 1 つ以上含む PEM ファイルを指定してください。',
  'portal.err.insecureConfig': (file, mode) => `${file} のモードが ${mode} で、600 に変更できませんでした。トークンは保存しません。`,
  'portal.err.badUrl': (input) => `"${input}" はポータルの URL ではありません (例: https://your-site.atlassian.net、https://jira.example.com)。`,
  'portal.err.credentialsInUrl': (input) => `"${input}" にユーザー名またはパスワードが含まれています。ポータルのアドレスだけを指定してください。`,
  'portal.hint.credentialsInUrl': 'サインインは support login --portal URL --token-stdin で行ってください (トークンはアドレスとは別に保存されます)。',
  'portal.err.insecureHttp': (url, https) =>
    `${url} へ認証情報を平文で送ることを拒否しました: 暗号化されない http:// はこのマシン (localhost) 宛てにのみ使えます。${https} を使ってください`,
  'portal.hint.insecureHttp': 'TLS のない検証用ポータルでは、SUPPORT_ALLOW_INSECURE_HTTP=1 を設定すると送信できます。',
  'portal.warn.insecureHttp': (url) => `警告: ${url} へ認証情報を平文で送信します (SUPPORT_ALLOW_INSECURE_HTTP=1)。`,
  'portal.err.redirect': (host, status, target) => `${host} がリクエストを ${target} へリダイレクトしました (HTTP ${status})。リダイレクトには従いません。`,
  'portal.hint.redirect': 'それがポータルの正しいアドレスなら --portal に指定してください。ログインページであれば、REST API の前にプロキシやシングルサインオンがあります。',
};
