/**
 * The product admin credential for ATST support zips (`support login --app URL`), kept apart from
 * the portal profiles: a Data Center personal access token (Bearer) or a user and password (Basic,
 * where PATs are off or a secure administrator session gets in the way). One per product URL, in
 * `<configDir>/app-credentials.json` (0600); the secret goes to the OS keyring when one answers,
 * otherwise into that file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../lib/atomic-file.js';
import type { Env } from '../lib/env.js';
import { ConfigCorruptError } from './errors.js';
import { openKeyring, type SecretStore } from './keyring.js';

/** A product admin credential. */
export type AppCredential = { kind: 'bearer'; token: string } | { kind: 'basic'; user: string; password: string };

/** Where the credential came from. */
export type AppCredentialSource = 'env' | 'keyring' | 'file';

interface Stored {
  kind: 'bearer' | 'basic';
  user?: string;
  store: 'keyring' | 'file';
  secret?: string;
  savedAt: string;
}

/** The `Authorization` header value of a credential. */
export function authorizationOf(c: AppCredential): string {
  return c.kind === 'bearer' ? `Bearer ${c.token}` : `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}`;
}

/** The secret parts of a credential (masked in traces). */
export function secretsOf(c: AppCredential): string[] {
  return c.kind === 'bearer' ? [c.token] : [c.password, `${c.user}:${c.password}`];
}

/**
 * The credential in the environment: `SUPPORT_APP_TOKEN`, or `SUPPORT_APP_USER` with
 * `SUPPORT_APP_PASSWORD`; undefined when neither is set. A user without a password (or the
 * reverse) is `incomplete`.
 */
export function appCredentialFromEnv(env: Env): AppCredential | 'incomplete' | undefined {
  const token = env.SUPPORT_APP_TOKEN?.trim();
  if (token) return { kind: 'bearer', token };
  const user = env.SUPPORT_APP_USER?.trim();
  const password = env.SUPPORT_APP_PASSWORD;
  if (user && password) return { kind: 'basic', user, password };
  if (user || password) return 'incomplete';
  return undefined;
}

/** Stored product credentials under one config folder. */
export class AppCredentialStore {
  readonly file: string;
  private keyring: Promise<SecretStore | undefined> | undefined;

  /** `keyring` replaces the OS keyring (tests). */
  constructor(
    readonly configDir: string,
    private readonly env: Env,
    keyring?: SecretStore,
  ) {
    this.file = path.join(configDir, 'app-credentials.json');
    if (keyring) this.keyring = Promise.resolve(keyring);
  }

  private async all(): Promise<Record<string, Stored>> {
    const text = await readFileIfExists(this.file);
    if (text === undefined) return {};
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not an object');
      return v as Record<string, Stored>;
    } catch (e) {
      throw new ConfigCorruptError(this.file, (e as Error).message);
    }
  }

  private secrets(): Promise<SecretStore | undefined> {
    return (this.keyring ??= openKeyring(this.env));
  }

  /** The credential saved for `url`, or undefined. */
  async get(url: string): Promise<{ credential: AppCredential; source: 'keyring' | 'file' } | undefined> {
    const s = (await this.all())[url];
    if (!s) return undefined;
    const secret = s.store === 'file' ? s.secret : await (await this.secrets())?.get(`app:${url}`).catch(() => undefined);
    if (!secret) return undefined;
    const credential: AppCredential = s.kind === 'bearer' ? { kind: 'bearer', token: secret } : { kind: 'basic', user: s.user ?? '', password: secret };
    return { credential, source: s.store };
  }

  /** Saves the credential for `url`; returns where its secret went. */
  async save(url: string, c: AppCredential, now: Date): Promise<'keyring' | 'file'> {
    const existing = await this.all();
    const secret = c.kind === 'bearer' ? c.token : c.password;
    const ks = await this.secrets();
    let store: 'keyring' | 'file' = 'file';
    if (ks) {
      try {
        await ks.set(`app:${url}`, secret);
        store = 'keyring';
      } catch {
        store = 'file';
      }
    }
    const record: Stored = { kind: c.kind, ...(c.kind === 'basic' ? { user: c.user } : {}), store, ...(store === 'file' ? { secret } : {}), savedAt: now.toISOString() };
    fs.mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.file, JSON.stringify({ ...existing, [url]: record }, null, 2) + '\n');
    return store;
  }
}
