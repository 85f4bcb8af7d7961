// Sign-in against the sandbox portal: scripted (stdin) and interactive (scripted prompter) login,
// profiles, flag > env > profile precedence, 0600 files, the keyring switched off, logout, whoami,
// --portal sandbox, and a --debug run of every path that must never show the token.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Exchange, type SandboxHandle } from '../src/sandbox/index.js';
import { fakeClock, runCli, tempDir, type RunOptions } from './support/harness.js';
import { conformEachTest } from './support/openapi.js';
import { ScriptedPrompter } from './support/scripted-prompter.js';

let sb: SandboxHandle;
let sbDir: string;
const seen: Exchange[] = [];
const homes: string[] = [];

beforeAll(async () => {
  sbDir = tempDir('support-sb-');
  sb = await startSandbox({ dataDir: sbDir, clock: fakeClock(), onExchange: (x) => seen.push(x) });
});
afterAll(async () => {
  await sb.close();
  for (const d of [sbDir, ...homes]) fs.rmSync(d, { recursive: true, force: true });
});
// Refused calls (401 for the wrong tokens sent on purpose) are left out: their requests are
// deliberately bad, and the sandbox answers /rest/api/2/myself 401 in the platform's error shape,
// which the patched spec does not declare.
conformEachTest(() => seen, { filter: (x) => x.status < 400 });

function home(): string {
  const h = tempDir('support-home-');
  homes.push(h);
  return h;
}

/** Runs the CLI in `h` with the keyring off (the headless case; tests never touch a real keyring). */
function cli(h: string, argv: string[], opts: RunOptions = {}) {
  return runCli(argv, { home: h, ...opts, env: { SUPPORT_KEYRING: 'off', ...opts.env } });
}

function login(h: string, user = sb.users[0]!, extra: string[] = [], opts: RunOptions = {}) {
  return cli(h, ['login', '--portal', sb.url, '--email', user.email, '--token-stdin', ...extra], { stdin: `${user.token}\n`, ...opts });
}

const configFile = (h: string) => path.join(h, 'config', 'config.json');

