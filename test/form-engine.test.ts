import { describe, expect, it } from 'vitest';
import { buildBody, digestOf, identityOf, maskBody, matchesIdentity, validateLocally } from '../src/form/body.js';
import { emptyState, fillForm, missingFlags, review, type FormIO, type FormMeta, type FormState } from '../src/form/engine.js';
import { describeFields, parseAnswer, toWire } from '../src/form/fields.js';
import { createT, type Lang } from '../src/i18n/index.js';
import { CancelledError } from '../src/lib/errors.js';
import { renderError } from '../src/cli/errors.js';
import { accountMeta, billingMeta, cloudMeta, foreignMeta, serverMeta } from './form-fixtures.js';
import { ScriptedPrompter, type Step } from './support/scripted-prompter.js';
import type { CustomerRequestCreateMetaDTO } from '../src/portal/types.js';

function metaOf(m: CustomerRequestCreateMetaDTO, technical = m === serverMeta || m === cloudMeta): FormMeta {
  return { fields: describeFields(m), canRaiseOnBehalfOf: m.canRaiseOnBehalfOf === true, canAddRequestParticipants: m.canAddRequestParticipants === true, technical };
}

function harness(steps: Step[], opts: { lang?: Lang; editor?: boolean } = {}) {
  const prompter = new ScriptedPrompter(steps);
  const notes: string[] = [];
  const saves: FormState[] = [];
  const t = createT(opts.lang ?? 'en');
  const io: FormIO = {
    prompter,
    t,
    note: (l) => notes.push(l),
    editor: opts.editor ?? false,
    save: async (s) => void saves.push(structuredClone(s)),
  };
  return { prompter, notes, saves, io, t };
}

const ids = { serviceDeskId: '1', requestTypeId: '1' };

describe('describeFields', () => {
  it("keeps the portal's order, recognises roles and leaves hidden fields alone", () => {
    const f = describeFields(serverMeta);
    expect(f.map((x) => x.id)).toEqual([
      'customfield_10010', 'customfield_10011', 'customfield_10012', 'summary', 'customfield_10013', 'description',
      'customfield_10014', 'attachment', 'customfield_10015',
    ]);
    expect(f.map((x) => x.role)).toEqual(['product', undefined, 'sen', 'summary', 'impact', 'details', 'version', 'attachment', 'phone']);
    const foreign = describeFields(foreignMeta);
    expect(foreign.find((x) => x.id === 'customfield_20005')).toBeUndefined();
    expect(foreign.find((x) => x.id === 'customfield_20001')?.role).toBe('sen');
    expect(foreign.find((x) => x.id === 'customfield_20002')?.role).toBe('impact');
    expect(foreign.map((x) => x.kind)).toEqual(['text', 'text', 'select', 'cascading', 'date', 'number', 'labels']);
  });

  it('converts generic values to the API input formats', () => {
    const t = createT('en');
    const fields = describeFields(foreignMeta);
    const get = (id: string) => fields.find((x) => x.id === id)!;
    const wire = (id: string, v: string) => {
      const p = parseAnswer(get(id), v, t);
      if (!p.ok) throw new Error(p.message);
      return toWire(get(id), p.value);
    };
    expect(wire('customfield_20003', 'ハードウェア > プリンター')).toEqual({ id: '1', child: { id: '12' } });
    expect(wire('duedate', '2026-12-01')).toBe('2026-12-01');
    expect(wire('customfield_20004', '3')).toBe(3);
    expect(wire('labels', 'a, b c')).toEqual(['a', 'b', 'c']);
    expect(wire('customfield_20002', '2')).toEqual({ id: '501' });
    expect(wire('customfield_20001', 'l7654321')).toBe('SEN-L7654321');
    expect(parseAnswer(get('duedate'), 'tomorrow', t).ok).toBe(false);
    expect(parseAnswer(get('customfield_20004'), 'many', t).ok).toBe(false);
    expect(parseAnswer(get('customfield_20003'), 'ソフトウェア', t).ok).toBe(false);
  });
});

