/**
 * The sandbox's built-in portal: one service desk shaped like Atlassian's technical-support portal,
 * its request types, their fields, its customers and support engineer (the workflow is in
 * `workflow.ts`). The ids are fixed so that tests can rely on them; only the custom field ids move,
 * by the offset a sandbox is started with (`seedCatalog`). `--catalog FILE` replaces the desk,
 * groups, request types and fields (`catalog.ts`), never the people.
 */
import { buildCatalog, type CatalogField, type SandboxCatalog, type SandboxDesk, type SeedOption, type SeedRequestType, type TypeField } from './catalog.js';
import { JA } from './seed-ja.js';

/** The service desk every request lives in. */
const DESK: SandboxDesk = {
  id: '1',
  projectId: '10000',
  projectKey: 'SUP',
  projectName: 'Atlassian Support (sandbox)',
  projectTypeKey: 'service_desk',
  portalId: '1',
};

/** Temporary attachments that are not attached within this time expire (as on JSM). */
export const TEMP_ATTACHMENT_TTL_MS = 60 * 60_000;

/** Most files one attachTemporaryFile call accepts (JSM answers 413 beyond it). */
export const MAX_FILES_PER_UPLOAD = 60;

const SELECT = 'com.atlassian.jira.plugin.system.customfieldtypes:select';
const TEXT = 'com.atlassian.jira.plugin.system.customfieldtypes:textfield';
const URL_FIELD = 'com.atlassian.jira.plugin.system.customfieldtypes:url';
const CHECKBOXES = 'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes';

function options(first: number, labels: readonly string[]): SeedOption[] {
  return labels.map((label, i) => ({ value: String(first + i), label }));
}

/** The business impact field as written below (before any shift); its option sets the first-response goal. */
const IMPACT_FIELD = 'customfield_10013';
/** Impact option ids, for the SLA goal: Level 1 is the first. */
const IMPACT_OPTIONS = options(10100, [
  'Level 1 - Critical',
  'Level 2 - Significant',
  'Level 3 - Some',
  'Level 4 - Minimal',
]);

/** Products as the Product field's options: one id per product, whichever list offers it. */
const PRODUCT = {
  jira: { value: '10000', label: 'Jira' },
  jsm: { value: '10001', label: 'Jira Service Management' },
  confluence: { value: '10002', label: 'Confluence' },
  bitbucket: { value: '10003', label: 'Bitbucket' },
  bamboo: { value: '10004', label: 'Bamboo' },
  crowd: { value: '10005', label: 'Crowd' },
  fisheye: { value: '10006', label: 'Fisheye / Crucible' },
  sourcetree: { value: '10007', label: 'Sourcetree' },
  trello: { value: '10008', label: 'Trello' },
  jpd: { value: '10090', label: 'Jira Product Discovery' },
  compass: { value: '10091', label: 'Compass' },
  statuspage: { value: '10092', label: 'Statuspage' },
  loom: { value: '10093', label: 'Loom' },
} as const;

/**
 * A field with the label, help and options it has on one request type. JSM names and explains a
 * field per request type; its options come from the field's context, which Jira sets per issue
 * type (so the Cloud type, of its own issue type, offers the Cloud products).
 */
function field(base: CatalogField, over: Partial<Pick<CatalogField, 'name' | 'description' | 'validValues'>> = {}): CatalogField {
  return { ...base, ...over };
}

