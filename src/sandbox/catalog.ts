/**
 * What a sandbox portal offers: its service desk, request type groups, request types and each
 * type's fields. The built-in one is shaped like Atlassian's support portal (`seed.ts`); another
 * can be read from a file ({@link loadCatalogFile}) so that the sandbox stands in for any help desk.
 * Custom field ids move by the offset the sandbox is started with.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { JsonTypeBean } from '../portal/types.js';

/** The service desk every request lives in. */
export interface SandboxDesk {
  id: string;
  projectId: string;
  projectKey: string;
  projectName: string;
  projectTypeKey: string;
  portalId: string;
}

export interface SeedOption {
  value: string;
  label: string;
  children?: readonly SeedOption[];
}

/** One field as the portal describes it. */
export interface CatalogField {
  fieldId: string;
  name: string;
  description: string;
  jiraSchema: JsonTypeBean;
  validValues?: readonly SeedOption[];
}

export interface SeedRequestType {
  id: string;
  name: string;
  description: string;
  helpText: string;
  issueTypeId: string;
  groupIds: readonly string[];
  icon: string;
}

export interface RequestTypeGroup {
  id: string;
  name: string;
}

/** A request type's field and whether it is required there. */
export interface TypeField {
  field: CatalogField;
  required: boolean;
}

/** The portal as one sandbox serves it. */
export interface SandboxCatalog {
  readonly desk: SandboxDesk;
  readonly groups: readonly RequestTypeGroup[];
  readonly requestTypes: readonly SeedRequestType[];
  /** Added to every custom field's number: with 10000, `customfield_10010` is served as `customfield_20010`. */
  readonly fieldIdOffset: number;
  /** The business impact field's id, whose option sets the first-response goal (absent: a 24-hour goal). */
  readonly impactFieldId?: string;
  /** The names of the portal's SLA metrics by id, in the catalog's language. */
  readonly slaNames: Readonly<Record<string, string>>;
  requestType(id: string): SeedRequestType | undefined;
  /** The fields of a request type, in form order (none for an unknown type). */
  fieldsOf(requestTypeId: string): readonly TypeField[];
  /** The catalog in `lang` where it has translations (as JSM serves `requestLanguage`), else itself. */
  localized(lang: string): SandboxCatalog;
}

/**
 * A portal's texts in another language: JSM translates request type names, descriptions and help
 * texts, group names, each request type's field labels and help (option labels stay as they are),
 * and the names of its SLA metrics. Field ids are as written, before any offset.
 */
export interface CatalogTranslation {
  groups?: Readonly<Record<string, string>>;
  /** SLA metric names by id. */
  slaNames?: Readonly<Record<string, string>>;
  requestTypes?: Readonly<
    Record<string, { name?: string; description?: string; helpText?: string; fields?: Readonly<Record<string, { name?: string; description?: string }>> }>
  >;
}

/** What {@link buildCatalog} takes: every id as written, before any offset. */
export interface CatalogSource {
  desk: SandboxDesk;
  groups: readonly RequestTypeGroup[];
  requestTypes: readonly { type: SeedRequestType; fields: readonly TypeField[] }[];
  impactFieldId?: string;
  /** SLA metric names by id (default: the first-response SLA, {@link DEFAULT_SLA_NAMES}). */
  slaNames?: Readonly<Record<string, string>>;
  /** Translations by language (`ja`). */
  translations?: Readonly<Record<string, CatalogTranslation>>;
}

/** The source with the texts `tr` translates replaced. */
function translated(src: CatalogSource, tr: CatalogTranslation): CatalogSource {
  return {
    ...src,
    groups: src.groups.map((g) => ({ ...g, name: tr.groups?.[g.id] ?? g.name })),
    slaNames: { ...(src.slaNames ?? DEFAULT_SLA_NAMES), ...tr.slaNames },
    requestTypes: src.requestTypes.map(({ type, fields }) => {
      const rt = tr.requestTypes?.[type.id];
      return {
        type: { ...type, name: rt?.name ?? type.name, description: rt?.description ?? type.description, helpText: rt?.helpText ?? type.helpText },
        fields: fields.map(({ field, required }) => {
          const f = rt?.fields?.[field.fieldId];
          return { field: { ...field, name: f?.name ?? field.name, description: f?.description ?? field.description }, required };
        }),
      };
    }),
  };
}

/** The one SLA every sandbox portal measures: id 1, the time to the first agent reply. */
export const DEFAULT_SLA_NAMES: Readonly<Record<string, string>> = { '1': 'Time to first response' };

const CUSTOM = /^customfield_(\d+)$/;

