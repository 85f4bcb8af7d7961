import type { Command } from 'commander';
import { resolvePaths, type Paths } from '../config/paths.js';
import type { Lang, T } from '../i18n/index.js';
import { envFlag } from '../lib/env.js';
import { makeIO, wantColor } from '../ui/io.js';
import type { Deps } from './deps.js';
import { makeOutput, type Output } from './output.js';

/** The global flags (`--profile`, `--portal`, `--json`, `--no-input`, ...), as every command sees them. */
export interface GlobalOptions {
  profile: string | undefined;
  portal: string | undefined;
  json: boolean;
  /** `--json key,status`: the fields to print (absent: all of them). */
  jsonFields?: readonly string[];
  /** False with --no-input. */
  input: boolean;
  debug: boolean;
  /** False with --no-color. */
  color: boolean;
  lang: string | undefined;
  /** --ca-file: a PEM CA certificate to trust besides the system ones. */
  caFile?: string | undefined;
}

/** What a command's run function receives besides its own options. */
export interface Ctx extends Deps {
  globals: GlobalOptions;
  lang: Lang;
  t: T;
  paths: Paths;
  /** The one writer of `--json` output. */
  output: Output;
  /** True when prompting is allowed: stdin and stdout are TTYs, and neither --no-input, SUPPORT_NO_INPUT nor CI is set. */
  interactive: boolean;
}

export function globalsOf(cmd: Command): GlobalOptions {
  const o = cmd.optsWithGlobals() as Partial<Omit<GlobalOptions, 'json'>> & { json?: boolean | string };
  const fields = typeof o.json === 'string' && o.json !== '' ? o.json.split(',').map((f) => f.trim()) : undefined;
  return {
    profile: o.profile,
    portal: o.portal,
    json: o.json !== undefined && o.json !== false,
    ...(fields ? { jsonFields: fields } : {}),
    input: o.input !== false,
    debug: Boolean(o.debug),
    color: o.color !== false,
    lang: o.lang,
    caFile: o.caFile,
  };
}

export function buildCtx(deps: Deps, globals: GlobalOptions, lang: Lang, t: T): Ctx {
  const interactive =
    globals.input &&
    deps.io.stdinIsTTY &&
    deps.io.stdoutIsTTY &&
    !envFlag(deps.env, 'SUPPORT_NO_INPUT') &&
    !(deps.env.CI !== undefined && deps.env.CI !== '' && deps.env.CI !== '0' && deps.env.CI !== 'false');
  const color = wantColor(deps.env, deps.io.stderrIsTTY, !globals.color);
  const io = color === deps.io.color ? deps.io : makeIO({ ...deps.io, color });
  return { ...deps, prompter: (signal) => deps.prompter(signal, lang), io, output: makeOutput(io, globals.jsonFields), globals, lang, t, paths: resolvePaths(deps.env, deps.home), interactive };
}
