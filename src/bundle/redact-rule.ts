/**
 * What every redaction rule is made of: the rule type, the marker that stands in for a secret, the
 * trigger families and the character classes the patterns share.
 *
 * Patterns use an explicit ASCII whitespace class instead of `\s`, because `\s` also matches 0xA0,
 * a common UTF-8 continuation byte (the engine works on latin1-decoded bytes).
 */

/** ASCII whitespace, line breaks included. */
export const WS = '\\t\\n\\v\\f\\r ';
/** Blanks between a key and its value: rules work within a line. */
export const SP = '\\t ';

/** Trigger families: which cheap substring (lowercased) every match of a rule contains. */
export const F_WORD = 1;
export const F_AUTH = 2;
export const F_BASIC = 4;
export const F_JWT = 8;
export const F_ATL = 16;
export const F_AWS = 32;
export const F_URL = 64;
export const F_JDBC = 128;
/** Tokens recognisable by their prefix: `ghp_`, `xoxb-`, `npm_`, `AIza`, `ATBB` ... */
export const F_TOKEN = 256;
/** A SAS signature: `sig=`. */
export const F_SIG = 512;
/** Command lines of mysql and mariadb, whose `-p` flag takes a password glued to it (`-pX`). */
export const F_CLI = 1024;
/** SMTP authentication: `AUTH PLAIN`, `AUTH LOGIN`, the base64 `Password:` prompt. */
export const F_SMTP = 2048;
/** Not a rule's: where a multi-line block (a private key, a licence) may start. */
export const F_BLOCK = 4096;
/** ldapsearch's command line, whose `-w` flag takes a password. */
export const F_LDAP = 8192;
/**
 * A `key` (as in `AccountKey=`), besides being a secret word: the Azure rule needs it. Apart from
 * {@link F_WORD} because most lines flagged by a secret word hold no `key`.
 */
export const F_KEY = 16384;
/** A `pass` or `pwd` (as in `--password`), besides being a secret word: the flag rule needs it. */
export const F_PASS = 32768;
/**
 * The families a marker's own words can bring to a line (`[REDACTED:url-password]` holds "pass",
 * `[REDACTED:api-key]` "key", `[REDACTED:authorization]` "authori"): once a rule has replaced
 * something, these rules run too.
 */
export const MARKER_FAMILIES = F_WORD | F_AUTH | F_KEY | F_PASS;

/** A secret-shaped match: `replace` builds the text that stands in for it. */
export interface Rule {
  name: string;
  /** The trigger family every match of `re` contains. */
  family: number;
  re: RegExp;
  /**
   * A string every match holds (case and all): where it is missing the rule cannot match and its
   * expression is not run. Most flagged lines lack it (a URL without `@`, a line without a tag).
   */
  need?: string;
  /** The whole extent of a match when `re` checks part of it with a lookbehind (see the engine's `straddle`). */
  span?: RegExp;
  /** The replacement for one match, or undefined to keep it; `offset` and `input` locate it. */
  replace: (m: string[], marker: (rule: string) => string, offset: number, input: string) => string | undefined;
}

/** The marker that replaces a value: it names the rule that matched. */
export function marker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

/** True for a value that is already a marker. */
export function isMarker(v: string): boolean {
  return v.startsWith('[REDACTED:');
}

/**
 * True for a plain word ("authentication", "Required"): what follows `Basic`, `Bearer` or
 * `Authorization:` in prose, never a credential.
 */
export function isPlainWord(v: string): boolean {
  return /^[A-Za-z][a-z]{0,15}$/.test(v);
}

/** The line of `input` around `offset`. */
export function lineAt(input: string, offset: number): string {
  const nl = input.indexOf('\n', offset);
  return input.slice(input.lastIndexOf('\n', offset - 1) + 1, nl < 0 ? input.length : nl);
}

/**
 * A bare value without what usually follows it in prose or in a cookie: a trailing `;` or `,`,
 * and closing brackets that were not opened inside it. Returns the value and what was cut.
 */
export function trimBare(value: string): [string, string] {
  let end = value.length;
  for (;;) {
    const c = value[end - 1];
    if (c === ';' || c === ',') end--;
    else if (c === ')' || c === ']' || c === '}') {
      const open = c === ')' ? '(' : c === ']' ? '[' : '{';
      const v = value.slice(0, end);
      if (v.split(open).length - 1 >= v.split(c).length - 1) break;
      end--;
    } else break;
  }
  return [value.slice(0, end), value.slice(end)];
}
