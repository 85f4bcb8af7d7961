// Nothing attached twice by `support attach`: every fault at either step of the upload, then the
// same command again or the printed hint: exactly one copy of the file on the request.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, beforeAll } from 'vitest';
import { hintCommand, NOT_A_BUG } from './support/built-cli.js';
import { FAULTS } from './support/fault-proxy.js';
import { API, useFaultSandbox } from './support/fault-sandbox.js';
import type { RunResult } from './support/harness.js';

const f = useFaultSandbox();

describe('attach: every fault at either upload step, then again or the hint, attaches exactly one copy', () => {
  let key: string;
  beforeAll(async () => {
    key = await f.s.create('attach target');
  });
  for (const step of ['attachTemporaryFile', 'attachment'] as const) {
    for (const fault of FAULTS) {
      for (const next of ['again', 'hint'] as const) {
        it(`${step}: ${fault}, then ${next}`, async () => {
          const name = `${step}-${fault}-${next}.log`;
          const file = path.join(f.dir, name);
          fs.writeFileSync(file, Buffer.alloc(4096, 'x'));
          const p = step === 'attachment' ? `${API}/request/${key}/attachment` : `${API}/servicedesk/1/attachTemporaryFile`;
          f.proxy.rule({ method: 'POST', path: p, fault, afterBytes: 512 });
          const a = await f.cli(['attach', key, file]);
          if (a.code !== 0) expect(a.stderr).not.toMatch(NOT_A_BUG);
          f.proxy.clear();
          let b: RunResult | undefined;
          if (next === 'again') b = await f.cli(['attach', key, file]);
          else if (a.code !== 0) {
            const cmd = hintCommand(a.stderr);
            if (cmd) b = await f.cli(cmd);
          }
          if (b) expect(b.code, b.stderr).toBe(0);
          expect(await f.attachmentsNamed(key, name)).toBe(1);
        });
      }
    }
  }

  it('a file of the same name but another size is a new attachment', async () => {
    const file = path.join(f.dir, 'grows.log');
    fs.writeFileSync(file, 'a');
    expect((await f.cli(['attach', key, file])).code).toBe(0);
    fs.writeFileSync(file, 'ab');
    expect((await f.cli(['attach', key, file])).code).toBe(0);
    expect(await f.attachmentsNamed(key, 'grows.log')).toBe(2);
  });
});

