/**
 * The help manifest: every command's help, collected from the very program run() parses (the same
 * registration, the same helpConfig), for `support --help` without commander (help-fast.ts).
 * Made at build time by scripts/help-manifest.mjs.
 */
import type { Command } from 'commander';
import { createT, type Lang } from '../i18n/index.js';
import { helpDoc } from './help.js';
import { manifestText, type HelpManifest } from './help-render.js';
import { configure, createProgram } from './run.js';

const nowhere = { write: () => true };

/** Every command's help in `lang`, for the main bundle of build id `build`, as the manifest file's text. */
export async function helpManifest(lang: Lang, build: string, version: string): Promise<string> {
  const t = createT(lang);
  const program = await createProgram(version, t, () => {
    throw new Error('the help manifest runs no command');
  });
  // Width and colour are chosen when the help is printed; the data does not depend on them.
  configure(program, { stdout: nowhere, stderr: nowhere }, t, 80, false);
  const docs: HelpManifest['docs'] = {};
  const walk = (cmd: Command, path: readonly string[]) => {
    docs[path.join(' ')] = helpDoc(cmd, cmd.createHelp(), t);
    for (const sub of cmd.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return manifestText({ build, lang, docs });
}