const F = {
  product: { fieldId: 'customfield_10010', name: 'Product', description: 'The Atlassian product this is about.', jiraSchema: { type: 'option', custom: SELECT, customId: 10010 } },
  dcProduct: {
    fieldId: 'customfield_10011',
    name: 'Data Center / Server product',
    description: 'The Data Center or Server edition you run, if it differs from the product above.',
    jiraSchema: { type: 'option', custom: SELECT, customId: 10011 },
    validValues: options(10020, [
      'Jira Software Data Center',
      'Jira Service Management Data Center',
      'Confluence Data Center',
      'Bitbucket Data Center',
      'Bamboo Data Center',
      'Crowd Data Center',
      'Fisheye / Crucible',
    ]),
  },
  sen: {
    fieldId: 'customfield_10012',
    name: 'Support Entitlement Number (SEN)',
    description: "The licence's unique serial (SEN-…), shown on the product's licence page and in my.atlassian.com.",
    jiraSchema: { type: 'string', custom: TEXT, customId: 10012 },
  },
  summary: { fieldId: 'summary', name: 'Summary', description: '', jiraSchema: { type: 'string', system: 'summary' } },
  impact: {
    fieldId: IMPACT_FIELD,
    name: 'Business impact',
    description: 'How badly this affects your business; the first-response time depends on it. Levels 1 and 2 are for production instances only.',
    jiraSchema: { type: 'option', custom: SELECT, customId: 10013 },
    validValues: IMPACT_OPTIONS,
  },
  details: { fieldId: 'description', name: 'Details', description: '', jiraSchema: { type: 'string', system: 'description' } },
  version: {
    fieldId: 'customfield_10014',
    name: 'Product version',
    description: 'The exact version you run, e.g. 9.12.3.',
    jiraSchema: { type: 'string', custom: TEXT, customId: 10014 },
  },
  attachment: { fieldId: 'attachment', name: 'Attachments', description: '', jiraSchema: { type: 'array', items: 'attachment', system: 'attachment' } },
  phone: {
    fieldId: 'customfield_10015',
    name: 'Phone number',
    description: 'A number we can call you on, with the country code.',
    jiraSchema: { type: 'string', custom: TEXT, customId: 10015 },
  },
  cloudSite: {
    fieldId: 'customfield_10016',
    name: 'Cloud site or product',
    description: 'Which cloud product is affected.',
    jiraSchema: { type: 'option', custom: SELECT, customId: 10016 },
    validValues: options(10040, ['Atlassian Cloud site', 'Bitbucket Cloud', 'Other cloud product']),
  },
  siteUrl: {
    fieldId: 'customfield_10017',
    name: 'Site URL',
    description: 'Your site, e.g. https://example.atlassian.net, or a Bitbucket workspace https://bitbucket.org/team/.',
    jiraSchema: { type: 'string', custom: URL_FIELD, customId: 10017 },
  },
  consent: {
    fieldId: 'customfield_10018',
    name: 'Grant Atlassian Support access to the data in my Cloud site',
    description: 'Support may need to look at your site to help; you can revoke the access at any time.',
    jiraSchema: { type: 'array', items: 'option', custom: CHECKBOXES, customId: 10018 },
    validValues: options(10050, ['Yes, I grant access (revocable at any time)']),
  },
  billingTopic: {
    fieldId: 'customfield_10019',
    name: 'Billing topic',
    description: 'What the question is about.',
    jiraSchema: { type: 'option', custom: SELECT, customId: 10019 },
    validValues: options(10060, ['Licence', 'Purchase', 'Invoice', 'Other']),
  },
  accountTopic: {
    fieldId: 'customfield_10020',
    name: 'Account topic',
    description: 'What the question is about.',
    jiraSchema: { type: 'option', custom: SELECT, customId: 10020 },
    validValues: options(10070, ['Change of contacts', 'Trial account', 'Other']),
  },
  organizations: {
    fieldId: 'customfield_10021',
    name: 'Organizations',
    description: 'The organizations whose members see the request too.',
    jiraSchema: { type: 'array', items: 'sd-customer-organization', custom: 'com.atlassian.servicedesk:sd-customer-organizations', customId: 10021 },
  },
} satisfies Record<string, CatalogField>;

const TECH_SUMMARY = 'One line that says what is wrong, e.g. "Japanese text is missing when a page is exported to PDF".';
const TECH_DETAILS = 'Steps to reproduce, what you expected and what happened, since when, and what changed recently.';
const req = (f: CatalogField): TypeField => ({ field: f, required: true });
const opt = (f: CatalogField): TypeField => ({ field: f, required: false });