function shiftId(fieldId: string, offset: number): string {
  const m = CUSTOM.exec(fieldId);
  return m ? `customfield_${Number(m[1]) + offset}` : fieldId;
}

/** The catalog with every custom field id (and `jiraSchema.customId`) shifted by `fieldIdOffset`. */
export function buildCatalog(src: CatalogSource, fieldIdOffset = 0): SandboxCatalog {
  const shift = (f: CatalogField): CatalogField => {
    if (!CUSTOM.test(f.fieldId)) return f;
    const n = f.jiraSchema.customId;
    return { ...f, fieldId: shiftId(f.fieldId, fieldIdOffset), jiraSchema: n === undefined ? f.jiraSchema : { ...f.jiraSchema, customId: n + fieldIdOffset } };
  };
  const byType = new Map(src.requestTypes.map((x) => [x.type.id, x.fields.map((tf) => ({ field: shift(tf.field), required: tf.required }))]));
  const types = src.requestTypes.map((x) => x.type);
  const byLang = new Map<string, SandboxCatalog>();
  const catalog: SandboxCatalog = {
    desk: src.desk,
    groups: src.groups,
    requestTypes: types,
    fieldIdOffset,
    ...(src.impactFieldId ? { impactFieldId: shiftId(src.impactFieldId, fieldIdOffset) } : {}),
    slaNames: src.slaNames ?? DEFAULT_SLA_NAMES,
    requestType: (id) => types.find((t) => t.id === id),
    fieldsOf: (id) => byType.get(id) ?? [],
    localized: (lang) => {
      const tr = src.translations?.[lang];
      if (!tr) return catalog;
      if (!byLang.has(lang)) byLang.set(lang, buildCatalog(translated({ ...src, translations: {} }, tr), fieldIdOffset));
      return byLang.get(lang)!;
    },
  };
  return catalog;
}