describe('login (scripted)', () => {
  it('verifies, saves a 0600 profile and says who you are; whoami reads it back', async () => {
    const h = home();
    const r = await login(h);
    expect(r.stderr).not.toContain('error');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Signed in to ${sb.url} as ${sb.users[0]!.displayName} <${sb.users[0]!.email}> (profile "default").`);
    expect(r.stdout).toContain('mode 0600; no OS keyring reachable');
    expect(fs.statSync(configFile(h)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(configFile(h))).mode & 0o777).toBe(0o700);
    const saved = JSON.parse(fs.readFileSync(configFile(h), 'utf8'));
    expect(saved.profiles.default).toMatchObject({ portal: sb.url, email: sb.users[0]!.email, tokenStore: 'file', token: sb.users[0]!.token });

    const w = await cli(h, ['whoami', '--json']);
    expect(w.code).toBe(0);
    expect(JSON.parse(w.stdout)).toEqual({
      // Cloud has no usernames: the name is the one the portal shows.
      account: { accountId: sb.users[0]!.accountId, name: sb.users[0]!.displayName, displayName: sb.users[0]!.displayName, emailAddress: sb.users[0]!.email },
      portal: sb.url,
      // The sandbox's /info reports a Cloud build (an e-mail alone would not make it Cloud).
      deployment: 'cloud',
      profile: 'default',
      tokenSource: 'file',
    });
    const plain = await cli(h, ['whoami']);
    expect(plain.stdout).toContain(`account\t${sb.users[0]!.displayName}\n`);
    expect(plain.stdout).toContain('token\tfile\n');
    const tty = await cli(h, ['whoami'], { tty: true, prompter: new ScriptedPrompter([]) });
    expect(tty.stdout).toContain('Token from: config file (mode 0600)');
  });

  it('--json prints one document for login and logout', async () => {
    const h = home();
    const r = await login(h, sb.users[0]!, ['--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      profile: 'default',
      portal: sb.url,
      deployment: 'cloud',
      account: { accountId: sb.users[0]!.accountId, displayName: sb.users[0]!.displayName, emailAddress: sb.users[0]!.email },
      tokenStore: 'file',
    });
    const out = await cli(h, ['logout', '--json']);
    expect(JSON.parse(out.stdout)).toEqual({ profile: 'default', removed: true, portal: sb.url, tokenStore: 'file' });
    expect(JSON.parse(fs.readFileSync(configFile(h), 'utf8')).profiles).toEqual({});
  });

  it('a wrong token exits 4 and saves nothing', async () => {
    const h = home();
    const r = await cli(h, ['login', '--portal', sb.url, '--email', sb.users[0]!.email, '--token-stdin'], { stdin: 'not-the-token\n' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('rejected these credentials; nothing was saved');
    expect(fs.existsSync(configFile(h))).toBe(false);
  });

  it('without a terminal, names every missing flag at once (exit 2)', async () => {
    const r = await cli(home(), ['login']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('missing --portal URL, --token-stdin');
    const c = await cli(home(), ['login', '--portal', 'https://example.atlassian.net']);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('missing --email E, --token-stdin');
    const both = await cli(home(), ['login', '--cloud', '--dc']);
    expect(both.code).toBe(2);
  });

  it('an unreachable portal exits 1 naming the host and the cause', async () => {
    const h = home();
    const r = await cli(h, ['login', '--portal', 'http://127.0.0.1:9', '--token-stdin'], { stdin: 'x' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Cannot reach 127.0.0.1:9');
    expect(r.stderr).toMatch(/ECONNREFUSED/);
    expect(fs.existsSync(configFile(h))).toBe(false);
  });

  it('--token works but warns about shell history', async () => {
    const h = home();
    const r = await cli(h, ['login', '--portal', sb.url, '--dc', '--token', sb.users[0]!.token]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('prefer --token-stdin');
    // No e-mail, --dc: a Data Center personal access token, sent as Bearer.
    expect(seen.at(-2)!.headers.authorization).toBe(`Bearer ${sb.users[0]!.token}`);
  });
});

describe('login (interactive)', () => {
  it('asks the portal and the token (masked) for Data Center', async () => {
    const h = home();
    const dir = tempDir('support-auth-dc-');
    const dc = await startSandbox({ dataDir: dir, clock: fakeClock(), flavor: 'dc' });
    try {
      const p = new ScriptedPrompter([
        { kind: 'input', message: /Portal URL/, answer: `${dc.url}/servicedesk/customer/portals` },
        { kind: 'password', message: /Personal access token/, answer: dc.users[0]!.token },
      ]);
      const r = await cli(h, ['login'], { tty: true, prompter: p });
      expect(r.code).toBe(0);
      expect(p.done).toBe(true);
      expect(r.stderr).toContain('Deployment: Data Center');
      expect(r.stderr).toContain('Create a personal access token');
      expect(JSON.parse(fs.readFileSync(configFile(h), 'utf8')).profiles.default).toMatchObject({ portal: dc.url, deployment: 'dc' });
      // Data Center names the account by its username.
      const w = JSON.parse((await cli(h, ['whoami', '--json'])).stdout);
      expect(w.account.name).toBe(dc.users[0]!.username);
    } finally {
      await dc.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('saves the deployment /info reports, whatever the host or an e-mail suggest; --deployment overrides it', async () => {
    const cloud = await login(home());
    expect(cloud.code).toBe(0);
    const h = home();
    const forced = await cli(h, ['login', '--portal', sb.url, '--email', sb.users[0]!.email, '--token-stdin', '--deployment', 'dc'], { stdin: `${sb.users[0]!.token}\n` });
    expect(forced.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(configFile(h), 'utf8')).profiles.default.deployment).toBe('dc');
    const bad = await cli(home(), ['login', '--portal', sb.url, '--deployment', 'server', '--token-stdin'], { stdin: 'x\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--deployment');
  });

  it('asks the e-mail too for Cloud, with a pointer to where API tokens are made', async () => {
    const h = home();
    const p = new ScriptedPrompter([
      { kind: 'input', message: /Portal URL/, answer: sb.url },
      { kind: 'input', message: /E-mail/, answer: sb.users[1]!.email },
      { kind: 'password', message: /API token/, answer: sb.users[1]!.token },
    ]);
    const r = await cli(h, ['login', '--cloud', '--lang', 'en'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Sign in with the e-mail and an API token of your account on');
    expect(r.stdout).toContain(sb.users[1]!.displayName);
  });

  it('a Cloud portal on another host (the sandbox) is asked what it is: e-mail and API token, never a personal access token', async () => {
    const p = new ScriptedPrompter([
      { kind: 'input', message: /Portal URL/, answer: sb.url },
      { kind: 'input', message: /E-mail/, answer: sb.users[0]!.email },
      { kind: 'password', message: /^API token$/, answer: sb.users[0]!.token },
    ]);
    const r = await cli(home(), ['login', '--lang', 'en'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Deployment: Cloud');
    expect(r.stderr).not.toMatch(/personal access token/i);
  });

  it('signed in already: says so, and the portal question starts on the saved portal', async () => {
    const h = home();
    expect((await login(h)).code).toBe(0);
    const p = new ScriptedPrompter([
      { kind: 'input', message: /Portal URL/, answer: '' },
      { kind: 'input', message: /E-mail/, answer: sb.users[0]!.email },
      { kind: 'password', message: /API token/, answer: sb.users[0]!.token },
    ]);
    const r = await cli(h, ['login', '--lang', 'en'], { tty: true, prompter: p });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`You are signed in to ${sb.url} as ${sb.users[0]!.displayName} (profile "default"); signing in again replaces it.`);
    expect(r.stdout).toContain(`Signed in to ${sb.url}`);
  });

  it('Ctrl-C at a prompt exits 130 and saves nothing', async () => {
    const h = home();
    const p = new ScriptedPrompter([{ kind: 'input', answer: 'cancel' }]);
    const r = await cli(h, ['login'], { tty: true, prompter: p });
    expect(r.code).toBe(130);
    expect(fs.existsSync(configFile(h))).toBe(false);
  });

  it('a cancel is worded in the language of the run (--lang ja)', async () => {
    const h = home();
    const p = new ScriptedPrompter([{ kind: 'input', answer: 'cancel' }]);
    const r = await cli(h, ['login', '--lang', 'ja'], { tty: true, prompter: p });
    expect(r.code).toBe(130);
    expect(r.stderr.trim()).toBe('キャンセルしました。');
  });
});

describe('profiles and precedence', () => {
  it('keeps several profiles; --profile and SUPPORT_PROFILE pick one; logout removes only that one', async () => {
    const h = home();
    expect((await login(h)).code).toBe(0);
    expect((await login(h, sb.users[1]!, ['--profile', 'work'])).code).toBe(0);
    const work = JSON.parse((await cli(h, ['whoami', '--json', '--profile', 'work'])).stdout);
    expect([work.profile, work.account.displayName]).toEqual(['work', sb.users[1]!.displayName]);
    const viaEnv = JSON.parse((await cli(h, ['whoami', '--json'], { env: { SUPPORT_PROFILE: 'work' } })).stdout);
    expect(viaEnv.account.accountId).toBe(sb.users[1]!.accountId);

    const out = await cli(h, ['logout', '--profile', 'work']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('profile "work"');
    expect((await cli(h, ['whoami', '--profile', 'work'])).code).toBe(4);
    expect((await cli(h, ['whoami'])).code).toBe(0);
    const again = await cli(h, ['logout', '--profile', 'work']);
    expect([again.code, again.stderr]).toEqual([0, 'Profile "work" was not signed in; nothing to remove.\n']);
  });

  it('environment beats profile; a profile token is never sent to another portal', async () => {
    const h = home();
    expect((await login(h)).code).toBe(0);
    const env = { SUPPORT_EMAIL: sb.users[1]!.email, SUPPORT_TOKEN: sb.users[1]!.token };
    const w = JSON.parse((await cli(h, ['whoami', '--json'], { env })).stdout);
    expect([w.account.accountId, w.tokenSource]).toEqual([sb.users[1]!.accountId, 'env']);

    // --portal names another portal: the saved token (for sb.url) must not go there.
    const other = await cli(h, ['whoami', '--portal', 'http://127.0.0.1:9']);
    expect(other.code).toBe(4);
    expect(other.stderr).toContain('no token for http://127.0.0.1:9');
    // SUPPORT_PORTAL with the same URL as the profile uses the profile's token.
    expect((await cli(h, ['whoami'], { env: { SUPPORT_PORTAL: `${sb.url}/` } })).code).toBe(0);
  });

  it('whoami without any sign-in exits 4 and names the command to run', async () => {
    const r = await cli(home(), ['whoami']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('not signed in; run: support login');
    const ja = await cli(home(), ['whoami', '--lang', 'ja']);
    expect(ja.stderr).toContain('サインインしていません');
  });

  it('rejected saved credentials exit 4 with how to sign in again', async () => {
    const h = home();
    expect((await login(h)).code).toBe(0);
    const file = configFile(h);
    const cfg = JSON.parse(fs.readFileSync(file, 'utf8'));
    cfg.profiles.default.token = 'revoked';
    fs.writeFileSync(file, JSON.stringify(cfg));
    const r = await cli(h, ['whoami']);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('support login');
  });
});

describe('--portal sandbox', () => {
  it('needs no login: whoami uses the in-process sandbox under the config dir', async () => {
    const h = home();
    const r = await cli(h, ['whoami', '--json', '--portal', 'sandbox']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect([j.deployment, j.tokenSource]).toEqual(['sandbox', 'sandbox']);
    expect(fs.existsSync(path.join(h, 'config', 'data'))).toBe(true);
    const l = await cli(h, ['login', '--portal', 'sandbox']);
    expect([l.code, l.stderr]).toEqual([0, 'The sandbox portal needs no sign-in: add --portal sandbox to any command.\n']);
  });
});

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

describe('secrets', () => {
  it('--debug on every path shows the traffic but never the token, and no file outside the credential store holds it', async () => {
    const h = home();
    const user = sb.users[1]!;
    const basic = Buffer.from(`${user.email}:${user.token}`).toString('base64');
    const runs = [
      await login(h, user, ['--debug']),
      await cli(h, ['whoami', '--debug']),
      await cli(h, ['whoami', '--debug', '--json']),
      await cli(h, ['whoami', '--debug'], { env: { SUPPORT_TOKEN: user.token, SUPPORT_EMAIL: user.email } }),
      await cli(h, ['login', '--debug', '--portal', sb.url, '--email', user.email, '--token', user.token, '--profile', 'flag']),
      await cli(h, ['login', '--debug', '--portal', sb.url, '--email', user.email, '--token-stdin', '--profile', 'bad'], { stdin: `${user.token}x` }),
      await cli(h, ['logout', '--debug', '--profile', 'flag']),
      await cli(h, ['logout', '--debug']),
    ];
    expect(runs.map((r) => r.code)).toEqual([0, 0, 0, 0, 0, 4, 0, 0]);
    expect(runs[1]!.stderr).toMatch(/debug: > GET http:\/\/127\.0\.0\.1:\d+\/rest\/api\/2\/myself/);
    expect(runs[1]!.stderr).toContain('debug: > authorization: Basic ****');
    expect(runs[1]!.stderr).toMatch(/debug: < 200 \(\d+ ms/);
    for (const r of runs) {
      for (const s of [user.token, basic, encodeURIComponent(user.token)]) {
        expect(r.stdout).not.toContain(s);
        expect(r.stderr).not.toContain(s);
      }
    }
    // After logout the credential store is empty too; nothing else under the home ever held the token.
    for (const f of filesUnder(h)) expect(fs.readFileSync(f, 'utf8'), f).not.toContain(user.token);
  });

  it('--portal sandbox with --debug does not print the sandbox token', async () => {
    const h = home();
    const r = await cli(h, ['whoami', '--debug', '--portal', 'sandbox']);
    expect(r.code).toBe(0);
    const state = filesUnder(path.join(h, 'config', 'data')).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    const tokens = [...state.matchAll(/sbx_[A-Za-z0-9]+/g)].map((m) => m[0]);
    expect(tokens.length).toBeGreaterThan(0);
    for (const tk of tokens) expect(r.stdout + r.stderr).not.toContain(tk);
  });
});
