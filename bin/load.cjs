'use strict';
// Starts the bundled CLI (scripts/app.mjs builds it: one CommonJS file) the way Node's own loader
// would, but compiled with V8's code cache made at build time (`<bundle>.cache`). Measured with
// bench/startup.mjs (bench/README.md): the cache skips parsing and compiling the ~2 MB bundle.
// Node 20 has no module.enableCompileCache, so the bundle goes through vm.Script, which takes
// `cachedData`.
//
// Kept small and free of anything but Node's built-ins: `support --version` is answered here,
// before the bundle is read at all (its target is 1.10x `node -e 0`).
// Only what `--version` needs is loaded up front.
const fs = require('node:fs');

/** The line before the bundle's code: it runs as the body of a CommonJS module function. */
const WRAPPER = '(function (exports, require, module, __filename, __dirname) {';

/** The line after the bundle's code, closing the module function. */
const WRAPPER_END = '\n})';

/** The build id a bundle ends with (scripts/app.mjs); its code cache starts with the same id. */
function buildId(source) {
  return /\/\/# support-build=(\w+)\s*(?:\}\))?$/.exec(source.slice(-64))?.[1];
}

/**
 * The bundle compiled as a CommonJS module body, with `cache` when it was made for this very build
 * (V8 itself only compares the source's length). V8 also refuses a cache made by another V8 or
 * under other flags (`cachedDataRejected`): the bundle is then compiled from its source, exactly
 * as with no cache at all.
 */
function compile(filename, source, cache) {
  const id = buildId(source);
  const head = id === undefined ? undefined : Buffer.from(`${id}\n`, 'latin1');
  const cachedData = cache && head && cache.subarray(0, head.length).equals(head) ? cache.subarray(head.length) : undefined;
  // The wrapper's own line is line -1, so that lines and columns are the bundle's (its source map's).
  // `source` may hold the wrapper already (readBundle): V8 then compiles that string as it is,
  // where the joined one would be copied once more (1.4 MB, see readBundle).
  const wrapped = source.startsWith(WRAPPER) ? source : `${WRAPPER}\n${source}${WRAPPER_END}`;
  const script = new (require('node:vm').Script)(wrapped, { filename, lineOffset: -1, cachedData });
  require('node:util').debuglog('support')('%s: code cache %s', filename, cache === undefined ? 'absent' : cachedData === undefined ? 'of another build' : script.cachedDataRejected ? 'rejected by V8' : 'used');
  return script;
}

/** Runs a compiled bundle as the module `filename` (`module`, when given, gets its exports), its `require` being `req`. */
function run(script, filename, req, module = { exports: {}, filename, id: '.', loaded: false }) {
  script.runInThisContext().call(module.exports, module.exports, req, module, filename, require('node:path').dirname(filename));
}

/**
 * The entry of every build: prints the version for `support --version` (without reading the
 * bundle), help from the help manifest (`help`, see printHelp), else runs the bundle `file` with
 * its code cache `file.cache` when there is one. `read` replaces reading the files (the
 * single-file executable has them as assets).
 */
function start({ version, file, read, require: req, help }) {
  // The tarball's wrapper hands NODE_EXTRA_CA_CERTS over under this name so that Node does not
  // parse it at start (scripts/dist.mjs): its own name again, for support's https connections and
  // for the programs it starts.
  const moved = process.env.SUPPORT_NODE_EXTRA_CA_CERTS;
  if (moved !== undefined) {
    process.env.NODE_EXTRA_CA_CERTS = moved;
    delete process.env.SUPPORT_NODE_EXTRA_CA_CERTS;
  }
  const argv = process.argv;
  if (argv.length === 3 && (argv[2] === '--version' || argv[2] === '-V')) {
    // Straight to the file descriptor: creating process.stdout loads Node's stream and socket
    // modules, which `node -e 0` never does (most of the difference measured).
    fs.writeSync(1, `${typeof version === 'function' ? version() : version}\n`);
    return;
  }
  if (help !== false && argv.some((a, i) => i > 1 && (a === '--help' || a === '-h' || a === 'help')) && printHelp(help ?? besideBundle(file))) return;
  const { source, cache } = read ? read() : readBundle(file);
  run(compile(file, source, cache), file, req ?? require('node:module').createRequire(file));
}

/**
 * The help files beside the bundle `file` (scripts/help-manifest.mjs): `read(name)` gives one,
 * `build()` the bundle's build id, read from its last bytes; `file` is help.cjs's own name.
 */
