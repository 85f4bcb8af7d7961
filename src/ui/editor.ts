/**
 * Text written in the user's editor (`$VISUAL`, else `$EDITOR`, else `vi`): a 0600 temp file with
 * the starting text, the editor run on the terminal (its output on stderr, so stdout stays the
 * result), the text read back. An editor that cannot be started or that fails is an
 * {@link EditorError}; the temp file is then kept (when it holds more than the starting text) so
 * that nothing typed is lost.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../lib/env.js';
import { EditorError } from '../lib/errors.js';

/** The editor command line from the environment, split on blanks (`code --wait` -> `code`, `--wait`). */
export function editorCommand(env: Env): string[] {
  const cmd = (env.VISUAL?.trim() || env.EDITOR?.trim() || 'vi').split(/\s+/);
  return cmd.filter(Boolean);
}

/** Opens `text` in the editor and resolves what was saved. */
export async function editText(text: string, opts: { env: Env; postfix?: string; signal?: AbortSignal }): Promise<string> {
  const [bin, ...args] = editorCommand(opts.env);
  const file = path.join(os.tmpdir(), `support-${randomUUID()}${opts.postfix ?? '.md'}`);
  await fs.writeFile(file, text, { mode: 0o600, flag: 'wx' });
  const outcome = await new Promise<{ error?: NodeJS.ErrnoException; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // The terminal is fds 0 and 2: stdout may be a pipe (`support ... --json | jq`).
    const child = spawn(bin!, [...args, file], { stdio: [0, 2, 2], env: opts.env as NodeJS.ProcessEnv });
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ error, code: null, signal: null }));
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const written = await fs.readFile(file, 'utf8').catch(() => text);
  const keep = written !== text && written.trim() !== '';
  if (outcome.error || outcome.code !== 0) {
    if (!keep) await fs.rm(file, { force: true });
    const editor = [bin, ...args].join(' ');
    if (outcome.error) throw new EditorError(editor, 'not-found', outcome.error.code ?? outcome.error.message, keep ? file : undefined);
    throw new EditorError(editor, 'failed', outcome.signal ?? `exit ${outcome.code}`, keep ? file : undefined);
  }
  await fs.rm(file, { force: true });
  return written;
}
