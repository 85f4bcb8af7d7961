/**
 * Secrets that span lines: a private key's body (up to its END line, or while lines look like
 * base64, for a bounded stretch), an Atlassian licence (base64 lines up to its `X02…` end), and
 * values whose key sits on the line before (`<password>` then the value, `<name>…password…</name>`
 * then `<value>`, SMTP's base64 `Password:` prompt then the password).
 *
 * A marker in prose (`-----BEGIN RSA PRIVATE KEY-----` followed by ordinary log lines) masks
 * nothing: a block holds only lines that look like its body.
 */
import { WS } from './redact-rule.js';

/** A private-key block's opening marker. */
export const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----/g;
/** Its closing marker. */
export const PEM_END = /-----END ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----/g;
/** The start of an Atlassian licence: a length prefix, then the base64 of a zlib stream (`eNp`). */
export const LICENCE_BEGIN = /(?<![A-Za-z0-9+/])AAA[A-Za-z0-9+/]{3}0ODAoPeN[A-Za-z0-9+/=]*/g;
/** What separates a PEM marker from its body: real line endings, or `\n` escapes inside JSON. */
const PEM_SEP = /^(?:\r?\n|\\r\\n|\\n|[ \t])*/;
const PEM_SEP_END = /(?:\r?\n|\\r\\n|\\n|[ \t])*$/;
/** A line of a PEM body: base64, or an RFC 1421 header of an encrypted key. */
const PEM_BODY = /^[ \t]*(?:[A-Za-z0-9+/]{8,}={0,2}|(?:Proc-Type|DEK-Info|Comment):[^\n]*)[ \t]*\r?\n?$/;
/** A later line of a PEM body: the last one may be short. */
const PEM_MORE = /^[ \t]*[A-Za-z0-9+/]+={0,2}[ \t]*\r?\n?$/;
/** A licence's base64 run at the start of a line, and what may follow it. */
const LICENCE_LINE = /^([ \t]*)([A-Za-z0-9+/=]{4,})(\\?[ \t]*\r?\n?$|<[^\n]*\n?$)/;
/** A licence's last characters. */
const LICENCE_END = /X02[A-Za-z0-9]{2,}$/;

/** A block never holds more lines or bytes than this: past them the text is kept. */
export const MAX_BLOCK_LINES = 200;
export const MAX_BLOCK_BYTES = 64 * 1024;

/** A block being masked, carried across lines and chunks. */
export interface OpenBlock {
  kind: 'private-key' | 'license';
  lines: number;
  bytes: number;
  /** The marker has been written (a key's marker comes with its first body line). */
  masked: boolean;
}

/** The markers anchored where a trigger hit says they start. */
const PEM_BEGIN_AT = new RegExp(PEM_BEGIN.source, 'y');
const LICENCE_BEGIN_AT = new RegExp(LICENCE_BEGIN.source, 'y');

/**
 * The block whose marker the engine's trigger scan hit at `at` in `text` (`begin ` inside
 * `-----BEGIN … PRIVATE KEY-----`, `aopen` inside a licence's `0ODAoPeN`), or undefined when the
 * hit is only a word.
 */
export function blockAt(text: string, at: number, hit: string): { kind: OpenBlock['kind']; at: number; end: number } | undefined {
  const [re, kind, back] = hit === 'begin ' ? [PEM_BEGIN_AT, 'private-key' as const, 5] : [LICENCE_BEGIN_AT, 'license' as const, 9];
  if (at < back) return undefined;
  re.lastIndex = at - back;
  const m = re.exec(text);
  return m ? { kind, at: m.index, end: m.index + m[0].length } : undefined;
}

/** The line ending of `line` ('' for a line cut before its end). */
export function eolOf(line: string): string {
  return line.endsWith('\r\n') ? '\r\n' : line.endsWith('\n') ? '\n' : '';
}

/**
 * A PEM body on the BEGIN line itself (a key escaped inside JSON, or on one line): where it is and
 * how to rewrite it, or undefined when the END marker is not on this line.
 */
export function pemOnOneLine(text: string, from: number, lineEnd: number): { end: number; sep: string; body: string; sepEnd: string } | undefined {
  PEM_END.lastIndex = from;
  const e = PEM_END.exec(text);
  if (!e || e.index >= lineEnd) return undefined;
  const between = text.slice(from, e.index);
  const sep = PEM_SEP.exec(between)![0];
  const sepEnd = PEM_SEP_END.exec(between.slice(sep.length))![0];
  return { end: e.index, sep, body: between.slice(sep.length, between.length - sepEnd.length), sepEnd };
}

/** True for what may follow a BEGIN marker on its line when a body starts on the next one. */
export function endsLine(rest: string): boolean {
  return /^[ \t]*\r?\n?$/.test(rest);
}

/** What to do with one line inside an open block. */
export type BlockStep =
  /** Drop the line (the marker is written first if not yet). */
  | { do: 'drop' }
  /** Keep the line as it is, still inside the block. */
  | { do: 'keep' }
  /** Replace the line and stay in the block, or close it (`close`). */
  | { do: 'replace'; with: string; close: boolean }
  /** The block ended before this line: process it normally from `at` (an index into the line). */
  | { do: 'close'; at: number };

/** The step for `line` (with its line ending) inside block `b`. */
export function blockStep(b: OpenBlock, line: string): BlockStep {
  if (b.lines >= MAX_BLOCK_LINES || b.bytes >= MAX_BLOCK_BYTES) return { do: 'close', at: 0 };
  if (b.kind === 'private-key') {
    PEM_END.lastIndex = 0;
    const e = PEM_END.exec(line);
    if (e) return line.slice(0, e.index).trim() === '' ? { do: 'close', at: 0 } : { do: 'close', at: e.index };
    if (PEM_BODY.test(line) || (b.masked && PEM_MORE.test(line))) return { do: 'drop' };
    return endsLine(line) ? { do: 'keep' } : { do: 'close', at: 0 };
  }
  const m = LICENCE_LINE.exec(line);
  if (!m) return { do: 'close', at: 0 };
  const [, indent = '', run = '', after = ''] = m;
  const close = LICENCE_END.test(run) || after.startsWith('<');
  const kept = indent + after;
  if (!close && !after.startsWith('\\')) return { do: 'drop' };
  return { do: 'replace', with: endsLine(kept) ? '' : kept, close };
}

/** True when a licence run is complete on its own (it ends with its `X02…` signature). */
export function licenceEnds(run: string): boolean {
  return LICENCE_END.test(run);
}

/**
 * A line whose secret value follows on the next lines: `<password>` (or an element named by a
 * secret word, or its opening tag itself) left open at the end of the line, `<name>ldap.password</name>` before its
 * `<value>`, SMTP's `334 UGFzc3dvcmQ6` before the password.
 */
export function openerFor(words: string): RegExp {
  return new RegExp(
    [
      `<(?:[\\w.-]+:)?[\\w.-]*(?:${words})[\\w.-]*(?:[${WS}][^<>]*)?>?[${WS}]*$`,
      `<(?:property|entry|param|param-value|setting)\\b[^>]*\\b(?:name|key)[${WS}]*=[${WS}]*["'][^"']*(?:${words})[^"']*["'][^>]*>[${WS}]*$`,
      `<(?:param-name|name|key)>[^<]*(?:${words})[^<]*</(?:param-name|name|key)>[${WS}]*$`,
      `\\b334[ \\t]+UGFzc3dvcmQ6[ \\t]*\\r?\\n?$`,
    ].join('|'),
    'i',
  );
}

/** How many lines after an opener may hold its value. */
export const OPENER_LINES = 4;
