/**
 * Streaming redaction of secrets in text files.
 *
 * Works on bytes decoded as latin1 (one char per byte), so a multibyte UTF-8 character is never
 * split or altered, and text without secrets comes out byte for byte. Every pattern below uses an
 * explicit ASCII whitespace class instead of `\s`, because `\s` also matches 0xA0, a common UTF-8
 * continuation byte. Input is processed line-wise with a carry of the incomplete last line; a line
 * longer than {@link MAX_LINE} is cut at a point no rule match straddles.
 */
import type { Obfuscator } from './obfuscate.js';

/** A line longer than this is processed in pieces (1 MiB keeps memory bounded on minified dumps). */
export const MAX_LINE = 1024 * 1024;
/** How much of a forced cut's tail is kept back so a secret spanning the cut is still seen whole. */
const OVERLAP = 64 * 1024;
/** Input is redacted in slices of this size (see `push`). */
const SLICE = 64 * 1024;

const WS = '\\t\\n\\v\\f\\r ';
/** Blanks between a key and its value: rules work within a line. */
const SP = '\\t ';
/** Words that make a key secret-named; compared case-insensitively. */
const SECRET_WORDS =
  'password|passwd|passphrase|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|credentials?|storepass|keypass|sessionid|session[_.-]id';
/** Known configuration files also mask keystore, truststore and licence values. */
const CONFIG_WORDS = `${SECRET_WORDS}|keystore|truststore|license|licence`;

/** Trigger families: which cheap substring (lowercased) every match of a rule contains. */
const F_WORD = 1;
const F_AUTH = 2;
const F_BASIC = 4;
const F_JWT = 8;
const F_ATL = 16;
const F_AWS = 32;
const F_URL = 64;
const F_JDBC = 128;

/** A secret-shaped match: `replace` builds the text that stands in for it. */
interface Rule {
  name: string;
  /** The trigger family (see {@link TRIGGER}) every match of `re` contains. */
  family: number;
  re: RegExp;
  /** The whole extent of a match when `re` checks part of it with a lookbehind (see `straddle`). */
  span?: RegExp;
  /** The replacement for one match, or undefined to keep it; `offset` and `input` locate it. */
  replace: (m: string[], marker: (rule: string) => string, offset: number, input: string) => string | undefined;
}

/** The marker that replaces a value: it names the rule that matched. */
export function marker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

function isMarker(v: string): boolean {
  return v.startsWith('[REDACTED:');
}

/** The marker name for a secret-named key: the kind of secret, as an admin would call it. */
function kindOfKey(key: string): string {
  const k = key.toLowerCase();
  if (/aws.?secret|secret.?access.?key/.test(k)) return 'aws-secret-key';
  if (/pass|pwd/.test(k)) return 'password';
  if (/licen[cs]e/.test(k)) return 'license';
  if (/keystore|truststore/.test(k)) return 'keystore';
  if (/token|sessionid|session.id/.test(k)) return 'token';
  if (/api.?key|access.?key|private.?key/.test(k)) return 'api-key';
  if (/credential/.test(k)) return 'credential';
  return 'secret';
}

/** Environment names that look secret-named but hold a folder. */
const NOT_SECRET_KEYS = new Set(['pwd', 'oldpwd']);

function keyValueRule(words: string): Rule {
  // Anchored on the secret word (a leading `[\w.-]*` would be tried at every position and is ~5x
  // slower); the rest of the key is found by scanning back from the match.
  const re = new RegExp(
    `((?:${words})[A-Za-z0-9_.-]*["']?[${SP}]*(?:=>|=|:)[${SP}]*)(?:"((?:[^"\\\\\\r\\n]|\\\\.)*)"|'([^'\\r\\n]*)'|([^${WS}"'&;,<>()\\[\\]{}]+))`,
    'gi',
  );
  return {
    name: 'key-value',
    family: F_WORD,
    re,
    replace: (m, mk, offset, input) => {
      const [, head = '', dq, sq, bare] = m;
      let start = offset;
      while (start > 0 && /[A-Za-z0-9_.-]/.test(input[start - 1]!)) start--;
      const key = input.slice(start, offset) + /^[A-Za-z0-9_.-]*/.exec(head)![0];
      if (NOT_SECRET_KEYS.has(key.toLowerCase())) return undefined;
      const value = dq ?? sq ?? bare ?? '';
      if (value === '' || isMarker(value)) return undefined;
      const red = mk(kindOfKey(key));
      // Quoted values keep their quotes so JSON and XML attributes stay well-formed.
      const quoted = dq !== undefined ? `"${red}"` : sq !== undefined ? `'${red}'` : red;
      return `${head}${quoted}`;
    },
  };
}

