#!/usr/bin/env node
// support from a clone (`npm run build`): the bundled CLI in dist/app/, through bin/load.cjs.
// CommonJS (bin/package.json): Node starts a CommonJS entry faster than an ES module one.
'use strict';
require('./load.cjs').start({
  version: () => require('../package.json').version,
  file: require('node:path').join(__dirname, '..', 'dist', 'app', 'support.cjs'),
});
