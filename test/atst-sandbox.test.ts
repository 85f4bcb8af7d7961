/**
 * The whole route through built programs only: `support sandbox --app-nodes 3 --app-fail node3`
 * serves the simulated cluster and prints its URL and admin token, and `support bundle --app URL
 * --cluster` collects from it with the token in the environment.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuilt, killAndWait, runBuilt, spawnCli, tempHome, type CliChild } from './support/built-cli.js';
import { hasTool, need } from './support/needs.js';

let home: string;
let sandbox: CliChild | undefined;
beforeEach((ctx) => {
  need(ctx, isBuilt(), 'the build (npm run build)');
  home = tempHome();
});
afterEach(async () => {
  if (sandbox) await killAndWait(sandbox, 'SIGINT');
  sandbox = undefined;
  fs.rmSync(home, { recursive: true, force: true });
});

async function waitForStdout(c: CliChild, re: RegExp): Promise<RegExpExecArray> {
  const end = Date.now() + 20_000;
  for (;;) {
    const m = re.exec(c.stdout());
    if (m) return m;
    if (Date.now() > end) throw new Error(`no ${re} in ${c.stdout()} / ${c.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('support sandbox --app-nodes', () => {
  it('serves an ATST cluster that support bundle --app --cluster collects from (node3 failing)', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    sandbox = spawnCli(['sandbox', '--port', '0', '--data', path.join(home, 'data'), '--app-nodes', '3', '--app-fail', 'node3'], { home });
    const url = (await waitForStdout(sandbox, /^app-url\t(\S+)$/m))[1]!;
    const token = (await waitForStdout(sandbox, /^app-token\t(\S+)$/m))[1]!;
    const out = path.join(home, 'cluster.zip');
    const r = await runBuilt(['bundle', '--app', url, '--cluster', '--output', out, '--json'], { home, env: { SUPPORT_APP_TOKEN: token } });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { nodes: { id: string; state: string }[] };
    expect(j.nodes.map((n) => `${n.id}:${n.state}`)).toEqual(['node1:ok', 'node2:ok', 'node3:failed']);
    expect(execFileSync('unzip', ['-t', out]).toString()).toContain('No errors detected');
    // The token never reaches the command line of the bundle (it came from the environment) nor the zip.
    expect(fs.readFileSync(out).includes(Buffer.from(token))).toBe(false);
  }, 90_000);

  it('--app-lb, --app-websudo, --app-mesh: a token is refused with the WebSudo explanation; the admin user collects every zip through the balancer and the mesh nodes', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    sandbox = spawnCli(
      ['sandbox', '--port', '0', '--data', path.join(home, 'data'), '--json', '--app-nodes', '3', '--app-lb', 'random:3', '--app-websudo', '--app-mesh', '2', '--app-mesh-offline', '2'],
      { home },
    );
    const app = JSON.parse((await waitForStdout(sandbox, /^(\{"appUrl".*\})$/m))[1]!) as { appUrl: string; appToken: string; appUser: string; appPassword: string };
    const out = path.join(home, 'lb.zip');
    const refused = await runBuilt(['bundle', '--app', app.appUrl, '--cluster', '--output', out], { home, env: { SUPPORT_APP_TOKEN: app.appToken } });
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('asks for a secure administrator session (WebSudo)');
    const r = await runBuilt(['bundle', '--app', app.appUrl, '--cluster', '--output', out, '--json'], { home, env: { SUPPORT_APP_USER: app.appUser, SUPPORT_APP_PASSWORD: app.appPassword } });
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { nodes: { id: string; state: string }[] };
    expect(j.nodes.map((n) => `${n.id}:${n.state}`)).toEqual(['node1:ok', 'node2:ok', 'node3:ok', 'mesh-1:ok', 'mesh-2:failed']);
    expect(execFileSync('unzip', ['-t', out]).toString()).toContain('No errors detected');
  }, 90_000);

  it('--app-fail or --app-websudo without --app-nodes, an unknown node, an unknown balancer: exit 2', async () => {
    const a = await runBuilt(['sandbox', '--port', '0', '--data', path.join(home, 'd'), '--app-fail', 'node3'], { home });
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--app-fail, --app-slow and the other --app-* flags need --app-nodes N.');
    const b = await runBuilt(['sandbox', '--port', '0', '--data', path.join(home, 'd'), '--app-nodes', '2', '--app-slow', 'node7'], { home });
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('No such node: node7');
    const c = await runBuilt(['sandbox', '--port', '0', '--data', path.join(home, 'd'), '--app-nodes', '2', '--app-lb', 'sticky'], { home });
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('--app-lb takes round-robin, random, random:SEED or connection, not "sticky".');
    const d = await runBuilt(['sandbox', '--port', '0', '--data', path.join(home, 'd'), '--app-websudo'], { home });
    expect(d.code).toBe(2);
    expect(d.stderr).toContain('need --app-nodes N.');
  }, 30_000);
});
