/**
 * Finds what goes into a bundle: each product's home and install folders (flags, `*_HOME`
 * variables, a running JVM's `-D<product>.home`, the usual folders), their logs and the
 * configuration files support asks for, plus `--path` globs; then applies `--since`, the per-file
 * cap and `--max-total`. Nothing here reads file contents except gzip trailers (4 bytes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isConfigFile } from './redact-rules.js';

/** Products `--product` accepts. `jsm` is Jira Service Management: Jira's folders. */
export const PRODUCTS = ['jira', 'jsm', 'confluence', 'bitbucket', 'bamboo', 'crowd'] as const;
export type Product = (typeof PRODUCTS)[number];

interface Layout {
  /** Folder name under /var/atlassian/application-data and /opt/atlassian. */
  dir: string;
  homeEnv: string[];
  /** The JVM system property naming the home folder. */
  homeProp: string;
  homeLogDirs: string[];
  homeConfig: string[];
  installConfig: string[];
  installLogDirs: string[];
  /** A file whose presence in a home folder says which product it is. */
  marker: string;
}

const TOMCAT_CONFIG = ['conf/server.xml', 'conf/context.xml', 'conf/web.xml', 'bin/setenv.sh', 'bin/setenv.bat', 'bin/user.sh'];

const LAYOUTS: Record<Exclude<Product, 'jsm'>, Layout> = {
  jira: {
    dir: 'jira',
    homeEnv: ['JIRA_HOME'],
    homeProp: 'jira.home',
    homeLogDirs: ['log', 'logs', 'thread-dumps', 'threaddumps'],
    homeConfig: ['dbconfig.xml', 'jira-config.properties', 'cluster.properties'],
    installConfig: [...TOMCAT_CONFIG, 'atlassian-jira/WEB-INF/classes/jira-application.properties', 'atlassian-jira/WEB-INF/classes/seraph-config.xml'],
    installLogDirs: ['logs'],
    marker: 'dbconfig.xml',
  },
  confluence: {
    dir: 'confluence',
    homeEnv: ['CONFLUENCE_HOME'],
    homeProp: 'confluence.home',
    homeLogDirs: ['logs', 'thread-dumps', 'threaddumps'],
    homeConfig: ['confluence.cfg.xml'],
    installConfig: [...TOMCAT_CONFIG, 'confluence/WEB-INF/classes/confluence-init.properties', 'confluence/WEB-INF/classes/seraph-config.xml'],
    installLogDirs: ['logs'],
    marker: 'confluence.cfg.xml',
  },
  bitbucket: {
    dir: 'bitbucket',
    homeEnv: ['BITBUCKET_HOME'],
    homeProp: 'bitbucket.home',
    homeLogDirs: ['log', 'thread-dumps'],
    homeConfig: ['shared/bitbucket.properties', 'bitbucket.properties'],
    installConfig: ['bin/set-bitbucket-home.sh', 'bin/_start-webapp.sh', 'bin/set-jre-home.sh'],
    installLogDirs: ['logs'],
    marker: 'shared/bitbucket.properties',
  },
  bamboo: {
    dir: 'bamboo',
    homeEnv: ['BAMBOO_HOME'],
    homeProp: 'bamboo.home',
    homeLogDirs: ['logs'],
    homeConfig: ['bamboo.cfg.xml', 'xml-data/configuration/administration.xml'],
    installConfig: [...TOMCAT_CONFIG, 'atlassian-bamboo/WEB-INF/classes/bamboo-init.properties'],
    installLogDirs: ['logs'],
    marker: 'bamboo.cfg.xml',
  },
  crowd: {
    dir: 'crowd',
    homeEnv: ['CROWD_HOME'],
    homeProp: 'crowd.home',
    homeLogDirs: ['logs'],
    homeConfig: ['crowd.cfg.xml', 'shared/crowd.cfg.xml'],
    installConfig: [
      'crowd.properties',
      'apache-tomcat/conf/server.xml',
      'apache-tomcat/bin/setenv.sh',
      'crowd-webapp/WEB-INF/classes/crowd-init.properties',
    ],
    installLogDirs: ['apache-tomcat/logs', 'logs'],
    marker: 'crowd.cfg.xml',
  },
};

function layoutOf(p: Product): Layout {
  return LAYOUTS[p === 'jsm' ? 'jira' : p];
}

/** Formats that are compressed already: stored in the zip, never deflated again or redacted. */
const STORED = /\.(zip|jar|war|ear|jfr|png|jpe?g|gif|webp|7z|bz2|xz|zst|tgz|tar\.gz|gz\.enc)$/i;
/** Binary files deflated but never run through the text redaction rules. */
const BINARY = /\.(hprof|class|bin|dat|db|ico|so|dll|exe|keystore|jks|p12|pfx)$/i;
/** Rotated logs compressed with gzip: decompressed and redacted like any log. */
const GZIP = /\.gz$/i;
const LOGLIKE = /(\.log|\.out|\.txt)(\.\d+|\.\d{4}-\d\d-\d\d.*)?(\.gz)?$|\.log\.|catalina|gc[-.]|thread|access|\.current$/i;

