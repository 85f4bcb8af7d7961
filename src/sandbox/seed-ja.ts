/**
 * The built-in portal's Japanese texts, as JSM serves them for `requestLanguage=ja-JP`: request
 * type names, descriptions and help, group names, each type's field labels and help, and the SLA
 * names. Option labels stay as they are (product names, levels).
 */
import type { CatalogTranslation } from './catalog.js';

const TECH = {
  customfield_10010: { name: '製品', description: 'お問い合わせの対象の Atlassian 製品。' },
  summary: { name: '要約', description: '何が起きているかを 1 行で。例: 「ページを PDF にエクスポートすると日本語が表示されない」' },
  customfield_10013: {
    name: '業務への影響',
    description: '業務への影響の大きさ。初回応答までの時間はこれで決まります。レベル 1 と 2 は本番環境専用です。',
  },
  description: { name: '詳細', description: '再現手順、期待した結果と実際の結果、いつからか、最近の変更。' },
  customfield_10015: { name: '電話番号', description: '連絡のつく電話番号 (国番号から)。' },
};

export const JA: CatalogTranslation = {
  groups: { '1': '技術的な問題とバグ', '2': '請求、支払い、価格', '3': 'アカウント' },
  // JSM's Japanese name of its default SLA metric "Time to first response".
  slaNames: { '1': '最初の応答までの時間' },
  requestTypes: {
    '1': {
      name: '技術的な問題とバグ (Server / Data Center)',
      description: '購入済みまたは評価中の Server / Data Center 製品の技術的な問題と使い方の質問。',
      helpText: 'ログと設定のサポート zip を添付してください。回答までのいちばんの近道です。',
      fields: {
        ...TECH,
        customfield_10011: { name: 'Data Center / Server 製品', description: '上の製品と異なる場合、使用している Data Center / Server のエディション。' },
        customfield_10012: {
          name: 'サポート資格番号 (SEN)',
          description: 'ライセンス固有の番号 (SEN-…)。製品のライセンスページと my.atlassian.com に表示されます。',
        },
        customfield_10014: { name: '製品バージョン', description: '使用している正確なバージョン。例: 9.12.3' },
        attachment: { name: '添付ファイル', description: 'ログと設定のサポート zip、スクリーンショット。' },
      },
    },
    '2': {
      name: '技術的な問題とバグ (Cloud)',
      description: '購入済みまたは評価中の Cloud 製品の技術的な問題と使い方の質問。',
      helpText: 'サイトの URL と、サポートがサイトのデータを確認してよいかをお知らせください。',
      fields: {
        ...TECH,
        customfield_10016: { name: 'Cloud サイトまたは製品', description: '影響を受けている Cloud 製品。' },
        customfield_10017: {
          name: 'サイト URL',
          description: 'サイトの URL。例: https://example.atlassian.net、Bitbucket のワークスペースなら https://bitbucket.org/team/',
        },
        attachment: { name: '添付ファイル', description: 'スクリーンショット、または失敗するページの HAR ファイル。' },
        customfield_10018: {
          name: 'Cloud サイトのデータへのアクセスを Atlassian サポートに許可する',
          description: 'サポートのためにサイトを確認することがあります。アクセスはいつでも取り消せます。',
        },
      },
    },
    '3': {
      name: '請求、支払い、価格',
      description: 'ライセンス、購入方法、請求金額。お急ぎの請求のご質問はお電話で。',
      helpText: 'SEN や請求書番号があればお知らせください。',
      fields: {
        summary: { name: '要約', description: '1 行で。例: 「請求書 IN-12345 の会社名が違う」' },
        customfield_10019: { name: '請求の内容', description: 'ご質問の種類。' },
        customfield_10012: { name: 'サポート資格番号 (SEN)', description: '対象のライセンスの SEN (SEN-…)。ライセンスについてのご質問の場合に。' },
        description: { name: '詳細', description: 'ご質問の内容。見積書、注文書、請求書の番号があれば添えてください。' },
        attachment: { name: '添付ファイル', description: '見積書、注文書、請求書など、役に立つもの。' },
        customfield_10015: { name: '電話番号', description: 'お急ぎの請求のご質問ではお電話することがあります。国番号から。' },
      },
    },
    '4': {
      name: 'アカウント',
      description: '契約の連絡先の変更、トライアルアカウントについての質問。',
      helpText: '組織名と対象の連絡先をお知らせください。',
      fields: {
        summary: { name: '要約', description: '1 行で。例: 「技術担当の連絡先を追加したい」' },
        description: { name: '詳細', description: '組織名、対象の連絡先 (名前とメールアドレス)、変更したい内容。' },
        attachment: { name: '添付ファイル', description: '役に立つもの。例: 署名入りの委任状。' },
        customfield_10015: { name: '電話番号', description: '連絡のつく電話番号 (国番号から)。' },
        customfield_10020: { name: 'アカウントの内容', description: 'ご質問の種類。' },
      },
    },
  },
};
