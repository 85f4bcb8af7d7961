/**
 * `support bundle --app URL --cluster` against the sandbox's ATST (a simulated 3-node cluster):
 * one node failing gives one bundle with the other two and a manifest that says why the third is
 * missing; every planted secret (test/support/planted.ts, and the sandbox's own) is masked, and
 * secretlint finds nothing in the bundle that it finds in the planted files.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MergedManifest } from '../src/bundle/index.js';
import { systemClock } from '../src/lib/clock.js';
import { plantedSecrets, startAtstSandbox, type AtstSandboxHandle } from '../src/sandbox/atst/index.js';
import { runCli, tempDir } from './support/harness.js';
import { hasTool, need } from './support/needs.js';
import { allText, secretlintFindings } from './support/oracle.js';
import { SHAPES, writePlantedTree } from './support/planted.js';

const repo = path.join(import.meta.dirname, '..');

let ajv: Ajv;
beforeAll(() => {
  // The --json shapes against cli/json-types.ts, as test/json-shapes.test.ts checks the other commands'.
  const schema = createGenerator({ path: path.join(repo, 'src/cli/json-types.ts'), tsconfig: path.join(repo, 'tsconfig.json'), type: '*', additionalProperties: false, skipTypeCheck: true }).createSchema('*');
  ajv = new Ajv({ allErrors: true, strict: false });
  ajv.addSchema(schema, 'json-types');
}, 60_000);
function expectShape(type: string, value: unknown): void {
  const v = ajv.getSchema(`json-types#/definitions/${type}`)!;
  expect(v(value), JSON.stringify(v.errors)).toBe(true);
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
function tmp(): string {
  const d = tempDir('support-atst-');
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}
async function sandbox(o: Partial<Parameters<typeof startAtstSandbox>[0]> = {}): Promise<AtstSandboxHandle> {
  const h = await startAtstSandbox({ nodes: 3, dataDir: tmp(), taskMs: 300, ...o });
  cleanups.push(() => h.close());
  return h;
}
/** Runs the CLI in process with the real clock (the sandbox's tasks take real time) and quick polls. */
function cli(args: string[], env: Record<string, string | undefined>, cwd: string) {
  return runCli(args, { env: { SUPPORT_ATST_POLL_MS: '100', SUPPORT_KEYRING: 'off', ...env }, clock: systemClock, cwd, home: cwd });
}

function unpack(zip: string): { dir: string; manifest: MergedManifest; names: string[] } {
  expect(execFileSync('unzip', ['-t', zip]).toString()).toContain('No errors detected');
  const dir = tmp();
  execFileSync('unzip', ['-q', '-o', zip, '-d', dir]);
  const names = execFileSync('unzip', ['-Z1', zip]).toString('utf8').split('\n').filter(Boolean);
  return { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as MergedManifest, names };
}
const flagged = (dir: string): string[] => secretlintFindings(dir, tmp());

