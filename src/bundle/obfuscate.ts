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
    return this.remember(name, `host-${this.digest('host', name).toString('hex', 0, 4)}.example`);
  }

  /** The pseudonym of one IPv4 address, inside 10.0.0.0/8 (24 bits of the hash). */
  ip(addr: string): string {
    const d = this.digest('ip', addr);
    return this.remember(addr, `10.${d[0]}.${d[1]}.${d[2]}`);
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
