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

export function makeOutput(io: IO): Output {
  return {
    json: (value) => io.out(JSON.stringify(value, null, 2)),
    jsonLine: (value) => io.out(JSON.stringify(value)),
    jsonArray: () => {
      let count = 0;
      return {
        push: (item) => {
          io.stdout.write(count === 0 ? `[\n${JSON.stringify(item)}` : `,\n${JSON.stringify(item)}`);
          count++;
        },
        end: () => io.out(count === 0 ? '[]' : '\n]'),
      };
    },
  };
}
