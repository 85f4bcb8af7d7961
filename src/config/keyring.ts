/**
 * The OS keyring (macOS Keychain, Windows Credential Manager, the Secret Service on Linux) through
 * the optional `@napi-rs/keyring` package. Never required: when the package is missing, no keyring
 * daemon answers (headless servers, the common case), or `SUPPORT_KEYRING=off`, callers fall back
 * to the 0600 config file.
 */
import type { Env } from '../lib/env.js';

const SERVICE = 'support-cli';
/** A keyring that does not answer within this time is treated as absent (a locked one may prompt forever). */
const TIMEOUT_MS = 3_000;

/** A place to keep secrets by account name. */
export interface SecretStore {
  get(account: string): Promise<string | undefined>;
  set(account: string, secret: string): Promise<void>;
  /** True when something was removed. */
  delete(account: string): Promise<boolean>;
}

interface KeyringEntry {
  getPassword(signal?: AbortSignal | null): Promise<string | null>;
  setPassword(password: string, signal?: AbortSignal | null): Promise<void>;
  deletePassword(signal?: AbortSignal | null): Promise<boolean>;
}
type EntryCtor = new (service: string, account: string) => KeyringEntry;

/** True unless `SUPPORT_KEYRING` is `off`/`0`/`false`/`no` (tests and servers that must not touch a keyring). */
export function keyringEnabled(env: Env): boolean {
  const v = env.SUPPORT_KEYRING?.trim().toLowerCase();
  return !(v === 'off' || v === '0' || v === 'false' || v === 'no');
}

async function withTimeout<T>(f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new Error('keyring did not answer'));
    }, TIMEOUT_MS);
    timer.unref();
  });
  try {
    return await Promise.race([f(ac.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The OS keyring when it is enabled, installed and (with `probe`, the default) answers a probe;
 * otherwise `undefined`. The probe writes and reads back a throwaway entry, because on Linux
 * loading the package succeeds even when no Secret Service is running. Readers skip it: a failed
 * read is reported by the caller anyway.
 */
export async function openKeyring(env: Env, opts: { probe?: boolean } = {}): Promise<SecretStore | undefined> {
  if (!keyringEnabled(env)) return undefined;
  let Entry: EntryCtor;
  try {
    const mod = (await import('@napi-rs/keyring')) as unknown as { AsyncEntry: EntryCtor };
    Entry = mod.AsyncEntry;
  } catch {
    return undefined;
  }
  const store: SecretStore = {
    get: async (account) => (await withTimeout((s) => new Entry(SERVICE, account).getPassword(s))) ?? undefined,
    set: (account, secret) => withTimeout((s) => new Entry(SERVICE, account).setPassword(secret, s)),
    delete: (account) => withTimeout((s) => new Entry(SERVICE, account).deletePassword(s)),
  };
  if (opts.probe === false) return store;
  try {
    await store.set('probe', 'ok');
    if ((await store.get('probe')) !== 'ok') return undefined;
    await store.delete('probe');
    return store;
  } catch {
    return undefined;
  }
}
