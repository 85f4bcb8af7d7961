/**
 * The redaction rules: which text is a secret, and what marker stands in for it. The engine that
 * streams files through them is `redact.ts`.
 *
 * Every pattern uses an explicit ASCII whitespace class instead of `\s`, because `\s` also matches
 * 0xA0, a common UTF-8 continuation byte (the engine works on latin1-decoded bytes).
 */

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
export interface Rule {
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
export const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----/g;
/** The line that ends a private-key block. */
export const PEM_END = /-----END ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----/g;
/** What separates a PEM marker from its body: real line endings, or `\n` escapes inside JSON. */
export const PEM_SEP = /^(?:\r?\n|\\r\\n|\\n|[ \t])*/;

/** The rules in the order they run: shapes first, then secret-named keys. */
function rulesFor(config: boolean): Rule[] {
  const words = config ? CONFIG_WORDS : SECRET_WORDS;
  return [...SHAPE_RULES, ...elementRules(words), keyValueRule(words)];
}

/** The rules for logs and other text. */
export const LOG_RULES = rulesFor(false);
/** The rules for known configuration files: keystore, truststore and licence values too. */
export const CONFIG_RULES = rulesFor(true);

/**
 * One cheap scan, over the text lowercased, that finds the lines worth running the rules on:
 * every rule's match contains one of these (in any case, which only flags more lines), and which
 * one says which rules can match at all (its family, see {@link familyOf}). Most log lines hold
 * none, and skipping them is what makes redaction run at disk speed. One pass over lowercased
 * text without the `i` flag is ~1.5x faster than two passes, one of them with `i`. No two
 * families can start at the same position (the `a…` ones differ in their second letter), so
 * stepping one character past each hit finds every family present.
 */
export const TRIGGER =
  /pass|pwd|secret|token|key|credential|authori|bearer|basic|licen|session|storepass|keystore|truststore|eyj|at[aco][at]t|a(?:kia|sia|bia|cca|gpa|ida|ipa|npa|nva|roa|pka|sca)|:\/\/|jdbc:/g;

/** The family of a {@link TRIGGER} hit (lowercased). */
export function familyOf(hit: string): number {
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
