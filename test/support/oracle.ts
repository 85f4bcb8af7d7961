/**
 * The independent oracle for "no secret survives": what secretlint (its recommended preset) flags
 * under a folder, and every byte of a folder's files to search for planted values.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

const secretlint = path.join(import.meta.dirname, '../../node_modules/.bin/secretlint');

/** Every file under `dir`. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

/** Every byte of every file under `dir`, in one buffer (latin1 keeps each byte as one char). */
export function allText(dir: string): string {
  return filesUnder(dir)
    .map((f) => fs.readFileSync(f).toString('latin1'))
    .join('\n');
}

/** What secretlint flags under `dir`: the flagged text of each finding (`work` holds its configuration and report). */
export function secretlintFindings(dir: string, work: string): string[] {
  const rc = path.join(work, 'secretlintrc.json');
  const report = path.join(work, 'report.json');
  fs.writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
  // A report this large is cut short on a pipe: it goes to a file.
  const r = spawnSync(secretlint, ['--secretlintrc', rc, '--format', 'json', '--no-maskSecrets', '--output', report, '**/*'], { cwd: dir, encoding: 'utf8' });
  expect(r.status === 0 || r.status === 1, r.stderr).toBe(true);
  const results = JSON.parse(fs.readFileSync(report, 'utf8') || '[]') as { sourceContent: string; messages: { range: [number, number] }[] }[];
  return results.flatMap((f) => f.messages.map((m) => f.sourceContent.slice(m.range[0], m.range[1])));
}
