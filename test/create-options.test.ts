import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildCtx, type GlobalOptions } from '../src/cli/context.js';
import { parseCreateOptions, type RawCreateOptions } from '../src/cli/commands/create.js';
import { createT } from '../src/i18n/index.js';
import { UsageError } from '../src/lib/errors.js';
import { tempDir, testDeps } from './support/harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function ctx(opts: { stdin?: string; lang?: 'en' | 'ja' } = {}) {
  const home = tempDir();
  dirs.push(home);
  const { deps } = testDeps({ home, ...(opts.stdin !== undefined ? { stdin: Readable.from([opts.stdin]) } : {}) });
  const globals: GlobalOptions = { profile: undefined, portal: undefined, json: false, input: true, debug: false, color: false, lang: undefined };
  return buildCtx(deps, globals, opts.lang ?? 'en', createT(opts.lang ?? 'en'));
}

async function parse(raw: RawCreateOptions, c = ctx()) {
  return parseCreateOptions(raw, c);
}

async function problem(raw: RawCreateOptions, c = ctx()): Promise<string> {
  const e = await parse(raw, c).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(UsageError);
  return (e as Error).message;
}

describe('create flags', () => {
  it.each<[RawCreateOptions, Record<string, unknown>]>([
    [{ sen: 'sen-1234567' }, { sen: 'SEN-1234567' }],
    [{ siteUrl: 'example' }, { siteUrl: 'https://example.atlassian.net' }],
    [{ impact: '2', production: true }, { impact: 2, production: true }],
    [{ impact: 'L4', notProduction: true }, { impact: 4, production: false }],
    [{ type: 'Technical', deployment: 'dc' }, { type: 'technical', deployment: 'server' }],
    [{ participant: ['a@example.com', 'b@example.com,c@example.com'] }, { participants: ['a@example.com', 'b@example.com', 'c@example.com'] }],
    [{ onBehalfOf: 'x@example.org' }, { onBehalfOf: 'x@example.org' }],
    [{ phone: '+81 3-1234-5678' }, { phone: '+81 3-1234-5678' }],
    [{ field: ['customfield_10011=Confluence Data Center', 'labels=a=b'] }, { fields: [['customfield_10011', 'Confluence Data Center'], ['labels', 'a=b']] }],
    [{ grantAccess: true, yes: true, dryRun: true }, { grantAccess: true, yes: true, dryRun: true }],
    [{ attach: ['a.zip', 'b.png'] }, { attach: ['a.zip', 'b.png'] }],
  ])('%j', async (raw, expected) => {
    expect(await parse(raw)).toMatchObject(expected);
  });

  it.each<[RawCreateOptions, RegExp]>([
    [{ sen: 'ABC' }, /"ABC" is not a Support Entitlement Number \(e\.g\. SEN-1234567/],
    [{ siteUrl: 'https://example.com' }, /not an Atlassian Cloud site \(e\.g\. https:\/\/example\.atlassian\.net/],
    [{ participant: ['not@an-email'] }, /"not@an-email" is not an e-mail address \(e\.g\. admin@example\.com\)/],
    [{ onBehalfOf: 'bob@' }, /"bob@" is not an e-mail address/],
    [{ phone: 'call me' }, /"call me" is not a telephone number \(e\.g\. \+81/],
    [{ impact: '5' }, /"5" is not a business impact level \(use 1, 2, 3 or 4\)/],
    [{ impact: 'high' }, /"high" is not a business impact level/],
    [{ impact: '1', notProduction: true }, /Level 1 is for production instances only/],
    [{ production: true, notProduction: true }, /contradict/],
    [{ type: 'sales' }, /--type "sales" is not one of technical, billing, account/],
    [{ deployment: 'mainframe' }, /--deployment "mainframe"/],
    [{ field: ['customfield_1'] }, /--field "customfield_1" must be ID=VALUE/],
    [{ details: 'x', detailsFile: 'f' }, /either --details or --details-file/],
    [{ details: '   ' }, /Please write the details/],
  ])('refuses %j', async (raw, re) => {
    expect(await problem(raw)).toMatch(re);
  });

  it('reports every invalid value at once', async () => {
    const msg = await problem({ sen: 'x', phone: 'y', impact: '9' });
    expect(msg.split('\n')).toHaveLength(3);
  });

  it('reads --details-file from a file and from stdin', async () => {
    const c = ctx({ stdin: 'from stdin\nline 2\n' });
    expect((await parse({ detailsFile: '-' }, c)).details).toBe('from stdin\nline 2');
    const f = path.join(c.cwd, 'd.md');
    fs.writeFileSync(f, 'from file\n');
    expect((await parse({ detailsFile: 'd.md' }, c)).details).toBe('from file');
    expect(await problem({ detailsFile: 'missing.md' }, c)).toMatch(/cannot read --details-file missing\.md/);
  });

  it('merges a --from YAML or JSON file under the flags', async () => {
    const c = ctx();
    fs.writeFileSync(
      path.join(c.cwd, 'r.yaml'),
      'type: technical\ndeployment: cloud\nsummary: From file\nsite-url: example\nimpact: 3\ndetails: |\n  multi\n  line\nparticipant: [a@example.com]\nfield:\n  customfield_10016: Bitbucket Cloud\ngrant-access: true\n',
    );
    const o = await parse({ from: 'r.yaml', summary: 'From flag' }, c);
    expect(o).toMatchObject({
      type: 'technical',
      deployment: 'cloud',
      summary: 'From flag',
      siteUrl: 'https://example.atlassian.net',
      impact: 3,
      details: 'multi\nline\n',
      participants: ['a@example.com'],
      fields: [['customfield_10016', 'Bitbucket Cloud']],
      grantAccess: true,
    });
    fs.writeFileSync(path.join(c.cwd, 'r.json'), JSON.stringify({ 'request-type': '4', summary: 's', details: 'd' }));
    expect(await parse({ from: 'r.json' }, c)).toMatchObject({ requestType: '4', summary: 's', details: 'd' });
    // --details-file on the command line replaces the file's details instead of clashing with it.
    const s = ctx({ stdin: 'typed' });
    fs.copyFileSync(path.join(c.cwd, 'r.json'), path.join(s.cwd, 'r.json'));
    expect(await parse({ from: 'r.json', detailsFile: '-' }, s)).toMatchObject({ details: 'typed', requestType: '4' });
  });

  it.each([
    ['bad.yaml', 'summary: [unclosed\n', /is not valid JSON or YAML/],
    ['list.yaml', '- a\n- b\n', /must hold a mapping/],
    ['keys.json', '{"summary":"s","colour":"red"}', /unknown keys: colour/],
  ])('a bad --from file (%s) exits 2 naming the problem', async (name, text, re) => {
    const c = ctx();
    fs.writeFileSync(path.join(c.cwd, name), text);
    expect(await problem({ from: name }, c)).toMatch(re);
  });

  it('a missing --from file is named', async () => {
    expect(await problem({ from: 'nope.yaml' })).toMatch(/cannot read --from file nope\.yaml/);
  });

  it('speaks Japanese', async () => {
    expect(await problem({ sen: 'x' }, ctx({ lang: 'ja' }))).toMatch(/サポート資格番号/);
  });
});