function elementRules(words: string): Rule[] {
  return [
    {
      // <password>x</password>, <ns:secretKey attr="1">x</ns:secretKey>
      name: 'element',
      family: F_WORD,
      re: new RegExp(`<((?:[\\w.-]+:)?[\\w.-]*(?:${words})[\\w.-]*)((?:[${WS}][^>]*)?)>([^<]+)</\\1>`, 'gi'),
      replace: (m, mk) => {
        const [, tag = '', attrs = '', value = ''] = m;
        if (isMarker(value) || value.trim() === '') return undefined;
        return `<${tag}${attrs}>${mk(kindOfKey(tag))}</${tag}>`;
      },
    },
    {
      // <property name="hibernate.connection.password">x</property>
      name: 'element',
      family: F_WORD,
      re: new RegExp(
        `(<(property|entry|param|param-value|setting)\\b[^>]*\\b(?:name|key)[${WS}]*=[${WS}]*["']([^"']*(?:${words})[^"']*)["'][^>]*>)([^<]+)(</\\2>)`,
        'gi',
      ),
      replace: (m, mk) => {
        const [, open = '', , name = '', value = '', close = ''] = m;
        if (isMarker(value) || value.trim() === '') return undefined;
        return `${open}${mk(kindOfKey(name))}${close}`;
      },
    },
    {
      // <Parameter name="ldap.password" value="x"/>
      name: 'element',
      family: F_WORD,
      re: new RegExp(
        `(\\bname[${WS}]*=[${WS}]*["']([^"']*(?:${words})[^"']*)["'][^>]*?\\bvalue[${WS}]*=[${WS}]*)(["'])([^"']*)\\3`,
        'gi',
      ),
      replace: (m, mk) => {
        const [, head = '', name = '', q = '', value = ''] = m;
        if (isMarker(value) || value === '') return undefined;
        return `${head}${q}${mk(kindOfKey(name))}${q}`;
      },
    },
  ];
}

const SHAPE_RULES: Rule[] = [
  {
    name: 'authorization',
    family: F_AUTH,
    re: new RegExp(
      `(\\b(?:proxy-)?authorization["']?[${SP}]*[:=][${SP}]*["']?(?:(?:basic|bearer|token|digest|negotiate|ntlm|sso|ssws)[${SP}]+)?)([^${WS}"',;]+)`,
      'gi',
    ),
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('authorization')}`),
  },
  {
    name: 'authorization',
    family: F_BASIC,
    re: /\b(Basic|Bearer|BASIC|BEARER|basic|bearer)([ \t]+)([A-Za-z0-9+/_.~-]{12,}=*)/g,
    replace: (m, mk) => `${m[1]}${m[2]}${mk('authorization')}`,
  },
  {
    name: 'jwt',
    family: F_JWT,
    re: /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g,
    replace: (_m, mk) => mk('jwt'),
  },
  {
    name: 'atlassian-token',
    family: F_ATL,
    re: /\bAT(?:ATT|CTT|OAT)[A-Za-z0-9_=-]{20,}/g,
    replace: (_m, mk) => mk('atlassian-token'),
  },
  {
    name: 'aws-access-key-id',
    family: F_AWS,
    re: /\b(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA|ASCA)[A-Z0-9]{16}\b/g,
    replace: (_m, mk) => mk('aws-access-key-id'),
  },
  {
    // scheme://user:password@host, including jdbc:postgresql://, ldap://, amqp:// ...
    name: 'url-password',
    family: F_URL,
    // Anchored on `://`, with the scheme checked behind it: starting at every word (`\b[a-zA-Z]...`)
    // made this the costliest rule on access logs, where every line holds a URL. Same matches.
    re: /(:\/\/(?<=\b[a-zA-Z][a-zA-Z0-9+.:-]*:\/\/)[^\t\n\v\f\r :/@"'<>]+:)([^\t\n\v\f\r @/"'<>]+)@/g,
    // Where a whole match starts, for cutting over-long lines (the lookbehind's scheme is outside the match).
    span: /\b[a-zA-Z][a-zA-Z0-9+.:-]*:\/\/[^\t\n\v\f\r :/@"'<>]+:[^\t\n\v\f\r @/"'<>]+@/g,
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('url-password')}@`),
  },
  {
    // jdbc:oracle:thin:user/password@host
    name: 'jdbc-password',
    family: F_JDBC,
    re: /(\bjdbc:oracle:[a-z0-9]+:[^\t\n\v\f\r :/@"']+\/)([^\t\n\v\f\r @"']+)@/gi,
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('jdbc-password')}@`),
  },
];

