import { describe, expect, it } from 'vitest';
import { describeFields, parseAnswer, toWire, type FormField } from '../src/form/fields.js';
import { assignRoles, type FieldFacts } from '../src/form/roles.js';
import { createT } from '../src/i18n/index.js';
import type { CustomerRequestCreateMetaDTO } from '../src/portal/types.js';
import { cloudMeta, lookalikeMeta, serverMeta, siteMeta, siteMetaJa } from './form-fixtures.js';

const t = createT('en');
const rolesOf = (m: CustomerRequestCreateMetaDTO) => Object.fromEntries(describeFields(m).map((f) => [f.id, f.role]));
const byId = (fields: FormField[], id: string) => fields.find((f) => f.id === id)!;
const LEVELS = ['Level 1 - Critical', 'Level 2 - Significant', 'Level 3 - Some', 'Level 4 - Minimal'];

describe('roles from the portal’s metadata', () => {
  it('the seed’s forms keep their roles', () => {
    expect(rolesOf(serverMeta)).toEqual({
      customfield_10010: 'product',
      customfield_10011: undefined,
      customfield_10012: 'sen',
      summary: 'summary',
      customfield_10013: 'impact',
      description: 'details',
      customfield_10014: 'version',
      attachment: 'attachment',
      customfield_10015: 'phone',
    });
    expect(rolesOf(cloudMeta)).toMatchObject({ customfield_10016: undefined, customfield_10017: 'siteUrl', customfield_10018: 'consent' });
  });

  it('a real site: every role found under its own ids, Jira’s fix versions and the second product field left generic', () => {
    expect(rolesOf(siteMeta)).toEqual({
      summary: 'summary',
      customfield_10150: 'impact',
      description: 'details',
      customfield_10204: 'product',
      customfield_10031: undefined,
      customfield_20012: 'sen',
      customfield_20014: 'version',
      fixVersions: undefined,
      customfield_20015: 'phone',
      customfield_20017: 'siteUrl',
      customfield_20018: 'consent',
      attachment: 'attachment',
    });
    const fields = describeFields(siteMeta);
    expect(byId(fields, 'customfield_10150').flag).toBe('impact');
    const impact = parseAnswer(byId(fields, 'customfield_10150'), '2', t);
    expect(impact.ok && toWire(byId(fields, 'customfield_10150'), impact.value)).toEqual({ id: '30001' });
    // A yes/no consent field is answered with its yes option, wherever it is in the list.
    const consent = parseAnswer(byId(fields, 'customfield_20018'), 'yes', t);
    expect(consent.ok && consent.value).toBe('30301');
  });

  it('a Japanese site: names in Japanese, impact known by its レベル1..4 options alone', () => {
    expect(rolesOf(siteMetaJa)).toEqual({
      summary: 'summary',
      description: 'details',
      customfield_20010: 'product',
      customfield_20011: 'impact',
      customfield_20013: 'sen',
      customfield_20016: 'version',
      customfield_20019: 'phone',
      customfield_20020: 'siteUrl',
      customfield_20021: 'consent',
      attachment: 'attachment',
    });
    const f = byId(describeFields(siteMetaJa), 'customfield_20011');
    const p = parseAnswer(f, 'レベル 3', t);
    expect(p.ok && p.value).toBe('40102');
  });

  it('the sandbox’s ids mean nothing on another site', () => {
    const roles = rolesOf(lookalikeMeta);
    expect(Object.entries(roles).filter(([, r]) => r !== undefined)).toEqual([['summary', 'summary']]);
    expect(describeFields(lookalikeMeta).filter((f) => f.flag !== undefined).map((f) => f.id)).toEqual(['summary']);
  });
});

describe('assignRoles', () => {
  const impact = (id: string, name: string, options: string[] = LEVELS): FieldFacts => ({ id, name, options, schema: { type: 'option' } });

  it('gives a role only on clear evidence', () => {
    expect(
      assignRoles([
        { id: 'customfield_1', name: 'Impact notes', schema: { type: 'string' } }, // free text is never the impact
        { id: 'customfield_2', name: 'Level', options: ['Level 1', 'Level 2'] }, // two levels, no name: not clear
        { id: 'customfield_3', name: 'Phone', options: ['Desk', 'Mobile'] }, // a choice is not a phone number
        { id: 'customfield_4', name: 'Notes' },
      ]),
    ).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('two fields claiming one role: the clearer one wins; equal evidence gives it to neither', () => {
    expect(assignRoles([impact('a', 'Business impact'), impact('b', 'Severity')])).toEqual(['impact', undefined]);
    expect(assignRoles([impact('a', 'Business impact'), impact('b', 'Impact')])).toEqual([undefined, undefined]);
    expect(assignRoles([impact('a', 'Impact', ['High', 'Low']), impact('b', '影響度')])).toEqual([undefined, 'impact']);
  });

  it('does not depend on the order of the fields', () => {
    const facts = siteMeta.requestTypeFields!.map((f) => ({ id: f.fieldId, name: f.name, schema: f.jiraSchema, options: (f.validValues ?? []).map((o) => o.label ?? '') }));
    const forward = assignRoles(facts);
    const backward = assignRoles([...facts].reverse()).reverse();
    expect(backward).toEqual(forward);
  });

  it('recognises a request’s impact value by its label and its level', () => {
    expect(
      assignRoles([
        { id: 'customfield_10150', name: 'Impact', value: 'Level 2 - Significant' },
        { id: 'customfield_10151', name: 'Impact on users', value: 'everyone in Osaka' },
        { id: 'customfield_10013', name: 'Room', value: 'Level 3' },
      ]),
    ).toEqual(['impact', undefined, undefined]);
  });
});
