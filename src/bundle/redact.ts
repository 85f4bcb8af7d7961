/**
 * The redaction engine: streams a file's bytes through the rules of `redact-rules.ts`.
 *
 * Works on bytes decoded as latin1 (one char per byte), so a multibyte UTF-8 character is never
 * split or altered, and text without secrets comes out byte for byte. Input is processed line-wise
 * with a carry of the incomplete last line; a line longer than {@link MAX_LINE} is cut at a point
 * no rule match straddles. A cheap trigger scan picks the lines worth running the rules on; secrets
 * that span lines (a private key's body, a licence, a value below its key) are masked across chunk
 * boundaries (see `redact-blocks.ts`).
 */
import type { Obfuscator } from './obfuscate.js';
import { blockAt, blockStep, endsLine, eolOf, LICENCE_BEGIN, licenceEnds, OPENER_LINES, PEM_BEGIN, pemOnOneLine, type OpenBlock } from './redact-blocks.js';
import { F_BLOCK, F_WORD, marker, MARKER_FAMILIES, type Rule } from './redact-rule.js';
import { CONFIG_OPENER, CONFIG_RULES, CONFIG_WORD, LOG_OPENER, LOG_RULES, LOG_WORD, TRIGGER_FAMILIES } from './redact-rules.js';
import { scanBytes, scanText, TRIGGER_WORDS } from './redact-scan.js';

/** A line longer than this is processed in pieces (1 MiB keeps memory bounded on minified dumps). */
export const MAX_LINE = 1024 * 1024;
/** How much of a forced cut's tail is kept back so a secret spanning the cut is still seen whole. */
const OVERLAP = 64 * 1024;
/** Input is redacted in slices of this size (see `push`). */
const SLICE = 64 * 1024;
/** How far around a trigger word a secret word holding it may reach (`private_key` holds `key` 8 on). */
const WORD_BACK = 16;
const WORD_AHEAD = 32;

/** Where a multi-line block starts in a text, and its marker's end. */
type Block = NonNullable<ReturnType<typeof blockAt>>;

/** Options of one file's redaction. */
export interface RedactOptions {
  /** The file is a known configuration file: keystore, truststore and licence values are masked too. */
  config?: boolean;
  /** Off with `--no-redact`: only obfuscation (if any) runs. */
  redact?: boolean;
  /** Replaces hosts, IPs and e-mails with pseudonyms after redaction. */
  obfuscator?: Obfuscator | undefined;
  /** Every slice through the string path (tests hold the byte path to what it gives). */
  strings?: boolean;
}

/**
 * Redacts one file's bytes as they stream through. Feed chunks to `push`, then call `end`; each
 * returns the output bytes that are ready. `counts` holds how many values each rule replaced.
 */
export class Redactor {
  readonly counts: Record<string, number> = {};
  private carry = '';
  /** A multi-line secret being masked (a key's body, a licence), carried across chunks. */
  private block: OpenBlock | undefined;
  /** Lines a run's continuation still needs: handed back to the carry until they arrive. */
  private held = '';
  private readonly rules: Rule[];
  private readonly opener: RegExp;
  private readonly word: RegExp;
  private readonly redact: boolean;
  private readonly obfuscator: Obfuscator | undefined;
  private readonly strings: boolean;
  private readonly mk = (rule: string): string => {
    this.counts[rule] = (this.counts[rule] ?? 0) + 1;
    return marker(rule);
  };

  constructor(opts: RedactOptions = {}) {
    this.rules = opts.config ? CONFIG_RULES : LOG_RULES;
    this.opener = opts.config ? CONFIG_OPENER : LOG_OPENER;
    this.word = opts.config ? CONFIG_WORD : LOG_WORD;
    this.redact = opts.redact !== false;
    this.obfuscator = opts.obfuscator;
    this.strings = opts.strings === true;
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
    for (let at = 0; at < chunk.length; at += SLICE) {
      const slice = chunk.subarray(at, at + SLICE);
      if (!this.fastSlice(slice, emit)) this.emitText(this.pushSlice(slice), emit);
    }
  }