/** Where a product's folders were found, and how. */
export interface FoundProduct {
  product: Product;
  home: string | undefined;
  install: string | undefined;
  /** `flag`, `env:JIRA_HOME`, `jvm:<pid>`, `default`. */
  homeFrom: string | undefined;
  installFrom: string | undefined;
}

/** One file to bundle. */
export interface PlannedFile {
  source: string;
  entry: string;
  /** Size on disk when listed (for `.gz`, the decompressed size from its trailer). */
  size: number;
  mtimeMs: number;
  kind: 'log' | 'config' | 'other';
  gunzip: boolean;
  deflate: boolean;
  /** Text to run the redaction rules on (false for binary and already-compressed files). */
  text: boolean;
  config: boolean;
}

/** Something found but left out, with a stable reason code. */
export interface SkippedFile {
  source: string;
  entry?: string;
  reason: string;
  detail?: string;
}

export interface CollectOptions {
  product: Product | undefined;
  home: string | undefined;
  install: string | undefined;
  /** `--path` globs, relative to `cwd`. */
  paths: string[];
  /** `--since` in milliseconds: logs older than this are left out. */
  sinceMs: number | undefined;
  /** Per-file cap: a larger file keeps its tail. */
  maxFileSize: number;
  /** Total cap: newest logs first, the rest recorded as left out. */
  maxTotal: number;
  now: number;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Filesystem root for discovery (`/`; tests point it at a temp dir). */
  root: string;
  /** Paths never collected: the CLI's own config folder, the output zip and its temp files. */
  exclude: string[];
}

