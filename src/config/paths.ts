import path from 'node:path';
import type { Env } from '../lib/env.js';

/** Where the CLI keeps its files. */
export interface Paths {
  /** Profiles, credentials (when no keyring), drafts. */
  configDir: string;
  /** Default data folder of the sandbox portal. */
  dataDir: string;
}

/**
 * `SUPPORT_CONFIG_DIR` holds everything when set (tests rely on it: the sandbox's default data
 * goes under it too); otherwise the XDG base directories.
 */
export function resolvePaths(env: Env, home: string): Paths {
  const configDir = env.SUPPORT_CONFIG_DIR
    ? path.resolve(env.SUPPORT_CONFIG_DIR)
    : path.join(env.XDG_CONFIG_HOME || path.join(home, '.config'), 'support');
  const dataDir = env.SUPPORT_DATA_DIR
    ? path.resolve(env.SUPPORT_DATA_DIR)
    : env.SUPPORT_CONFIG_DIR
      ? path.join(configDir, 'data')
      : path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'support');
  return { configDir, dataDir };
}

/**
 * The sandbox portal's default port. `support sandbox` listens on it unless `--port` says otherwise,
 * and `--portal sandbox` takes it when it is free, so that the portal links a command prints
 * (`.../servicedesk/customer/portal/1/SUP-1`) open in a browser once `support sandbox` runs.
 */
export const SANDBOX_PORT = 8642;