  /**
   * `pushSlice` for the usual slice, on its bytes: only the flagged lines are decoded and run
   * through the rules; the bytes around them are copied to the output as they are. Decoding every
   * slice into a string and encoding the output back cost ~25% of a worker's redaction, most of it
   * in the garbage collector (bench/README.md). Returns false, having changed nothing, for a slice
   * that needs `pushSlice`: with no line end, with a block or a line that opens one, or when
   * obfuscating (which reads every byte), or with a block or held lines pending.
   */
  private fastSlice(chunk: Buffer, emit: (out: Buffer) => void): boolean {
    if (this.strings || !this.redact || this.obfuscator || this.block || this.held !== '' || this.carry.length > SLICE) return false;
    const nl = chunk.lastIndexOf(10);
    if (nl < 0) return false;
    const { hits, text } = scanBytes(this.carry, chunk);
    // The complete lines: the carry and the slice up to its last line end.
    const end = this.carry.length + nl + 1;
    const runs: Run[] = [];
    for (let k = 0; k < hits.count; k++) {
      const at = hits.start[k]!;
      if (at >= end) break;
      const family = this.familyOf(hits.word[k]!, () => text.toString('latin1', Math.max(0, at - WORD_BACK), at + WORD_AHEAD));
      if (family === F_BLOCK) return false;
      const last = runs[runs.length - 1];
      if (last && at < last[1]) {
        last[2] |= family;
        continue;
      }
      const ls = at === 0 ? 0 : text.lastIndexOf(10, at - 1) + 1;
      const le = text.indexOf(10, at) + 1;
      if (this.openerLines(text.toString('latin1', ls, le)) > 0) return false;
      addRun(runs, ls, le, family);
    }
    const red = runs.map(([start, stop, mask]) => this.applyRules(text.toString('latin1', start, stop), mask));
    const size = red.reduce((n, r, i) => n + r.length - (runs[i]![1] - runs[i]![0]), end);
    if (!this.outBuf || this.outBuf.length < size) this.outBuf = Buffer.allocUnsafe(Math.max(size, 2 * SLICE));
    const out = this.outBuf;
    let o = 0;
    let pos = 0;
    runs.forEach(([start, stop], i) => {
      o += text.copy(out, o, pos, start);
      o += out.write(red[i]!, o, 'latin1');
      pos = stop;
    });
    o += text.copy(out, o, pos, end);
    this.carry = text.toString('latin1', end, text.length);
    emit(out.subarray(0, o));
    return true;
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
    let out = block === '' ? '' : this.process(block, true);
    if (this.held !== '') {
      this.carry = this.held + this.carry;
      this.held = '';
    }
    if (this.carry.length > MAX_LINE) out += this.forcedCut();
    return out;
  }

  private endText(): string {
    const rest = this.carry;
    this.carry = '';
    return rest === '' ? '' : this.process(rest, false);
  }

  /** Cuts an over-long line where no match straddles the cut, and processes the part before it. */
  private forcedCut(): string {
    const s = this.carry;
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
    return this.process(s.slice(0, cut), false);
  }

