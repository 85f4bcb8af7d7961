/**
 * The documents `support create --json` prints (README, "JSON output"): one of these on stdout.
 * Absent values are `null` where the shape has them; optional members appear only when they apply.
 */
import type { RedirectProduct } from '../../form/validators.js';
import type { RequestCreateDTO } from '../../portal/types.js';
import type { BundleSummaryJson } from '../json-types.js';

/** A participant or the reporter: as given, and the account id sent for it (null when none was found). */
export interface PersonJson {
  input: string;
  id: string | null;
}

/** Who was added to the request: present only for the values that were given. */
export interface PeopleJson {
  participants?: PersonJson[];
  onBehalfOf?: PersonJson;
}


/** A request filed (or found already filed after an ambiguous failure). */
export interface CreatedJson extends PeopleJson {
  key: string | undefined;
  url: string;
  status: string | null;
  /** The portal's values, by field id. */
  fields: Record<string, { label?: string; value: unknown }>;
  attachments: { file: string; attached: boolean }[];
  /** The support bundle built for the request (`--bundle`, or "yes" to the form's offer). */
  bundle?: BundleSummaryJson;
}

/** `--dry-run`: what would be sent (secrets masked) and whether the portal (or the field metadata) accepts it. */
export interface DryRunJson extends PeopleJson {
  dryRun: true;
  valid: boolean;
  validatedBy: 'portal' | 'local';
  problems: string[];
  body: RequestCreateDTO;
}

/** Trello or Sourcetree: nothing is filed here; the product's own support is elsewhere. */
export interface RedirectJson {
  filed: false;
  redirect: { product: RedirectProduct; url: string };
}

/** The same request was filed by an earlier run (found by its content): nothing was sent now. */
export interface AlreadyFiledJson {
  key: string | undefined;
  alreadyFiled: true;
}

/** Every document `support create --json` may print. */
export type CreateJson = CreatedJson | DryRunJson | RedirectJson | AlreadyFiledJson;
