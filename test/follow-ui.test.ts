import { describe, expect, it } from 'vitest';
import { listOptions } from '../src/cli/commands/list.js';
import { exitCodeFor } from '../src/cli/errors.js';
import { autoResolveRule, fieldText, impactOf, parseKey, relative, shortImpact } from '../src/cli/shared/common.js';
import { createT } from '../src/i18n/index.js';
import { UsageError } from '../src/lib/errors.js';
import { PassThrough } from 'node:stream';
import { createByteProgress, progressLine } from '../src/ui/progress.js';
import { makeIO } from '../src/ui/io.js';
import { displayWidth, layoutTable, truncate } from '../src/ui/table.js';

const t = createT('en');
const ja = createT('ja');

describe('table', () => {
  it('counts wide characters as two cells and cuts with an ellipsis', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(truncate('日本語のテキスト', 7)).toBe('日本語…');
    expect(displayWidth(truncate('日本語のテキスト', 7))).toBeLessThanOrEqual(7);
    expect(truncate('short', 10)).toBe('short');
  });

  it('gives the flexible column what the terminal width leaves, and keeps widths for later rows', () => {
    const l = layoutTable(
      [
        ['KEY', 'SUMMARY', 'WHEN'],
        ['SUP-1', 'x'.repeat(100), '3h ago'],
      ],
      { columns: 40, flex: 1 },
    );
    expect(l.widths).toEqual([5, 40 - 5 - 6 - 4, 6]);
    const row = l.row(['SUP-22222', 'tab\there\nnewline', 'now']);
    expect(row).toBe('SUP-…  tab here newline' + ' '.repeat(25 - 'tab here newline'.length) + '  now');
    expect(displayWidth(l.row(['SUP-2', '日本語'.repeat(20), '1d ago']))).toBeLessThanOrEqual(40);
  });
});

