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

/** Type 2: Technical issues and bugs (Cloud). */
export const cloudMeta: CustomerRequestCreateMetaDTO = {
  canRaiseOnBehalfOf: true,
  canAddRequestParticipants: true,
  requestTypeFields: [
    product(true),
    summary,
    impact,
    details,
    attachment,
    phone,
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
    sen,
    summary,
    details,
    attachment,
    phone,
    field({
      fieldId: 'customfield_10019',
      name: 'Billing topic',
      jiraSchema: { type: 'option', custom: SELECT, customId: 10019 },
      validValues: opts(10060, ['Licence', 'Purchase', 'Invoice', 'Other']),
    }),
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