export interface Plan {
  products: FoundProduct[];
  files: PlannedFile[];
  skipped: SkippedFile[];
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** `-D<prop>=value` arguments of running java processes, read from /proc (only `java` ones). */
function jvmProps(root: string): { pid: string; props: Map<string, string> }[] {
  const proc = path.join(root, 'proc');
  let pids: string[];
  try {
    pids = fs.readdirSync(proc).filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const found: { pid: string; props: Map<string, string> }[] = [];
  for (const pid of pids) {
    try {
      const comm = fs.readFileSync(path.join(proc, pid, 'comm'), 'utf8').trim();
      if (comm !== 'java') continue;
      const args = fs.readFileSync(path.join(proc, pid, 'cmdline'), 'utf8').split('\0');
      const props = new Map<string, string>();
      for (const a of args) {
        const m = /^-D([\w.]+)=(.*)$/.exec(a);
        if (m) props.set(m[1]!, m[2]!);
      }
      found.push({ pid, props });
    } catch {
      // The process ended or is not ours to read: it tells us nothing.
    }
  }
  return found;
}

/** Finds a product's home and install folders; undefined parts were not found. */
export function findProduct(product: Product, o: Pick<CollectOptions, 'home' | 'install' | 'env' | 'root' | 'cwd'>, jvms = jvmProps(o.root)): FoundProduct {
  const L = layoutOf(product);
  const found: FoundProduct = { product, home: undefined, install: undefined, homeFrom: undefined, installFrom: undefined };
  if (o.home) [found.home, found.homeFrom] = [path.resolve(o.cwd, o.home), 'flag'];
  if (o.install) [found.install, found.installFrom] = [path.resolve(o.cwd, o.install), 'flag'];
  if (!found.home) {
    for (const v of L.homeEnv) {
      const h = o.env[v];
      if (h && isDir(h)) [found.home, found.homeFrom] = [h, `env:${v}`];
      if (found.home) break;
    }
  }
  const jvm = jvms.find((j) => j.props.has(L.homeProp));
  if (!found.home && jvm) {
    const h = jvm.props.get(L.homeProp)!;
    if (isDir(path.join(o.root, h))) [found.home, found.homeFrom] = [path.join(o.root, h), `jvm:${jvm.pid}`];
  }
  if (!found.install && jvm?.props.has('catalina.home')) {
    const i = path.join(o.root, jvm.props.get('catalina.home')!);
    if (isDir(i)) [found.install, found.installFrom] = [i, `jvm:${jvm.pid}`];
  }
  if (!found.home) {
    const h = path.join(o.root, 'var/atlassian/application-data', L.dir);
    if (isDir(h)) [found.home, found.homeFrom] = [h, 'default'];
  }
  if (!found.install) {
    const i = path.join(o.root, 'opt/atlassian', L.dir);
    if (isDir(i)) [found.install, found.installFrom] = [i, 'default'];
  }
  return found;
}

/** Guesses the product of a home folder from its marker files (for `--home` without `--product`). */
export function guessProduct(home: string): Product {
  for (const [p, L] of Object.entries(LAYOUTS)) if (fs.existsSync(path.join(home, L.marker))) return p as Product;
  return 'jira';
}

const GLOB_MAGIC = /[*?[]/;

/** A glob (`*`, `**`, `?`, `[...]`) as a regular expression over `/`-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

interface Found {
  source: string;
  rel: string;
  st: fs.Stats;
}

/** Walks a folder (following symlinks, once per real folder) and reports what it finds. */
function walk(dir: string, onFile: (f: Found) => void, skipped: SkippedFile[], excluded: (p: string) => string | undefined, base = dir): void {
  const seen = new Set<string>();
  const visit = (d: string, depth: number) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(d);
    } catch (err) {
      skipped.push(skipOf(d, err));
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) {
      skipped.push({ source: d, reason: 'symlink-loop', detail: 'folder already visited through another path' });
      return;
    }
    seen.add(id);
    if (depth > 32) {
      skipped.push({ source: d, reason: 'too-deep' });
      return;
    }
    let names: string[];
    try {
      names = fs.readdirSync(d).sort();
    } catch (err) {
      skipped.push(skipOf(d, err));
      return;
    }
    for (const name of names) {
      const p = path.join(d, name);
      const why = excluded(p);
      if (why) {
        skipped.push({ source: p, reason: 'excluded', detail: why });
        continue;
      }
      let s: fs.Stats;
      try {
        s = fs.statSync(p);
      } catch (err) {
        skipped.push(skipOf(p, err));
        continue;
      }
      if (s.isDirectory()) visit(p, depth + 1);
      else if (s.isFile()) onFile({ source: p, rel: path.relative(base, p), st: s });
      else skipped.push({ source: p, reason: 'not-a-file', detail: kindOfStat(s) });
    }
  };
  visit(dir, 0);
}

function kindOfStat(s: fs.Stats): string {
  if (s.isFIFO()) return 'fifo';
  if (s.isSocket()) return 'socket';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'device';
  return 'special file';
}

function skipOf(p: string, err: unknown): SkippedFile {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return { source: p, reason: 'symlink-loop', detail: 'symbolic link loop' };
  if (code === 'ENOENT') return { source: p, reason: 'vanished', detail: 'missing or a broken symbolic link' };
  if (code === 'EACCES' || code === 'EPERM') return { source: p, reason: 'unreadable', detail: code };
  return { source: p, reason: 'read-error', detail: (err as Error).message };
}

/** The decompressed size a gzip file states in its trailer (mod 4 GiB), or its own size. */
function gzipSize(p: string, size: number): number {
  if (size < 18) return size;
  try {
    const fd = fs.openSync(p, 'r');
    try {
      const b = Buffer.alloc(4);
      fs.readSync(fd, b, 0, 4, size - 4);
      return b.readUInt32LE(0);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return size;
  }
}

/** An entry path made safe: forward slashes, no leading `/`, no `.` or `..` parts. */
export function safeEntry(p: string): string {
  return p
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
}

/** Lists everything the options ask for, then applies `--since`, the per-file cap and `--max-total`. */
export function collect(o: CollectOptions): Plan {
  const skipped: SkippedFile[] = [];
  const files = new Map<string, PlannedFile>();
  const entries = new Set<string>();
  const exclude = o.exclude.map((e) => path.resolve(e));
  const excluded = (p: string): string | undefined => {
    for (const e of exclude) if (p === e || p.startsWith(e + path.sep)) return e;
    return undefined;
  };

  const add = (f: Found, entryBase: string, kind: 'log' | 'config' | 'other') => {
    let real: string;
    try {
      real = fs.realpathSync(f.source);
    } catch {
      real = f.source;
    }
    if (excluded(real)) {
      skipped.push({ source: f.source, reason: 'excluded', detail: excluded(real) });
      return;
    }
    if (files.has(real)) return;
    const base = path.basename(f.source);
    const stored = STORED.test(base);
    const gunzip = !stored && GZIP.test(base);
    let entry = safeEntry(`${entryBase}/${gunzip ? f.rel.replace(GZIP, '') : f.rel}`);
    for (let n = 2; entries.has(entry); n++) entry = safeEntry(`${entryBase}/${f.rel}`) + (n > 2 ? `~${n}` : '');
    entries.add(entry);
    const k = kind === 'other' && LOGLIKE.test(base) ? 'log' : kind;
    files.set(real, {
      source: f.source,
      entry,
      size: gunzip ? gzipSize(f.source, f.st.size) : f.st.size,
      mtimeMs: f.st.mtimeMs,
      kind: isConfigFile(base) ? 'config' : k,
      gunzip,
      deflate: !stored,
      text: !stored && !BINARY.test(base),
      config: isConfigFile(base),
    });
  };

  const addFile = (p: string, rel: string, entryBase: string, kind: 'log' | 'config' | 'other') => {
    const why = excluded(p);
    if (why) {
      skipped.push({ source: p, reason: 'excluded', detail: why });
      return;
    }
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch (err) {
      const s = skipOf(p, err);
      // An absent optional config file is normal; only a broken one is worth a note.
      if (s.reason !== 'vanished' || fs.existsSync(path.dirname(p))) {
        try {
          fs.lstatSync(p);
          skipped.push(s);
        } catch {
          // Not there at all: nothing to say.
        }
      }
      return;
    }
    if (st.isDirectory()) walk(p, (f) => add({ ...f, rel: path.join(rel, f.rel) }, entryBase, kind), skipped, excluded);
    else if (st.isFile()) add({ source: p, rel, st }, entryBase, kind);
    else skipped.push({ source: p, reason: 'not-a-file', detail: kindOfStat(st) });
  };

  const products: FoundProduct[] = [];
  const jvms = jvmProps(o.root);
  const wanted: Product[] = o.product
    ? [o.product]
    : o.home || o.install
      ? [guessProduct(o.home ? path.resolve(o.cwd, o.home) : '')]
      : PRODUCTS.filter((p) => p !== 'jsm');
  for (const p of wanted) {
    const f = findProduct(p, o, jvms);
    if (!f.home && !f.install) continue;
    products.push(f);
    const L = layoutOf(p);
    // Configuration first: a file reachable both directly and through a symlinked log folder keeps its own path.
    if (f.home) for (const c of L.homeConfig) addFile(path.join(f.home, c), c, `${p}/home`, 'config');
    if (f.install) for (const c of L.installConfig) addFile(path.join(f.install, c), c, `${p}/install`, 'config');
    if (f.home) for (const d of L.homeLogDirs) addFile(path.join(f.home, d), d, `${p}/home`, 'log');
    if (f.install) for (const d of L.installLogDirs) addFile(path.join(f.install, d), d, `${p}/install`, 'log');
  }

  for (const g of o.paths) {
    const abs = path.resolve(o.cwd, g);
    if (!GLOB_MAGIC.test(g)) {
      if (!fs.existsSync(abs) && !isBrokenLink(abs)) {
        skipped.push({ source: abs, reason: 'not-found', detail: g });
        continue;
      }
      addFile(abs, path.basename(abs), `files/${path.dirname(abs)}`, 'other');
      continue;
    }
    // Walk from the longest folder prefix without glob characters, matching the rest.
    const parts = abs.split(path.sep);
    const fixed: string[] = [];
    for (const part of parts) {
      if (GLOB_MAGIC.test(part)) break;
      fixed.push(part);
    }
    const base = fixed.join(path.sep) || path.sep;
    const re = globToRegExp(path.relative(base, abs).split(path.sep).join('/'));
    let matched = 0;
    if (isDir(base)) {
      walk(
        base,
        (f) => {
          const rel = f.rel.split(path.sep).join('/');
          // A match on a folder part takes everything under it, as `zip -r` would.
          const segs = rel.split('/');
          for (let i = 1; i <= segs.length; i++) {
            if (re.test(segs.slice(0, i).join('/'))) {
              matched++;
              add(f, `files/${base}`, 'other');
              return;
            }
          }
        },
        skipped,
        excluded,
      );
    }
    if (matched === 0) skipped.push({ source: abs, reason: 'not-found', detail: g });
  }

  return { products, ...limit([...files.values()], skipped, o) };
}

function isBrokenLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Applies `--since` to logs, then `--max-total` keeping configuration and the newest logs first. */
function limit(all: PlannedFile[], skipped: SkippedFile[], o: CollectOptions): { files: PlannedFile[]; skipped: SkippedFile[] } {
  const fresh: PlannedFile[] = [];
  for (const f of all) {
    if (o.sinceMs !== undefined && f.kind === 'log' && f.mtimeMs < o.now - o.sinceMs) {
      skipped.push({ source: f.source, entry: f.entry, reason: 'older-than-since' });
    } else fresh.push(f);
  }
  const order = [...fresh].sort((a, b) => (a.kind === 'config') === (b.kind === 'config') ? b.mtimeMs - a.mtimeMs : a.kind === 'config' ? -1 : 1);
  const kept: PlannedFile[] = [];
  let total = 0;
  for (const f of order) {
    const eff = Math.min(f.size, o.maxFileSize);
    if (total + eff > o.maxTotal && f.kind !== 'config') {
      skipped.push({ source: f.source, entry: f.entry, reason: 'over-max-total', detail: String(eff) });
      continue;
    }
    total += eff;
    kept.push(f);
  }
  kept.sort((a, b) => a.entry.localeCompare(b.entry));
  return { files: kept, skipped };
}
