/**
 * `attach KEY --bundle --app URL --cluster` and `create … --bundle --app URL --cluster` against
 * the JSM sandbox and the sandbox's ATST: the merged bundle of the nodes is uploaded as today's
 * bundles are; the fleet flags without --bundle are refused before anything is sent.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/lib/clock.js';
import { plantedSecrets, startAtstSandbox, type AtstSandboxHandle } from '../src/sandbox/atst/index.js';
import { followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { tempDir } from './support/harness.js';
import { hasTool } from './support/needs.js';

let s: FollowSandbox;
let app: AtstSandboxHandle;
let root: string;
beforeAll(async () => {
  root = tempDir('support-atst-send-');
  s = await followSandbox();
  app = await startAtstSandbox({ nodes: 3, dataDir: path.join(root, 'atst'), taskMs: 200, failNodes: ['node2'] });
});
afterAll(async () => {
  await Promise.all([s.close(), app.close()]);
  fs.rmSync(root, { recursive: true, force: true });
});

const cli = (argv: string[]) =>
  s.cli(argv, { cwd: root, home: root, clock: systemClock, env: { SUPPORT_APP_TOKEN: app.token, SUPPORT_ATST_POLL_MS: '100', SUPPORT_BUNDLE_ROOT: root } });

function attachmentsOf(key: string): Map<string, Buffer> {
  const state = JSON.parse(fs.readFileSync(path.join(s.dataDir, 'state.json'), 'utf8')) as { requests: { key: string; attachments: { filename: string; blob: string }[] }[] };
  const req = state.requests.find((r) => r.key === key);
  return new Map((req?.attachments ?? []).map((a) => [a.filename, fs.readFileSync(path.join(s.dataDir, 'blobs', a.blob))]));
}

function entriesOf(zip: Buffer): string[] {
  const f = path.join(root, `check-${Date.now()}.zip`);
  fs.writeFileSync(f, zip);
  try {
    return execFileSync('unzip', ['-Z1', f]).toString().split('\n').filter(Boolean);
  } finally {
    fs.rmSync(f);
  }
}

describe('attach and create with --bundle --app URL --cluster', () => {
  it('attach uploads the merged bundle of the nodes that gave a zip', async () => {
    const key = await s.create('cluster logs');
    const r = await cli(['attach', key, '--bundle', '--app', app.url, '--cluster', '--level', '0', '--output', 'cluster.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ attached: [{ name: 'cluster.zip' }], failed: [] });
    expect(r.stderr).toMatch(/2 of 3 nodes in the bundle: node1, node3/);
    const zip = attachmentsOf(key).get('cluster.zip')!;
    for (const n of ['node1', 'node2', 'node3']) for (const secret of plantedSecrets(n)) expect(zip.includes(Buffer.from(secret))).toBe(false);
    if (hasTool('unzip')) {
      const names = entriesOf(zip);
      expect(names.some((n) => n.startsWith('nodes/node1/'))).toBe(true);
      expect(names.some((n) => n.startsWith('nodes/node2/'))).toBe(false);
    }
  }, 60_000);

  it('create files the request with the merged bundle attached', async () => {
    const r = await cli(['create', '--type', 'account', '--details', 'd', '--field', 'customfield_10020=Other', '--summary', 'Cluster', '--bundle', '--app', app.url, '--cluster', '--nodes', 'node3', '--level', '0', '--output', 'c.zip', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { key: string; bundle: { output: string } };
    expect(j.bundle.output).toBe(path.join(root, 'c.zip'));
    const zip = attachmentsOf(j.key).get('c.zip')!;
    expect(zip.includes(Buffer.from('nodes/node3/application-logs/atlassian-jira.log'))).toBe(true);
    expect(zip.includes(Buffer.from('nodes/node1/'))).toBe(false);
  }, 60_000);

  it('the fleet flags without --bundle: exit 2, each named, nothing sent', async () => {
    const before = s.exchanges.length;
    const tasks = app.tasks().length;
    const r = await cli(['attach', 'SUP-1', 'x.txt', '--app', app.url, '--cluster']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--app, --cluster');
    expect(s.exchanges.length).toBe(before);
    expect(app.tasks().length).toBe(tasks);
  });
});
