// Field metadata as the seed's portal (and a foreign, Japanese-named portal) send it from
// GET /servicedesk/{id}/requesttype/{id}/field. Written out by hand, independent of the sandbox code.
import type { CustomerRequestCreateMetaDTO, RequestTypeFieldDTO } from '../src/portal/types.js';

const SELECT = 'com.atlassian.jira.plugin.system.customfieldtypes:select';
const TEXT = 'com.atlassian.jira.plugin.system.customfieldtypes:textfield';

function opts(first: number, labels: string[]) {
  return labels.map((label, i) => ({ value: String(first + i), label, children: [] }));
}

function field(f: Partial<RequestTypeFieldDTO> & { fieldId: string; name: string }): RequestTypeFieldDTO {
  return { description: '', required: false, visible: true, validValues: [], defaultValues: [], presetValues: [], ...f };
}

const product = (required: boolean) =>
  field({
    fieldId: 'customfield_10010',
    name: 'Product',
    required,
    jiraSchema: { type: 'option', custom: SELECT, customId: 10010 },
    validValues: opts(10000, ['Jira', 'Jira Service Management', 'Confluence', 'Bitbucket', 'Bamboo', 'Crowd', 'Fisheye / Crucible', 'Sourcetree', 'Trello']),
  });
const summary = field({ fieldId: 'summary', name: 'Summary', required: true, jiraSchema: { type: 'string', system: 'summary' } });
const impact = field({
  fieldId: 'customfield_10013',
  name: 'Business impact',
  required: true,
  jiraSchema: { type: 'option', custom: SELECT, customId: 10013 },
  validValues: opts(10100, ['Level 1 - Critical', 'Level 2 - Significant', 'Level 3 - Some', 'Level 4 - Minimal']),
});
const details = field({ fieldId: 'description', name: 'Details', required: true, jiraSchema: { type: 'string', system: 'description' } });
const attachment = field({ fieldId: 'attachment', name: 'Attachments', jiraSchema: { type: 'array', items: 'attachment', system: 'attachment' } });
const phone = field({ fieldId: 'customfield_10015', name: 'Phone number', jiraSchema: { type: 'string', custom: TEXT, customId: 10015 } });
const sen = field({ fieldId: 'customfield_10012', name: 'Support Entitlement Number (SEN)', jiraSchema: { type: 'string', custom: TEXT, customId: 10012 } });

/** Type 1: Technical issues and bugs (Server / Data Center). */
export const serverMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: true,
  canAddRequestParticipants: true,
  requestTypeFields: [
    product(true),
    field({
      fieldId: 'customfield_10011',
      name: 'Data Center / Server product',
      jiraSchema: { type: 'option', custom: SELECT, customId: 10011 },
      validValues: opts(10020, ['Jira Software Data Center', 'Confluence Data Center']),
    }),
    sen,
    summary,
    impact,
    details,
    field({ fieldId: 'customfield_10014', name: 'Product version', jiraSchema: { type: 'string', custom: TEXT, customId: 10014 } }),
    attachment,
    phone,
  ],
};

/** Type 2: Technical issues and bugs (Cloud), in the portal's order: the site before the consent. */
export const cloudMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: true,
  canAddRequestParticipants: true,
  requestTypeFields: [
    product(true),
    field({
      fieldId: 'customfield_10016',
      name: 'Cloud site or product',
      jiraSchema: { type: 'option', custom: SELECT, customId: 10016 },
      validValues: opts(10040, ['Atlassian Cloud site', 'Bitbucket Cloud', 'Other cloud product']),
    }),
    field({
      fieldId: 'customfield_10017',
      name: 'Site URL',
      jiraSchema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:url', customId: 10017 },
    }),
    summary,
    impact,
    details,
    attachment,
    phone,
    field({
      fieldId: 'customfield_10018',
      name: 'Grant Atlassian Support access to the data in my Cloud site',
      required: true,
      jiraSchema: { type: 'array', items: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes', customId: 10018 },
      validValues: opts(10050, ['Yes, I grant access (revocable at any time)']),
    }),
  ],
};