describe('guided form', () => {
  it("Server / Data Center: asks in the portal's order and builds the body", async () => {
    const h = harness([
      { kind: 'select', message: /Product/, pick: /^Confluence$/ },
      { kind: 'select', message: /Data Center \/ Server product/, pick: /Confluence Data Center/ },
      { kind: 'input', message: /SEN/, answer: 'sen-1234567' },
      { kind: 'input', message: /Summary/, answer: 'PDF export drops Japanese text' },
      { kind: 'confirm', message: /production instance/, answer: true },
      { kind: 'select', message: /Business impact/, pick: /Level 2/ },
      { kind: 'input', message: /Details/, answer: 'Export any page with Japanese text to PDF.' },
      { kind: 'input', message: /finish/, answer: 'The text is missing since 9.2.' },
      { kind: 'input', message: /finish/, answer: '' },
      { kind: 'input', message: /Product version/, answer: '9.2.1' },
      { kind: 'input', message: /Files to attach/, answer: '' },
      { kind: 'input', message: /Phone/, answer: '' },
      { kind: 'input', message: /Participants/, answer: 'ops@example.com, dba@example.com' },
      { kind: 'input', message: /behalf/, answer: '' },
    ]);
    const meta = metaOf(serverMeta);
    const state = emptyState();
    expect(await fillForm(meta, state, h.io)).toBeUndefined();
    expect(h.prompter.done).toBe(true);
    // Levels come with their meaning.
    expect(h.prompter.asked.find((a) => /Business impact/.test(a.message))?.choices?.[0]).toMatch(/Level 1 - Critical — production is down/);
    // Every answer was saved as it was given.
    expect(h.saves.length).toBe(12);
    expect(h.saves[0]!.values.customfield_10010).toBe('10002');
    expect(missingFlags(meta, state)).toEqual([]);
    const body = buildBody(ids, meta, state, { t: h.t });
    expect(body).toEqual({
      serviceDeskId: '1',
      requestTypeId: '1',
      requestFieldValues: {
        customfield_10010: { id: '10002' },
        customfield_10011: { id: '10021' },
        customfield_10012: 'SEN-1234567',
        summary: 'PDF export drops Japanese text',
        customfield_10013: { id: '10101' },
        description:
          'Export any page with Japanese text to PDF.\nThe text is missing since 9.2.\n\nProduction instance: yes',
        customfield_10014: '9.2.1',
      },
      requestParticipants: ['ops@example.com', 'dba@example.com'],
    });
  });

  it('non-production caps the levels at 3-4 and records it', async () => {
    const h = harness([
      { kind: 'select', pick: /^Jira$/ },
      { kind: 'input', answer: 'Slow board on staging' },
      { kind: 'confirm', message: /production/, answer: false },
      { kind: 'select', message: /Business impact/, pick: /Level 3/ },
      { kind: 'editor', message: /Details/, answer: 'Steps to reproduce:\nopen the board\n' },
    ], { editor: true });
    const meta = metaOf(serverMeta);
    const state = emptyState();
    state.skipped = meta.fields.filter((f) => !f.required).map((f) => f.id);
    state.participants = [];
    state.onBehalfOf = '';
    await fillForm(meta, state, h.io);
    const levels = h.prompter.asked.find((a) => /Business impact/.test(a.message))!.choices!;
    expect(levels).toHaveLength(2);
    expect(levels.every((c) => /Level [34]/.test(c))).toBe(true);
    expect(h.notes.join('\n')).toMatch(/Levels 1 and 2 are not available/);
    const body = buildBody(ids, meta, state, { t: h.t });
    expect(body.requestFieldValues.description).toMatch(/^Steps to reproduce:\nopen the board\n\nProduction instance: no \(test or staging\)/);
  });

  it('refuses a details text that is only the template', async () => {
    const h = harness([{ kind: 'editor', answer: 'Steps to reproduce:\n\nWhat you expected:\n' }], { editor: true });
    const meta = metaOf(accountMeta);
    const state: FormState = { ...emptyState(), values: { summary: 'x' } };
    await expect(fillForm(meta, state, h.io)).rejects.toThrow(/rejected: Please write the details/);
  });

  it('Cloud: site URL normalised, consent recorded on the checkbox field only (no sentence of ours in the description)', async () => {
    const h = harness([
      { kind: 'select', pick: /^Jira$/ },
      { kind: 'select', message: /Cloud site or product/, pick: /Atlassian Cloud site/ },
      { kind: 'input', message: /Site URL/, answer: 'https://Example.atlassian.net/jira/your-work' },
      { kind: 'input', answer: 'Automation rule fails' },
      { kind: 'confirm', answer: true },
      { kind: 'select', pick: /Level 1/ },
      { kind: 'input', message: /Details/, answer: 'Rule X fails since Monday.' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /Files/, answer: '' },
      { kind: 'input', message: /Phone/, answer: '+81 3-1234-5678' },
      { kind: 'confirm', message: /Grant Atlassian Support access to the data in my Cloud site\?/, answer: true },
      { kind: 'input', message: /Participants/, answer: '' },
      { kind: 'input', message: /behalf/, answer: 'boss@example.com' },
    ]);
    const meta = metaOf(cloudMeta);
    const state = emptyState();
    await fillForm(meta, state, h.io);
    const body = buildBody({ serviceDeskId: '1', requestTypeId: '2' }, meta, state, { t: h.t });
    expect(body.requestFieldValues.customfield_10017).toBe('https://example.atlassian.net');
    expect(body.requestFieldValues.customfield_10018).toEqual([{ id: '10050' }]);
    expect(body.requestFieldValues.customfield_10015).toBe('+81 3-1234-5678');
    expect(body.requestFieldValues.description).toBe('Rule X fails since Monday.\n\nProduction instance: yes');
    expect(body.raiseOnBehalfOf).toBe('boss@example.com');
    expect(body.requestParticipants).toBeUndefined();
  });

  it('Cloud with --yes (no review to give it from): refusing consent cancels and files nothing', async () => {
    const h = harness([{ kind: 'confirm', message: /Grant Atlassian Support access/, answer: false }]);
    const meta = metaOf(cloudMeta);
    const state: FormState = {
      ...emptyState(),
      values: { customfield_10010: '10000', summary: 's', customfield_10013: '10103', description: 'd' },
      production: true,
    };
    const err = await fillForm(meta, state, h.io, { requiredOnly: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CancelledError);
    expect((err as CancelledError).reason).toBe('consent-refused');
    expect(renderError(err, createT('en')).message).toMatch(/needs your consent/);
  });

  it('an invalid site URL is refused at the prompt with an example', async () => {
    const meta = metaOf(cloudMeta);
    const f = meta.fields.find((x) => x.id === 'customfield_10017')!;
    const p = parseAnswer(f, 'https://example.com', createT('en'));
    expect(p).toEqual({ ok: false, message: expect.stringMatching(/not an Atlassian Cloud site \(e\.g\. https:\/\/example\.atlassian\.net/) });
  });

  it('billing and account forms ask their own fields', async () => {
    const b = harness([
      { kind: 'input', message: /Summary/, answer: 'Invoice address' },
      { kind: 'select', message: /Billing topic/, pick: /Invoice/ },
      { kind: 'input', message: /SEN/, answer: '' },
      { kind: 'input', message: /Details/, answer: 'Please change the address.' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /Files/, answer: '' },
      { kind: 'input', message: /Phone/, answer: '' },
      { kind: 'input', message: /Participants/, answer: '' },
      { kind: 'input', message: /behalf/, answer: '' },
    ]);
    const bs = emptyState();
    await fillForm(metaOf(billingMeta), bs, b.io);
    expect(bs.values).toEqual({ summary: 'Invoice address', description: 'Please change the address.', customfield_10019: '10062' });
    expect(b.prompter.done).toBe(true);

    const a = harness([
      { kind: 'input', message: /Summary/, answer: 'New billing contact' },
      { kind: 'input', message: /Details/, answer: 'Replace Alice by Bob.' },
      { kind: 'input', answer: '' },
      { kind: 'select', message: /Account topic/, pick: /Change of contacts/ },
    ]);
    const as = emptyState();
    await fillForm(metaOf(accountMeta), as, a.io);
    expect(as.values.customfield_10020).toBe('10070');
    expect(a.prompter.done).toBe(true);
  });

  it.each([
    ['Trello', 'trello'],
    ['Sourcetree', 'sourcetree'],
  ])('%s is redirected before any other question', async (name, product) => {
    const h = harness([{ kind: 'select', message: /Product/, pick: new RegExp(`^${name}$`) }]);
    expect(await fillForm(metaOf(cloudMeta), emptyState(), h.io)).toBe(product);
    expect(h.prompter.done).toBe(true);
  });

  it('review: edit a field, then send; every value is listed', async () => {
    const meta = metaOf(accountMeta);
    const state: FormState = { ...emptyState(), values: { summary: 'Old summary', description: 'd', customfield_10020: '10071' } };
    const h = harness([
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Summary$/ },
      { kind: 'input', message: /Summary/, answer: 'New summary' },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    await review(meta, state, h.io);
    expect(state.values.summary).toBe('New summary');
    const screens = h.notes.join('\n');
    expect(screens).toContain('Summary *: Old summary');
    expect(screens).toContain('Summary *: New summary');
    expect(screens).toContain('Account topic: Trial account');
    expect(h.saves.at(-1)?.values.summary).toBe('New summary');
  });

  it('review: cancel throws CancelledError', async () => {
    const h = harness([{ kind: 'select', answer: 'cancel' }]);
    await expect(review(metaOf(accountMeta), { ...emptyState(), values: { summary: 's', description: 'd' } }, h.io)).rejects.toBeInstanceOf(CancelledError);
  });

  it.each([0, 1, 2, 3, 4])('Ctrl-C at step %i stops the form with CancelledError and keeps the answers given', async (at) => {
    const script: Step[] = [
      { kind: 'select', pick: /^Jira$/ },
      { kind: 'select', enter: true },
      { kind: 'input', answer: '' },
      { kind: 'input', answer: 'Summary text' },
      { kind: 'confirm', answer: true },
    ];
    const steps = script.slice(0, at);
    steps.push({ ...script[at]!, answer: 'cancel' } as Step);
    const h = harness(steps);
    await expect(fillForm(metaOf(serverMeta), emptyState(), h.io)).rejects.toBeInstanceOf(CancelledError);
    expect(h.saves.length).toBe(at);
  });

  it('Japanese: prompts, level meanings and template are in Japanese', async () => {
    const h = harness(
      [
        { kind: 'input', message: /件名/, answer: '画面が表示されない' },
        { kind: 'confirm', message: /本番環境/, answer: true },
        { kind: 'select', message: /業務への影響/, pick: /レベル 2/ },
      ],
      { lang: 'ja', editor: true },
    );
    const meta = metaOf(foreignMeta);
    const state = emptyState();
    state.skipped = meta.fields.filter((f) => !f.required).map((f) => f.id);
    await fillForm(meta, state, h.io);
    expect(h.prompter.asked[2]!.choices![0]).toMatch(/レベル 1 — 本番環境が停止/);
    expect(state.values.customfield_20002).toBe('501');
    expect(h.t('form.details.steps')).toBe('再現手順:');
  });
});

describe('scripted completeness', () => {
  it('names every missing flag, with --field for fields without a dedicated flag', () => {
    const meta = metaOf(foreignMeta);
    expect(missingFlags(meta, emptyState())).toEqual(['--summary', '--impact']);
    const server = metaOf(serverMeta);
    const s: FormState = { ...emptyState(), values: { customfield_10013: '10100' } };
    expect(missingFlags(server, s)).toEqual(['--product', '--summary', '--details', '--production']);
    const cloud = metaOf({ ...cloudMeta, requestTypeFields: [...(cloudMeta.requestTypeFields ?? []), { fieldId: 'customfield_9', name: 'Team', required: true, visible: true, jiraSchema: { type: 'string' } }] });
    expect(missingFlags(cloud, emptyState())).toContain('--field customfield_9=VALUE');
    expect(missingFlags(cloud, emptyState())).toContain('--grant-access');
  });

  it('validates locally and masks secrets in dry-run output', () => {
    const t = createT('en');
    const meta = metaOf({
      requestTypeFields: [
        { fieldId: 'summary', name: 'Summary', required: true, visible: true, jiraSchema: { type: 'string', system: 'summary' } },
        { fieldId: 'customfield_1', name: 'Database password', visible: true, jiraSchema: { type: 'string' } },
        { fieldId: 'customfield_2', name: 'Colour', visible: true, jiraSchema: { type: 'option' }, validValues: [{ value: '1', label: 'Red' }] },
      ],
    });
    const state: FormState = { ...emptyState(), values: { customfield_1: 'hunter2', customfield_2: '9' } };
    expect(validateLocally(meta, state, t)).toEqual(['missing: --summary', expect.stringMatching(/"9" is not a choice of Colour/)]);
    const body = buildBody(ids, meta, state, { t });
    expect(maskBody(body, meta).requestFieldValues).toEqual({ customfield_1: '********', customfield_2: { id: '9' } });
    expect(body.requestFieldValues.customfield_1).toBe('hunter2');
  });
});

describe('a request known by its content', () => {
  const body = {
    serviceDeskId: '1',
    requestTypeId: '3',
    requestFieldValues: { summary: 'Merge my accounts', description: 'Both use the same e-mail.\nPlease merge.', customfield_10020: { value: 'Other' } },
  };
  const shown = (over: Record<string, unknown> = {}, fields: Record<string, unknown> = {}) => ({
    serviceDeskId: '1',
    requestTypeId: '3',
    requestFieldValues: Object.entries({ summary: 'Merge my accounts', description: 'Both use the same e-mail.\r\nPlease merge.  \n', ...fields }).map(([fieldId, value]) => ({ fieldId, value })),
    ...over,
  });

  it('the same body has the same digest whatever the order of its keys; any change gives another', () => {
    const reordered = { requestTypeId: '3', serviceDeskId: '1', requestFieldValues: { customfield_10020: { value: 'Other' }, description: body.requestFieldValues.description, summary: 'Merge my accounts' } };
    expect(digestOf(reordered)).toBe(digestOf(body));
    expect(digestOf({ ...body, requestFieldValues: { ...body.requestFieldValues, summary: 'Merge my accounts!' } })).not.toBe(digestOf(body));
    expect(digestOf({ ...body, requestParticipants: ['a'] })).not.toBe(digestOf(body));
  });

  it('matches the portal’s copy by desk, type and text (line ends and trailing blanks aside), nothing else', () => {
    const id = identityOf(body);
    expect(id).toEqual({ serviceDeskId: '1', requestTypeId: '3', text: { summary: 'Merge my accounts', description: 'Both use the same e-mail.\nPlease merge.' } });
    expect(matchesIdentity(shown(), id)).toBe(true);
    expect(matchesIdentity(shown({ requestTypeId: '4' }), id)).toBe(false);
    expect(matchesIdentity(shown({ serviceDeskId: '2' }), id)).toBe(false);
    expect(matchesIdentity(shown({}, { description: 'Both use the same e-mail.' }), id)).toBe(false);
    expect(matchesIdentity(shown({}, { summary: 'Merge my account' }), id)).toBe(false);
    expect(matchesIdentity({ requestFieldValues: [] }, id)).toBe(false);
  });
});
