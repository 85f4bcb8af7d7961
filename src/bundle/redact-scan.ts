/**
 * The trigger scan: finds, in one pass over a text's bytes, every place where a trigger word
 * starts (case-insensitively), in order. It finds exactly what `TRIGGER` (the same words as one
 * regular expression, in `redact-rules.ts`) finds when stepped one character past each hit, at
 * ~4x its speed: the regular expression tries ~60 alternatives at every position of the text,
 * which made it the costliest single step of a bundle (bench/README.md).
 *
 * Each word is found through an anchor, three of its characters that are rare in logs. A SIMD
 * filter (see {@link SCAN_WASM}) finds, 16 bytes at a time, the few places where an anchor may end;
 * there a hash of the three bytes (letters folded to lowercase, five bits a byte) indexes a table
 * of the anchors, and only where it hits is the whole word compared. Which anchor a word has
 * affects only the speed, never what is found.
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
/** The anchor of each trigger word (for `bench/scan-groups.mjs`). */
export const TRIGGER_ANCHORS: readonly string[] = WORDS.map(([, a]) => a);

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
 * The scan's inner loop as WebAssembly SIMD, compiled from `redact-scan.wat` (the test suite holds
 * these bytes equal to what wabt's wat2wasm makes of it). `scan(at, len, out)` writes, as 32-bit
 * addresses from `out` on, the last byte of every place an anchor may end, and returns how many.
 * Sixteen bytes at a time, it looks each byte's two halves up in {@link TABLES} (the Teddy
 * algorithm of Hyperscan): a byte that may be an anchor's first, second or third character
 * gets the bits of the anchor groups it may belong to, and where the three line up the rolling
 * hash of the three bytes is checked against {@link ANCHORS}. Measured against the loop that
 * hashed every byte (bench/README.md): same candidates, the scan several times faster.
 * Memory: {@link FOLD} at 0, {@link ANCHORS} at 256, {@link TABLES} at {@link TABLES_AT}, the
 * text at {@link TEXT_AT}, 16 bytes of slack, then the candidates.
 */
export const SCAN_WASM = Buffer.from(
  'AGFzbQEAAAABCAFgA39/fwF/AwIBAAUDAQABBxECBm1lbW9yeQIABHNjYW4AAAryAgHvAgIFfw57QQD9AASAggIhCEEA/QAE' +
    'kIICIQlBAP0ABKCCAiEKQQD9AASwggIhC0EA/QAEwIICIQxBAP0ABNCCAiENIAAgAWohAwJAA0AgACADTw0BIAD9AAQAIRUg' +
    'FUEP/Q/9TiETIBVBBP1tIRQgCCAT/Q4gCSAU/Q79TiEQIAogE/0OIAsgFP0O/U4hESAOIBD9DQ4PEBESExQVFhcYGRobHB0g' +
    'DyAR/Q0PEBESExQVFhcYGRobHB0e/U4gDCAT/Q4gDSAU/Q79Tv1OIRIgECEOIBEhDyAS/VMEQCAS/QwAAAAAAAAAAAAAAAAA' +
    'AAAA/ST9ZCEFA0AgACAFaGohBiAGIANJBEAgBkECay0AAC0AAEEKdCAGQQFrLQAALQAAQQV0ciAGLQAALQAAckH//wFxIQcg' +
    'By0AgAIEQCACIARBAnRqIAY2AgAgBEEBaiEECwsgBSAFQQFrcSEFIAUNAAsLIABBEGohAAwACwsgBAs=',
  'base64',
);

/** Where the Teddy tables go in the scan's memory: low and high nibble tables of the anchors' 1st, 2nd, 3rd character. */
const TABLES_AT = 256 + (1 << 15);
/** Where the text goes in the scan's memory. */
const TEXT_AT = TABLES_AT + 96;

/**
 * The group (0-7) of each anchor in the Teddy tables. Anchors in one group let through every
 * mix of their characters' halves, so which anchors share a group decides how many false
 * candidates the scan checks: these groups, found by `bench/scan-groups.mjs` on the shared log
 * corpus, let 1.9% of its positions through (spreading the anchors evenly: 20%; grouping them by
 * their characters alone: 5.3%). Which group an anchor is in affects only the speed.
 */
