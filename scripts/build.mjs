#!/usr/bin/env node
// `npm run build`, after tsc: the bundled CLI that bin/support.js runs (dist/app/support.cjs, its
// worker, source maps, and the code cache made by this Node). tsc's dist/ stays for the tests that
// import the compiled modules (the worker-thread tests of the bundle layer).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp, writeCodeCache } from './app.mjs';
import { buildHelp } from './help-manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outdir = path.join(root, 'dist', 'app');
fs.rmSync(outdir, { recursive: true, force: true });
const cli = await buildApp({ outdir, version });
writeCodeCache({ cli });
await buildHelp({ outdir, cli, version });
