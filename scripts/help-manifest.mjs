// `support --help` without the main bundle (bin/load.cjs): beside a bundled CLI, `help.cjs` (the
// small bundle of src/cli/help-fast.ts: the manifest's reader and the help renderer) and
// `help-<lang>.jsonl` (the help manifest: every command's help as data, collected from the real
// program by src/cli/help-manifest.ts, tagged with the CLI bundle's build id so that the help of
// another build is never shown). For npm run build (dist/app/) and npm run dist (lib/app/, the
// single-file executable's assets).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const load = createRequire(import.meta.url)('../bin/load.cjs');

/** The files buildHelp writes beside the CLI: what the single-file executable takes as assets. */
export const HELP_FILES = ['help.cjs', 'help-en.jsonl', 'help-ja.jsonl'];

/** Writes `outdir/help.cjs` and `outdir/help-<lang>.jsonl` for the bundled CLI `cli` (scripts/app.mjs). Returns the build id. */
export async function buildHelp({ outdir, cli, version }) {
  await esbuild.build({
    entryPoints: [path.join(root, 'src/cli/help-fast.ts')],
    outfile: path.join(outdir, 'help.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    // ui/width.ts loads string-width by its own require, else by a require made from its URL.
    define: { 'import.meta.url': '__filename' },
    logLevel: 'warning',
  });
  // The manifest is collected by the sources' own program, bundled for this Node (packages from node_modules).
  const gen = path.join(root, 'node_modules', '.cache', 'support-help', `manifest-${process.pid}.mjs`);
  await esbuild.build({
    entryPoints: [path.join(root, 'src/cli/help-manifest.ts')],
    outfile: gen,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    define: { SUPPORT_VERSION: JSON.stringify(version) },
    logLevel: 'warning',
  });
  try {
    const { helpManifest } = await import(pathToFileURL(gen).href);
    const build = load.buildId(fs.readFileSync(cli, 'latin1'));
    if (build === undefined) throw new Error(`${cli} has no build id`);
    for (const lang of ['en', 'ja']) fs.writeFileSync(path.join(outdir, `help-${lang}.jsonl`), await helpManifest(lang, build, version));
    return build;
  } finally {
    fs.rmSync(gen, { force: true });
  }
}
