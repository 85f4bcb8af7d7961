/**
 * A sandbox portal behind the fault proxy for tests of the built CLI: the sandbox on the real clock
 * (the child process has its own), a fresh proxy and temp home for each test, and a read of what
 * the portal holds.
 */
import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type SandboxHandle } from '../../src/sandbox/index.js';
import { tempHome } from './built-cli.js';
import { FaultProxy } from './fault-proxy.js';
import { caller } from './sandbox-client.js';

export const API = '/rest/servicedeskapi';

export interface BuiltPortal {
  readonly h: SandboxHandle;
  readonly proxy: FaultProxy;
  /** This test's temp home. */
  readonly home: string;
  /** Credentials of the sandbox's first user, for the CLI's environment. */
  env(): Record<string, string>;
  /** Keys of the requests whose summary is exactly `summary`. */
  filedWith(summary: string): Promise<string[]>;
}

/** Registers the hooks of the current file and returns the live fixture. */
export function useBuiltPortal(): BuiltPortal {
  let h: SandboxHandle;
  let dataDir: string;
  let proxy: FaultProxy;
  let home: string;
  beforeAll(async () => {
    dataDir = tempHome('support-built-sbx-');
    h = await startSandbox({ dataDir });
  });
  afterAll(async () => {
    await h.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    proxy = await FaultProxy.start(h.url);
    home = tempHome();
  });
  afterEach(async () => {
    await proxy.close();
    fs.rmSync(home, { recursive: true, force: true });
  });
  return {
    get h() {
      return h;
    },
    get proxy() {
      return proxy;
    },
    get home() {
      return home;
    },
    env: () => ({ SUPPORT_EMAIL: h.email, SUPPORT_TOKEN: h.token }),
    async filedWith(summary) {
      const r = await caller(h)('GET', `${API}/request?requestStatus=ALL_REQUESTS&limit=100`);
      return (r.json.values as { issueKey: string; requestFieldValues: { fieldId: string; value: unknown }[] }[])
        .filter((v) => v.requestFieldValues.some((f) => f.fieldId === 'summary' && f.value === summary))
        .map((v) => v.issueKey);
    },
  };
}

/** Argv of a scripted Account request with this summary (no question asked). */
export function accountRequest(summary: string): string[] {
  return ['create', '--type', 'account', '--details', 'Please merge my two accounts.', '--field', 'customfield_10020=Other', '--summary', summary];
}
