/**
 * Profiles: which portal (and its flavor), which account; and where their token lives. Stored
 * with conf in `<configDir>/config.json` (mode 0600, directory 0700, checked after every write);
 * reading is a plain JSON read, so commands that only need credentials don't load conf (and its
 * schema validator): about 50 ms of start-up;
 * the token goes to the OS keyring when one answers, otherwise into that same 0600 file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type Conf from 'conf';
import type { Env } from '../lib/env.js';
import type { PortalFlavor } from '../portal/url.js';
import { ConfigCorruptError, ConfigWriteError, InsecureConfigError } from './errors.js';
import { openKeyring, type SecretStore } from './keyring.js';

export { InsecureConfigError } from './errors.js';

/** Where a profile's token is kept. */
export type TokenStore = 'keyring' | 'file';

/** A saved profile (the token itself is only here when `tokenStore` is `file`). */
export interface Profile {
  portal: string;
  /** The portal's flavor, stored under its historical key. Cloud: e-mail + API token (Basic); Data Center: personal access token (Bearer). */
  deployment: PortalFlavor;
  /** The sign-in e-mail (Cloud). */
  email?: string;
  tokenStore: TokenStore;
  token?: string;
  /** Who the token belonged to when it was verified. */
  account?: { accountId?: string; name?: string; displayName?: string; emailAddress?: string };
  /** ISO-8601 time of the login. */
  savedAt: string;
}

interface ConfigFile {
  profiles: Record<string, Profile>;
}

/** A valid profile name: letters, digits, dot, dash, underscore (it becomes a keyring account). */
export function isValidProfileName(name: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name);
}

/** Reads and writes profiles under one config folder. */
export class ProfileStore {
  private conf: Conf<ConfigFile> | undefined;
  private keyring: Promise<SecretStore | undefined> | undefined;
  private keyringReader: Promise<SecretStore | undefined> | undefined;
  /** `<configDir>/config.json`. */
  readonly file: string;

  /**
   * `keyring` replaces the OS keyring (tests stand in for the operating system's store); without
   * it the optional `@napi-rs/keyring` is used when reachable.
   */
  constructor(
    readonly configDir: string,
    private readonly env: Env,
    keyring?: SecretStore,
  ) {
    this.file = path.join(configDir, 'config.json');
    if (keyring) this.keyring = this.keyringReader = Promise.resolve(keyring);
  }

  private async store(): Promise<Conf<ConfigFile>> {
    if (!this.conf) {
      const { default: Conf } = await import('conf');
      fs.mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
      this.conf = new Conf<ConfigFile>({
        cwd: this.configDir,
        configName: 'config',
        projectName: 'support',
        configFileMode: 0o600,
        defaults: { profiles: {} },
      });
    }
    return this.conf;
  }

  /** The keyring for writing (probed once), or for reading and deleting (not probed). */
  private secrets(write = true): Promise<SecretStore | undefined> {
    if (write) return (this.keyring ??= openKeyring(this.env));
    return (this.keyringReader ??= openKeyring(this.env, { probe: false }));
  }

  /** Makes sure the folder is 0700 and the file 0600 (fixing them when we can), or throws. */
  private checkModes(): void {
    try {
      const dir = fs.statSync(this.configDir);
      if ((dir.mode & 0o077) !== 0) fs.chmodSync(this.configDir, 0o700);
    } catch {
      // The folder may be shared (SUPPORT_CONFIG_DIR=/tmp/x): the file's own mode is what protects the token.
    }
    if (!fs.existsSync(this.file)) return;
    let mode = fs.statSync(this.file).mode & 0o777;
    if (mode !== 0o600) {
      fs.chmodSync(this.file, 0o600);
      mode = fs.statSync(this.file).mode & 0o777;
      if (mode !== 0o600) throw new InsecureConfigError(this.file, mode);
    }
  }

  /** Profile names, sorted. */
  names(): string[] {
    return Object.keys(this.profiles()).sort();
  }

  /** The profile, or undefined (no config file is created by reading). */
  get(name: string): Profile | undefined {
    return this.profiles()[name];
  }

  /** Every saved profile, read straight from the file (no config file is created by reading). */
  private profiles(): Record<string, Profile> {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ConfigCorruptError(this.file, (e as Error).message);
    }
    const profiles = parsed && typeof parsed === 'object' ? (parsed as Partial<ConfigFile>).profiles : undefined;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || (profiles !== undefined && (typeof profiles !== 'object' || profiles === null))) {
      throw new ConfigCorruptError(this.file, 'no "profiles" object in it');
    }
    return profiles ?? {};
  }

  /**
   * Writes the profiles through conf (atomically). A corrupt file is refused before anything is
   * written (it stays for the user to fix); a full disk leaves the old file as it was.
   */
  private async write(profiles: Record<string, Profile>): Promise<void> {
    const conf = await this.store();
    try {
      conf.set('profiles', profiles);
    } catch (e) {
      throw new ConfigWriteError(this.file, (e as NodeJS.ErrnoException).code, e);
    }
    this.checkModes();
  }

  /** The profile's token and where it came from (undefined when the keyring entry is gone). */
  async token(name: string): Promise<{ token: string; source: TokenStore } | undefined> {
    const p = this.get(name);
    if (!p) return undefined;
    if (p.tokenStore === 'file') return p.token ? { token: p.token, source: 'file' } : undefined;
    const ks = await this.secrets(false);
    const t = await ks?.get(account(name)).catch(() => undefined);
    return t ? { token: t, source: 'keyring' } : undefined;
  }

  /**
   * Saves a profile with its token: into the keyring when one answers, else the 0600 file.
   * Returns where the token went.
   */
  async save(name: string, profile: Omit<Profile, 'tokenStore' | 'token' | 'savedAt'> & { savedAt: string }, token: string): Promise<TokenStore> {
    // Read first: a corrupt file stops the login before the token goes anywhere.
    const existing = this.profiles();
    const ks = await this.secrets();
    let where: TokenStore = 'file';
    if (ks) {
      try {
        await ks.set(account(name), token);
        where = 'keyring';
      } catch {
        where = 'file';
      }
    }
    const record: Profile = { ...profile, tokenStore: where, ...(where === 'file' ? { token } : {}) };
    await this.write({ ...existing, [name]: record });
    return where;
  }

  /** Removes the profile and its token (keyring or file). True when there was something to remove. */
  async remove(name: string): Promise<boolean> {
    const p = this.get(name);
    if (!p) return false;
    if (p.tokenStore === 'keyring') {
      const ks = await this.secrets(false);
      await ks?.delete(account(name)).catch(() => false);
    }
    const rest = { ...this.profiles() };
    delete rest[name];
    await this.write(rest);
    return true;
  }
}

function account(profile: string): string {
  return `profile:${profile}`;
}