describe('support bundle --app URL --cluster against the sandbox ATST', () => {
  it('3 nodes, node3 failing: one bundle with node1 and node2, the manifest says why node3 is missing, no planted secret survives', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const tree = writePlantedTree(path.join(tmp(), 'planted'));
    const extraFiles = new Map([...tree.files].map(([rel, data]) => [`application-logs/${rel}`, data]));
    const h = await sandbox({ failNodes: ['node3'], extraFiles });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--output', 'cluster.zip', '--json', '--since', '2d'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { nodes: { id: string; state: string; entries: number; taskId?: string; why?: string }[] };
    expectShape('BundleJson', out);
    expect(out.nodes.map((n) => [n.id, n.state])).toEqual([
      ['node1', 'ok'],
      ['node2', 'ok'],
      ['node3', 'failed'],
    ]);
    // Progress per node on stderr.
    expect(r.stderr).toMatch(/node1\s+\d+%/);
    expect(r.stderr).toMatch(/node3: failed: java\.io\.IOException: No space left on device/);

    const zip = path.join(cwd, 'cluster.zip');
    const { dir, manifest, names } = unpack(zip);
    expect(names.filter((n) => n.startsWith('nodes/node1/')).length).toBeGreaterThan(10);
    expect(names.filter((n) => n.startsWith('nodes/node2/')).length).toBeGreaterThan(10);
    expect(names.filter((n) => n.startsWith('nodes/node3/'))).toEqual([]);
    expect(names.filter((n) => n === 'manifest.json')).toHaveLength(1);

    // The manifest: every node with its ATST task id; node3 with the reason; each entry's source, sha256, redactions.
    const tasks = h.tasks();
    expect(manifest.collection).toMatchObject({ route: 'atst', clustered: true, request: { fileConstraintSize: 100, fileConstraintLastModified: 3 } });
    for (const n of manifest.nodes) expect(n.taskId).toBe(tasks.find((t) => t.nodeId === n.id)!.taskId);
    const node3 = manifest.nodes.find((n) => n.id === 'node3')!;
    expect(node3).toMatchObject({ state: 'failed', atstStatus: 'FAILED', entries: 0 });
    expect(String(node3.why)).toContain('No space left on device');
    const log = manifest.files.find((f) => f.entry === 'nodes/node1/application-logs/atlassian-jira.log')!;
    expect(log.source).toBe('node1:application-logs/atlassian-jira.log');
    expect(log.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(log.redactions).toMatchObject({ 'private-key': 1 });
    const sum = (f: { redactions: Record<string, number> }) => Object.values(f.redactions).reduce((a, b) => a + b, 0);
    expect(sum(manifest.files.find((f) => f.entry === 'nodes/node2/application-config/dbconfig.xml')!)).toBeGreaterThan(0);
    // A zip inside a node's zip (a rotated log as .zip) is opened and redacted; what cannot be read is recorded, not bundled.
    expect(manifest.files.some((f) => f.entry.startsWith('nodes/node1/application-logs/jira-home/log/atlassian-jira.log.4/'))).toBe(true);
    expect(manifest.skipped.some((s) => s.reason === 'unreadable-archive' && s.source.startsWith('node1:'))).toBe(tree.encoded.some((e) => e.id === 'xz' || e.id === 'bzip2'));

    const text = allText(dir);
    for (const s of SHAPES) for (const secret of s.secrets) expect(text, `${s.id}: ${JSON.stringify(secret)} survived`).not.toContain(secret);
    for (const e of tree.encoded) expect(text, `${e.id}: its secret survived`).not.toContain(e.secret);
    for (const n of h.nodeIds) for (const secret of plantedSecrets(n)) expect(text, `${n}: ${secret} survived`).not.toContain(secret);

    const before = flagged(tree.root);
    expect(before.length).toBeGreaterThanOrEqual(8);
    const after = new Set(flagged(dir));
    expect(before.filter((f) => after.has(f))).toEqual([]);
    // Nothing of the nodes' unredacted zips stays beside the bundle.
    expect(fs.readdirSync(cwd).filter((n) => n.startsWith('.'))).toEqual([]);
  }, 120_000);

  it('--nodes picks nodes; --local adds this host under local/; a user and password work as Basic auth', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const h = await sandbox();
    const cwd = tmp();
    const logs = path.join(cwd, 'here');
    fs.mkdirSync(logs);
    fs.writeFileSync(path.join(logs, 'app.log'), 'line with password=SbxLocalPw123 in it\n');
    const r = await cli(
      ['bundle', '--app', h.url, '--cluster', '--nodes', 'node2', '--local', '--path', logs, '--output', 'two.zip'],
      { SUPPORT_APP_USER: h.user, SUPPORT_APP_PASSWORD: h.password },
      cwd,
    );
    expect(r.code, r.stderr).toBe(0);
    const { dir, manifest, names } = unpack(path.join(cwd, 'two.zip'));
    expect(manifest.nodes.map((n) => n.id)).toEqual(['node2']);
    expect(names.some((n) => n.startsWith('nodes/node2/'))).toBe(true);
    expect(names.some((n) => n.startsWith('nodes/node1/'))).toBe(false);
    expect(names.some((n) => n.startsWith('local/files/') && n.endsWith('app.log'))).toBe(true);
    expect(allText(dir)).not.toContain('SbxLocalPw123');
    expect(h.tasks().map((t) => t.nodeId)).toEqual(['node2']);
  }, 60_000);

  it('a single-node product: --cluster says so and takes the node\'s own zip', async () => {
    const h = await sandbox({ nodes: 1 });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--output', 'one.zip', '--json'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/no cluster zips/);
    const out = JSON.parse(r.stdout) as { nodes: { id: string; state: string; entries: number }[] };
    expect(out.nodes).toHaveLength(1);
    expect(out.nodes[0]!.state).toBe('ok');
    expect(out.nodes[0]!.entries).toBeGreaterThan(0);
  }, 60_000);

  it('Bitbucket mesh nodes: listed page by page, each one\'s zip streamed into nodes/mesh-<id>/ and redacted; an offline one recorded with the reason', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const h = await sandbox({ nodes: 2, mesh: { count: 3, offline: ['2'] } });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--output', 'bb.zip'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code, r.stderr).toBe(0);
    const { dir, manifest, names } = unpack(path.join(cwd, 'bb.zip'));
    // Three mesh nodes on two pages of the sandbox's list (it serves at most 2 a page).
    expect(manifest.nodes.map((n) => [n.id, n.state])).toEqual([
      ['node1', 'ok'],
      ['node2', 'ok'],
      ['mesh-1', 'ok'],
      ['mesh-2', 'failed'],
      ['mesh-3', 'ok'],
    ]);
    expect(manifest.nodes.find((n) => n.id === 'mesh-1')!.mesh).toEqual({ id: '1', name: 'mesh-1', state: 'AVAILABLE' });
    const offline = manifest.nodes.find((n) => n.id === 'mesh-2')!;
    expect(offline).toMatchObject({ entries: 0, mesh: { id: '2', state: 'OFFLINE' } });
    expect(String(offline.why)).toContain('the node is offline');
    expect(r.stderr).toContain('mesh-2: failed: OFFLINE:');
    for (const m of ['mesh-1', 'mesh-3']) expect(names).toContain(`nodes/${m}/application-logs/atlassian-jira.log`);
    expect(names.some((n) => n.startsWith('nodes/mesh-2/'))).toBe(false);
    const text = allText(dir);
    for (const m of ['mesh-1', 'mesh-3']) for (const secret of plantedSecrets(m)) expect(text).not.toContain(secret);
  }, 60_000);

  it('a mesh node list that fails (500): recorded as node "mesh" with the server\'s text, the cluster\'s zips kept', async () => {
    const h = await sandbox({ nodes: 2, mesh: { count: 2, listFails: true } });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--output', 'm.zip', '--json'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code, r.stderr).toBe(0);
    const nodes = (JSON.parse(r.stdout) as { nodes: { id: string; state: string; why?: string }[] }).nodes;
    expect(nodes.map((n) => [n.id, n.state])).toEqual([
      ['node1', 'ok'],
      ['node2', 'ok'],
      ['mesh', 'failed'],
    ]);
    expect(nodes[2]!.why).toContain('500: An error occurred while processing the request.');
  }, 60_000);

  it('not Bitbucket: the mesh routes answer 404 and no mesh node is added', async () => {
    const h = await sandbox({ nodes: 2 });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--output', 'j.zip', '--json'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toEqual(['node1', 'node2']);
  }, 60_000);

  it('every node failing: exit 1, nothing written', async () => {
    const h = await sandbox({ failNodes: ['node1', 'node2', 'node3'] });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--output', 'none.zip'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/None of the 3 nodes gave a support zip/);
    expect(fs.readdirSync(cwd)).toEqual([]);
  }, 60_000);

  it('a node that outlives --node-timeout is recorded as timed out and its task cancelled; the others are kept', async (ctx) => {
    need(ctx, hasTool('unzip'), 'unzip');
    const h = await sandbox({ slowNodes: ['node2'], slowMs: 60_000 });
    const cwd = tmp();
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--node-timeout', '3s', '--output', 't.zip'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(r.code, r.stderr).toBe(0);
    const { manifest } = unpack(path.join(cwd, 't.zip'));
    expect(manifest.nodes.find((n) => n.id === 'node2')).toMatchObject({ state: 'timed-out', entries: 0 });
    expect(h.tasks().find((t) => t.nodeId === 'node2')!.cancelled).toBe(true);
  }, 60_000);

  it('refusals: no credential (4, names login --app), a wrong token (4), an unknown node (2), plain http to another host (2)', async () => {
    const h = await sandbox();
    const cwd = tmp();
    const none = await cli(['bundle', '--app', h.url, '--cluster'], {}, cwd);
    expect(none.code).toBe(4);
    expect(none.stderr).toContain(`support login --app ${h.url}`);
    const wrong = await cli(['bundle', '--app', h.url, '--cluster'], { SUPPORT_APP_TOKEN: 'nope' }, cwd);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toMatch(/did not accept the product admin credential/);
    const unknown = await cli(['bundle', '--app', h.url, '--cluster', '--nodes', 'node1,node9'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No such node: node9. The nodes are: node1, node2, node3.');
    const clear = await cli(['bundle', '--app', 'http://jira.example.com', '--cluster'], { SUPPORT_APP_TOKEN: h.token }, cwd);
    expect(clear.code).toBe(2);
    const argv = await cli(['login', '--app', h.url, '--token', h.token], {}, cwd);
    expect(argv.code).toBe(2);
    expect(h.tasks()).toEqual([]);
    expect(fs.readdirSync(cwd).filter((n) => n.endsWith('.zip'))).toEqual([]);
  }, 60_000);

  it('support login --app saves the credential (0600, checked first); the bundle then needs no environment', async () => {
    const h = await sandbox();
    const cwd = tmp();
    const bad = await cli(['login', '--app', h.url, '--token-stdin'], { SUPPORT_APP_TOKEN: undefined }, cwd);
    expect(bad.code).toBe(2);
    const login = await runCli(['login', '--app', h.url, '--token-stdin', '--json'], { env: { SUPPORT_KEYRING: 'off' }, stdin: `${h.token}\n`, clock: systemClock, cwd, home: cwd });
    expect(login.code, login.stderr).toBe(0);
    expectShape('AppLoginJson', JSON.parse(login.stdout));
    expect(JSON.parse(login.stdout)).toMatchObject({ app: h.url, kind: 'bearer', clustered: true, nodes: ['node1', 'node2', 'node3'], store: 'file' });
    const file = path.join(cwd, 'config', 'app-credentials.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const r = await cli(['bundle', '--app', h.url, '--cluster', '--nodes', 'node1', '--output', 'b.zip'], {}, cwd);
    expect(r.code, r.stderr).toBe(0);
    const rejected = await runCli(['login', '--app', h.url, '--token-stdin'], { env: { SUPPORT_KEYRING: 'off' }, stdin: 'wrong\n', clock: systemClock, cwd: tmp() });
    expect(rejected.code).toBe(4);
  }, 60_000);
});
