import { describe, expect, it } from 'vitest';
import {
  impactLevelOfLabel,
  normalizeEmail,
  normalizePhone,
  normalizeSen,
  normalizeSiteUrl,
  parseImpactLevel,
  redirectFor,
} from '../src/form/validators.js';

describe('normalizeSen', () => {
  it.each([
    ['1234567', 'SEN-1234567'],
    ['sen-1234567', 'SEN-1234567'],
    ['SEN-L1234567', 'SEN-L1234567'],
    ['sen-l1234567', 'SEN-L1234567'],
    [' SEN 12345678 ', 'SEN-12345678'],
    ['SEN:1234567', 'SEN-1234567'],
  ])('%s -> %s', (input, out) => expect(normalizeSen(input)).toBe(out));
  it.each(['', 'SEN-', 'SEN-ABC', '12', 'SEN-X1234567', '1234567a', 'SEN--1234567x', 'L'])('refuses %j', (input) =>
    expect(normalizeSen(input)).toBeUndefined(),
  );
});

describe('normalizeSiteUrl', () => {
  it.each([
    ['example', 'https://example.atlassian.net'],
    ['Example', 'https://example.atlassian.net'],
    ['example.atlassian.net', 'https://example.atlassian.net'],
    ['https://example.atlassian.net/jira/software/projects/X/boards/1', 'https://example.atlassian.net'],
    ['http://example.atlassian.net/wiki', 'https://example.atlassian.net'],
    ['bitbucket.org/team', 'https://bitbucket.org/team/'],
    ['https://bitbucket.org/Team/repo/src', 'https://bitbucket.org/team/'],
    ['old.jira.com', 'https://old.jira.com'],
  ])('%s -> %s', (input, out) => expect(normalizeSiteUrl(input)).toBe(out));
  it.each([
    '',
    'https://example.com',
    'ftp://example.atlassian.net',
    'bitbucket.org',
    'https://example.atlassian.net:8443/',
    '10.0.0.1',
    'exa mple',
    '-bad-',
    'https://user:pw@example.atlassian.net',
    'https://atlassian.net',
  ])('refuses %j', (input) => expect(normalizeSiteUrl(input)).toBeUndefined());
});

describe('impact levels', () => {
  it.each([
    ['1', 1],
    ['L2', 2],
    ['level 3', 3],
    ['Level 4 - Minimal', 4],
    ['レベル 1', 1],
  ])('%s -> %s', (input, out) => expect(parseImpactLevel(input)).toBe(out));
  it.each(['0', '5', 'high', '', '12'])('refuses %j', (input) => expect(parseImpactLevel(input)).toBeUndefined());
  it('reads the level of option labels', () => {
    expect(impactLevelOfLabel('Level 2 - Significant')).toBe(2);
    expect(impactLevelOfLabel('レベル 3')).toBe(3);
    expect(impactLevelOfLabel('Critical')).toBeUndefined();
  });
});

describe('normalizeEmail', () => {
  it.each(['admin@example.com', ' a.b+c@sub.example.co.jp '])('accepts %j', (e) => expect(normalizeEmail(e)).toBe(e.trim()));
  it.each(['', 'admin', 'admin@', '@example.com', 'a@b', 'a b@example.com', 'a@exa mple.com', 'a@@example.com'])('refuses %j', (e) =>
    expect(normalizeEmail(e)).toBeUndefined(),
  );
});

describe('normalizePhone', () => {
  it.each([
    ['+81 3-1234-5678', '+81 3-1234-5678'],
    ['03  1234 5678', '03 1234 5678'],
    ['(555) 123-4567 ext 89', '(555) 123-4567 ext 89'],
  ])('%s -> %s', (input, out) => expect(normalizePhone(input)).toBe(out));
  it.each(['', '123', 'call me', '+1+2 345 6789', '1234567890123456', 'phone: 555'])('refuses %j', (input) =>
    expect(normalizePhone(input)).toBeUndefined(),
  );
});

describe('redirectFor', () => {
  it('recognises the products handled elsewhere', () => {
    expect(redirectFor('Trello')).toBe('trello');
    expect(redirectFor('Sourcetree')).toBe('sourcetree');
    expect(redirectFor('Source Tree for Mac')).toBe('sourcetree');
    expect(redirectFor('Jira')).toBeUndefined();
  });
});
