/**
 * The `--json` shapes of every command, as README.md documents them. Commands check what they print
 * against these types (`satisfies`), and test/json-shapes.test.ts validates the real output of each
 * command against JSON Schemas generated from them.
 */

/** One element of `support list --json` (and of the TSV output, in this column order). */
export interface ListItem {
  key: string;
  status: string;
  statusCategory: string;
  impact: string;
  summary: string;
  requestTypeId: string;
  serviceDeskId: string;
  created: string;
  updated: string;
  url: string;
}
