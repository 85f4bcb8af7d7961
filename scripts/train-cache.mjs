// Makes the code cache of a bundled CLI (scripts/app.mjs, writeCodeCache) with bin/load.cjs's
// train(), on the runs of scripts/train-stub.mjs (a JSM stub served from this process). Run by the
// Node that will run the bundle. Usage: node scripts/train-cache.mjs BUNDLE OUT
import { createRequire } from 'node:module';
import load from '../bin/load.cjs';
import { startTraining } from './train-stub.mjs';

const [file, out] = process.argv.slice(2);
const training = await startTraining();
Object.assign(process.env, training.env);
// The stub's server would keep this process alive: train() exits once the cache is written.
load.train({ file, source: load.readBundle(file).source, out, args: training.runs, require: createRequire(file) });
