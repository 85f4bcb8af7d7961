/** The environment as the program sees it; never `process.env` directly outside main.ts. */
export type Env = Readonly<Record<string, string | undefined>>;

/** True for "1", "true", "yes", "on" (any case); false for anything else or unset. */
export function envFlag(env: Env, name: string): boolean {
  const v = env[name];
  return v !== undefined && /^(1|true|yes|on)$/i.test(v.trim());
}
