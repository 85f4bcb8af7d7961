import { count } from '../plural.js';
import type { Catalog } from '../types.js';

/** Messages of the release build's runtime: what `--debug` says about how the CLI runs. */
export const en = {
  'dist.debug.threads': (n: number) => `debug: bundle built on ${count(n, 'worker thread')}`,
};

export const ja: Catalog<typeof en> = {
  'dist.debug.threads': (n) => `debug: バンドルを ${n} 個のワーカースレッドで作りました`,
};
