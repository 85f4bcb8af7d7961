/**
 * The trigger scan: finds, in one pass over a text's bytes, every place where a trigger word
 * starts (case-insensitively), in order. It finds exactly what `TRIGGER` (the same words as one
 * regular expression, in `redact-rules.ts`) finds when stepped one character past each hit, at
 * ~2.2x its speed: the regular expression tries ~60 alternatives at every position of the text,
 * which made it the costliest single step of a bundle (bench/README.md).
 *
 * Each word is found through an anchor, three of its characters that are rare in logs: a rolling
 * hash of the last three bytes (letters folded to lowercase, five bits a byte) indexes a table of
 * the anchors, and only where it hits is the whole word compared. Which anchor a word has affects
 * only the speed, never what is found.
 */

/**
 * The trigger words (lowercase) and their anchors. The anchors are the rarest three characters of
 * each word in the shared log corpus (parts per million of positions: `sio` of "session…id" 530,
 * `://` 606, `cen` of "licen" 263, `pas` of "pass" 253, all others below 170).
 */
const WORDS: readonly (readonly [word: string, anchor: string])[] = [
  ['pass', 'pas'],
  ['pwd', 'pwd'],
  ['secret', 'ret'],
  ['token', 'tok'],
  ['key', 'key'],
  ['credential', 'tia'],
  ['authori', 'ori'],
  ['auth plain', 'h p'],
  ['auth login', 'h l'],
  ['auth xoauth2', 'h x'],
  ['bearer', 'rer'],
  ['basic', 'sic'],
  ['licen', 'cen'],
  // Not `session` alone: only these name a secret (SECRET_WORDS in `redact-rules.ts`), and the
  // word itself is everywhere in logs (114k lines of the corpus, 30% of the flagged ones, for none).
  ...['sessionid', 'session_id', 'session.id', 'session-id'].map((w) => [w, 'sio'] as const),
  ['emberme', 'rme'],
  ['storepass', 'epa'],
  ['keystore', 'yst'],
  ['truststore', 'rus'],
  ['eyj', 'eyj'],
  ...['ataat', 'atatt', 'atcat', 'atctt', 'atoat', 'atott'].map((w) => [w, w.slice(2)] as const),
  ['atbb', 'tbb'],
  ...['akia', 'asia', 'abia', 'acca', 'agpa', 'aida', 'aipa', 'anpa', 'anva', 'aroa', 'apka', 'asca'].map((w) => [w, w.slice(1)] as const),
  ['aiza', 'aiz'],
  ...['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'].map((w) => [w, w.slice(1)] as const),
  ['thub_pat_', 'b_p'],
  ...['xoxa-', 'xoxb-', 'xoxp-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe-'].map((w) => [w, w.slice(2)] as const),
  ['pm_', 'pm_'],
  ['sig=', 'ig='],
  ['c3dvcmq6', 'dvc'],
  ['ysql', 'ysq'],
  ['ariadb', 'ria'],
  ['ldap', 'dap'],
  ['begin ', 'beg'],
  ['aopen', 'aop'],
  ['://', '://'],
  ['jdbc:', 'bc:'],
];

/** The trigger words, in the order of {@link scanTriggers}' word indexes. */
export const TRIGGER_WORDS: readonly string[] = WORDS.map(([w]) => w);

/** A byte's five-bit class: letters of either case 1-26, `: / _ - =` 27-31, anything else 0. */
const FOLD = new Uint8Array(256);
/** A byte lowercased (ASCII letters only: no other latin1 character lowercases into ASCII). */
const LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;
  const l = LOWER[c]!;
  const punct = ':/_-='.indexOf(String.fromCharCode(c));
  FOLD[c] = l >= 97 && l <= 122 ? l - 96 : punct >= 0 ? 27 + punct : 0;
}

