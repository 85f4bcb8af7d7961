// Output to a pipe is never cut short: the built CLI waits for stdout to drain before it exits.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { need } from './support/needs.js';
import { isBuilt, slowRead, spawnCli, tempHome } from './support/built-cli.js';

const built = isBuilt();

let home: string;
let tree: string;
beforeAll(() => {
  home = tempHome();
  tree = tempHome('support-drain-tree-');
  // Names unique across folders: the entry names given to equal base names depend on the walk order.
  for (let d = 0; d < 40; d++) {
    const sub = path.join(tree, `folder-with-a-long-name-${d}`);
    fs.mkdirSync(sub);
    for (let i = 0; i < 250; i++) fs.writeFileSync(path.join(sub, `application-log-file-${d}-number-${i}.log`), 'x');
  }
});
afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(tree, { recursive: true, force: true });
});

describe('stdout is never cut short', () => {
  // Without the build this fails under CI=true and is reported as skipped elsewhere.
  beforeEach((ctx) => need(ctx, built, 'the build (npm run build)'));
  it('several MiB of JSON through a slow pipe equal the same output to a file', async () => {
    const argv = ['--json', 'bundle', '--dry-run', '--path', path.join(tree, '**', '*.log'), '--output', path.join(tree, 'out.zip')];
    const file = path.join(home, 'out.json');
    const fd = fs.openSync(file, 'w');
    const toFile = spawnCli(argv, { home, stdout: fd });
    const endFile = await toFile.exited;
    fs.closeSync(fd);
    expect(endFile.code, toFile.stderr()).toBe(0);
    const expected = fs.readFileSync(file);
    expect(expected.length).toBeGreaterThan(2.5 * 1024 * 1024);
    const toPipe = spawnCli(argv, { home, stdout: 'raw' });
    const got = await slowRead(toPipe.child.stdout!, { chunk: 16 * 1024, pauseMs: 2 });
    expect((await toPipe.exited).code).toBe(0);
    const firstDiff = got.findIndex((b, i) => b !== expected[i]);
    expect({ bytes: got.length, firstDiff, stderr: toPipe.stderr() }).toEqual({ bytes: expected.length, firstDiff: -1, stderr: '' });
  });
});