function besideBundle(file) {
  const dir = require('node:path').dirname(file);
  return {
    file: require('node:path').join(dir, 'help.cjs'),
    read: (name) => fs.readFileSync(require('node:path').join(dir, name), 'utf8'),
    build() {
      const fd = fs.openSync(file, 'r');
      try {
        const tail = Buffer.alloc(64);
        const size = fs.fstatSync(fd).size;
        const n = fs.readSync(fd, tail, 0, tail.length, Math.max(0, size - tail.length));
        return buildId(tail.toString('latin1', 0, n));
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}

/**
 * Prints the help argv asks for from the help manifest, with the small help bundle (`help.cjs`:
 * src/cli/help-fast.ts) instead of the CLI's: no commander, no catalogs, no process.stdout. Returns
 * false, having printed nothing, when argv is not a help request it answers (the full CLI then
 * prints it, or its error) or when the manifest is missing, damaged or made for another build.
 */
function printHelp({ read, build, file }) {
  const debug = require('node:util').debuglog('support');
  let text;
  try {
    const help = { exports: {} };
    run(compile(file, read('help.cjs'), undefined), file, require, help);
    const files = { manifest: (lang) => read(`help-${lang}.jsonl`), build: build(), debug };
    text = help.exports.fastHelp(process.argv.slice(2), process.env, terminal, files);
  } catch (err) {
    debug('help manifest not used: %s', err);
    return false;
  }
  if (text === undefined) return false;
  writeAll(1, Buffer.from(text));
  return true;
}

/** Standard output (1) and error (2) as help-fast.ts asks: process.stdout is made only for a terminal's width. */
const terminal = {
  isTTY(fd) {
    try {
      return fs.fstatSync(fd).isCharacterDevice() && require('node:tty').isatty(fd);
    } catch {
      return false;
    }
  },
  columns: (fd) => (fd === 1 ? process.stdout : process.stderr).columns,
};

/** Writes all of `buf` to `fd`; a reader gone (`support --help | head -1`) ends it quietly. */
function writeAll(fd, buf) {
  for (let at = 0; at < buf.length; ) {
    try {
      at += fs.writeSync(fd, buf, at);
    } catch (err) {
      if (err.code === 'EPIPE') return;
      // A non-blocking pipe that is full: wait a moment for the reader.
      if (err.code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * A bundle's source (ASCII: esbuild escapes the rest, scripts/ascii.mjs what esbuild leaves)
 * inside its module wrapper, and its code cache, if there is one. The file is read into a buffer
 * that has room for the wrapper around it, so that the one string made from it is what V8 compiles: joining the wrapper to the file's text made V8
 * flatten a third copy of the 1.4 MB (~350 page faults, each dear on a virtual machine: measured,
 * bench/README.md "Fixed costs").
 */
function readBundle(file) {
  const head = `${WRAPPER}\n`;
  const fd = fs.openSync(file, 'r');
  let buf;
  let end = head.length;
  try {
    buf = Buffer.allocUnsafe(head.length + fs.fstatSync(fd).size + WRAPPER_END.length);
    buf.write(head, 0, 'latin1');
    for (let n; end < buf.length - WRAPPER_END.length && (n = fs.readSync(fd, buf, end, buf.length - WRAPPER_END.length - end, null)) > 0; ) end += n;
  } finally {
    fs.closeSync(fd);
  }
  end += buf.write(WRAPPER_END, end, 'latin1');
  const source = buf.latin1Slice(0, end);
  let cache;
  try {
    cache = fs.readFileSync(`${file}.cache`);
  } catch {
    // No cache (a build for another architecture): compiled from source.
  }
  return { source, cache };
}

/**
 * Makes a bundle's code cache (at build time, by the Node that will run it: scripts/app.mjs): runs
 * the bundle as `support <args>`, or once for each argument list when `args` is a list of them
 * (one after the other, in this process), and writes to `out` the build id and V8's cache of every
 * function compiled by then, not only of the top level.
 */
function train({ file, source, out, args, require: req }) {
  const script = compile(file, source, undefined);
  // main.ts sets V8 flags for the command (--semi-space-growth-factor, ...). V8 refuses a cache
  // made under other flags than those the CLI starts with, so they are not set in this run.
  require('node:v8').setFlagsFromString = () => undefined;
  const runs = Array.isArray(args[0]) ? args : [args];
  const exit = process.exit;
  const write = () => fs.writeFileSync(out, Buffer.concat([Buffer.from(`${buildId(source)}\n`, 'latin1'), script.createCachedData()]));
  // The CLI exits when its command is done: then the next run starts, and after the last one the
  // cache is written. Each run evaluates the bundle afresh; the compiled functions are shared.
  let next = 0;
  const start = () => {
    if (next === runs.length) {
      write();
      exit.call(process, 0);
      return;
    }
    process.argv = [process.argv[0], file, ...runs[next++]];
    run(script, file, req);
  };
  process.exit = (code) => {
    if (code !== undefined && code !== 0) {
      process.stderr.write(`code cache training: support ${process.argv.slice(2).join(' ')} exited ${code}\n`);
      exit.call(process, 1);
    }
    setImmediate(start);
  };
  start();
}

module.exports = { start, compile, run, buildId, readBundle, train, WRAPPER };