/** 1 where some anchor hashes to. */
const ANCHORS = new Uint8Array(1 << 15);
/** The words of each anchor hash, as flat tables (typed arrays keep the scan's inner loop cheap). */
const FIRST = new Uint16Array(1 << 15);
const LAST = new Uint16Array(1 << 15);
/** By entry: the word's index, how far its start lies before the anchor's last byte. */
const ENTRY_WORD = new Uint8Array(WORDS.length);
const ENTRY_BACK = new Uint8Array(WORDS.length);
/** The words' bytes, one after the other: word `i` at `WORD_AT[i]`, `TRIGGER_WORDS[i].length` long. */
const WORD_BYTES = Buffer.from(WORDS.map(([w]) => w).join(''), 'latin1');
const WORD_AT = new Uint16Array(WORDS.length);
const WORD_LEN = new Uint8Array(WORDS.length);
{
  const hashOf = (a: string) => (FOLD[a.charCodeAt(0)]! << 10) | (FOLD[a.charCodeAt(1)]! << 5) | FOLD[a.charCodeAt(2)]!;
  let at = 0;
  WORDS.forEach(([word, anchor], i) => {
    if (anchor.length !== 3 || !word.includes(anchor)) throw new Error(`trigger anchor ${anchor} not in ${word}`);
    WORD_AT[i] = at;
    WORD_LEN[i] = word.length;
    at += word.length;
  });
  const order = WORDS.map(([word, anchor], i) => ({ i, h: hashOf(anchor), back: word.indexOf(anchor) + 2 })).sort((x, y) => x.h - y.h);
  order.forEach(({ i, h, back }, e) => {
    if (ANCHORS[h] === 0) FIRST[h] = e;
    ANCHORS[h] = 1;
    LAST[h] = e + 1;
    ENTRY_WORD[e] = i;
    ENTRY_BACK[e] = back;
  });
}

/** The hits of one scan, in order of their start: reused from scan to scan. */
export class TriggerHits {
  count = 0;
  start = new Int32Array(1024);
  /** Index into {@link TRIGGER_WORDS}. */
  word = new Uint8Array(1024);

  /** Adds a hit; keeps them in order of start, one per start (words that start alike share a family). */
  add(start: number, word: number): void {
    let k = this.count;
    while (k > 0 && this.start[k - 1]! > start) k--;
    if (k > 0 && this.start[k - 1] === start) return;
    if (this.count === this.start.length) {
      const s = new Int32Array(this.count * 2);
      s.set(this.start);
      this.start = s;
      const w = new Uint8Array(this.count * 2);
      w.set(this.word);
      this.word = w;
    }
    if (k < this.count) {
      this.start.copyWithin(k + 1, k, this.count);
      this.word.copyWithin(k + 1, k, this.count);
    }
    this.start[k] = start;
    this.word[k] = word;
    this.count++;
  }
}

/**
 * The scan's inner loop as WebAssembly (the JavaScript loop ran at ~1.2x the speed of the
 * regular expression, this at ~2.2x, the rule checks included; see bench/README.md): `scan(at, len, out)` rolls the hash
 * over the `len` bytes at `at` and writes, as 32-bit addresses from `out` on, the last byte of
 * every place an anchor may end; it returns how many. Memory: {@link FOLD} at 0, {@link ANCHORS}
 * at 256, the text at {@link TEXT_AT}, the candidates after it.
 */
