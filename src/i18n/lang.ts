import type { Lang } from './types.js';

/*
 * Which language to speak, apart from the catalogs: `support --help` answered from the help
 * manifest (src/cli/help-fast.ts) resolves the language as the full CLI does without loading any
 * catalog.
 */

const LANGS: readonly Lang[] = ['en', 'ja'];

export function isLang(v: string): v is Lang {
  return (LANGS as readonly string[]).includes(v);
}

/** Maps a locale string such as `ja_JP.UTF-8` or `en-US` to a supported language. */
export function langFromLocale(locale: string | undefined): Lang | undefined {
  if (!locale) return undefined;
  const base = locale.toLowerCase().split(/[._@-]/)[0];
  if (base === 'ja') return 'ja';
  if (base === 'c' || base === 'posix' || base === '') return undefined;
  return 'en';
}

/**
 * Language from `--lang`, then `SUPPORT_LANG`, then `LC_ALL`/`LC_MESSAGES`/`LANG` (the POSIX order),
 * default English. An explicit but unsupported `--lang` is reported by the caller.
 */
export function resolveLang(flag: string | undefined, env: Record<string, string | undefined>): Lang {
  if (flag && isLang(flag)) return flag;
  const sl = env.SUPPORT_LANG;
  if (sl && isLang(sl.toLowerCase())) return sl.toLowerCase() as Lang;
  for (const k of ['LC_ALL', 'LC_MESSAGES', 'LANG'] as const) {
    const v = env[k];
    if (v) return langFromLocale(v) ?? 'en';
  }
  return 'en';
}