const GROUP: Readonly<Record<string, number>> = {
  ...{ 'pas': 0, 'pwd': 5, 'ret': 2, 'tok': 3, 'key': 4, 'tia': 3, 'ori': 5, 'h p': 7, 'h l': 6, 'h x': 7, 'rer': 2 },
  ...{ 'sic': 5, 'cen': 6, 'sio': 1, 'rme': 1, 'epa': 3, 'yst': 2, 'rus': 7, 'eyj': 3, 'aat': 0, 'att': 0, 'cat': 0 },
  ...{ 'ctt': 0, 'oat': 0, 'ott': 0, 'tbb': 5, 'kia': 3, 'sia': 1, 'bia': 6, 'cca': 6, 'gpa': 3, 'ida': 3, 'ipa': 3 },
  ...{ 'npa': 3, 'nva': 3, 'roa': 1, 'pka': 3, 'sca': 1, 'aiz': 4, 'hp_': 7, 'ho_': 4, 'hu_': 7, 'hs_': 7, 'hr_': 7 },
  ...{ 'b_p': 7, 'xa-': 2, 'xb-': 2, 'xp-': 2, 'xo-': 2, 'xs-': 2, 'xr-': 2, 'xe-': 2, 'pm_': 0, 'ig=': 4, 'dvc': 3 },
  ...{ 'ysq': 2, 'ria': 1, 'dap': 4, 'beg': 6, 'aop': 4, '://': 1, 'bc:': 6 },
};

/**
 * The Teddy tables, 16 bytes each: for the anchors' first, second and third character, the
 * groups a byte's low half may belong to, then those its high half may. A byte `b` may be the
 * `j`-th character of an anchor in group `g` when bit `g` is set in both
 * `TABLES[32 j + (b & 15)]` and `TABLES[32 j + 16 + (b >> 4)]`. Letters count in both cases.
 */
const TABLES = new Uint8Array(96);
for (const [, anchor] of WORDS) {
  const group = GROUP[anchor];
  if (group === undefined) throw new Error(`trigger anchor ${anchor} has no group`);
  for (let j = 0; j < 3; j++) {
    for (const c of new Set([anchor[j]!.toLowerCase(), anchor[j]!.toUpperCase()])) {
      const b = c.charCodeAt(0);
      TABLES[32 * j + (b & 15)]! |= 1 << group;
      TABLES[32 * j + 16 + (b >> 4)]! |= 1 << group;
    }
  }
}

/** The part of the WebAssembly API used here (the compiler's Node libraries do not declare it). */
interface Wasm {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: { memory: { buffer: ArrayBuffer; grow(pages: number): number }; scan(at: number, len: number, out: number): number } };
}
const { Module, Instance } = (globalThis as unknown as { WebAssembly: Wasm }).WebAssembly;
const wasm = new Instance(new Module(SCAN_WASM)).exports;
let mem = new Uint8Array(wasm.memory.buffer);
let mem32 = new Uint32Array(wasm.memory.buffer);

/** Where the candidates of a text of `len` bytes go: after the text and the 16 bytes the last vector reads past it. */
const candidatesAt = (len: number) => (TEXT_AT + len + 16 + 3) & ~3;

/** A view of the scan's memory with room for `len` bytes of text and as many candidates. */
function room(len: number): void {
  const need = candidatesAt(len) + 4 * len + 4;
  if (mem.length < need) {
    wasm.memory.grow(Math.ceil((need - mem.length) / 65536));
    mem = new Uint8Array(wasm.memory.buffer);
    mem32 = new Uint32Array(wasm.memory.buffer);
  }
}
mem.set(FOLD, 0);
mem.set(ANCHORS, 256);
mem.set(TABLES, TABLES_AT);

const shared = new TriggerHits();

/**
 * Finds every trigger word in a latin1 string (one character a byte). The hits are valid until
 * the next call.
 */
export function scanText(text: string): TriggerHits {
  const len = text.length;
  room(len);
  Buffer.from(mem.buffer, mem.byteOffset, mem.length).write(text, TEXT_AT, 'latin1');
  return scanLoaded(len);
}

/**
 * Finds every trigger word in `head` (a latin1 string) followed by `body`, without decoding
 * `body`: both are copied into the scan's memory as bytes. Returns the hits and a view of that
 * text (`head` then `body`), both valid until the next call.
 */
export function scanBytes(head: string, body: Uint8Array): { hits: TriggerHits; text: Buffer } {
  const len = head.length + body.length;
  room(len);
  if (head !== '') Buffer.from(mem.buffer, mem.byteOffset, mem.length).write(head, TEXT_AT, 'latin1');
  mem.set(body, TEXT_AT + head.length);
  const hits = scanLoaded(len);
  return { hits, text: Buffer.from(mem.buffer, TEXT_AT, len) };
}

/** The scan of the `len` bytes at {@link TEXT_AT}. */
function scanLoaded(len: number): TriggerHits {
  const out = candidatesAt(len);
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
