// The user's editor, for real (a child process): an editor that does not exist or that fails is a
// clear message with the text kept, never a stack trace; one that works gives back what was saved.
import fs from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EditorError } from '../src/lib/errors.js';
import { createInquirerPrompter } from '../src/ui/prompter.js';
import { followSandbox, type FollowSandbox } from './support/follow-sandbox.js';
import { tempDir } from './support/harness.js';

let dir: string;
let s: FollowSandbox;
beforeAll(async () => {
  dir = tempDir('support-editor-');
  s = await followSandbox();
});
afterAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  await s.close();
});

/** An "editor": a shell script that writes `text` into the file it is given and exits with `code`. */
function fakeEditor(name: string, text: string, code: number): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\nprintf '%s' '${text}' > "$1"\nexit ${code}\n`, { mode: 0o755 });
  return p;
}

const prompter = (EDITOR: string) => createInquirerPrompter({ input: new PassThrough(), output: new PassThrough(), env: { EDITOR } });

describe('the editor prompt', () => {
  it('gives back what the editor saved', async () => {
    const p = await prompter(fakeEditor('ok.sh', 'written in the editor', 0));
    expect(await p.editor({ message: 'Comment', default: '' })).toBe('written in the editor');
  });

  it('an editor that does not exist: EditorError (not-found), nothing kept since nothing was written', async () => {
    const p = await prompter('/nonexistent/editor');
    const e = await p.editor({ message: 'Comment' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(EditorError);
    expect(e).toMatchObject({ editor: '/nonexistent/editor', problem: 'not-found', detail: 'ENOENT', kept: undefined });
  });

  it('an editor that fails after text was written: EditorError (failed) and the text kept in a file', async () => {
    const p = await prompter(fakeEditor('fails.sh', 'half a reply', 3));
    const e = (await p.editor({ message: 'Comment' }).catch((x: unknown) => x)) as EditorError;
    expect(e).toMatchObject({ problem: 'failed', detail: 'exit 3' });
    expect(fs.readFileSync(e.kept!, 'utf8')).toBe('half a reply');
    fs.rmSync(e.kept!);
  });
});

describe('support comment KEY with a broken $EDITOR', () => {
  it('EDITOR=/nonexistent: a clear message and a hint, exit 1, nothing sent, no stack trace', async () => {
    const key = await s.create('editor target');
    const posts = () => s.exchanges.filter((x) => x.method === 'POST' && x.path.endsWith('/comment')).length;
    const before = posts();
    const r = await s.cli(['comment', key], { tty: true, prompter: await prompter('/nonexistent'), env: { EDITOR: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('the editor "/nonexistent" could not be started (ENOENT)');
    expect(r.stderr).toContain('Set $VISUAL or $EDITOR');
    expect(r.stderr).not.toMatch(/unexpected error|\n\s+at /);
    expect(posts()).toBe(before);
  });

  it('an editor that fails after writing: the message says where the text is', async () => {
    const key = await s.create('editor target 2');
    const ed = fakeEditor('fails2.sh', 'my long reply', 1);
    const r = await s.cli(['comment', key], { tty: true, prompter: await prompter(ed), env: { EDITOR: ed } });
    expect(r.code).toBe(1);
    const kept = /What you wrote is kept in (\S+)\./.exec(r.stderr)?.[1];
    expect(kept, r.stderr).toBeDefined();
    expect(fs.readFileSync(kept!, 'utf8')).toBe('my long reply');
    fs.rmSync(kept!);
  });
});