  /** The start of a rule match that spans `cut`, if any, looking at a window around it. */
  private straddle(s: string, cut: number): number | undefined {
    const from = Math.max(0, cut - 4096);
    const win = s.slice(from, Math.min(s.length, cut + 4096));
    const at = cut - from;
    let earliest: number | undefined;
    for (const r of [...this.rules.map((x) => x.span ?? x.re), PEM_BEGIN, LICENCE_BEGIN]) {
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

  /**
   * Redacts a run of complete lines (or a forced piece), masking multi-line blocks across calls.
   * With `open`, more input follows: a value expected on lines not yet read is held back.
   */
  private process(text: string, open: boolean): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (this.block) {
        const [o, next] = this.inBlock(text, i);
        out += o;
        i = next;
        continue;
      }
      const [o, found] = this.rest(i === 0 ? text : text.slice(i), open);
      out += o;
      if (!found) break;
      const b = { kind: found.kind, at: found.at + i, end: found.end + i };
      const nl = text.indexOf('\n', b.end);
      const lineEnd = nl < 0 ? text.length : nl + 1;
      if (b.kind === 'license') {
        out += this.mk('license');
        i = b.end;
        const after = text.slice(i, lineEnd);
        if (!licenceEnds(text.slice(b.at, b.end)) && /^\\?[ \t]*\r?\n?$/.test(after)) {
          this.block = { kind: 'license', lines: 0, bytes: 0, masked: true };
          out += after;
          i = lineEnd;
        }
        continue;
      }
      out += text.slice(b.at, b.end);
      i = b.end;
      const one = pemOnOneLine(text, i, lineEnd);
      if (one) {
        out += one.sep + (one.body.trim() === '' ? one.body : this.mk('private-key')) + one.sepEnd;
        i = one.end;
      } else if (endsLine(text.slice(i, lineEnd))) {
        this.block = { kind: 'private-key', lines: 0, bytes: 0, masked: false };
        out += text.slice(i, lineEnd);
        i = lineEnd;
      }
    }
    return out;
  }

  /** Masks the lines of the open block from `i`; returns the output and where normal text resumes. */
  private inBlock(text: string, i: number): [string, number] {
    let out = '';
    const b = this.block!;
    while (i < text.length) {
      const nl = text.indexOf('\n', i);
      const le = nl < 0 ? text.length : nl + 1;
      const line = text.slice(i, le);
      const step = blockStep(b, line);
      if (step.do === 'close') {
        if (step.at > 0 && !b.masked) out += this.mk(b.kind);
        this.block = undefined;
        return [out, i + step.at];
      }
      b.lines++;
      b.bytes += line.length;
      if (step.do === 'keep') out += line;
      else if (step.do === 'replace') out += step.with;
      else if (!b.masked) out += this.mk(b.kind) + eolOf(line);
      if (step.do !== 'keep') b.masked = true;
      i = le;
      if (step.do === 'replace' && step.close) {
        this.block = undefined;
        break;
      }
    }
    return [out, i];
  }

  /**
   * The shape and key rules, then obfuscation, over `text` up to the first block marker in it;
   * returns the output and that marker (its place in `text`), if any.
   */
  private rest(text: string, open: boolean): [string, Block | undefined] {
    if (!this.redact) return [this.obfuscator ? this.obfuscator.apply(text) : text, undefined];
    const [s, block] = this.redactLines(text, open);
    return [this.obfuscator ? this.obfuscator.apply(s) : s, block];
  }

  /**
   * Runs the rules on the lines a trigger hits, and copies the others as they are. A flagged
   * line that leaves its value for the next lines (see {@link openerFor}) takes them along;
   * with `open`, such lines not read yet are held back (`held`) until they are.
   */
  private redactLines(text: string, open: boolean): [string, Block | undefined] {
    const hits = scanText(text);
    // Runs of flagged lines (adjacent ones merge) and the families seen in each.
    const runs: Run[] = [];
    let block: Block | undefined;
    for (let k = 0; k < hits.count; k++) {
      const at = hits.start[k]!;
      const family = this.familyOf(hits.word[k]!, () => text.slice(Math.max(0, at - WORD_BACK), at + WORD_AHEAD));
      if (family === F_BLOCK) {
        // A block starts here: the text before it is done, the caller masks the block.
        block = blockAt(text, at, TRIGGER_WORDS[hits.word[k]!]!);
        if (block) break;
        continue;
      }
      const last = runs[runs.length - 1];
      if (last && at < last[1]) {
        last[2] |= family;
        continue;
      }
      const ls = text.lastIndexOf('\n', at - 1) + 1;
      const nl = text.indexOf('\n', at);
      // (Asking each flagged line, in `continued`, is cheaper than searching the whole text for a
      // tag or a prompt first: that search cost ~5% of redaction, on every slice.)
      addRun(runs, ls, this.continued(text, ls, nl < 0 ? text.length : nl + 1), family);
    }
    const upTo = block ? block.at : text.length;
    let out = '';
    let pos = 0;
    for (const [start, end, mask] of runs) {
      if (start >= upTo) break;
      if (open && !block && end > text.length) {
        this.held = text.slice(start);
        return [out + text.slice(pos, start), undefined];
      }
      const stop = Math.min(end, upTo);
      out += text.slice(pos, start) + this.applyRules(text.slice(start, stop), mask);
      pos = stop;
    }
    return [out + text.slice(pos, upTo), block];
  }

