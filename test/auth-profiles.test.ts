// The profile store on its own: 0600/0700 after every write, the token in the keyring when one
// answers (an in-memory stand-in for the OS store) or in the file when none does, and removal.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyringEnabled, openKeyring, type SecretStore } from '../src/config/keyring.js';
import { ProfileStore } from '../src/config/profiles.js';
import { tempDir } from './support/harness.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function dir(): string {
  const d = tempDir('support-prof-');
  dirs.push(d);
  return path.join(d, 'config');
}

class MemoryKeyring implements SecretStore {
  readonly entries = new Map<string, string>();
  async get(a: string) {
    return this.entries.get(a);
  }
  async set(a: string, s: string) {
    this.entries.set(a, s);
  }
  async delete(a: string) {
    return this.entries.delete(a);
  }
}

const base = { portal: 'https://example.atlassian.net', deployment: 'cloud' as const, email: 'me@example.com', savedAt: '2026-11-24T09:00:00.000Z' };

describe('ProfileStore', () => {
  it('SUPPORT_KEYRING=off means no keyring at all', async () => {
    expect(keyringEnabled({ SUPPORT_KEYRING: 'off' })).toBe(false);
    expect(keyringEnabled({})).toBe(true);
    expect(await openKeyring({ SUPPORT_KEYRING: 'off' })).toBeUndefined();
  });

  it('without a keyring keeps the token in a 0600 file in a 0700 folder, re-securing loosened modes on write', async () => {
    const d = dir();
    const store = new ProfileStore(d, { SUPPORT_KEYRING: 'off' });
    expect(await store.save('default', base, 'file-token-123')).toBe('file');
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    expect(await store.token('default')).toEqual({ token: 'file-token-123', source: 'file' });
    fs.chmodSync(store.file, 0o644);
    fs.chmodSync(d, 0o755);
    await store.save('work', { ...base, portal: 'https://work.atlassian.net' }, 'work-token-456');
    expect(fs.statSync(store.file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(d).mode & 0o777).toBe(0o700);
    expect(store.names()).toEqual(['default', 'work']);
    expect(await store.remove('work')).toBe(true);
    expect(await store.remove('work')).toBe(false);
    expect(fs.readFileSync(store.file, 'utf8')).not.toContain('work-token-456');
  });

  it('with a keyring keeps the token out of the file, and logout deletes it there', async () => {
    const d = dir();
    const ring = new MemoryKeyring();
    const store = new ProfileStore(d, {}, ring);
    expect(await store.save('default', base, 'ring-token-789')).toBe('keyring');
    expect(fs.readFileSync(store.file, 'utf8')).not.toContain('ring-token-789');
    expect(ring.entries.get('profile:default')).toBe('ring-token-789');
    expect(await new ProfileStore(d, {}, ring).token('default')).toEqual({ token: 'ring-token-789', source: 'keyring' });
    ring.entries.clear();
    expect(await store.token('default')).toBeUndefined();
    ring.entries.set('profile:default', 'ring-token-789');
    await store.remove('default');
    expect(ring.entries.size).toBe(0);
  });

  it('reading creates no file', () => {
    const d = dir();
    const store = new ProfileStore(d, {});
    expect(store.get('default')).toBeUndefined();
    expect(fs.existsSync(store.file)).toBe(false);
  });
});
