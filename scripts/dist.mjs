#!/usr/bin/env node
// The release build (`npm run dist`, after `npm run build`): everything a host without Node or
// without the internet needs, in release/ (never committed):
//   support-<v>-linux-<arch>.tar.xz   bin/support (a shell wrapper), lib/node (the official Node
//                                     binary from the npm registry's node-linux-<arch> package of
//                                     NODE_VERSION), lib/app (the bundled CLI and its worker)
//   support-<v>-linux-x64             the single-file executable (Node SEA, x64 hosts only)
//   support_<v>_<arch>.deb, support-<v>-1.<arch>.rpm   the tarball's tree under /opt/support,
//                                     a /usr/bin/support link and the bash completion
//   support-<v>.tgz                   an npm package with every dependency bundled (hosts with Node)
//   sha256sums.txt                    `sha256sum -c sha256sums.txt` checks them all
// Usage: node scripts/dist.mjs [--arch x64,arm64]
import { execFile as execFileCb, execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { buildApp, writeCodeCache } from './app.mjs';
import { startTraining } from './train-stub.mjs';
import { buildHelp, HELP_FILES } from './help-manifest.mjs';

const execFile = promisify(execFileCb);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const version = pkg.version;

/** The Node the artifacts carry: the version CI runs on, from the npm registry only. */
export const NODE_VERSION = '20.20.2';
/** Node's architecture names, and the packaging systems' names for them. */
const ARCHES = {
  x64: { deb: 'amd64', rpm: 'x86_64', elfMachine: 62 },
  arm64: { deb: 'arm64', rpm: 'aarch64', elfMachine: 183 },
};
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
/**
 * What the single-file executable's Node reads instead of NODE_OPTIONS and NODE_EXTRA_CA_CERTS (as
 * long: the names are patched in place; nobody sets these).
 */
const SEA_RENAMES = { NODE_OPTIONS: 'SUPPORT_NOPT', NODE_EXTRA_CA_CERTS: 'SUPPORT_NODE_XCERTS' };
/** Build date of every file in the archives (reproducible): the last commit's time when there is one. */
const epoch = (() => {
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
  } catch {
    return 0;
  }
})() || 1700000000;

const archArg = process.argv.indexOf('--arch');
const arches = (archArg > 0 ? process.argv[archArg + 1] : 'x64,arm64').split(',');
for (const a of arches) if (!(a in ARCHES)) throw new Error(`unknown --arch ${a} (x64, arm64)`);

