import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Each folder rule of eslint.config.js, broken once on purpose: a rule that cannot fail keeps nothing apart.
// The code is linted as if it were the file named, so imports resolve against the real tree.
const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function rulesBroken(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('lint rules keep the layers apart', () => {
  it.each([
    ['src/lib imports nothing of ours', 'src/lib/zz-probe.ts', "import type { T } from '../i18n/index.js';\nexport type X = T;\n", 'import-x/no-restricted-paths'],
    ['src/sandbox imports only lib, i18n and the wire types', 'src/sandbox/zz-probe.ts', "export const load = () => import('../portal/client.js');\n", 'import-x/no-restricted-paths'],
    ['shared command code never imports commands/', 'src/cli/shared/zz-probe.ts', "export const load = () => import('../commands/list.js');\n", 'import-x/no-restricted-paths'],
    ['portal/, form/, bundle/, config/ never import cli/ or ui/', 'src/config/zz-probe.ts', "export const load = () => import('../ui/table.js');\n", 'import-x/no-restricted-paths'],
    ['chalk only in ui/', 'src/cli/zz-probe.ts', "import chalk from 'chalk';\nexport const c = chalk;\n", 'no-restricted-imports'],
    ['no process outside main.ts and ui/io.ts', 'src/cli/zz-probe.ts', 'export const argv = process.argv;\n', 'no-restricted-globals'],
    // lib/http-status.ts is imported by shared/common.ts: importing it back closes a cycle.
    ['no import cycle in src/', 'src/lib/http-status.ts', "import { parseKey } from '../cli/shared/common.js';\nexport const p = parseKey;\n", 'import-x/no-cycle'],
  ])('%s', async (_name, file, code, rule) => {
    expect(await rulesBroken(file, code)).toContain(rule);
  });

  it('the tree as it is breaks none of them', async () => {
    expect(await rulesBroken('src/lib/zz-probe.ts', "import { systemClock } from './clock.js';\nexport const c = systemClock;\n")).toEqual([]);
    expect(await rulesBroken('src/sandbox/zz-probe.ts', "import type { MyselfDTO } from '../portal/types.js';\nimport { createT } from '../i18n/index.js';\nexport type M = MyselfDTO;\nexport const t = createT;\n")).toEqual([]);
  });
});
