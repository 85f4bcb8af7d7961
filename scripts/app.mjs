// The bundled CLI that every way of running support starts: `npm run build` (dist/app/, run by
// bin/support.js from a clone), and `npm run dist` (the tarball's lib/app/, the npm package, the
// single-file executable). One CommonJS file for the CLI, one for the bundle worker, a source map
// beside each, and V8's code cache of the CLI (see writeCodeCache).
//
// Why one bundle (measured with --cpu-prof and bench/startup.mjs, see bench/README.md): from the
// TypeScript output, `support --help` loads ~75 ES modules, and Node's ES module resolution and
// linking was a quarter of its CPU; a bundle is one file read and one compile, and with V8's code
// cache not even that compile. Commands still load only their own code: every `await import()` of
// the sources becomes a lazily initialised module inside the bundle (esbuild's `__esm`), run the
// first time it is imported.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { asciiBundle } from './ascii.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const trainer = path.join(root, 'scripts', 'train-cache.mjs');

/**
 * Node modules that a portal command would load for nothing, required when first used instead
 * (measured, bench/README.md "Fixed costs"): commander's `child_process` (for executable
 * subcommands, which the CLI has none of). Each rewrite must find its line: a new version of the
 * package fails the build here.
 */
const LAZY_REQUIRES = [
  { file: /commander[\\/]lib[\\/]command\.js$/, from: "const childProcess = require('node:child_process');", to: "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };" },
];

const lazyRequires = {
  name: 'lazy-requires',
  setup(build) {
    for (const { file, from, to } of LAZY_REQUIRES) {
      build.onLoad({ filter: file }, async (args) => {
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes(from)) throw new Error(`${args.path}: no \`${from}\` to make lazy (a new version?): see LAZY_REQUIRES in scripts/app.mjs`);
        return { contents: text.replace(from, to), loader: 'js' };
      });
    }
  },
};

/**
 * Bundles src/main.ts to `outdir/<cli>` and src/bundle/worker.ts to `outdir/<worker>` (CommonJS,
 * minified, source maps `<file>.map` beside them), and ends the CLI with a build id that its code
 * cache must carry (bin/load.cjs). Returns the CLI's path.
 */
export async function buildApp({ outdir, cli = 'support.cjs', worker = 'worker.cjs', version }) {
  fs.mkdirSync(outdir, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    // Stack traces name the TypeScript source through the map (src/cli/stack.ts).
    sourcemap: 'external',
    legalComments: 'none',
    // No `import()` left in the bundle: a single-file executable cannot run it, and inside a bundle
    // a lazy import is a lazily initialised module anyway.
    supported: { 'dynamic-import': false },
    // The OS keyring is a native, optional package: outside the bundle, and absent falls back to
    // the 0600 config file (src/config/keyring.ts).
    external: ['@napi-rs/keyring'],
    // The version and the worker's name are compiled in: no package.json is beside the bundle, and
    // in the single-file executable no file at all. import.meta.url is the bundle's own file
    // (the loader passes __filename), as it was for the ES modules.
    define: { SUPPORT_VERSION: JSON.stringify(version), SUPPORT_WORKER: JSON.stringify(worker), 'import.meta.url': '__supportUrl' },
    banner: { js: 'var __supportUrl = require("node:url").pathToFileURL(__filename).href;' },
    plugins: [lazyRequires],
    logLevel: 'warning',
  };
  const cliFile = path.join(outdir, cli);
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/main.ts')], outfile: cliFile });
  asciiBundle(cliFile);
  await esbuild.build({ ...common, entryPoints: [path.join(root, 'src/bundle/worker.ts')], outfile: path.join(outdir, worker) });
  const id = crypto.createHash('sha256').update(fs.readFileSync(cliFile)).digest('hex').slice(0, 16);
  fs.appendFileSync(cliFile, `\n//# sourceMappingURL=${cli}.map\n//# support-build=${id}\n`);
  return cliFile;
}

/**
 * Writes `<cli>.cache`: V8's code cache of the bundled CLI, made by the Node that will run it
 * (`node`: the one of the tarball and the executable, or this one for a clone). A cache from
 * another Node, or from another build of the CLI, is refused by the loader and the CLI is compiled
 * as if there were none. The cache is taken after the runs of scripts/train-stub.mjs (`--help`,
 * `list` and `attach` against a JSM stub), so that it holds the functions start-up, help and a
 * portal command run (commander, the catalogs, every command's declaration, the client),
 * not only the bundle's top level.
 */
export function writeCodeCache({ node = process.execPath, cli, out = `${cli}.cache` }) {
  fs.rmSync(out, { force: true });
  // What the training runs print (their stderr) is shown only when they fail.
  execFileSync(node, [trainer, cli, out], { stdio: ['ignore', 'ignore', 'pipe'], env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/', LANG: 'C' } });
  if (!fs.existsSync(out)) throw new Error(`no code cache written for ${cli}`);
  return out;
}
