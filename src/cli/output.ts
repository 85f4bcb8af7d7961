import type { IO } from '../ui/io.js';

/**
 * The one JSON writer of the CLI (gh's exporter): every `--json` document, event line and streamed
 * array goes through here, so the format is decided in one place. Each command's shapes are exported
 * types in `cli/json-types.ts`.
 */
export interface Output {
  /** One JSON document on stdout, indented by two spaces. */
  json(value: unknown): void;
  /** One JSON value on one line (NDJSON), for event streams such as `watch --json`. */
  jsonLine(value: unknown): void;
  /** A JSON array written item by item, so that long lists need not be held in memory. */
  jsonArray(): JsonArrayWriter;
}

export interface JsonArrayWriter {
  push(item: unknown): void;
  /** Closes the array (an empty list prints `[]`). */
  end(): void;
}

/** The writer; with `fields` (`--json key,status`), every document keeps only those fields. */
export function makeOutput(io: IO, fields?: readonly string[]): Output {
  const keep = (value: unknown) => (fields ? selectFields(value, fields) : value);
  return {
    json: (value) => io.out(JSON.stringify(keep(value), null, 2)),
    jsonLine: (value) => io.out(JSON.stringify(keep(value))),
    jsonArray: () => {
      let count = 0;
      return {
        push: (raw) => {
          const item = keep(raw);
          io.stdout.write(count === 0 ? `[\n${JSON.stringify(item)}` : `,\n${JSON.stringify(item)}`);
          count++;
        },
        end: () => io.out(count === 0 ? '[]' : '\n]'),
      };
    },
  };
}

/** Keeps the selected fields of a document (of each element of an array), in the order asked. */
function selectFields(value: unknown, fields: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => selectFields(v, fields));
  if (value === null || typeof value !== 'object') return value;
  const doc = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of fields) if (f in doc) out[f] = doc[f];
  return out;
}
