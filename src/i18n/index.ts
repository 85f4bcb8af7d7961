import type { Lang, Msg } from './types.js';
import * as core from './catalog/core.js';
import * as sandbox from './catalog/sandbox.js';
import * as form from './catalog/form.js';
import * as create from './catalog/create.js';
import * as follow from './catalog/follow.js';
import * as portal from './catalog/portal.js';
import * as auth from './catalog/auth.js';
import * as bundle from './catalog/bundle.js';
import * as sandboxFields from './catalog/sandbox-fields.js';
import * as cluster from './catalog/cluster.js';
import * as dist from './catalog/dist.js';
import * as kb from './catalog/kb.js';
import * as files from './catalog/files.js';

export type { Lang } from './types.js';

/**
 * The merged catalog. Each area of the CLI keeps its messages in `catalog/<area>.ts` with an `en`
 * object and a `ja: Catalog<typeof en>`; add the area here.
 */
const areas = [core, sandbox, form, create, follow, portal, auth, bundle, sandboxFields, cluster, dist, kb, files] as const;

type Merge<T extends readonly { en: Record<string, Msg> }[]> = T extends readonly [
  infer H extends { en: Record<string, Msg> },
  ...infer R extends readonly { en: Record<string, Msg> }[],
]
  ? H['en'] & Merge<R>
  : unknown;

export type Messages = Merge<typeof areas>;
export type MessageKey = keyof Messages & string;
type Params<K extends MessageKey> = Messages[K] extends (...args: infer A) => string ? A : [];

/** Translates a key with its parameters. */
export type T = <K extends MessageKey>(key: K, ...args: Params<K>) => string;

export const catalogs: Record<Lang, Record<string, Msg>> = {
  en: Object.assign({}, ...areas.map((a) => a.en)) as Record<string, Msg>,
  ja: Object.assign({}, ...areas.map((a) => a.ja)) as Record<string, Msg>,
};

/** Builds the translator for a language; unknown keys fall back to English, then to the key. */
export function createT(lang: Lang): T {
  const table = catalogs[lang];
  return ((key: string, ...args: unknown[]) => {
    const m = table[key] ?? catalogs.en[key];
    if (m === undefined) return key;
    return typeof m === 'function' ? m(...args) : m;
  }) as T;
}

export { isLang, langFromLocale, resolveLang } from './lang.js';
