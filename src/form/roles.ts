/**
 * Which field of a portal plays which part of a support request (product, SEN, business impact, ...),
 * recognised from the portal's own metadata: the field's name or label in English or Japanese, its
 * `jiraSchema`, and its options or value. Custom field ids differ from one Jira site to the next, so
 * they are never evidence; only Jira's own system fields (`summary`, `description`, `attachment`)
 * are known by id. A field gets a role only when the evidence is clear, and a role goes to one field
 * only: when two fields claim it, the better evidence wins and equal evidence gives it to neither.
 */
import type { JsonTypeBean } from '../portal/types.js';
import { impactLevelOfLabel } from './validators.js';

/** The meaning the CLI gives a field, when it recognises one. */
export type Role =
  | 'product'
  | 'sen'
  | 'siteUrl'
  | 'summary'
  | 'impact'
  | 'details'
  | 'version'
  | 'phone'
  | 'consent'
  | 'attachment';

/** What a portal tells about a field: a request type's field metadata, or a request's field value. */
export interface FieldFacts {
  /** The field id; only Jira's system ids count as evidence. */
  id?: string | undefined;
  /** The name (request type metadata) or label (a request's values), in the portal's language. */
  name?: string | undefined;
  schema?: JsonTypeBean | undefined;
  /** The labels of the options the portal offers (`validValues`), when known. */
  options?: readonly string[] | undefined;
  /** The value a request holds, as text, when known. */
  value?: string | undefined;
}

/** Evidence that settles a role by itself: Jira's system fields. */
const CERTAIN = 10;
/** The least evidence that gives a field a role. */
const CLEAR = 2;

const SYSTEM: Readonly<Record<string, Role>> = { summary: 'summary', description: 'details', attachment: 'attachment' };

const NAME = {
  sen: /\bSEN\b|support entitlement|entitlement number|サポート資格番号|エンタイトルメント/i,
  siteUrl: /site\s*url|site address|workspace url|サイト\s*の?\s*URL|サイト\s*アドレス/i,
  impact: /impact|業務への影響|影響度/i,
  consent: /grant\b.*\baccess|consent|アクセス.*(許可|付与)|同意/i,
  phone: /phone|telephone|\btel\b|電話/i,
  version: /version|バージョン/i,
  /** Versions a fix lands in or a bug affects (Jira's own version fields) are not the version the customer runs. */
  notRunVersion: /fix|affect|修正|影響/i,
  product: /^\s*(?:affected\s+)?products?\s*$|^\s*(?:対象)?製品(?:名)?\s*$|^\s*プロダクト\s*$/i,
  aboutProduct: /product|製品|プロダクト/i,
};

/** Option labels that name an Atlassian product. */
const PRODUCT_OPTION = /^(jira|confluence|bitbucket|bamboo|crowd|fisheye|crucible|sourcetree|trello|statuspage|opsgenie|compass|loom)\b/i;

/** An option that says yes (the one a consent field is answered with). */
export const YES_OPTION = /^\s*(yes|y|はい|同意|許可|i agree|agree|i grant|grant)\b/i;

const hasOptions = (f: FieldFacts) => (f.options?.length ?? 0) > 0;

/** How strongly a field's facts speak for each role (0: not at all). */
const RULES: Readonly<Record<Role, (f: FieldFacts, name: string) => number>> = {
  summary: (f) => (systemRole(f) === 'summary' ? CERTAIN : 0),
  details: (f) => (systemRole(f) === 'details' ? CERTAIN : 0),
  attachment: (f) => (systemRole(f) === 'attachment' ? CERTAIN : 0),
  sen: (f, name) => (NAME.sen.test(name) && !hasOptions(f) ? CLEAR : 0),
  phone: (f, name) => (NAME.phone.test(name) && !hasOptions(f) ? CLEAR : 0),
  siteUrl: (f, name) => {
    if (!NAME.siteUrl.test(name) || hasOptions(f)) return 0;
    return CLEAR + (/customfieldtypes:url$/.test(f.schema?.custom ?? '') ? 1 : 0);
  },
  version: (f, name) => {
    const system = f.schema?.system ?? '';
    if (!NAME.version.test(name) || NAME.notRunVersion.test(name) || system === 'versions' || system === 'fixVersions') return 0;
    return CLEAR + (NAME.aboutProduct.test(name) ? 1 : 0);
  },
  product: (f, name) => {
    const byName = NAME.product.test(name) ? CLEAR : NAME.aboutProduct.test(name) ? 1 : 0;
    if (byName === 0 || NAME.version.test(name)) return 0;
    const options = f.options ?? [];
    const products = options.filter((o) => PRODUCT_OPTION.test(o.trim())).length;
    return byName + (products >= 2 && products * 2 >= options.length ? 1 : 0);
  },
  impact: (f, name) => {
    // Levels are chosen from a list: a free-text field is never the impact.
    if (!hasOptions(f) && f.value === undefined) return 0;
    const levels = (f.options ?? []).map(impactLevelOfLabel);
    const allLevels = levels.length > 0 && levels.every((l) => l !== undefined);
    const byOptions = allLevels ? (new Set(levels).size >= 3 ? 2 : 1) : 0;
    const byValue = f.value !== undefined && impactLevelOfLabel(f.value) !== undefined ? 1 : 0;
    return (NAME.impact.test(name) ? CLEAR : 0) + byOptions + byValue;
  },
  consent: (f, name) => {
    if (!NAME.consent.test(name)) return 0;
    const options = f.options ?? [];
    return CLEAR + (options.length > 0 && options.length <= 2 && options.some((o) => YES_OPTION.test(o)) ? 1 : 0);
  },
};

function systemRole(f: FieldFacts): Role | undefined {
  if (f.schema?.items === 'attachment') return 'attachment';
  return SYSTEM[f.schema?.system ?? ''] ?? SYSTEM[f.id ?? ''];
}

/** The role a field's facts speak for most clearly, or none when nothing is clear or two roles tie. */
function bestClaim(f: FieldFacts): { role: Role; score: number } | undefined {
  const name = f.name ?? '';
  let best: { role: Role; score: number } | undefined;
  let tied = false;
  for (const role of Object.keys(RULES) as Role[]) {
    const score = RULES[role](f, name);
    if (score < CLEAR) continue;
    if (best && score === best.score) tied = true;
    else if (!best || score > best.score) [best, tied] = [{ role, score }, false];
  }
  return tied ? undefined : best;
}

/**
 * The role of each field of one form (or one request), in the same order: a field takes the role
 * its facts speak for most clearly, and keeps it only when no other field speaks for that role as
 * clearly. The result does not depend on the order of the fields.
 */
export function assignRoles(fields: readonly FieldFacts[]): (Role | undefined)[] {
  const claims = fields.map(bestClaim);
  return claims.map((c, i) => {
    if (!c) return undefined;
    const contested = claims.some((o, j) => j !== i && o?.role === c.role && o.score >= c.score);
    return contested ? undefined : c.role;
  });
}