/** A private-key block's opening line; its body is dropped up to the matching END line. */
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----/g;
const PEM_END = /-----END ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----/g;
/** What separates a PEM marker from its body: real line endings, or `\n` escapes inside JSON. */
const PEM_SEP = /^(?:\r?\n|\\r\\n|\\n|[ \t])*/;

/** The rules in the order they run: shapes first, then secret-named keys. */
function rulesFor(config: boolean): Rule[] {
  const words = config ? CONFIG_WORDS : SECRET_WORDS;
  return [...SHAPE_RULES, ...elementRules(words), keyValueRule(words)];
}

const LOG_RULES = rulesFor(false);

/**
 * One cheap scan, over the text lowercased, that finds the lines worth running the rules on:
 * every rule's match contains one of these (in any case, which only flags more lines), and which
 * one says which rules can match at all (its family, see {@link familyOf}). Most log lines hold
 * none, and skipping them is what makes redaction run at disk speed. One pass over lowercased
 * text without the `i` flag is ~1.5x faster than two passes, one of them with `i`. No two
 * families can start at the same position (the `a…` ones differ in their second letter), so
 * stepping one character past each hit finds every family present.
 */
const TRIGGER =
  /pass|pwd|secret|token|key|credential|authori|bearer|basic|licen|session|storepass|keystore|truststore|eyj|at[aco][at]t|a(?:kia|sia|bia|cca|gpa|ida|ipa|npa|nva|roa|pka|sca)|:\/\/|jdbc:/g;

/** The family of a {@link TRIGGER} hit (lowercased). */
function familyOf(hit: string): number {
  switch (hit) {
    case 'authori':
      return F_AUTH;
    case 'bearer':
    case 'basic':
      return F_BASIC;
    case 'eyj':
      return F_JWT;
    case '://':
      return F_URL;
    case 'jdbc:':
      return F_JDBC;
    default:
      if (hit.length === 5 && hit.startsWith('at')) return F_ATL;
      if (hit.length === 4 && hit[0] === 'a') return F_AWS;
      return F_WORD;
  }
}
const CONFIG_RULES = rulesFor(true);

/** Options of one file's redaction. */
export interface RedactOptions {
  /** The file is a known configuration file: keystore, truststore and licence values are masked too. */
  config?: boolean;
  /** Off with `--no-redact`: only obfuscation (if any) runs. */
  redact?: boolean;
  /** Replaces hosts, IPs and e-mails with pseudonyms after redaction. */
  obfuscator?: Obfuscator | undefined;
}

/**
 * Redacts one file's bytes as they stream through. Feed chunks to `push`, then call `end`; each
 * returns the output bytes that are ready. `counts` holds how many values each rule replaced.
 */
export class Redactor {
  readonly counts: Record<string, number> = {};
  private carry = '';
  private inPem = false;
  private pemEol = '\n';
  private readonly rules: Rule[];
  private readonly redact: boolean;
  private readonly obfuscator: Obfuscator | undefined;
  private readonly mk = (rule: string): string => {
    this.counts[rule] = (this.counts[rule] ?? 0) + 1;
    return marker(rule);
  };

  constructor(opts: RedactOptions = {}) {
    this.rules = opts.config ? CONFIG_RULES : LOG_RULES;
    this.redact = opts.redact !== false;
    this.obfuscator = opts.obfuscator;
  }

  /** What the obfuscator replaced so far (original -> pseudonym). */
  obfuscatorMapping(): [string, string][] {
    return this.obfuscator ? [...this.obfuscator.mapping] : [];
  }

