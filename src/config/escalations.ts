/**
 * The escalations this machine sent, by portal and request: the customer API does not say whether a
 * request is escalated (the status stays the same; the portal just stops offering "Escalate"), so a
 * run that lost the portal's answer, or a second run, learns from here that "Escalate" is gone
 * because we took it. Written atomically (0600) before the call leaves; entries older than 90 days
 * are dropped.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../lib/atomic-file.js';
import { ConfigWriteError } from './errors.js';

const KEEP_MS = 90 * 24 * 3_600_000;

type Log = Record<string, string>;

function fileOf(configDir: string): string {
  return path.join(configDir, 'escalations.json');
}

const entry = (portal: string, key: string) => `${portal.replace(/\/+$/, '')} ${key}`;

async function read(configDir: string): Promise<Log> {
  const text = await readFileIfExists(fileOf(configDir)).catch(() => undefined);
  if (!text) return {};
  try {
    const log = JSON.parse(text) as unknown;
    return log && typeof log === 'object' && !Array.isArray(log) ? (log as Log) : {};
  } catch {
    // A damaged log only forgets what we escalated: the portal's offer is still checked.
    return {};
  }
}

async function write(configDir: string, log: Log, now: number): Promise<void> {
  const kept = Object.fromEntries(Object.entries(log).filter(([, at]) => now - Date.parse(at) < KEEP_MS));
  const file = fileOf(configDir);
  try {
    await fs.mkdir(configDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(file, JSON.stringify(kept, null, 2) + '\n');
  } catch (e) {
    throw new ConfigWriteError(file, (e as NodeJS.ErrnoException).code, e);
  }
}

/** When this machine sent an escalation of `key` on `portal` (ISO time), if it did. */
export async function escalatedAt(configDir: string, portal: string, key: string): Promise<string | undefined> {
  return (await read(configDir))[entry(portal, key)];
}

/** Records an escalation about to be sent (before it leaves). */
export async function recordEscalation(configDir: string, portal: string, key: string, now: number): Promise<void> {
  const log = await read(configDir);
  log[entry(portal, key)] = new Date(now).toISOString();
  await write(configDir, log, now);
}

/** Forgets an escalation the portal refused (nothing was done). */
export async function forgetEscalation(configDir: string, portal: string, key: string, now: number): Promise<void> {
  const log = await read(configDir);
  if (!(entry(portal, key) in log)) return;
  delete log[entry(portal, key)];
  await write(configDir, log, now);
}
