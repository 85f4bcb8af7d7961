import type { BundleOptions } from '../../bundle/index.js';

/** The options of `support create`, after `--from` is merged in and each value is checked. */
export interface CreateOptions {
  serviceDesk?: string;
  requestType?: string;
  type?: 'technical' | 'billing' | 'account';
  deployment?: 'server' | 'cloud';
  product?: string;
  /** Normalised (`SEN-…`). */
  sen?: string;
  /** Normalised https root. */
  siteUrl?: string;
  summary?: string;
  impact?: 1 | 2 | 3 | 4;
  /** true: --production; false: --not-production. */
  production?: boolean;
  /** From --details or --details-file. */
  details?: string;
  productVersion?: string;
  participants: string[];
  onBehalfOf?: string;
  phone?: string;
  grantAccess: boolean;
  attach: string[];
  /** `--field ID=VALUE` pairs, in order. */
  fields: [string, string][];
  yes: boolean;
  dryRun: boolean;
  resume: boolean;
  /** `--resume ID`: which draft, when the profile has several. */
  resumeId?: string;
  /**
   * With `--bundle`: the checked bundle options. `product` is `--bundle-product`; without it, create/bundle.ts
   * takes the request's product (`--product` or the form's answer) when it names one found here.
   */
  bundle?: BundleOptions;
  /** `--share-with`: the organisation (id or name, among the customer's) the request is shared with. */
  shareWith?: string;
  /** False with `--no-suggest`: no knowledge-base articles after the summary in the guided form. */
  suggest?: boolean;
}
