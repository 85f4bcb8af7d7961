// A bundle that is ASCII only: bin/load.cjs reads the CLI's bundle as latin1 (one byte per
// character, the cheapest string V8 makes), which is right only for ASCII. esbuild escapes
// non-ASCII characters everywhere but in regular expression literals (`/[。.:：)）]$/`), which it
// leaves as written, so that read as latin1 they would match other characters. Escaped here as
// \uXXXX, the same pattern in a regular expression, a string or a template, and the source map's
// columns moved to match.
import fs from 'node:fs';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The base64 VLQ numbers of one source map segment. */
function decode(segment) {
  const out = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = B64.indexOf(ch);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

function encode(numbers) {
  let out = '';
  for (const n of numbers) {
    let v = n < 0 ? (-n << 1) | 1 : n << 1;
    do {
      const digit = v & 31;
      v >>>= 5;
      out += B64[v > 0 ? digit | 32 : digit];
    } while (v > 0);
  }
  return out;
}

/** Escapes the characters of the bundle `file` other than printable ASCII, tab and line ends, and moves the columns of its source map `map`. */
export function asciiBundle(file, map = `${file}.map`) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  // Per line, the columns (UTF-16 code units, as in source maps) of the characters escaped.
  const escaped = lines.map((line) => [...line.matchAll(/[^\t\n\r\u0020-\u007e]/g)].map((m) => m.index));
  if (escaped.every((at) => at.length === 0)) return;
  fs.writeFileSync(file, lines.map((line) => line.replace(/[^\t\n\r\u0020-\u007e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)).join('\n'));
  const sourceMap = JSON.parse(fs.readFileSync(map, 'utf8'));
  sourceMap.mappings = sourceMap.mappings
    .split(';')
    .map((line, n) => {
      const at = escaped[n] ?? [];
      if (at.length === 0 || line === '') return line;
      // The first number of a segment is its column, relative to the previous segment of the line.
      let column = 0;
      let moved = 0;
      return line
        .split(',')
        .map((segment) => {
          const [delta, ...rest] = decode(segment);
          column += delta;
          const to = column + 5 * at.filter((i) => i < column).length;
          const out = encode([to - moved, ...rest]);
          moved = to;
          return out;
        })
        .join(',');
    })
    .join(';');
  fs.writeFileSync(map, JSON.stringify(sourceMap));
}