/** Raised by {@link loadCatalogFile} for a file that cannot be read or does not describe request types; names every problem. */
export class SandboxCatalogError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.join('; ')}`);
    this.name = 'SandboxCatalogError';
  }
}

const DEFAULT_DESK: SandboxDesk = {
  id: '1',
  projectId: '10000',
  projectKey: 'HELP',
  projectName: 'Help desk (sandbox)',
  projectTypeKey: 'service_desk',
  portalId: '1',
};

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? String(v) : undefined);

/**
 * Reads request types from a JSON or YAML file in the API's own shapes, so that what a real portal
 * answers can be saved and served: `{"serviceDesk"?, "requestTypeGroups"?, "requestTypes": [...]}`,
 * or the page `GET /servicedesk/{id}/requesttype?expand=field` answers (`{"values": [...]}`). Each
 * request type is a `RequestTypeDTO` (`id`, `name`, optional `description`, `helpText`,
 * `issueTypeId`, `groupIds`) with `fields` as `GET .../field` answers (`{"requestTypeFields": [...]}`,
 * or the list itself). Groups named in `groupIds` but not listed are created with their id as name.
 */
export async function loadCatalogFile(file: string): Promise<CatalogSource> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    throw new SandboxCatalogError(file, [(err as Error).message]);
  }
  let doc: unknown;
  try {
    doc = /\.ya?ml$/i.test(path.extname(file)) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (err) {
    throw new SandboxCatalogError(file, [(err as Error).message]);
  }
  return parseCatalog(file, doc);
}

/** The catalog a parsed file describes, or {@link SandboxCatalogError} naming every problem. */
export function parseCatalog(file: string, doc: unknown): CatalogSource {
  const problems: string[] = [];
  if (!isObj(doc)) throw new SandboxCatalogError(file, ['not an object with "requestTypes"']);
  const list = doc.requestTypes ?? doc.values;
  if (!Array.isArray(list) || list.length === 0) throw new SandboxCatalogError(file, ['"requestTypes" must be a list of at least one request type']);
  const sd = isObj(doc.serviceDesk) ? doc.serviceDesk : {};
  const desk: SandboxDesk = {
    id: str(sd.id) ?? DEFAULT_DESK.id,
    projectId: str(sd.projectId) ?? DEFAULT_DESK.projectId,
    projectKey: typeof sd.projectKey === 'string' && /^[A-Z][A-Z0-9_]*$/.test(sd.projectKey) ? sd.projectKey : DEFAULT_DESK.projectKey,
    projectName: str(sd.projectName) ?? DEFAULT_DESK.projectName,
    projectTypeKey: 'service_desk',
    portalId: str(sd.portalId) ?? str(sd.id) ?? DEFAULT_DESK.portalId,
  };
  if (sd.projectKey !== undefined && desk.projectKey !== sd.projectKey) problems.push(`serviceDesk.projectKey must be upper-case letters and digits (got ${JSON.stringify(sd.projectKey)})`);
  const groups: RequestTypeGroup[] = [];
  for (const [i, g] of (Array.isArray(doc.requestTypeGroups) ? doc.requestTypeGroups : []).entries()) {
    const id = isObj(g) ? str(g.id) : undefined;
    if (!id || !isObj(g) || typeof g.name !== 'string') problems.push(`requestTypeGroups[${i}] needs an "id" and a "name"`);
    else groups.push({ id, name: g.name });
  }
  const seen = new Set<string>();
  const requestTypes: { type: SeedRequestType; fields: TypeField[] }[] = [];
  for (const [i, rt] of list.entries()) {
    const where = `requestTypes[${i}]`;
    const id = isObj(rt) ? str(rt.id) : undefined;
    if (!isObj(rt) || !id || typeof rt.name !== 'string' || rt.name.trim() === '') {
      problems.push(`${where} needs an "id" and a "name"`);
      continue;
    }
    if (seen.has(id)) problems.push(`${where}: the id ${id} is used twice`);
    seen.add(id);
    const groupIds = Array.isArray(rt.groupIds) ? rt.groupIds.map(str).filter((x): x is string => x !== undefined) : [];
    for (const g of groupIds) if (!groups.some((x) => x.id === g)) groups.push({ id: g, name: g });
    const type: SeedRequestType = {
      id,
      name: rt.name,
      description: typeof rt.description === 'string' ? rt.description : '',
      helpText: typeof rt.helpText === 'string' ? rt.helpText : '',
      issueTypeId: str(rt.issueTypeId) ?? '10000',
      groupIds,
      icon: str(isObj(rt.icon) ? rt.icon.id : undefined) ?? '10500',
    };
    const rawFields = Array.isArray(rt.fields) ? rt.fields : isObj(rt.fields) ? rt.fields.requestTypeFields : undefined;
    if (!Array.isArray(rawFields)) {
      problems.push(`${where} (${type.name}) needs "fields": {"requestTypeFields": [...]}`);
      continue;
    }
    const fields = rawFields.flatMap((f, j) => fieldOf(f, `${where}.fields[${j}]`, problems));
    if (!fields.some((f) => f.field.fieldId === 'summary')) {
      fields.unshift({ field: { fieldId: 'summary', name: 'Summary', description: '', jiraSchema: { type: 'string', system: 'summary' } }, required: true });
    }
    requestTypes.push({ type, fields });
  }
  if (problems.length > 0) throw new SandboxCatalogError(file, problems);
  return { desk, groups, requestTypes };
}

function optionsOf(v: unknown): SeedOption[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((o): SeedOption[] => {
    const value = isObj(o) ? str(o.value) : undefined;
    if (!isObj(o) || value === undefined) return [];
    const children = optionsOf(o.children);
    return [{ value, label: typeof o.label === 'string' ? o.label : value, ...(children.length > 0 ? { children } : {}) }];
  });
}

function fieldOf(f: unknown, where: string, problems: string[]): TypeField[] {
  if (!isObj(f) || typeof f.fieldId !== 'string' || !/^(customfield_\d+|[a-z][A-Za-z]*)$/.test(f.fieldId)) {
    problems.push(`${where} needs a "fieldId" such as "summary" or "customfield_10010"`);
    return [];
  }
  const schema = isObj(f.jiraSchema) && typeof f.jiraSchema.type === 'string' ? (f.jiraSchema as unknown as JsonTypeBean) : undefined;
  const jiraSchema: JsonTypeBean | undefined =
    schema ?? (f.fieldId === 'summary' || f.fieldId === 'description' ? { type: 'string', system: f.fieldId } : undefined);
  if (!jiraSchema) {
    problems.push(`${where} (${f.fieldId}) needs "jiraSchema": {"type": ...}`);
    return [];
  }
  const m = CUSTOM.exec(f.fieldId);
  const field: CatalogField = {
    fieldId: f.fieldId,
    name: typeof f.name === 'string' ? f.name : f.fieldId,
    description: typeof f.description === 'string' ? f.description : '',
    jiraSchema: m && jiraSchema.customId === undefined ? { ...jiraSchema, customId: Number(m[1]) } : jiraSchema,
  };
  const options = optionsOf(f.validValues);
  if (options.length > 0) field.validValues = options;
  return [{ field, required: f.required === true }];
}
