// The guided form files what the person meant: Enter on an optional choice files nothing, the
// consent is asked after the site and defaults to the answer given, a refusal goes back to the review,
// each request type's own help is shown, the review edits in the order it shows, details can be
// replaced, production can change without asking a valid level again, and every text limit is
// checked before anything is sent.
import { describe, expect, it } from 'vitest';
import { limitProblems } from '../src/form/body.js';
import { emptyState, fillForm, review, type FormIO, type FormMeta, type FormState } from '../src/form/engine.js';
import { describeFields, parseAnswer } from '../src/form/fields.js';
import { createT } from '../src/i18n/index.js';
import type { CustomerRequestCreateMetaDTO } from '../src/portal/types.js';
import { accountMeta, billingMeta, cloudMeta, serverMeta } from './form-fixtures.js';
import { ScriptedPrompter, type Step } from './support/scripted-prompter.js';

function metaOf(m: CustomerRequestCreateMetaDTO, technical = m === serverMeta || m === cloudMeta): FormMeta {
  return { fields: describeFields(m), canRaiseOnBehalfOf: m.canRaiseOnBehalfOf === true, canAddRequestParticipants: m.canAddRequestParticipants === true, technical };
}

function harness(steps: Step[], opts: { editor?: boolean } = {}) {
  const prompter = new ScriptedPrompter(steps);
  const notes: string[] = [];
  const t = createT('en');
  const io: FormIO = { prompter, t, note: (l) => notes.push(l), editor: opts.editor ?? false, save: async () => undefined };
  return { prompter, notes, io, t };
}

const asked = (p: ScriptedPrompter, re: RegExp) => p.asked.find((a) => re.test(a.message));

describe('help shown once', () => {
  it("the SEN field gets the portal's own help when it has some, and where to find the SEN only when it has none", async () => {
    for (const portalHelp of ['The serial on your licence page (SEN-…).', undefined]) {
      const h = harness([{ kind: 'input', message: /SEN/, answer: '' }]);
      const meta = metaOf(serverMeta);
      const sen = meta.fields.find((f) => f.role === 'sen')!;
      const fields = meta.fields.map((f) => (f === sen ? { ...f, description: portalHelp ?? '' } : f));
      const state = emptyState();
      state.skipped = fields.filter((f) => f !== sen && f.id !== sen.id).map((f) => f.id);
      state.participants = [];
      state.onBehalfOf = '';
      await fillForm({ ...meta, fields }, state, h.io);
      const notes = h.notes.join('\n');
      if (portalHelp) {
        expect(notes).toContain(portalHelp);
        expect(notes).not.toContain('Administration > Licensing');
      } else {
        expect(notes).toContain('Administration > Licensing');
      }
    }
  });
});

