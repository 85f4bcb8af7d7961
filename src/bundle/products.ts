/**
 * Where each Atlassian product keeps its files, and how to find a product's home and install
 * folders on this machine: flags, `*_HOME` variables, a running JVM's `-D<product>.home`, the
 * usual folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isDir } from './walk.js';

/** Products `--product` accepts. `jsm` is Jira Service Management: Jira's folders. */
export const PRODUCTS = ['jira', 'jsm', 'confluence', 'bitbucket', 'bamboo', 'crowd'] as const;
/** A product `--product` names. */
export type Product = (typeof PRODUCTS)[number];

/** Where a product keeps its files, relative to its home and install folders. */
export interface Layout {
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

/** The folder layout of a product (`jsm` is Jira's). */
export function layoutOf(p: Product): Layout {
  return LAYOUTS[p === 'jsm' ? 'jira' : p];
}

/** Where a product's folders were found, and how. */
export interface FoundProduct {
  product: Product;
  home: string | undefined;
  install: string | undefined;
  /** `flag`, `env:JIRA_HOME`, `jvm:<pid>`, `default`. */
  homeFrom: string | undefined;
  installFrom: string | undefined;
}

/** `-D<prop>=value` arguments of running java processes, read from /proc (only `java` ones). */
export function jvmProps(root: string): { pid: string; props: Map<string, string> }[] {
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

/** Where to look for a product's folders. */
export interface ProductSearch {
  /** `--home` and `--install`, relative to `cwd`. */
  home: string | undefined;
  install: string | undefined;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Filesystem root for discovery (`/`; tests point it at a temp dir). */
  root: string;
}

/** Finds a product's home and install folders; undefined parts were not found. */
export function findProduct(product: Product, o: ProductSearch, jvms = jvmProps(o.root)): FoundProduct {
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