const out = path.join(root, 'release');
const work = path.join(out, '.work');
const cache = path.join(root, 'node_modules', '.cache', 'support-dist');
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
fs.mkdirSync(cache, { recursive: true });
const t0 = Date.now();
const step = (what) => console.log(`dist: ${what} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// 1. The CLI and its worker, bundled to CommonJS (scripts/app.mjs: a single-file executable runs
//    CommonJS only, without `import()`), as `npm run build` bundles them for a clone. lib/app holds
//    them with bin/load.cjs, which starts the CLI with V8's code cache: the cache of each Node is
//    made by that very Node (writeCodeCache, per architecture below), as V8 accepts no other.
const app = path.join(work, 'app');
const cliFile = await buildApp({ outdir: app, cli: 'support.cjs', worker: 'worker.js', version });
fs.copyFileSync(path.join(root, 'bin', 'load.cjs'), path.join(app, 'load.cjs'));
// `support --help` without the CLI's bundle: help.cjs and the help manifest beside it (scripts/help-manifest.mjs).
const helpBuild = await buildHelp({ outdir: app, cli: cliFile, version });
fs.writeFileSync(
  path.join(app, 'main.js'),
  `'use strict';\nrequire('./load.cjs').start({ version: ${JSON.stringify(version)}, file: require('node:path').join(__dirname, 'support.cjs') });\n`,
);
fs.writeFileSync(path.join(app, 'package.json'), '{ "type": "commonjs" }\n');
step('bundled the CLI');

// 2. The bash completion: commands and their flags, read from the built command table.
const completion = await bashCompletion();

// 3. Node, from the registry's node-linux-<arch> package (npm keeps it in its cache afterwards).
async function nodeBinary(arch) {
  const name = `node-linux-${arch}`;
  const dir = path.join(cache, `${name}-${NODE_VERSION}`);
  const bin = path.join(dir, 'package', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const { stdout } = await execFile('npm', ['pack', `${name}@${NODE_VERSION}`, '--silent', '--pack-destination', dir], { cwd: dir });
    const tgz = path.join(dir, stdout.trim().split('\n').pop());
    await execFile('tar', ['-xzf', tgz, '-C', dir, 'package/bin/node', 'package/LICENSE']);
    fs.rmSync(tgz);
  }
  const elf = Buffer.alloc(20);
  const fd = fs.openSync(bin, 'r');
  fs.readSync(fd, elf, 0, 20, 0);
  fs.closeSync(fd);
  if (elf.readUInt16LE(18) !== ARCHES[arch].elfMachine) throw new Error(`${bin} is not a linux-${arch} binary`);
  return { bin, license: path.join(dir, 'package', 'LICENSE') };
}

const WRAPPER = `#!/bin/sh
# support: runs the bundled CLI on the Node shipped beside it (lib/node), whatever Node the host has.
# The host's NODE_OPTIONS are meant for its own Node applications, not for this private runtime.
# Called by its own path, it starts no program but node (readlink only through a link such as
# /usr/bin/support): readlink and two dirname made "support --version" cost ~0.5x "node -e 0" more CPU.
# NODE_EXTRA_CA_CERTS is handed over under another name: Node 20 would parse it, and every root CA
# it has, as it starts (~50 ms with a distribution's bundle), where support reads it only for an
# https connection; bin/load.cjs gives it its name back before anything else runs.
self=$0
[ -L "$self" ] && self=$(readlink -f "$self")
case $self in /*) ;; *) self=$PWD/$self ;; esac
prefix=\${self%/bin/*}
unset NODE_OPTIONS
if [ -n "\${NODE_EXTRA_CA_CERTS-}" ]; then
  SUPPORT_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export SUPPORT_NODE_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
exec "$prefix/lib/node" "$prefix/lib/app/main.js" "$@"
`;

/** The tree every Linux artifact shares: bin/support, lib/node, lib/app, share/. */
function tree(arch, node, dest) {
  fs.mkdirSync(path.join(dest, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(dest, 'lib', 'app'), { recursive: true });
  fs.mkdirSync(path.join(dest, 'share', 'bash-completion', 'completions'), { recursive: true });
  fs.writeFileSync(path.join(dest, 'bin', 'support'), WRAPPER, { mode: 0o755 });
  fs.copyFileSync(node.bin, path.join(dest, 'lib', 'node'));
  fs.chmodSync(path.join(dest, 'lib', 'node'), 0o755);
  fs.cpSync(app, path.join(dest, 'lib', 'app'), { recursive: true });
  if (node.cache) fs.copyFileSync(node.cache, path.join(dest, 'lib', 'app', 'support.cjs.cache'));
  fs.writeFileSync(path.join(dest, 'share', 'bash-completion', 'completions', 'support'), completion);
  fs.copyFileSync(node.license, path.join(dest, 'lib', 'NODE-LICENSE'));
  fs.copyFileSync(path.join(root, 'README.md'), path.join(dest, 'README.md'));
}

/** A gzip/xz tar of `dir` (its last component as the top folder), owned by root, dated `epoch`. */
async function tarball(dir, file, compress) {
  await execFile(
    'tar',
    ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', `--mtime=@${epoch}`, compress, '-cf', file, '-C', path.dirname(dir), path.basename(dir)],
    { env: { ...process.env, XZ_OPT: '-6 -T0' } },
  );
}

async function linuxArtifacts(arch) {
  const node = await nodeBinary(arch);
  // The code cache is made by running that Node: on this machine's architecture only. Another's
  // tarball starts its CLI without one (compiled from source, as before the cache existed).
  if (arch === process.arch) node.cache = writeCodeCache({ node: node.bin, cli: cliFile, out: path.join(work, `support.cjs.cache-${arch}`) });
  const name = `support-${version}-linux-${arch}`;
  const top = path.join(work, name);
  tree(arch, node, top);
  const jobs = [tarball(top, path.join(out, `${name}.tar.xz`), '--xz')];

  // .deb and .rpm: the same tree under /opt/support.
  const pkgRoot = path.join(work, `pkg-${arch}`);
  tree(arch, node, path.join(pkgRoot, 'opt', 'support'));
  fs.mkdirSync(path.join(pkgRoot, 'usr', 'bin'), { recursive: true });
  fs.symlinkSync('/opt/support/bin/support', path.join(pkgRoot, 'usr', 'bin', 'support'));
  fs.mkdirSync(path.join(pkgRoot, 'usr', 'share', 'bash-completion', 'completions'), { recursive: true });
  fs.symlinkSync('/opt/support/share/bash-completion/completions/support', path.join(pkgRoot, 'usr', 'share', 'bash-completion', 'completions', 'support'));
  jobs.push(deb(arch, pkgRoot), rpm(arch, pkgRoot));
  await Promise.all(jobs);
  step(`linux-${arch}: tarball, .deb, .rpm`);
  if (arch === 'x64' && process.arch === 'x64') {
    await sea(node);
    step('linux-x64: single-file executable');
  }
}

const summary = pkg.description;
async function deb(arch, pkgRoot) {
  const debRoot = path.join(work, `deb-${arch}`);
  fs.cpSync(pkgRoot, debRoot, { recursive: true, verbatimSymlinks: true });
  fs.mkdirSync(path.join(debRoot, 'DEBIAN'));
  const kib = Math.ceil(Number(execFileSync('du', ['-sk', '--apparent-size', debRoot], { encoding: 'utf8' }).split('\t')[0]));
  fs.writeFileSync(
    path.join(debRoot, 'DEBIAN', 'control'),
    [
      'Package: support',
      `Version: ${version}`,
      `Architecture: ${ARCHES[arch].deb}`,
      'Maintainer: support maintainers <support@example.invalid>',
      'Depends: libc6 (>= 2.28)',
      `Installed-Size: ${kib}`,
      'Section: utils',
      'Priority: optional',
      `Description: ${summary.split(':')[0]}`,
      ` ${summary}`,
      ' Carries its own Node runtime under /opt/support.',
      '',
    ].join('\n'),
  );
  await execFile('dpkg-deb', ['--root-owner-group', '-Zzstd', '--build', debRoot, path.join(out, `support_${version}_${ARCHES[arch].deb}.deb`)], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
  });
}

async function rpm(arch, pkgRoot) {
  const top = path.join(work, `rpm-${arch}`);
  fs.mkdirSync(path.join(top, 'SPECS'), { recursive: true });
  const spec = path.join(top, 'SPECS', 'support.spec');
  fs.writeFileSync(
    spec,
    [
      'Name: support',
      `Version: ${version}`,
      'Release: 1',
      `Summary: ${summary.split(':')[0]}`,
      'License: MIT',
      'AutoReqProv: no',
      'Requires: glibc >= 2.28',
      '%global debug_package %{nil}',
      '%global __os_install_post %{nil}',
      '%global _build_id_links none',
      '%description',
      `${summary} Carries its own Node runtime under /opt/support.`,
      '%install',
      `cp -a ${pkgRoot}/. %{buildroot}/`,
      '%files',
      '/opt/support',
      '/usr/bin/support',
      '/usr/share/bash-completion/completions/support',
      '',
    ].join('\n'),
  );
  await execFile('rpmbuild', ['-bb', '--quiet', '--target', ARCHES[arch].rpm, '--define', `_topdir ${top}`, '--define', '_binary_payload w3T0.zstdio', spec], {
    env: { ...process.env, SOURCE_DATE_EPOCH: String(epoch) },
  });
  const built = path.join(top, 'RPMS', ARCHES[arch].rpm, `support-${version}-1.${ARCHES[arch].rpm}.rpm`);
  fs.renameSync(built, path.join(out, path.basename(built)));
}

/**
 * The single-file executable: Node with the bundled CLI injected (with V8's code cache, so it
 * compiles nothing at start-up) and the worker as an asset. The blob is made by the very Node
 * it goes into, as the code cache requires.
 */
async function sea(node) {
  const dir = path.join(work, 'sea');
  fs.mkdirSync(dir, { recursive: true });
  // Its main script is bin/load.cjs, which answers --version at once and otherwise runs the CLI
  // from the assets with its code cache, as the tarball does. (Node's own useCodeCache, for the
  // whole CLI as main script, costs every start-up the deserialisation of the whole cache,
  // `--version` included: measured 1.33x `node -e 0`.) The cache is made by a first executable
  // that runs train() instead: V8 refused the one made by the same Node outside an executable.
  const trainer = path.join(dir, 'trainer');
  await seaExecutable(node, trainer, `require('./load.cjs').train({
  file: process.execPath,
  source: require('node:sea').getAsset('support.cjs', 'utf8'),
  out: process.argv[2],
  args: JSON.parse(process.argv[3]),
  require,
});
`, { 'support.cjs': cliFile });
  const cache = path.join(dir, 'support.cjs.cache');
  // The runs of writeCodeCache (scripts/train-stub.mjs), against a stub served by this process.
  const training = await startTraining();
  try {
    await execFile(trainer, [cache, JSON.stringify(training.runs)], { env: { PATH: process.env.PATH, HOME: process.env.HOME ?? '/', LANG: 'C', ...training.env } });
  } finally {
    await training.close();
  }
  await seaExecutable(node, path.join(out, `support-${version}-linux-x64`), `const { getAsset } = require('node:sea');
require('./load.cjs').start({
  version: ${JSON.stringify(version)},
  file: process.execPath,
  require,
  read: () => ({ source: getAsset('support.cjs', 'utf8'), cache: Buffer.from(getAsset('support.cjs.cache')) }),
  help: { file: process.execPath, read: (name) => getAsset(name, 'utf8'), build: () => ${JSON.stringify(helpBuild)} },
});
`, { 'support.cjs': cliFile, 'support.cjs.cache': cache, 'worker.js': path.join(app, 'worker.js'), ...Object.fromEntries(HELP_FILES.map((f) => [f, path.join(app, f)])) });
}

/** A single-file executable `exe`: `node` with `main` (bundled with bin/load.cjs) and `assets`. */
async function seaExecutable(node, exe, main, assets) {
  const dir = fs.mkdtempSync(path.join(work, 'sea-'));
  const blob = path.join(dir, 'sea.blob');
  const config = path.join(dir, 'sea-config.json');
  const mainFile = path.join(dir, 'main.cjs');
  await esbuild.build({
    stdin: { contents: main, resolveDir: path.join(root, 'bin'), sourcefile: 'sea-main.cjs' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: mainFile,
    logLevel: 'warning',
  });
  fs.writeFileSync(config, JSON.stringify({ main: mainFile, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, assets }));
  await execFile(node.bin, ['--experimental-sea-config', config], { cwd: dir, env: { PATH: process.env.PATH } });
  // Node reads two variables before the app runs, and the names it reads are changed in the copy,
  // in the one C string the runtime and its worker threads take each from:
  // - NODE_OPTIONS: a host's (an APM agent's --require, a flag of a newer Node) would stop the
  //   executable before it starts.
  // - NODE_EXTRA_CA_CERTS: Node 20 parses the file, and every root CA it has, at start (~50 ms with
  //   a distribution's bundle); support still reads the variable itself, for https connections
  //   only (src/portal/dispatcher.ts).
  const binary = fs.readFileSync(node.bin);
  const rodata = elfSection(binary, '.rodata');
  // C strings follow one another in .rodata (text, then NUL; the text may end in a line break);
  // the heap snapshot's copies of a name, there too, follow a length field instead.
  const text = (c) => (c >= 0x20 && c < 0x7f) || c === 0x0a;
  for (const [from, to] of Object.entries(SEA_RENAMES)) {
    if (to.length !== from.length) throw new Error(`sea: ${to} is not as long as ${from}`);
    const name = Buffer.from(`\0${from}\0`);
    const found = [];
    for (let at = binary.indexOf(name, rodata.start); at >= 0 && at < rodata.end; at = binary.indexOf(name, at + 1)) {
      if (text(binary[at - 1])) found.push(at);
    }
    if (found.length !== 1) throw new Error(`sea: expected one ${from} C string in .rodata of node, found ${found.length}`);
    binary.write(to, found[0] + 1, 'latin1');
  }
  fs.writeFileSync(exe, binary);
  fs.chmodSync(exe, 0o755);
  await execFile(process.execPath, [path.join(root, 'node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE]);
}

/** The file offsets [start, end) of a section of a 64-bit little-endian ELF file. */
function elfSection(elf, wanted) {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const header = (i) => shoff + i * shentsize;
  const strtab = Number(elf.readBigUInt64LE(header(elf.readUInt16LE(0x3e)) + 0x18));
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    const nameAt = strtab + elf.readUInt32LE(h);
    if (elf.toString('latin1', nameAt, elf.indexOf(0, nameAt)) !== wanted) continue;
    const start = Number(elf.readBigUInt64LE(h + 0x18));
    return { start, end: start + Number(elf.readBigUInt64LE(h + 0x20)) };
  }
  throw new Error(`no ${wanted} section`);
}

/** The npm package for hosts that have Node: the bundled CLI, so installing fetches nothing. */
async function npmPackage() {
  const dir = path.join(work, 'npm');
  fs.mkdirSync(path.join(dir, 'bin'), { recursive: true });
  fs.cpSync(app, path.join(dir, 'lib', 'app'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bin', 'support.js'), "#!/usr/bin/env node\nrequire('../lib/app/main.js');\n", { mode: 0o755 });
  fs.copyFileSync(path.join(root, 'README.md'), path.join(dir, 'README.md'));
  const { name, description, license, engines } = pkg;
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify({ name, version, description, license, type: 'commonjs', bin: { support: 'bin/support.js' }, engines, files: ['bin', 'lib'] }, null, 2) + '\n',
  );
  const { stdout } = await execFile('npm', ['pack', '--silent', '--pack-destination', out], { cwd: dir });
  return stdout.trim().split('\n').pop();
}

async function bashCompletion() {
  const { Command } = await import(pathToFileURL(path.join(root, 'node_modules', 'commander', 'index.js')).href);
  const { loadCommands } = await import(pathToFileURL(path.join(root, 'dist', 'cli', 'commands', 'index.js')).href);
  const { createT } = await import(pathToFileURL(path.join(root, 'dist', 'i18n', 'index.js')).href);
  const program = new Command('support');
  for (const register of await loadCommands()) register({ program, t: createT('en'), ctx: () => undefined });
  const flags = (cmd) => cmd.options.map((o) => o.long).filter(Boolean);
  const cases = program.commands.map((c) => `    ${c.name()}) opts="${[...flags(c), '--help'].join(' ')}" ;;`);
  return `# bash completion for support (generated by scripts/dist.mjs)
_support() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd= opts= i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case \${COMP_WORDS[i]} in -*) ;; *) cmd=\${COMP_WORDS[i]}; break ;; esac
  done
  case $cmd in
${cases.join('\n')}
    *) opts="${program.commands.map((c) => c.name()).join(' ')} --version --help --profile --portal --json --no-input --debug --no-color --lang --ca-file" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _support support
`;
}

// Architectures one after another (each compresses on every core); the npm package meanwhile.
const npmJob = npmPackage();
for (const arch of arches) await linuxArtifacts(arch);
await npmJob;
fs.rmSync(work, { recursive: true, force: true });

const files = fs.readdirSync(out).filter((f) => f !== 'sha256sums.txt').sort();
const sums = files.map((f) => `${crypto.createHash('sha256').update(fs.readFileSync(path.join(out, f))).digest('hex')}  ${f}`);
fs.writeFileSync(path.join(out, 'sha256sums.txt'), sums.join('\n') + '\n');
const mib = (n) => (n / 1024 ** 2).toFixed(1).padStart(6) + ' MiB';
console.log(`dist: release/ (Node ${NODE_VERSION}, ${((Date.now() - t0) / 1000).toFixed(0)} s):`);
for (const f of [...files, 'sha256sums.txt']) console.log(`  ${mib(fs.statSync(path.join(out, f)).size)}  ${f}`);
for (const f of files.filter((f) => f.endsWith('.tar.xz'))) {
  if (fs.statSync(path.join(out, f)).size >= 30 * 1024 ** 2) throw new Error(`${f} is 30 MiB or more`);
}
