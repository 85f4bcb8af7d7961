import { describe, expect, it } from 'vitest';
import { catalogs, createT, langFromLocale, resolveLang } from '../src/i18n/index.js';

describe('message catalog', () => {
  it('English and Japanese have exactly the same keys', () => {
    const en = Object.keys(catalogs.en).sort();
    const ja = Object.keys(catalogs.ja).sort();
    expect(en.filter((k) => !ja.includes(k))).toEqual([]);
    expect(ja.filter((k) => !en.includes(k))).toEqual([]);
  });

  it('every entry has the same kind (text or function) and arity in both languages, and renders', () => {
    for (const [k, v] of Object.entries(catalogs.en)) {
      const j = catalogs.ja[k];
      expect(typeof j, k).toBe(typeof v);
      if (typeof v === 'function' && typeof j === 'function') {
        expect(j.length, k).toBe(v.length);
        const args = Array.from({ length: v.length }, () => 'x');
        expect(typeof j(...args)).toBe('string');
      } else {
        expect((v as string).length, k).toBeGreaterThan(0);
        expect((j as string).length, k).toBeGreaterThan(0);
      }
    }
  });

  it('picks the language from flag, SUPPORT_LANG, then the POSIX locale variables', () => {
    expect(resolveLang(undefined, {})).toBe('en');
    expect(resolveLang('ja', {})).toBe('ja');
    expect(resolveLang(undefined, { LANG: 'ja_JP.UTF-8' })).toBe('ja');
    expect(resolveLang(undefined, { LC_MESSAGES: 'ja_JP', LANG: 'en_US' })).toBe('ja');
    expect(resolveLang(undefined, { LC_ALL: 'en_US.UTF-8', LC_MESSAGES: 'ja_JP' })).toBe('en');
    expect(resolveLang(undefined, { SUPPORT_LANG: 'JA', LC_ALL: 'en_US' })).toBe('ja');
    expect(langFromLocale('C')).toBeUndefined();
    expect(createT('ja')('err.prefix')).toBe('エラー:');
  });
});
