/**
 * The redaction engine: streams a file's bytes through the rules of `redact-rules.ts`.
 *
 * Works on bytes decoded as latin1 (one char per byte), so a multibyte UTF-8 character is never
 * split or altered, and text without secrets comes out byte for byte. Input is processed line-wise
 * with a carry of the incomplete last line; a line longer than {@link MAX_LINE} is cut at a point
 * no rule match straddles. A cheap trigger scan picks the lines worth running the rules on, and
 * private-key blocks are dropped across chunk boundaries.
 */
import type { Obfuscator } from './obfuscate.js';
import { CONFIG_RULES, familyOf, LOG_RULES, marker, PEM_BEGIN, PEM_END, PEM_SEP, TRIGGER, type Rule } from './redact-rules.js';

/** A line longer than this is processed in pieces (1 MiB keeps memory bounded on minified dumps). */
export const MAX_LINE = 1024 * 1024;
/** How much of a forced cut's tail is kept back so a secret spanning the cut is still seen whole. */
const OVERLAP = 64 * 1024;
/** Input is redacted in slices of this size (see `push`). */
const SLICE = 64 * 1024;

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

