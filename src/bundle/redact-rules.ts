/**
 * The redaction rules: which text is a secret, and what marker stands in for it. The engine that
 * streams files through them is `redact.ts`.
 * Secrets found by their shape alone (vendor tokens, Azure and Slack secrets, command-line flags,
 * SMTP) are in `redact-shapes.ts`; those that span lines in `redact-blocks.ts`.
 */

import { openerFor } from './redact-blocks.js';
import {
  F_ATL,
  F_AUTH,
  F_AWS,
  F_BASIC,
  F_BLOCK,
  F_CLI,
  F_JDBC,
  F_JWT,
  F_KEY,
  F_LDAP,
  F_PASS,
  F_SIG,
  F_SMTP,
  F_TOKEN,
  F_URL,
  F_WORD,
  isMarker,
  isPlainWord,
  SP,
  trimBare,
  WS,
  type Rule,
} from './redact-rule.js';
import { TRIGGER_WORDS } from './redact-scan.js';
import { TOKEN_RULES } from './redact-shapes.js';

/** Words that make a key secret-named; compared case-insensitively. */
const SECRET_WORDS =
  'password|passwd|passphrase|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|private[_.-]?key|credentials?|storepass|keypass|sessionid|session[_.-]id|rememberme';
/** Known configuration files also mask keystore, truststore and licence values. */
const CONFIG_WORDS = `${SECRET_WORDS}|keystore|truststore|license|licence`;

/** The marker name for a secret-named key: the kind of secret, as an admin would call it. */
function kindOfKey(key: string): string {
  const k = key.toLowerCase();
  if (/aws.?secret|secret.?access.?key/.test(k)) return 'aws-secret-key';
  if (/pass|pwd/.test(k)) return 'password';
  if (/licen[cs]e/.test(k)) return 'license';
  if (/keystore|truststore/.test(k)) return 'keystore';
  if (/token|sessionid|session.id|rememberme/.test(k)) return 'token';
  if (/api.?key|access.?key|private.?key/.test(k)) return 'api-key';
  if (/credential/.test(k)) return 'credential';
  return 'secret';
}

/** Environment names that look secret-named but hold a folder. */
const NOT_SECRET_KEYS = new Set(['pwd', 'oldpwd']);
/**
 * Keys that name a setting about a secret, not the secret (`passwordPolicy`, `tokenizer`,
 * `password.length`): the secret word followed by one of these.
 */
const ABOUT_SECRET =
  /(?:pass(?:word|wd)?|pwd|secret|token)[_.-]?(?:polic|length|min|max|attempt|expir|reset|strength|complex|hint|prompt|field|enabled|required|iz|type|mode|count|age|history|rule|valid|encod|algorithm|format)[a-z]*$/i;
/** Values that say a setting is off, never a secret (`X-Atlassian-Token: no-check`). */
const NOT_SECRET_VALUES = new Set(['no-check', 'nocheck']);

/** Why a key's value is kept although the key names a secret, if it is. */
function notASecret(key: string, value: string): boolean {
  return NOT_SECRET_KEYS.has(key.toLowerCase()) || ABOUT_SECRET.test(key) || NOT_SECRET_VALUES.has(value.toLowerCase()) || value === key || value === '' || isMarker(value);
}

/** The key around a secret word matched at `offset`: scanned back from it, plus the match's own part. */
function keyAt(input: string, offset: number, head: string): string {
  let start = offset;
  while (start > 0 && /[A-Za-z0-9_.-]/.test(input[start - 1]!)) start--;
  return input.slice(start, offset) + /^[A-Za-z0-9_.-]*/.exec(head)![0];
}

function keyValueRule(words: string): Rule {
  // Anchored on the secret word (a leading `[\w.-]*` would be tried at every position and is ~5x
  // slower); the rest of the key is found by scanning back from the match. A bare value runs to
  // the next blank (passwords hold `& ; , ( )`), except in a URL query, where `&` ends it.
  const re = new RegExp(
    `((?:${words})[A-Za-z0-9_.-]*["']?[${SP}]*(?:=>|=|:)[${SP}]*)(?:"((?:[^"\\\\\\r\\n]|\\\\.)*)"|'([^'\\r\\n]*)'|(?<=[?&][A-Za-z0-9_.-]*=)([^${WS}"'<>&#]+)|([^${WS}"'<>]+))`,
    'gi',
  );
  return {
    name: 'key-value',
    family: F_WORD,
    re,
    replace: (m, mk, offset, input) => {
      const [, head = '', dq, sq, query, bare] = m;
      const key = keyAt(input, offset, head);
      const [value, tail] = bare !== undefined ? trimBare(bare) : [dq ?? sq ?? query ?? '', ''];
      if (notASecret(key, value)) return undefined;
      const red = mk(kindOfKey(key));
      // Quoted values keep their quotes so JSON and XML attributes stay well-formed.
      const quoted = dq !== undefined ? `"${red}"` : sq !== undefined ? `'${red}'` : red;
      return `${head}${quoted}${tail}`;
    },
  };
}