describe('optional single choices', () => {
  it('start on "(none)", listed first: Enter through the Server form files no Data Center product', async () => {
    const h = harness([
      { kind: 'select', message: /^Product$/, enter: true },
      { kind: 'select', message: /Data Center \/ Server product/, enter: true },
      { kind: 'input', message: /SEN/, answer: '' },
    ]);
    const meta = metaOf(serverMeta);
    const state = emptyState();
    state.skipped = meta.fields.filter((f) => !/customfield_1001[012]/.test(f.id)).map((f) => f.id);
    state.participants = [];
    state.onBehalfOf = '';
    await fillForm(meta, state, h.io);
    const dc = asked(h.prompter, /Data Center \/ Server product/)!;
    expect(dc.choices?.[0]).toBe('(none)');
    expect(dc.default).toBe('');
    expect(state.values.customfield_10011).toBeUndefined();
    expect(state.skipped).toContain('customfield_10011');
    // A required choice has no "none": Enter takes its first option.
    expect(asked(h.prompter, /^Product$/)!.choices).not.toContain('(none)');
    expect(state.values.customfield_10010).toBe('10000');
  });

  it('Enter through the Billing form leaves the topic empty; a topic picked before is where the cursor starts', async () => {
    const h = harness([
      { kind: 'input', message: /Summary/, answer: 'Invoice address' },
      { kind: 'select', message: /Billing topic/, enter: true },
    ]);
    const meta = metaOf(billingMeta);
    const state = emptyState();
    state.skipped = meta.fields.filter((f) => f.id !== 'summary' && f.id !== 'customfield_10019').map((f) => f.id);
    state.participants = [];
    state.onBehalfOf = '';
    await fillForm(meta, state, h.io);
    expect(state.values).toEqual({ summary: 'Invoice address' });

    const again = harness([
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Billing topic$/ },
      { kind: 'select', message: /Billing topic/, enter: true },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    const picked: FormState = { ...emptyState(), values: { summary: 's', description: 'd', customfield_10019: '10062' }, participants: [], onBehalfOf: '' };
    await review(meta, picked, again.io);
    expect(asked(again.prompter, /Billing topic/)!.default).toBe('10062');
    expect(picked.values.customfield_10019).toBe('10062');
  });
});

describe('Cloud consent', () => {
  const filled = (): FormState => ({
    ...emptyState(),
    values: { customfield_10010: '10000', summary: 's', customfield_10013: '10103', description: 'd' },
    skipped: ['customfield_10016', 'customfield_10017', 'attachment', 'customfield_10015'],
    production: true,
    participants: [],
    onBehalfOf: '',
  });

  it('is asked after the site URL (the portal asks for the site first), defaulting to no', async () => {
    const h = harness([
      { kind: 'select', message: /^Product$/, pick: /^Jira$/ },
      { kind: 'select', message: /Cloud site or product/, enter: true },
      { kind: 'input', message: /Site URL/, answer: 'example' },
      { kind: 'input', message: /Summary/, answer: 'Automation fails' },
      { kind: 'confirm', message: /production/, answer: true },
      { kind: 'select', message: /Business impact/, pick: /Level 3/ },
      { kind: 'input', message: /Details/, answer: 'Rule X fails.' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /Files/, answer: '' },
      { kind: 'input', message: /Phone/, answer: '' },
      { kind: 'confirm', message: /Grant Atlassian Support access/, answer: true },
      { kind: 'input', message: /Participants/, answer: '' },
      { kind: 'input', message: /behalf/, answer: '' },
    ]);
    await fillForm(metaOf(cloudMeta), emptyState(), h.io);
    const order = h.prompter.asked.map((a) => a.message);
    expect(order.findIndex((m) => /Grant/.test(m))).toBeGreaterThan(order.findIndex((m) => /Site URL/.test(m)));
    expect(asked(h.prompter, /Grant/)!.default).toBe(false);
  });

  it('a no goes to the review with the reason, Send disabled; Edit → Grant → yes, then Send files it', async () => {
    const meta = metaOf(cloudMeta);
    const state = filled();
    const h = harness([
      { kind: 'confirm', message: /Grant Atlassian Support access/, answer: false },
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, enter: true },
      { kind: 'confirm', message: /Grant Atlassian Support access/, answer: true },
      { kind: 'select', message: /Send this request/, enter: true },
    ]);
    await fillForm(meta, state, h.io);
    expect(h.notes.join('\n')).toMatch(/Without this consent the request cannot be sent/);
    await review(meta, state, h.io);
    const first = h.prompter.asked.filter((a) => /Send this request/.test(a.message))[0]!;
    expect(first.default).toBe('edit');
    expect(h.notes.join('\n')).toMatch(/Still needed before sending: Grant Atlassian Support access/);
    // The field to edit starts on the missing one.
    expect(asked(h.prompter, /Which field/)!.default).toMatchObject({ field: { id: 'customfield_10018' } });
    expect(state.values.customfield_10018).toEqual(['10050']);
  });

  it('at the review, "Edit → Grant…" defaults to the answer given: Enter keeps the yes', async () => {
    const meta = metaOf(cloudMeta);
    const state = filled();
    state.values.customfield_10018 = ['10050'];
    const h = harness([
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Grant/ },
      { kind: 'confirm', message: /Grant Atlassian Support access/, enter: true },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    await review(meta, state, h.io);
    expect(asked(h.prompter, /^Grant/)!.default).toBe(true);
    expect(state.values.customfield_10018).toEqual(['10050']);
  });
});

describe('the review', () => {
  it('lists the fields to edit in the order it shows them (production right after the impact)', async () => {
    const meta = metaOf(cloudMeta);
    const state: FormState = { ...emptyState(), values: { customfield_10010: '10000', summary: 's', customfield_10013: '10103', description: 'd', customfield_10018: ['10050'] }, production: true };
    const h = harness([
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Participants$/ },
      { kind: 'input', message: /Participants/, answer: '' },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    await review(meta, state, h.io);
    const shown = h.notes.filter((l) => /^ {2}\S/.test(l)).map((l) => l.trim().split(':')[0]!.replace(/ \*$/, ''));
    expect(asked(h.prompter, /Which field/)!.choices).toEqual(shown.slice(0, shown.length / 2));
    expect(shown.indexOf('Production instance')).toBe(shown.indexOf('Business impact') + 1);
  });

  it.each([
    ['replace', 'The export fails for every page.', 'The export fails for every page.'],
    ['append', 'Also on 9.3.', 'Export drops text.\nAlso on 9.3.'],
    ['keep', undefined, 'Export drops text.'],
  ] as const)('details without an editor: %s', async (how, typed, result) => {
    const meta = metaOf(serverMeta);
    const state: FormState = { ...emptyState(), values: { customfield_10010: '10000', summary: 's', customfield_10013: '10103', description: 'Export drops text.' }, production: true, participants: [], onBehalfOf: '' };
    const steps: Step[] = [
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Details$/ },
      { kind: 'select', message: /Details already has text/, answer: how },
    ];
    if (typed) steps.push({ kind: 'input', message: /Details/, answer: typed }, { kind: 'input', message: /finish/, answer: '' });
    steps.push({ kind: 'select', message: /Send this request/, answer: 'send' });
    const h = harness(steps);
    await review(meta, state, h.io);
    expect(state.values.description).toBe(result);
  });

  it('details in $EDITOR open with the text given, to change anywhere in it', async () => {
    const meta = metaOf(serverMeta);
    const state: FormState = { ...emptyState(), values: { customfield_10010: '10000', summary: 's', customfield_10013: '10103', description: 'Export drops text.' }, production: true, participants: [], onBehalfOf: '' };
    const h = harness(
      [
        { kind: 'select', message: /Send this request/, answer: 'edit' },
        { kind: 'select', message: /Which field/, pick: /^Details$/ },
        { kind: 'editor', message: /Details/, answer: 'PDF export drops Japanese text.' },
        { kind: 'select', message: /Send this request/, answer: 'send' },
      ],
      { editor: true },
    );
    let opened: string | undefined;
    const editor = h.io.prompter.editor.bind(h.io.prompter);
    h.io.prompter.editor = async (q) => ((opened = q.default), editor(q));
    await review(meta, state, h.io);
    expect(opened).toBe('Export drops text.');
    expect(state.values.description).toBe('PDF export drops Japanese text.');
  });

  it('production switched to no keeps a Level 3 without asking it again; a Level 2 is asked again, capped', async () => {
    const meta = metaOf(serverMeta);
    const base = { customfield_10010: '10000', summary: 's', description: 'd' };
    const l3: FormState = { ...emptyState(), values: { ...base, customfield_10013: '10102' }, production: true, participants: [], onBehalfOf: '' };
    const h = harness([
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Production instance$/ },
      { kind: 'confirm', message: /production instance/, answer: false },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    await review(meta, l3, h.io);
    expect(asked(h.prompter, /production instance/)!.default).toBe(true);
    expect(l3).toMatchObject({ production: false, values: { customfield_10013: '10102' } });

    const l2: FormState = { ...emptyState(), values: { ...base, customfield_10013: '10101' }, production: true, participants: [], onBehalfOf: '' };
    const h2 = harness([
      { kind: 'select', message: /Send this request/, answer: 'edit' },
      { kind: 'select', message: /Which field/, pick: /^Production instance$/ },
      { kind: 'confirm', message: /production instance/, answer: false },
      { kind: 'select', message: /Business impact/, pick: /Level 4/ },
      { kind: 'select', message: /Send this request/, answer: 'send' },
    ]);
    await review(meta, l2, h2.io);
    expect(asked(h2.prompter, /Business impact/)!.choices).toHaveLength(2);
    expect(l2.values.customfield_10013).toBe('10103');
  });
});

describe("each request type's own help", () => {
  const billing = (): FormMeta => {
    const m = metaOf(billingMeta);
    const details = m.fields.find((f) => f.id === 'description')!;
    details.description = 'Your question, with the quote, order or invoice number if you have one.';
    return m;
  };

  it("billing details show the portal's help for the field, not a problem report's headings", async () => {
    const h = harness([
      { kind: 'input', message: /Details/, answer: 'Please send the invoice again.' },
      { kind: 'input', answer: '' },
      { kind: 'input', message: /^Files to attach \(comma-separated paths\)/, answer: '' },
    ]);
    const meta = billing();
    const state = emptyState();
    state.values.summary = 's';
    state.skipped = ['customfield_10019', 'customfield_10012', 'customfield_10015'];
    state.participants = [];
    state.onBehalfOf = '';
    await fillForm(meta, state, h.io);
    const notes = h.notes.join('\n');
    expect(notes).toContain('invoice number');
    expect(notes).not.toMatch(/Steps to reproduce|support zip/);
  });

  it('the editor opens empty for billing and with the headings for a technical request', async () => {
    for (const [meta, want] of [[billing(), ''], [metaOf(serverMeta), /^Steps to reproduce:/]] as const) {
      const h = harness([{ kind: 'editor', message: /Details/, answer: 'text' }], { editor: true });
      let opened: string | undefined;
      const editor = h.io.prompter.editor.bind(h.io.prompter);
      h.io.prompter.editor = async (q) => ((opened = q.default), editor(q));
      const state = emptyState();
      state.skipped = meta.fields.filter((f) => f.id !== 'description').map((f) => f.id);
      state.participants = [];
      state.onBehalfOf = '';
      await fillForm(meta, state, h.io);
      if (typeof want === 'string') expect(opened).toBe(want);
      else expect(opened).toMatch(want);
    }
  });

  it('the account form has no support-zip hint at its files question', async () => {
    const h = harness([{ kind: 'input', message: /^Files to attach/, answer: '' }]);
    const meta = metaOf({ ...accountMeta, requestTypeFields: [...(accountMeta.requestTypeFields ?? []), { fieldId: 'attachment', name: 'Attachments', required: false, visible: true, jiraSchema: { type: 'array', items: 'attachment', system: 'attachment' } }] });
    const state: FormState = { ...emptyState(), values: { summary: 's', description: 'd' }, skipped: ['customfield_10020'] };
    await fillForm(meta, state, h.io);
    expect(h.prompter.asked[0]!.message).not.toMatch(/support zip/);
  });
});

describe('text limits, before anything is sent', () => {
  const t = createT('en');
  const server = metaOf(serverMeta);
  const field = (id: string) => server.fields.find((f) => f.id === id)!;

  it('a summary is one line of at most 255 characters', () => {
    expect(parseAnswer(field('summary'), 'x'.repeat(255), t).ok).toBe(true);
    expect(parseAnswer(field('summary'), 'x'.repeat(256), t)).toEqual({ ok: false, message: 'Summary is 256 characters long; at most 255 are allowed' });
    expect(parseAnswer(field('summary'), 'first line\nsecond line', t)).toEqual({ ok: false, message: 'Summary must be one line (no line breaks)' });
  });

  it('a one-line text field takes 255, multi-line text 32,767, and a limit the field help states wins when lower', () => {
    expect(parseAnswer(field('customfield_10014'), 'v'.repeat(256), t).ok).toBe(false);
    expect(parseAnswer(field('description'), 'd'.repeat(32_767), t).ok).toBe(true);
    expect(parseAnswer(field('description'), 'd'.repeat(32_768), t).ok).toBe(false);
    const stated = { ...field('customfield_10014'), description: 'The version, max. 10 characters.' };
    expect(parseAnswer(stated, '10.3.4-LTS-01', t)).toEqual({ ok: false, message: 'Product version is 13 characters long; at most 10 are allowed' });
    const ja = { ...field('customfield_10014'), description: '20 文字以内で入力してください' };
    expect(parseAnswer(ja, 'x'.repeat(21), t).ok).toBe(false);
  });

  it('the body as sent is checked too (what the CLI adds to the details counts)', () => {
    const body = { serviceDeskId: '1', requestTypeId: '1', requestFieldValues: { summary: 's', description: 'd'.repeat(32_760) + '\n\nProduction instance: yes' } };
    expect(limitProblems(server, body, t)).toEqual(['Details is 32786 characters long; at most 32767 are allowed']);
  });
});