  /** Redacts the next chunk; returns the output that is ready (a new buffer). */
  push(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    this.write(chunk, (b) => parts.push(Buffer.from(b)));
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** Ends the input; returns the rest of the output. */
  end(): Buffer {
    return Buffer.from(this.endText(), 'latin1');
  }

  /**
   * `push` without allocating: hands the ready output to `emit` as a view of a buffer that the
   * next call reuses, so `emit` must consume or copy it before returning. A bundle redacts
   * gigabytes: one buffer per slice would be external memory that the GC frees late.
   */
  write(chunk: Buffer, emit: (out: Buffer) => void): void {
    // Strings over ~128 KiB live in V8's large-object space until a full GC: slicing keeps every
    // string young and cheap to collect, which is what keeps memory flat.
    for (let at = 0; at < chunk.length; at += SLICE) this.emitText(this.pushSlice(chunk.subarray(at, at + SLICE)), emit);
  }

  /** `end` for `write`: hands the rest of the output to `emit` (same terms). */
  finish(emit: (out: Buffer) => void): void {
    this.emitText(this.endText(), emit);
  }

  private outBuf: Buffer | undefined;

  private emitText(text: string, emit: (out: Buffer) => void): void {
    if (text.length === 0) return;
    if (!this.outBuf || this.outBuf.length < text.length) this.outBuf = Buffer.allocUnsafe(Math.max(text.length, 2 * SLICE));
    const n = this.outBuf.write(text, 0, 'latin1');
    emit(this.outBuf.subarray(0, n));
  }

  private pushSlice(chunk: Buffer): string {
    const s = this.carry + chunk.toString('latin1');
    const nl = s.lastIndexOf('\n');
    let block: string;
    if (nl >= 0) {
      block = s.slice(0, nl + 1);
      this.carry = s.slice(nl + 1);
    } else {
      block = '';
      this.carry = s;
    }
    let out = block === '' ? '' : this.process(block);
    if (this.carry.length > MAX_LINE) out += this.forcedCut();
    return out;
  }

  private endText(): string {
    const rest = this.carry;
    this.carry = '';
    return rest === '' ? '' : this.process(rest);
  }

  /** Cuts an over-long line where no match straddles the cut, and processes the part before it. */
  private forcedCut(): string {
    const s = this.carry;
    if (this.inPem) {
      // Inside a key body everything is dropped; keep enough back to see an END marker whole.
      this.carry = s.slice(s.length - 64);
      return this.process(s.slice(0, s.length - 64));
    }
    let cut = s.length - OVERLAP;
    const ws = Math.max(s.lastIndexOf(' ', cut), s.lastIndexOf('\t', cut));
    if (ws > cut - OVERLAP) cut = ws + 1;
    for (let guard = 0; guard < 8; guard++) {
      const moved = this.straddle(s, cut);
      if (moved === undefined || moved <= 0) break;
      cut = moved;
    }
    if (cut <= 0) cut = s.length - OVERLAP;
    this.carry = s.slice(cut);
    return this.process(s.slice(0, cut));
  }

  /** The start of a rule match that spans `cut`, if any, looking at a window around it. */
  private straddle(s: string, cut: number): number | undefined {
    const from = Math.max(0, cut - 4096);
    const win = s.slice(from, Math.min(s.length, cut + 4096));
    const at = cut - from;
    let earliest: number | undefined;
    for (const r of [...this.rules.map((x) => x.span ?? x.re), PEM_BEGIN]) {
      const re = new RegExp(r.source, r.flags);
      let m: RegExpExecArray | null;
      while ((m = re.exec(win)) !== null) {
        if (m.index < at && m.index + m[0].length > at - 1) {
          earliest = Math.min(earliest ?? m.index, m.index);
        }
        if (m.index >= at) break;
        if (m[0].length === 0) re.lastIndex++;
      }
    }
    return earliest === undefined ? undefined : from + earliest;
  }

  /** Redacts a run of complete lines (or a forced piece), tracking PEM blocks across calls. */
  private process(text: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (this.inPem) {
        PEM_END.lastIndex = i;
        const e = PEM_END.exec(text);
        if (!e) return out; // the rest is key material
        out += this.pemEol;
        this.inPem = false;
        i = e.index;
        continue;
      }
      if (!this.redact) {
        out += this.rest(text.slice(i));
        break;
      }
      PEM_BEGIN.lastIndex = i;
      const b = PEM_BEGIN.exec(text);
      if (!b) {
        out += this.rest(text.slice(i));
        break;
      }
      const afterBegin = b.index + b[0].length;
      out += this.rest(text.slice(i, afterBegin));
      const sep = PEM_SEP.exec(text.slice(afterBegin, afterBegin + 8))?.[0] ?? '';
      this.pemEol = sep;
      out += sep + this.mk('private-key');
      this.inPem = true;
      i = afterBegin;
    }
    return out;
  }