/**
 * Java properties at the start of a line, in every separator form (`key=value`, `key: value`,
 * `key value`): the value runs to the end of the line. Only in configuration files.
 */
function propertiesRule(words: string): Rule {
  const re = new RegExp(
    `^([ \\t]*([A-Za-z0-9_.-]*(?:${words})[A-Za-z0-9_.-]*)(?:[ \\t]*[=:][ \\t]*|[ \\t]+))([^${WS}](?:[^\\r\\n]*[^${WS}])?)`,
    'gim',
  );
  return {
    name: 'properties',
    family: F_WORD,
    re,
    replace: (m, mk) => {
      const [, head = '', key = '', value = ''] = m;
      if (notASecret(key, value)) return undefined;
      const q = /^(["']).*\1$/.exec(value)?.[1] ?? '';
      return `${head}${q}${mk(kindOfKey(key))}${q}`;
    },
  };
}

/** An element's text: CDATA, or characters up to the next tag (line breaks included). */
const VALUE = '<!\\[CDATA\\[[^]*?\\]\\]>|[^<]+';

/** The marker in place of an element's value, keeping the blanks around it (`<password>\n  x\n</password>`). */
function around(value: string, red: string): string {
  const lead = /^[\t\n\v\f\r ]*/.exec(value)![0];
  const trail = /[\t\n\v\f\r ]*$/.exec(value)![0];
  return `${lead}${red}${trail}`;
}

function elementRules(words: string): Rule[] {
  return [
    {
      // <password>x</password>, <ns:secretKey attr="1">x</ns:secretKey>
      name: 'element',
      family: F_WORD,
      need: '<',
      re: new RegExp(`<((?:[\\w.-]+:)?[\\w.-]*(?:${words})[\\w.-]*)((?:[${WS}][^>]*)?)>(${VALUE})</\\1([${WS}]*)>`, 'gi'),
      replace: (m, mk) => {
        const [, tag = '', attrs = '', value = '', ws = ''] = m;
        if (isMarker(value) || value.trim() === '') return undefined;
        return `<${tag}${attrs}>${around(value, mk(kindOfKey(tag)))}</${tag}${ws}>`;
      },
    },
    {
      // <property name="hibernate.connection.password">x</property>
      name: 'element',
      family: F_WORD,
      need: '<',
      re: new RegExp(
        `(<(property|entry|param|param-value|setting)\\b[^>]*\\b(?:name|key)[${WS}]*=[${WS}]*["']([^"']*(?:${words})[^"']*)["'][^>]*>)(${VALUE})(</\\2[${WS}]*>)`,
        'gi',
      ),
      replace: (m, mk) => {
        const [, open = '', , name = '', value = '', close = ''] = m;
        if (isMarker(value) || value.trim() === '') return undefined;
        return `${open}${around(value, mk(kindOfKey(name)))}${close}`;
      },
    },
    {
      // <name>ldap.password</name> <value>x</value>; <param-name>password</param-name> <param-value>x</param-value>
      name: 'element',
      family: F_WORD,
      need: '<',
      re: new RegExp(
        `(<(param-name|name|key)>[^<]*?((?:${words})[^<]*)</\\2>[${WS}]*<(param-value|value)>)(${VALUE})(</\\4[${WS}]*>)`,
        'gi',
      ),
      replace: (m, mk) => {
        const [, open = '', , name = '', , value = '', close = ''] = m;
        if (isMarker(value) || value.trim() === '') return undefined;
        return `${open}${around(value, mk(kindOfKey(name)))}${close}`;
      },
    },
    {
      // <Parameter name="ldap.password" value="x"/>
      name: 'element',
      family: F_WORD,
      need: '=',
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
    replace: (m, mk) => (isMarker(m[2] ?? '') || (isPlainWord(m[2] ?? '') && !/[ \t]$/.test(m[1] ?? '')) ? undefined : `${m[1]}${mk('authorization')}`),
  },
  {
    name: 'authorization',
    family: F_BASIC,
    re: /\b(Basic|Bearer|BASIC|BEARER|basic|bearer)([ \t]+)([A-Za-z0-9+/_.~-]{12,}=*)/g,
    // `Basic authentication`, `Bearer tokens`: a word, not a credential.
    replace: (m, mk) => (isPlainWord(m[3] ?? '') ? undefined : `${m[1]}${m[2]}${mk('authorization')}`),
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
    need: '@',
    // Anchored on `://`, with the scheme checked behind it: starting at every word (`\b[a-zA-Z]...`)
    // made this the costliest rule on access logs, where every line holds a URL. Same matches.
    // The user name may be an e-mail address (imaps://jira-mail@example.com:PASSWORD@imap...): the
    // password runs to the last `@` before the host.
    re: /(:\/\/(?<=\b[a-zA-Z][a-zA-Z0-9+.:-]*:\/\/)[^\t\n\v\f\r :/@"'<>]+(?:@[^\t\n\v\f\r :/@"'<>]+)?:)([^\t\n\v\f\r /"'<>]+)@/g,
    // Where a whole match starts, for cutting over-long lines (the lookbehind's scheme is outside the match).
    span: /\b[a-zA-Z][a-zA-Z0-9+.:-]*:\/\/[^\t\n\v\f\r :/@"'<>]+(?:@[^\t\n\v\f\r :/@"'<>]+)?:[^\t\n\v\f\r /"'<>]+@/g,
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('url-password')}@`),
  },
  {
    // jdbc:oracle:thin:user/password@host
    name: 'jdbc-password',
    family: F_JDBC,
    need: '@',
    re: /(\bjdbc:oracle:[a-z0-9]+:[^\t\n\v\f\r :/@"']+\/)([^\t\n\v\f\r @"']+)@/gi,
    replace: (m, mk) => (isMarker(m[2] ?? '') ? undefined : `${m[1]}${mk('jdbc-password')}@`),
  },
];

/** The rules in the order they run: shapes first, then secret-named keys. */
function rulesFor(config: boolean): Rule[] {
  const words = config ? CONFIG_WORDS : SECRET_WORDS;
  return [...SHAPE_RULES, ...TOKEN_RULES, ...elementRules(words), ...(config ? [propertiesRule(words)] : []), keyValueRule(words)];
}

/** The rules for logs and other text. */
export const LOG_RULES = rulesFor(false);

/**
 * The words that find the lines worth running the rules on: every rule's match contains one of
 * them (in any case, which only flags more lines), and which one says which rules can match at
 * all (its family, see {@link familyOf}). Most log lines hold none, and skipping them is what
 * makes redaction run at disk speed. Each costs most where its first letter is common, so a
 * trigger may be the rarer tail of its word (`emberme` for rememberme, `pm_` for npm_, `c3dvcmq6`
 * for SMTP's `UGFzc3dvcmQ6`). `begin ` and `aopen` find where a private key or a licence may start
 * (see `redact-blocks.ts`). No two words can match at the same position with different families
 * (those sharing a first letter differ before they end), so one hit per position finds every
 * family present. The engine finds them with `redact-scan.ts`; this expression, stepped one
 * character past each hit over the text lowercased, finds the same (the tests hold them equal).
 */
export const TRIGGER = new RegExp(TRIGGER_WORDS.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');

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
    case 'sig=':
      return F_SIG;
    case 'ysql':
    case 'ariadb':
      return F_CLI;
    case 'ldap':
      return F_LDAP;
    case 'key':
    case 'keystore':
      return F_WORD | F_KEY;
    case 'pass':
    case 'pwd':
      return F_WORD | F_PASS;
    case 'c3dvcmq6':
      return F_SMTP;
    case 'begin ':
    case 'aopen':
      return F_BLOCK;
    case 'atbb':
    case 'aiza':
    case 'pm_':
    case 'thub_pat_':
      return F_TOKEN;
    default:
      if (hit.startsWith('auth ')) return F_SMTP;
      if (hit.startsWith('xox') || (hit.length === 4 && hit.startsWith('gh'))) return F_TOKEN;
      if (hit.length === 5 && hit.startsWith('at')) return F_ATL;
      if (hit.length === 4 && hit[0] === 'a') return F_AWS;
      return F_WORD;
  }
}
/** The family of each of {@link TRIGGER_WORDS}, by index. */
export const TRIGGER_FAMILIES: readonly number[] = TRIGGER_WORDS.map(familyOf);

/** The rules for known configuration files: keystore, truststore and licence values too. */
export const CONFIG_RULES = rulesFor(true);
/**
 * A secret word, for logs and for configuration files: every match of a {@link F_WORD} rule holds
 * one (the engine skips those rules on lines whose trigger words are not part of one).
 */
export const LOG_WORD = new RegExp(SECRET_WORDS, 'i');
export const CONFIG_WORD = new RegExp(CONFIG_WORDS, 'i');
/** Lines whose secret value follows below them, in logs and in configuration files. */
export const LOG_OPENER = openerFor(SECRET_WORDS);
export const CONFIG_OPENER = openerFor(CONFIG_WORDS);

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