  /**
   * Where a flagged line's run ends: after the line, or, when the line leaves its value for the
   * lines below, after them (up to the first line with a tag, at most {@link OPENER_LINES}). Past
   * the end of `text` when those lines have not all been read.
   */
  private continued(text: string, ls: number, le: number): number {
    const lines = this.openerLines(text.slice(ls, le));
    if (lines === 0) return le;
    let end = le;
    for (let n = 0; n < lines; n++) {
      if (end >= text.length) return text.length + 1;
      const nl = text.indexOf('\n', end);
      const next = nl < 0 ? text.length : nl + 1;
      const line = text.slice(end, next);
      end = next;
      if (line.includes('<')) break;
    }
    return end;
  }

  /**
   * The families of a hit of trigger word `word`, less {@link F_WORD} when no secret word holds it
   * (`around` gives the text around the hit): most words that trigger are not part of a secret
   * word ("passed", "issue key"), and the key-value rule was the costliest, at ~10 ns a character
   * of every line it ran on (in the corpus, 6.9k of the 56k lines flagged by a word hold a secret
   * word). The line is still flagged: its run, and so the text the rules see, stays the same.
   */
  private familyOf(word: number, around: () => string): number {
    const family = TRIGGER_FAMILIES[word]!;
    return family & F_WORD && !this.word.test(around()) ? family & ~F_WORD : family;
  }

  /** How many lines below a flagged line may hold its value: 0 unless it opens one (see {@link openerFor}). */
  private openerLines(line: string): number {
    // Every opener holds a tag or SMTP's 334 prompt: most flagged lines are ruled out without the regex.
    if (!line.includes('<') && !line.includes('UGFzc3dvcmQ6')) return 0;
    const opened = this.opener.exec(line);
    if (!opened) return 0;
    // An XML value ends at the next tag; SMTP's password is the one line after its prompt.
    return opened[0].startsWith('<') ? OPENER_LINES : 1;
  }

  /**
   * Runs the rules over flagged lines. A rule whose trigger family is not in `mask` cannot match
   * and is skipped, until a replacement has been made: markers carry words of their own
   * (`[REDACTED:url-password]`), so from then on the rules those words trigger run too.
   */
  private applyRules(text: string, mask: number): string {
    let s = text;
    let changed = false;
    for (const r of this.rules) {
      if ((r.family & (changed ? mask | MARKER_FAMILIES : mask)) === 0) continue;
      if (r.need !== undefined && !s.includes(r.need)) continue;
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

/** Flagged lines, adjacent ones merged: where they start and end, and the trigger families seen in them. */
type Run = [start: number, end: number, mask: number];

/** Adds the flagged line `[ls, le)` to `runs`, merged into the last run when they touch. */
function addRun(runs: Run[], ls: number, le: number, family: number): void {
  const last = runs[runs.length - 1];
  if (last && ls <= last[1]) {
    last[1] = Math.max(last[1], le);
    last[2] |= family;
  } else {
    runs.push([ls, le, family]);
  }
}

/** Redacts a whole buffer at once (tests and small files). */
export function redactBuffer(input: Buffer, opts: RedactOptions = {}): { output: Buffer; counts: Record<string, number> } {
  const r = new Redactor(opts);
  const output = Buffer.concat([r.push(input), r.end()]);
  return { output, counts: r.counts };
}