/** Each request type's fields, in the order its form asks them. */
const FIELDS_OF: Readonly<Record<string, readonly TypeField[]>> = {
  '1': [
    req(field(F.product, { validValues: [PRODUCT.jira, PRODUCT.jsm, PRODUCT.confluence, PRODUCT.bitbucket, PRODUCT.bamboo, PRODUCT.crowd, PRODUCT.fisheye, PRODUCT.sourcetree] })),
    opt(F.dcProduct),
    opt(F.sen),
    req(field(F.summary, { description: TECH_SUMMARY })),
    req(F.impact),
    req(field(F.details, { description: TECH_DETAILS })),
    opt(F.version),
    opt(field(F.attachment, { description: 'The support zip of logs and configuration, screenshots.' })),
    opt(F.phone),
  ],
  '2': [
    req(field(F.product, { validValues: [PRODUCT.jira, PRODUCT.jsm, PRODUCT.confluence, PRODUCT.bitbucket, PRODUCT.jpd, PRODUCT.compass, PRODUCT.statuspage, PRODUCT.loom, PRODUCT.trello, PRODUCT.sourcetree] })),
    opt(F.cloudSite),
    opt(F.siteUrl),
    req(field(F.summary, { description: TECH_SUMMARY })),
    req(F.impact),
    req(field(F.details, { description: TECH_DETAILS })),
    opt(field(F.attachment, { description: 'Screenshots, or a HAR file of the page that fails.' })),
    opt(F.phone),
    req(F.consent),
  ],
  '3': [
    req(field(F.summary, { description: 'One line, e.g. "Invoice IN-12345 shows the wrong company name".' })),
    opt(F.billingTopic),
    opt(field(F.sen, { description: "The SEN (SEN-…) of the licence concerned, if the question is about one." })),
    req(field(F.details, { description: 'Your question, with the quote, order or invoice number if you have one.' })),
    opt(field(F.attachment, { description: 'The quote, purchase order or invoice, if it helps.' })),
    opt(field(F.phone, { description: 'For urgent billing questions we may call you; include the country code.' })),
  ],
  '4': [
    req(field(F.summary, { description: 'One line, e.g. "Add a new technical contact".' })),
    req(field(F.details, { description: 'The organisation, the contacts concerned (names and e-mails), and what should change.' })),
    opt(field(F.attachment, { description: 'Anything that helps, e.g. a signed letter of authorisation.' })),
    opt(F.phone),
    opt(F.accountTopic),
    opt(F.organizations),
  ],
};

const GROUPS = [
  { id: '1', name: 'Technical issues and bugs' },
  { id: '2', name: 'Billing, payments and pricing' },
  { id: '3', name: 'Account' },
] as const;

const REQUEST_TYPES: readonly SeedRequestType[] = [
  {
    id: '1',
    name: 'Technical issues and bugs (Server / Data Center)',
    description: 'Technical problems and how-to questions about a Server or Data Center product you bought or are evaluating.',
    helpText: 'Attach a support zip of the logs and configuration: it is the fastest way to an answer.',
    issueTypeId: '10100',
    groupIds: ['1'],
    icon: '10500',
  },
  {
    id: '2',
    name: 'Technical issues and bugs (Cloud)',
    description: 'Technical problems and how-to questions about a Cloud product you bought or are evaluating.',
    helpText: 'Tell us the site URL, and whether support may look at the data in your site.',
    issueTypeId: '10103',
    groupIds: ['1'],
    icon: '10501',
  },
  {
    id: '3',
    name: 'Billing, payments and pricing',
    description: 'Licences, how to buy, invoice amounts. For urgent billing questions, call us.',
    helpText: 'Quote your SEN or invoice number if you have one.',
    issueTypeId: '10101',
    groupIds: ['2'],
    icon: '10502',
  },
  {
    id: '4',
    name: 'Account',
    description: "Changing the contract's contacts, questions about trial accounts.",
    helpText: 'Tell us the organisation and the contacts concerned.',
    issueTypeId: '10102',
    groupIds: ['3'],
    icon: '10503',
  },
];

/** The built-in portal with every custom field id (and `jiraSchema.customId`) shifted by `fieldIdOffset`. */
export function seedCatalog(fieldIdOffset = 0): SandboxCatalog {
  return buildCatalog(
    {
      desk: DESK,
      groups: GROUPS,
      requestTypes: REQUEST_TYPES.map((type) => ({ type, fields: FIELDS_OF[type.id] ?? [] })),
      impactFieldId: IMPACT_FIELD,
      translations: { ja: JA },
    },
    fieldIdOffset,
  );
}

/** First-response goal by impact option id: L1 1h, L2 2h, L3 8h, L4 24h (and 24h without an impact). */
export function firstResponseGoalMs(impactOptionId: string | undefined): number {
  const hours: Record<string, number> = { '10100': 1, '10101': 2, '10102': 8, '10103': 24 };
  return (hours[impactOptionId ?? ''] ?? 24) * 3_600_000;
}

/** The simulated support engineer whose replies `support sandbox reply` posts. */
export const AGENT = {
  accountId: '5b10ac8d82e05b22cc7d0000',
  username: 'support-engineer',
  displayName: 'Atlassian Support (sandbox engineer)',
  emailAddress: 'support-engineer@sandbox.invalid',
} as const;

/** The customers created with a new data folder; `users[0]` is "you". */
export const CUSTOMERS = [
  { accountId: '5b10ac8d82e05b22cc7d4ef5', username: 'you', displayName: 'Sandbox Customer', email: 'you@sandbox.invalid' },
  { accountId: '5b10ac8d82e05b22cc7d4ef6', username: 'colleague', displayName: 'Another Customer', email: 'colleague@sandbox.invalid' },
] as const;
