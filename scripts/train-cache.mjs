// Makes the code cache of a bundled CLI (scripts/app.mjs, writeCodeCache) with bin/load.cjs's
// train(). Run by the Node that will run the bundle. Usage: node scripts/train-cache.mjs BUNDLE OUT ARGS...
import { createRequire } from 'node:module';
import load from '../bin/load.cjs';

const [file, out, ...args] = process.argv.slice(2);
load.train({ file, source: load.readBundle(file).source, out, args, require: createRequire(file) });