  /** The shape and key rules, then obfuscation, over text with no PEM marker in it. */
  private rest(text: string): string {
    let s = this.redact ? this.redactLines(text) : text;
    if (this.obfuscator) s = this.obfuscator.apply(s);
    return s;
  }

  /** Runs the rules on the lines a trigger hits, and copies the others as they are. */
  private redactLines(text: string): string {
    // Latin-1 lowercasing keeps every character at its index, so positions carry over to `text`.
    const lower = text.toLowerCase();
    const re = TRIGGER;
    re.lastIndex = 0;
    let out = '';
    let pos = 0;
    // The current run of flagged lines (adjacent ones merge) and the families seen in it.
    let start = -1;
    let end = -1;
    let mask = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(lower)) !== null) {
      const at = m.index;
      re.lastIndex = at + 1;
      if (at < end) {
        mask |= familyOf(m[0]);
        continue;
      }
      const ls = text.lastIndexOf('\n', at - 1) + 1;
      const nl = text.indexOf('\n', at);
      const le = nl < 0 ? text.length : nl + 1;
      if (start >= 0 && ls <= end) {
        end = le;
        mask |= familyOf(m[0]);
        continue;
      }
      if (start >= 0) {
        out += text.slice(pos, start) + this.applyRules(text.slice(start, end), mask);
        pos = end;
      }
      start = ls;
      end = le;
      mask = familyOf(m[0]);
    }
    if (start < 0) return text;
    out += text.slice(pos, start) + this.applyRules(text.slice(start, end), mask);
    return out + text.slice(end);
  }

  /**
   * Runs the rules over flagged lines. A rule whose trigger family is not in `mask` cannot match
   * and is skipped, until a replacement has been made: markers carry words of their own
   * (`[REDACTED:url-password]`), so from then on every rule runs, as if none were skipped.
   */
  private applyRules(text: string, mask: number): string {
    let s = text;
    let changed = false;
    for (const r of this.rules) {
      if (!changed && (r.family & mask) === 0) continue;
      r.re.lastIndex = 0;
      if (!r.re.test(s)) continue;
      r.re.lastIndex = 0;
      s = s.replace(r.re, (...args: unknown[]) => {
        // (match, ...groups, offset, input): no named groups, so the last two are position and text.
        const m = args.slice(0, -2) as string[];
        const rep = r.replace(m, this.mk, args[args.length - 2] as number, args[args.length - 1] as string);
        if (rep === undefined) return m[0] as string;
        changed = true;
        return rep;
      });
    }
    return s;
  }
}

/** Redacts a whole buffer at once (tests and small files). */
export function redactBuffer(input: Buffer, opts: RedactOptions = {}): { output: Buffer; counts: Record<string, number> } {
  const r = new Redactor(opts);
  const output = Buffer.concat([r.push(input), r.end()]);
  return { output, counts: r.counts };
}

/** File names whose values are masked with the configuration rules (keystore, licence ...). */
export const CONFIG_FILE_NAMES: ReadonlySet<string> = new Set([
  'dbconfig.xml',
  'server.xml',
  'setenv.sh',
  'setenv.bat',
  'confluence.cfg.xml',
  'bitbucket.properties',
  'crowd.properties',
  'crowd.cfg.xml',
  'bamboo.cfg.xml',
  'jira-config.properties',
  'cluster.properties',
  'context.xml',
  'web.xml',
  'seraph-config.xml',
  'crowd-init.properties',
  'confluence-init.properties',
  'jira-application.properties',
  'bamboo-init.properties',
  'atlassian-bamboo.cfg.xml',
  'mesh.properties',
]);

/** True for a known configuration file (by base name, or any `.properties`/`.cfg.xml`). */
export function isConfigFile(name: string): boolean {
  const base = name.slice(name.lastIndexOf('/') + 1).toLowerCase();
  return CONFIG_FILE_NAMES.has(base) || base.endsWith('.properties') || base.endsWith('.cfg.xml');
}