/** Type 3: Billing. */
export const billingMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: true,
  canAddRequestParticipants: true,
  requestTypeFields: [
    summary,
    field({
      fieldId: 'customfield_10019',
      name: 'Billing topic',
      jiraSchema: { type: 'option', custom: SELECT, customId: 10019 },
      validValues: opts(10060, ['Licence', 'Purchase', 'Invoice', 'Other']),
    }),
    sen,
    details,
    attachment,
    phone,
  ],
};

/** Type 4: Account. */
export const accountMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: false,
  canAddRequestParticipants: false,
  requestTypeFields: [
    summary,
    details,
    field({
      fieldId: 'customfield_10020',
      name: 'Account topic',
      jiraSchema: { type: 'option', custom: SELECT, customId: 10020 },
      validValues: opts(10070, ['Change of contacts', 'Trial account', 'Other']),
    }),
  ],
};

/** Another company's portal: Japanese names, other ids, generic field types, a hidden field. */
export const foreignMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: false,
  canAddRequestParticipants: false,
  requestTypeFields: [
    field({ fieldId: 'summary', name: '件名', required: true, jiraSchema: { type: 'string', system: 'summary' } }),
    field({ fieldId: 'customfield_20001', name: 'サポート資格番号', jiraSchema: { type: 'string', custom: TEXT } }),
    field({ fieldId: 'customfield_20002', name: '業務への影響', required: true, jiraSchema: { type: 'option', custom: SELECT }, validValues: opts(500, ['レベル 1', 'レベル 2', 'レベル 3', 'レベル 4']) }),
    field({
      fieldId: 'customfield_20003',
      name: '分類',
      jiraSchema: { type: 'option-with-child', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:cascadingselect' },
      validValues: [{ value: '1', label: 'ハードウェア', children: [{ value: '11', label: 'PC' }, { value: '12', label: 'プリンター' }] }],
    }),
    field({ fieldId: 'duedate', name: '期日', jiraSchema: { type: 'date', system: 'duedate' } }),
    field({ fieldId: 'customfield_20004', name: '台数', jiraSchema: { type: 'number', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:float' } }),
    field({ fieldId: 'labels', name: 'ラベル', jiraSchema: { type: 'array', items: 'string', system: 'labels' } }),
    field({ fieldId: 'customfield_20005', name: '内部メモ', required: true, visible: false, jiraSchema: { type: 'string', custom: TEXT }, presetValues: ['x'] }),
  ],
};

const URL_TYPE = 'com.atlassian.jira.plugin.system.customfieldtypes:url';
const CHECKBOXES = 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes';

/**
 * A real site's support form: the same questions as the seed's Cloud and Server forms, under the ids
 * Jira gave them there (custom field ids are per site), in another order.
 */
export const siteMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: true,
  canAddRequestParticipants: true,
  requestTypeFields: [
    summary,
    field({ fieldId: 'customfield_10150', name: 'Impact', required: true, jiraSchema: { type: 'option', custom: SELECT, customId: 10150 }, validValues: opts(30000, ['Level 1 - Critical', 'Level 2 - Significant', 'Level 3 - Some', 'Level 4 - Minimal']) }),
    details,
    field({ fieldId: 'customfield_10204', name: 'Product', required: true, jiraSchema: { type: 'option', custom: SELECT, customId: 10204 }, validValues: opts(30100, ['Jira', 'Confluence', 'Bitbucket', 'Trello']) }),
    field({ fieldId: 'customfield_10031', name: 'Server / Data Center product', jiraSchema: { type: 'option', custom: SELECT, customId: 10031 }, validValues: opts(30200, ['Jira Software Data Center', 'Confluence Data Center']) }),
    field({ fieldId: 'customfield_20012', name: 'Support entitlement number', jiraSchema: { type: 'string', custom: TEXT, customId: 20012 } }),
    field({ fieldId: 'customfield_20014', name: 'Version', jiraSchema: { type: 'string', custom: TEXT, customId: 20014 } }),
    field({ fieldId: 'fixVersions', name: 'Fix versions', jiraSchema: { type: 'array', items: 'version', system: 'fixVersions' }, validValues: opts(1, ['1.0', '2.0']) }),
    field({ fieldId: 'customfield_20015', name: 'Contact phone', jiraSchema: { type: 'string', custom: TEXT, customId: 20015 } }),
    field({ fieldId: 'customfield_20017', name: 'Site URL', jiraSchema: { type: 'string', custom: URL_TYPE, customId: 20017 } }),
    field({ fieldId: 'customfield_20018', name: 'Consent to access my site', required: true, jiraSchema: { type: 'option', custom: SELECT, customId: 20018 }, validValues: opts(30300, ['No', 'Yes']) }),
    attachment,
  ],
};

/** The same form on a Japanese site: Japanese names, levels as レベル1..4, other ids again. */
export const siteMetaJa: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: false,
  canAddRequestParticipants: true,
  requestTypeFields: [
    field({ fieldId: 'summary', name: '件名', required: true, jiraSchema: { type: 'string', system: 'summary' } }),
    field({ fieldId: 'description', name: '詳細', required: true, jiraSchema: { type: 'string', system: 'description' } }),
    field({ fieldId: 'customfield_20010', name: '製品', required: true, jiraSchema: { type: 'option', custom: SELECT }, validValues: opts(40000, ['Jira', 'Confluence']) }),
    field({ fieldId: 'customfield_20011', name: '優先度', required: true, jiraSchema: { type: 'option', custom: SELECT }, validValues: opts(40100, ['レベル1', 'レベル2', 'レベル3', 'レベル4']) }),
    field({ fieldId: 'customfield_20013', name: 'サポート資格番号 (SEN)', jiraSchema: { type: 'string', custom: TEXT } }),
    field({ fieldId: 'customfield_20016', name: '製品バージョン', jiraSchema: { type: 'string', custom: TEXT } }),
    field({ fieldId: 'customfield_20019', name: '電話番号', jiraSchema: { type: 'string', custom: TEXT } }),
    field({ fieldId: 'customfield_20020', name: 'サイトの URL', jiraSchema: { type: 'string', custom: URL_TYPE } }),
    field({ fieldId: 'customfield_20021', name: 'サイトのデータへのアクセスを許可する', required: true, jiraSchema: { type: 'array', items: 'option', custom: CHECKBOXES }, validValues: opts(40200, ['はい、許可します']) }),
    field({ fieldId: 'attachment', name: '添付ファイル', jiraSchema: { type: 'array', items: 'attachment', system: 'attachment' } }),
  ],
};

/**
 * A site where the sandbox's ids are other fields altogether: nothing here may get a role from its
 * id (`customfield_10013` is a colour, `customfield_10012` a department, ...).
 */
export const lookalikeMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: false,
  canAddRequestParticipants: false,
  requestTypeFields: [
    summary,
    field({ fieldId: 'customfield_10010', name: 'Office', jiraSchema: { type: 'option', custom: SELECT, customId: 10010 }, validValues: opts(50000, ['Tokyo', 'Osaka']) }),
    field({ fieldId: 'customfield_10012', name: 'Department', jiraSchema: { type: 'string', custom: TEXT, customId: 10012 } }),
    field({ fieldId: 'customfield_10013', name: 'Favourite colour', jiraSchema: { type: 'option', custom: SELECT, customId: 10013 }, validValues: opts(50100, ['Red', 'Green']) }),
    field({ fieldId: 'customfield_10014', name: 'Room', jiraSchema: { type: 'string', custom: TEXT, customId: 10014 } }),
    field({ fieldId: 'customfield_10015', name: 'Badge number', jiraSchema: { type: 'string', custom: TEXT, customId: 10015 } }),
    field({ fieldId: 'customfield_10017', name: 'Intranet page', jiraSchema: { type: 'string', custom: URL_TYPE, customId: 10017 } }),
    field({ fieldId: 'customfield_10018', name: 'Newsletter', jiraSchema: { type: 'array', items: 'option', custom: CHECKBOXES, customId: 10018 }, validValues: opts(50200, ['Yes']) }),
  ],
};
