import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..', 'src');
const MAX_LINES = 450;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

describe('the layout of src/', () => {
  it(`no file is over ${MAX_LINES} lines (message catalogs aside)`, () => {
    const long = sources(SRC)
      .filter((f) => !f.includes(`${path.sep}i18n${path.sep}catalog${path.sep}`))
      .map((f) => ({ file: path.relative(SRC, f), lines: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.lines > MAX_LINES)
      .map((x) => `${x.file}: ${x.lines}`);
    expect(long).toEqual([]);
  });
});
