/**
 * Consistent pseudonyms for hostnames, IP addresses and e-mail addresses (`--obfuscate`).
 *
 * Pseudonyms come from a keyed hash (HMAC-SHA-256 with a key made fresh for each bundle), so every
 * worker thread maps the same value to the same pseudonym without sharing state, and nobody can
 * reverse them without the private mapping file written beside the zip.
 */
import crypto from 'node:crypto';

/** What `--obfuscate` may replace. */
export type ObfuscateKind = 'hosts' | 'ips' | 'emails';

/** Top-level domains a hostname must end in; Java package names (`com.atlassian.jira`) start with one instead. */
const TLDS =
  'com|net|org|io|dev|app|cloud|local|localdomain|internal|intranet|corp|lan|home|edu|gov|mil|int|biz|info|co|us|uk|de|fr|jp|cn|au|ca|nl|se|no|fi|dk|ch|at|be|es|it|pl|ru|br|in|kr|tw|sg|nz|ie|cz|eu|asia|online|site|tech|xyz|ai';
const TLD_SET = new Set(TLDS.split('|'));

const EMAIL = /\b[A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}\b/g;
const IPV4 = /(?<![\d.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\d.])/g;
const HOST = new RegExp(`(?<![\\w.@-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+(?:${TLDS})(?![\\w.-])`, 'gi');

/**
 * A host name inside a file name, joined to the rest by `-`, `_` or `.`
 * (`atlassian-jira-gc-node1.example.com.log`): the name's other words may run into its first label.
 */
const NAME_HOST = new RegExp(`(?<![A-Za-z0-9])(?:[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?\\.)+(?:${TLDS})(?![A-Za-z0-9])`, 'gi');
/** Words of file names that are never taken for a short host name, even when a host is called so. */
const NOT_SHORT_HOSTS = new Set(['jira', 'confluence', 'bitbucket', 'bamboo', 'crowd', 'atlassian', 'localhost', 'log', 'logs', 'support', 'home', 'install']);

/** The IPv4 documentation networks (RFC 5737) pseudonyms are drawn from. */
const DOC_NETS = ['192.0.2', '198.51.100', '203.0.113'];

/** The mapping file's table: pseudonym -> original, or the originals when several share a pseudonym. */
export function pseudonymTable(mapping: Map<string, string>): Record<string, string | string[]> {
  const table: Record<string, string | string[]> = {};
  for (const [original, pseudonym] of mapping) {
    const had = table[pseudonym];
    table[pseudonym] = had === undefined ? original : [...(Array.isArray(had) ? had : [had]), original];
  }
  return table;
}

/** Replaces hosts, IPs and e-mails in text; remembers what it replaced for the mapping file. */
export class Obfuscator {
  /** Original value -> pseudonym, for the private mapping file. */
  readonly mapping = new Map<string, string>();
  private readonly kinds: ReadonlySet<ObfuscateKind>;
  private readonly key: Buffer;

  /** `key` must be the same in every worker of one bundle, and secret. */
  constructor(kinds: Iterable<ObfuscateKind>, key: Buffer) {
    this.kinds = new Set(kinds);
    this.key = key;
  }

  private digest(kind: string, value: string): Buffer {
    return crypto.createHmac('sha256', this.key).update(`${kind}\0${value.toLowerCase()}`).digest();
  }

  private remember(value: string, pseudonym: string): string {
    this.mapping.set(value, pseudonym);
    return pseudonym;
  }

  /** The pseudonym of one hostname: `host-1a2b3c4d.example`. */
  host(name: string): string {
    this.hosts.add(name.toLowerCase());
    return this.remember(name, `host-${this.digest('host', name).toString('hex', 0, 4)}.example`);
  }

  /** Host names seen so far (lowercase), whose short names are hidden in paths too. */
  private readonly hosts = new Set<string>();

  /**
   * Learns the host names in `texts` (paths, this machine's name) before any path is obfuscated,
   * so that a short name (`support_node1_2026.log`) is known wherever it comes first.
   */
  learnHosts(texts: Iterable<string>): void {
    if (!this.kinds.has('hosts')) return;
    for (const t of texts) {
      if (/^[A-Za-z0-9-]+$/.test(t)) this.host(t);
      else this.apply(t);
    }
  }

  /**
   * A path (an entry name, a manifest path) with every enabled kind replaced as in text, and with
   * host names hidden where file names join them to other words by `-`, `_` or `.`: a full name
   * (`...-gc-node1.example.com.log`), or the short name of a host seen before (`support_node1_2026`).
   */
  applyPath(p: string): string {
    let s = this.apply(p);
    if (!this.kinds.has('hosts')) return s;
    s = s.replace(NAME_HOST, (m) => {
      const labels = m.toLowerCase().split('.');
      if (TLD_SET.has(labels[0]!)) return m;
      // The longest known host the run ends with, at a word boundary; else the whole run.
      for (let i = 0; i < m.length; i++) {
        if (i > 0 && !'-_'.includes(m[i - 1]!)) continue;
        const tail = m.slice(i);
        if (this.hosts.has(tail.toLowerCase())) return m.slice(0, i) + this.host(tail);
      }
      return this.host(m);
    });
    for (const h of this.hosts) {
      const short = h.split('.')[0]!;
      if (short.length < 3 || NOT_SHORT_HOSTS.has(short) || !s.toLowerCase().includes(short)) continue;
      const re = new RegExp(`(?<=^|[/._-])${short.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[/._-])`, 'gi');
      s = s.replace(re, (m) => this.host(m).split('.')[0]!);
    }
    return s;
  }

  /**
   * The pseudonym of one IPv4 address, in the documentation ranges (192.0.2.0/24, 198.51.100.0/24,
   * 203.0.113.0/24): addresses that belong to no one. Two addresses may share one (1 in 762); the
   * mapping file then lists both.
   */
  ip(addr: string): string {
    const d = this.digest('ip', addr);
    return this.remember(addr, `${DOC_NETS[d[0]! % DOC_NETS.length]}.${1 + (d[1]! % 254)}`);
  }

  /** The pseudonym of one e-mail address: `user-1a2b3c4d@example.invalid`. */
  email(addr: string): string {
    return this.remember(addr, `user-${this.digest('email', addr).toString('hex', 0, 4)}@example.invalid`);
  }

  /** Text with every enabled kind replaced. Loopback and unspecified addresses are kept: they name no one. */
  apply(text: string): string {
    let s = text;
    if (this.kinds.has('emails') && s.includes('@')) {
      s = s.replace(EMAIL, (m) => (m.endsWith('@example.invalid') ? m : this.email(m)));
    }
    if (this.kinds.has('ips')) {
      s = s.replace(IPV4, (m) => (m.startsWith('127.') || m === '0.0.0.0' || m === '255.255.255.255' ? m : this.ip(m)));
    }
    if (this.kinds.has('hosts')) {
      s = s.replace(HOST, (m) => {
        const labels = m.toLowerCase().split('.');
        // Reversed-domain names (`org.apache.catalina`) are Java packages, not hosts.
        if (TLD_SET.has(labels[0]!)) return m;
        return this.host(m);
      });
    }
    return s;
  }
}