const SCAN_WASM = Uint8Array.from([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...[0x01, 0x08, 0x01, 0x60, 0x03, 0x7f, 0x7f, 0x7f, 0x01, 0x7f], // type: (i32 i32 i32) -> i32
  ...[0x03, 0x02, 0x01, 0x00], // function 0 has type 0
  ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory: 1 page at least
  ...[0x07, 0x11, 0x02, 0x06, ...ascii('memory'), 0x02, 0x00, 0x04, ...ascii('scan'), 0x00, 0x00], // exports
  ...[0x0a, 0x58, 0x01, 0x56, 0x01, 0x03, 0x7f], // code: one body, locals end h n (i32)
  ...[0x20, 0x00, 0x20, 0x01, 0x6a, 0x21, 0x03], // end = at + len
  ...[0x02, 0x40, 0x20, 0x00, 0x20, 0x03, 0x4f, 0x0d, 0x00], // block; if at >= end: break
  ...[0x03, 0x40], // loop
  ...[0x20, 0x04, 0x41, 0x05, 0x74, 0x20, 0x00, 0x2d, 0x00, 0x00, 0x2d, 0x00, 0x00, 0x72], // (h << 5) | FOLD[mem[at]]
  ...[0x41, 0xff, 0xff, 0x01, 0x71, 0x22, 0x04], // h = that & 0x7fff
  ...[0x2d, 0x00, 0x80, 0x02, 0x04, 0x40], // if ANCHORS[h]
  ...[0x20, 0x02, 0x20, 0x05, 0x41, 0x02, 0x74, 0x6a, 0x20, 0x00, 0x36, 0x02, 0x00], // mem32[out + 4n] = at
  ...[0x20, 0x05, 0x41, 0x01, 0x6a, 0x21, 0x05, 0x0b], // n++; end if
  ...[0x20, 0x00, 0x41, 0x01, 0x6a, 0x22, 0x00, 0x20, 0x03, 0x49, 0x0d, 0x00], // at++; loop while at < end
  ...[0x0b, 0x0b, 0x20, 0x05, 0x0b], // end loop, end block; return n
]);

function ascii(s: string): number[] {
  return [...s].map((c) => c.charCodeAt(0));
}

/** Where the text goes in the scan's memory. */
const TEXT_AT = 256 + (1 << 15);
/** The part of the WebAssembly API used here (the compiler's Node libraries do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer; grow(pages: number): number }; scan(at: number, len: number, out: number): number } };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
const wasm = new Instance(new Module(SCAN_WASM)).exports;
let mem = new Uint8Array(wasm.memory.buffer);
let mem32 = new Uint32Array(wasm.memory.buffer);

/** A view of the scan's memory with room for `len` bytes of text and as many candidates. */
function room(len: number): void {
  const need = TEXT_AT + len + 4 + 4 * len + 4;
  if (mem.length < need) {
    wasm.memory.grow(Math.ceil((need - mem.length) / 65536));
    mem = new Uint8Array(wasm.memory.buffer);
    mem32 = new Uint32Array(wasm.memory.buffer);
    mem.set(FOLD, 0);
    mem.set(ANCHORS, 256);
  }
}
room(0);
mem.set(FOLD, 0);
mem.set(ANCHORS, 256);

const shared = new TriggerHits();

/**
 * Finds every trigger word in a latin1 string (one character a byte). The hits are valid until
 * the next call.
 */
export function scanText(text: string): TriggerHits {
  const len = text.length;
  room(len);
  Buffer.from(mem.buffer, mem.byteOffset, mem.length).write(text, TEXT_AT, 'latin1');
  const out = (TEXT_AT + len + 3) & ~3;
  const n = wasm.scan(TEXT_AT, len, out);
  const hits = shared;
  hits.count = 0;
  const b = mem;
  for (let c = 0, o = out >> 2; c < n; c++) {
    const i = mem32[o + c]! - TEXT_AT;
    // The first two bytes end no anchor.
    if (i < 2) continue;
    const h = ((FOLD[b[TEXT_AT + i - 2]!]! << 10) | (FOLD[b[TEXT_AT + i - 1]!]! << 5) | FOLD[b[TEXT_AT + i]!]!) & 0x7fff;
    for (let e = FIRST[h]!, end = LAST[h]!; e < end; e++) {
      const word = ENTRY_WORD[e]!;
      const s = i - ENTRY_BACK[e]!;
      const wl = WORD_LEN[word]!;
      if (s < 0 || s + wl > len) continue;
      const w = WORD_AT[word]!;
      let j = 0;
      while (j < wl && LOWER[b[TEXT_AT + s + j]!] === WORD_BYTES[w + j]) j++;
      if (j === wl) hits.add(s, word);
    }
  }
  return hits;
}
