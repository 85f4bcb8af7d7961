#!/usr/bin/env node
// Chooses the group (0-7) of each trigger anchor for the scan's Teddy tables (GROUP in
// src/bundle/redact-scan.ts): anchors sharing a group let through every mix of their characters'
// halves, so the grouping decides how many false candidates the scan checks. Counts, on 64 slices
// of 64 KiB spread over a text, how many positions each grouping lets through: greedy placement,
// then moves of one anchor at a time while any lowers the count. Prints the groups to paste.
//
//   npm run build && node bench/scan-groups.mjs TEXT_FILE    (e.g. the corpus's files, gunzipped and joined)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const { TRIGGER_ANCHORS } = await import(path.join(here, '../dist/bundle/redact-scan.js'));
const anchors = [...new Set(TRIGGER_ANCHORS)];
const text = fs.readFileSync(process.argv[2]);
const counts = new Map();
for (let k = 0; k < 64; k++) {
  const at = Math.floor((k * (text.length - 65536)) / 64);
  for (let i = at + 2; i < at + 65536; i++) {
    const t = (text[i - 2] << 16) | (text[i - 1] << 8) | text[i];
    counts.set(t, (counts.get(t) ?? 0) + 1);
  }
}
const trigrams = [...counts];
const total = 64 * 65534;
const cases = (c) => [...new Set([c.toLowerCase(), c.toUpperCase()])].map((x) => x.charCodeAt(0));

/** Positions let through when anchor i is in group groups[i] (undefined: not placed yet). */
function cost(groups) {
  const t = new Uint8Array(96);
  anchors.forEach((a, i) => {
    if (groups[i] === undefined) return;
    for (let j = 0; j < 3; j++) {
      for (const c of cases(a[j])) {
        t[32 * j + (c & 15)] |= 1 << groups[i];
        t[32 * j + 16 + (c >> 4)] |= 1 << groups[i];
      }
    }
  });
  const m = (j, b) => t[32 * j + (b & 15)] & t[32 * j + 16 + (b >> 4)];
  let n = 0;
  for (const [k, c] of trigrams) if (m(0, k >> 16) & m(1, (k >> 8) & 255) & m(2, k & 255)) n += c;
  return n;
}

const groups = anchors.map(() => undefined);
for (let i = 0; i < anchors.length; i++) {
  let best = Infinity;
  let choice = 0;
  for (let g = 0; g < 8; g++) {
    groups[i] = g;
    const c = cost(groups);
    if (c < best) [best, choice] = [c, g];
  }
  groups[i] = choice;
}
let best = cost(groups);
console.error(`greedy: ${((100 * best) / total).toFixed(2)}% of positions let through`);
for (let improved = true; improved; ) {
  improved = false;
  for (let i = 0; i < anchors.length; i++) {
    let choice = groups[i];
    for (let g = 0; g < 8; g++) {
      groups[i] = g;
      const c = cost(groups);
      if (c < best) [best, choice, improved] = [c, g, true];
    }
    groups[i] = choice;
  }
  console.error(`moves: ${((100 * best) / total).toFixed(2)}%`);
}
console.log(JSON.stringify(Object.fromEntries(anchors.map((a, i) => [a, groups[i]]))));