describe('progress line', () => {
  it('draws nothing once done: a late report (an upload stopped by Ctrl-C) leaves no line for the next message to run on from', () => {
    let written = '';
    const stderr = new PassThrough();
    stderr.on('data', (c: Buffer) => (written += c.toString()));
    const io = makeIO({ stdin: new PassThrough(), stdout: new PassThrough(), stderr, stdinIsTTY: true, stdoutIsTTY: true, stderrIsTTY: true, columns: 80, color: false });
    let at = 0;
    const bar = createByteProgress({ io, t, now: () => at, intervalMs: 0 });
    bar.update(10, 100, 'big.bin');
    at = 500;
    bar.done();
    at = 1000;
    bar.update(20, 100, 'big.bin');
    expect(written).toContain('big.bin');
    // The last thing written clears the line: nothing is drawn after done().
    expect(written.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('shows percentage, bytes, rate and ETA', () => {
    expect(progressLine(t, { label: 'a.zip', bytes: 512 * 1024 ** 2, total: 1024 ** 3, elapsedMs: 4000 })).toBe('a.zip   50%  512 MiB / 1.0 GiB  128 MiB/s  ETA 4s');
    expect(progressLine(ja, { label: 'a.zip', bytes: 0, total: 10, elapsedMs: 0 })).toBe('a.zip    0%  0 B / 10 B');
    expect(progressLine(ja, { label: 'a', bytes: 5, total: 10, elapsedMs: 1000 })).toContain('残り約 1s');
  });
});

describe('follow helpers', () => {
  it('parses keys, refusing anything else with exit 2', () => {
    expect(parseKey('sup-12', t)).toBe('SUP-12');
    expect(parseKey(' 10001 ', t)).toBe('10001');
    expect(() => parseKey('SUP 12', t)).toThrow(UsageError);
  });

  it('renders field values of every shape', () => {
    expect(fieldText({ value: 'Level 1 - Critical' })).toBe('Level 1 - Critical');
    expect(fieldText([{ label: 'Yes' }, { value: 'b' }])).toBe('Yes, b');
    expect(fieldText({ value: 'Parent', child: { value: 'Child' } })).toBe('Parent / Child');
    expect(fieldText({ displayName: 'Fred' })).toBe('Fred');
    expect(fieldText(3)).toBe('3');
    expect(fieldText(null)).toBe('');
  });

  it('finds the impact by its label in English or Japanese, never by the sandbox’s id', () => {
    expect(impactOf([{ fieldId: 'customfield_10150', label: 'Business impact', value: { value: 'Level 2 - Significant' } }])).toBe('Level 2 - Significant');
    expect(impactOf([{ fieldId: 'customfield_99', label: '業務への影響', value: 'レベル 3' }])).toBe('レベル 3');
    expect(impactOf([{ fieldId: 'customfield_10013', label: 'Favourite colour', value: { value: 'Red' } }])).toBe('');
    expect(impactOf([{ fieldId: 'customfield_10013', value: { value: 'Level 2 - Significant' } }])).toBe('');
    expect(impactOf([{ fieldId: 'summary', label: 'Summary', value: 'x' }])).toBe('');
    expect(shortImpact('Level 2 - Significant')).toBe('Level 2');
    expect(shortImpact('High')).toBe('High');
  });

  it('knows the auto-resolve rule of the sandbox (from the session) and of Atlassian’s portal (from its statuses) only', () => {
    const waiting = { status: 'Waiting for customer', statusCategory: 'INDETERMINATE' };
    const atlassian = ['Atlassian investigating', 'Waiting for customer'];
    expect(autoResolveRule('sandbox', { status: 'お客様の回答待ち' }, [])).toEqual({ rule: 'sandbox', afterMs: 5 * 86_400_000 });
    expect(autoResolveRule('sandbox', { status: 'Atlassian investigating' }, atlassian)).toBeUndefined();
    expect(autoResolveRule('cloud', waiting, atlassian)).toEqual({ rule: 'atlassian', afterMs: 5 * 86_400_000 });
    expect(autoResolveRule('dc', { status: 'waiting for customer ' }, ['Atlassian Investigating', 'Resolved', 'Atlassian investigating'])?.rule).toBe('atlassian');
    expect(autoResolveRule('cloud', { ...waiting, statusCategory: 'DONE' }, atlassian)).toBeUndefined();
    expect(autoResolveRule('cloud', waiting, ['Waiting for customer'])).toBeUndefined();
    expect(autoResolveRule('cloud', waiting, ['Atlassian investigating', 'Waiting for support', 'Waiting for customer'])).toBeUndefined();
    expect(autoResolveRule('cloud', { status: 'Atlassian investigating' }, atlassian)).toBeUndefined();
  });

  it('says relative times both ways, in both languages', () => {
    const now = Date.parse('2026-11-24T12:00:00Z');
    expect(relative(t, now - 3 * 3_600_000, now)).toBe('3h ago');
    expect(relative(t, now + 2 * 86_400_000, now)).toBe('in 2d');
    expect(relative(t, now - 10_000, now)).toBe('just now');
    expect(relative(ja, now - 5 * 60_000, now)).toBe('5分前');
  });

  it('list flags: defaults, and every problem at once', () => {
    expect(listOptions({}, t)).toEqual({ status: 'open', ownership: 'default', limit: 50 });
    expect(listOptions({ status: 'ALL', participating: true, limit: '0', search: 'pdf' }, t)).toEqual({ status: 'all', ownership: 'participating', limit: 0, search: 'pdf' });
    const err = (() => {
      try {
        listOptions({ status: ' ', mine: true, all: true, limit: 'many' }, t);
      } catch (e) {
        return e as UsageError;
      }
      return undefined;
    })();
    expect(exitCodeFor(err)).toBe(2);
    expect(err?.message.split('\n')).toHaveLength(3);
    // Any other word is a status name, checked against the portal's statuses once it is reached.
    expect(listOptions({ status: 'Waiting for customer' }, t)).toEqual({ status: 'all', statusName: 'Waiting for customer', ownership: 'default', limit: 50 });
    expect(listOptions({ waiting: true }, t)).toEqual({ status: 'open', waiting: true, ownership: 'default', limit: 50 });
    expect(() => listOptions({ waiting: true, status: 'closed' }, t)).toThrow(/--waiting .* --status closed/);
  });
});
