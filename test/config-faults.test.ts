// A full config folder or a corrupt config.json, through the built CLI: the message says what is
// wrong and where, nothing is left behind, and the old file stays as it was.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { need } from './support/needs.js';
import { fillDisk, isBuilt, NOT_A_BUG, runBuilt, smallDisk } from './support/built-cli.js';
import { accountRequest, useBuiltPortal } from './support/built-portal.js';

const built = isBuilt();

const p = useBuiltPortal();

describe('a full config folder', () => {
  // Without the build this fails under CI=true and is reported as skipped elsewhere.
  beforeEach((ctx) => need(ctx, built, 'the build (npm run build)'));
  const disk = smallDisk(256 * 1024);
  beforeEach((ctx) => {
    if (!disk) ctx.skip('cannot mount a tmpfs here (needs root and mount rights)');
  });
  afterAll(() => disk?.release());

  it('while saving the draft: says what and where, leaves no temp file, files nothing', async () => {
    const config = path.join(disk!.dir, 'config');
    fs.mkdirSync(path.join(config, 'drafts'), { recursive: true });
    fillDisk(disk!.dir);
    try {
      const r = await runBuilt(['--portal', p.proxy.url, ...accountRequest('disk full')], { home: p.home, env: { ...p.env(), SUPPORT_CONFIG_DIR: config } });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
      expect(r.stderr).toContain(path.join(config, 'drafts'));
      expect(r.stderr).toContain('the disk is full (ENOSPC)');
      expect(fs.readdirSync(path.join(config, 'drafts'))).toEqual([]);
      expect(await p.filedWith('disk full')).toEqual([]);
    } finally {
      fs.rmSync(path.join(disk!.dir, '.filler'));
    }
  });

  it('while saving a login: the old config.json stays as it was, nothing beside it', async () => {
    const config = path.join(disk!.dir, 'config-login');
    const login = (profile: string) =>
      runBuilt(['login', '--profile', profile, '--portal', p.h.url, '--email', p.h.email, '--token-stdin'], {
        home: p.home,
        env: { SUPPORT_CONFIG_DIR: config },
        stdin: p.h.token,
      });
    const first = await login('default');
    expect(first.code, first.stderr).toBe(0);
    const before = fs.readFileSync(path.join(config, 'config.json'), 'utf8');
    fillDisk(disk!.dir);
    try {
      const r = await login('other');
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
      expect(r.stderr).toContain(path.join(config, 'config.json'));
      expect(r.stderr).toContain('the disk is full (ENOSPC)');
      expect(fs.readFileSync(path.join(config, 'config.json'), 'utf8')).toBe(before);
      expect(fs.readdirSync(config)).toEqual(['config.json']);
    } finally {
      fs.rmSync(path.join(disk!.dir, '.filler'));
    }
  });
});

describe('a corrupt config.json', () => {
  // Without the build this fails under CI=true and is reported as skipped elsewhere.
  beforeEach((ctx) => need(ctx, built, 'the build (npm run build)'));
  it('says which file and what is wrong, for every command that reads it, and keeps it as it was', async () => {
    const config = path.join(p.home, 'config');
    fs.mkdirSync(config, { recursive: true });
    const file = path.join(config, 'config.json');
    const corrupt = '{"profiles": {"default": ';
    fs.writeFileSync(file, corrupt, { mode: 0o600 });
    for (const argv of [['whoami'], ['list'], ['login', '--portal', p.h.url, '--email', p.h.email, '--token-stdin']]) {
      const r = await runBuilt(argv, { home: p.home, stdin: p.h.token });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).not.toMatch(NOT_A_BUG);
      expect(r.stderr).toContain(`${file} is not a config file this version can read`);
      expect(fs.readFileSync(file, 'utf8')).toBe(corrupt);
    }
    expect(fs.readdirSync(config)).toEqual(['config.json']);
  });
});
