/**
 * An in-process OpenAPI 3.0 conformance check for HTTP exchanges, on ajv 8. Give it the exchanges
 * a sandbox (or a stub server) recorded through `onExchange`, and it lists every way a request or
 * response departs from the JSM spec: unknown operation, path/query/header parameters, JSON bodies
 * (with `nullable`, `$ref` into `#/components/schemas`, `additionalProperties: false`), multipart
 * part names, undeclared status codes.
 *
 *   const spec = loadSpec();                       // undefined when the spec file is absent
 *   const seen: Exchange[] = [];
 *   startSandbox({ ..., onExchange: (x) => seen.push(x) });
 *   expectConformance(spec, seen);                 // throws, listing every problem
 *
 * The spec is found at `SUPPORT_JSM_SPEC`, default `../shared/jsm/jsm-cloud.prism.json` relative to
 * the repo root. It is never copied into the project.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterEach, beforeEach, it } from 'vitest';
import type { Exchange } from '../../src/sandbox/index.js';

export type { Exchange } from '../../src/sandbox/index.js';

const REPO = path.resolve(import.meta.dirname, '..', '..');

/** Where the spec is looked for. */
export function specPath(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(REPO, env.SUPPORT_JSM_SPEC || path.join('..', 'shared', 'jsm', 'jsm-cloud.prism.json'));
}

/** What a title adds when the spec is missing, so that a skipped test says why: "" when it is there. */
export function noSpecNote(spec: unknown): string {
  return spec ? '' : ` (skipped: no JSM spec at ${specPath()}; set SUPPORT_JSM_SPEC)`;
}

/** A test that stands for `what` without the spec: reported skipped, with the reason given to the runner. */
export function skippedWithoutSpec(what: string): void {
  it(what, (ctx) => ctx.skip(`no JSM spec at ${specPath()} (set SUPPORT_JSM_SPEC)`));
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  $ref?: string;
}
type Schema = Record<string, unknown>;
interface Operation {
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }>; $ref?: string };
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: Schema }>; headers?: Record<string, { $ref?: string; required?: boolean; schema?: Schema }> }>;
  security?: Record<string, string[]>[];
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation | Parameter[]>>;
  components: Record<string, Record<string, unknown>>;
  security?: Record<string, string[]>[];
}

/** A loaded spec with its compiled validators. */
export interface Spec {
  file: string;
  doc: Doc;
  ajv: Ajv;
  /** Path templates as regexes, most specific (fewest parameters) first. */
  routes: { template: string; re: RegExp; names: string[] }[];
  cache: Map<string, ValidateFunction>;
}

const DOC_ID = 'jsm-spec';

const loaded = new Map<string, Spec>();

/** Loads and prepares the spec (once per file and test process), or undefined when the file does not exist. */
export function loadSpec(file: string = specPath()): Spec | undefined {
  if (!fs.existsSync(file)) return undefined;
  const known = loaded.get(file);
  if (known) return known;
  const spec = prepareSpec(file);
  loaded.set(file, spec);
  return spec;
}

function prepareSpec(file: string): Spec {
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as Doc;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, discriminator: true });
  // ajv-formats is CommonJS with a default export; under NodeNext the function sits on `.default`.
  const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => void;
  addFormats(ajv);
  ajv.addFormat('int32', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addFormat('double', { type: 'number', validate: () => true });
  ajv.addFormat('binary', true);
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  // The whole document is one schema resource so that `#/components/...` refs resolve inside it.
  ajv.addSchema({ $id: DOC_ID, components: doc.components }, DOC_ID);
  const routes = Object.keys(doc.paths)
    .map((template) => {
      const names: string[] = [];
      const re = new RegExp(
        '^' +
          template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+)\\?\}/g, (_m, n: string) => {
            names.push(n);
            return '([^/]+)';
          }) +
          '/?$',
      );
      return { template, re, names };
    })
    .sort((a, b) => a.names.length - b.names.length);
  return { file, doc, ajv, routes, cache: new Map() };
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function resolveRef<T>(spec: Spec, v: T & { $ref?: string }): T {
  let cur: unknown = v;
  for (let i = 0; i < 10 && cur && typeof cur === 'object' && '$ref' in cur; i++) {
    const ref = (cur as { $ref: string }).$ref;
    if (!ref.startsWith('#/')) break;
    cur = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], spec.doc);
  }
  return cur as T;
}

/** A validator for a schema found by JSON pointer into the document (compiled once). */
function validatorAt(spec: Spec, schema: Schema, pointer: string): ValidateFunction {
  let v = spec.cache.get(pointer);
  if (!v) {
    // Schemas in components are referenced; inline ones are compiled with their refs rewritten to the document.
    const rewritten = JSON.parse(JSON.stringify(schema).replace(/"\$ref":"#\//g, `"$ref":"${DOC_ID}#/`)) as Schema;
    v = spec.ajv.compile(rewritten);
    spec.cache.set(pointer, v);
  }
  return v;
}

function errorsOf(v: ValidateFunction): string {
  return (v.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`)
    .join('; ');
}

/** Converts a query/path/header string to the type its schema asks for, so ajv can check it. */
function coerce(value: string, schema: Schema | undefined): unknown {
  const type = schema?.type;
  if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

export interface ValidateOptions {
  /** Check the request too (default true). Tests that send invalid requests on purpose turn it off for those. */
  request?: boolean;
}

/** Every problem with one exchange, as readable lines; empty when it conforms. */
export function validateExchange(spec: Spec, x: Exchange, opts: ValidateOptions = {}): string[] {
  const where = `${x.method} ${x.path} -> ${x.status}`;
  const problems: string[] = [];
  const route = spec.routes.find((r) => r.re.test(x.path) && spec.doc.paths[r.template]![x.method.toLowerCase()]);
  if (!route) return [`${where}: no operation in the spec`];
  const item = spec.doc.paths[route.template]!;
  const op = item[x.method.toLowerCase()] as Operation;
  const opPointer = `#/paths/${escapePointer(route.template)}/${x.method.toLowerCase()}`;

  if (opts.request !== false) {
    const params = [...((item.parameters as Parameter[] | undefined) ?? []), ...(op.parameters ?? [])].map((p) => resolveRef(spec, p));
    const m = route.re.exec(x.path)!;
    const pathValues = Object.fromEntries(route.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    for (const p of params) {
      let raw: string[] | undefined;
      if (p.in === 'path') raw = pathValues[p.name] === undefined ? undefined : [pathValues[p.name]!];
      else if (p.in === 'query') raw = x.query[p.name];
      else if (p.in === 'header') raw = x.headers[p.name.toLowerCase()] === undefined ? undefined : [x.headers[p.name.toLowerCase()]!];
      else continue;
      if (raw === undefined) {
        if (p.required) problems.push(`${where}: missing required ${p.in} parameter "${p.name}"`);
        continue;
      }
      if (!p.schema) continue;
      const isArray = p.schema.type === 'array';
      const items = isArray ? (p.schema.items as Schema | undefined) : p.schema;
      const value = isArray ? raw.flatMap((v) => v.split(',')).map((v) => coerce(v, items)) : coerce(raw[raw.length - 1]!, p.schema);
      if (!isArray && raw.length > 1) problems.push(`${where}: ${p.in} parameter "${p.name}" given ${raw.length} times`);
      const v = validatorAt(spec, p.schema, `${opPointer}/param/${p.in}/${p.name}`);
      if (!v(value)) problems.push(`${where}: ${p.in} parameter "${p.name}"=${JSON.stringify(raw)}: ${errorsOf(v)}`);
    }
    for (const name of Object.keys(x.query)) {
      // The spec's narrative ("Request language") documents requestLanguage for every servicedeskapi operation.
      if (name === 'requestLanguage' && x.path.startsWith('/rest/servicedeskapi/')) continue;
      if (!params.some((p) => p.in === 'query' && p.name === name)) problems.push(`${where}: query parameter "${name}" is not in the spec`);
    }
    const security = op.security ?? spec.doc.security;
    if (security && security.length > 0 && !security.some((s) => Object.keys(s).length === 0)) {
      const auth = x.headers.authorization ?? '';
      if (!/^(Basic|Bearer) \S+$/.test(auth)) problems.push(`${where}: no Basic or Bearer Authorization header`);
    }
    const rb = op.requestBody ? resolveRef(spec, op.requestBody) : undefined;
    const ctype = (x.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (x.parts !== undefined) {
      const media = rb?.content?.['multipart/form-data'];
      if (!media) problems.push(`${where}: a multipart body where the spec declares none`);
      else {
        const schema = resolveRef(spec, (media.schema ?? {}) as Schema & { $ref?: string });
        const props = Object.keys((schema.properties as Record<string, unknown>) ?? {});
        for (const part of new Set(x.parts)) if (!props.includes(part)) problems.push(`${where}: multipart part "${part}" is not in the spec`);
        for (const req of (schema.required as string[] | undefined) ?? []) {
          if (!x.parts.includes(req)) problems.push(`${where}: multipart part "${req}" is missing`);
        }
      }
    } else if (x.body !== undefined) {
      const media = rb?.content?.['application/json'];
      if (!media) problems.push(`${where}: a JSON body where the spec declares none`);
      else {
        if (ctype !== 'application/json') problems.push(`${where}: JSON body sent as "${ctype || 'no content type'}"`);
        if (media.schema) {
          const v = validatorAt(spec, media.schema, `${opPointer}/requestBody`);
          if (!v(x.body)) problems.push(`${where}: request body: ${errorsOf(v)}`);
        }
      }
    } else if (rb?.required && x.status < 400) {
      problems.push(`${where}: the spec requires a request body`);
    }
  }

  const declared = op.responses[String(x.status)] ?? op.responses.default;
  if (!declared) {
    problems.push(`${where}: status ${x.status} is not declared (declared: ${Object.keys(op.responses).join(', ')})`);
    return problems;
  }
  const resp = resolveRef(spec, declared);
  for (const [name, h] of Object.entries(resp.headers ?? {})) {
    const header = resolveRef(spec, h);
    const value = x.responseHeaders[name.toLowerCase()];
    if (value === undefined) {
      if (header.required || name.toLowerCase() === 'retry-after') problems.push(`${where}: response header "${name}" is missing`);
      continue;
    }
    if (header.schema) {
      const v = validatorAt(spec, header.schema, `${opPointer}/responses/${x.status}/headers/${name}`);
      if (!v(coerce(value, header.schema))) problems.push(`${where}: response header "${name}: ${value}": ${errorsOf(v)}`);
    }
  }
  const rtype = (x.responseHeaders['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const media = resp.content?.['application/json'];
  if (x.responseBody !== undefined) {
    if (rtype !== 'application/json') problems.push(`${where}: JSON response sent as "${rtype}"`);
    if (!media) problems.push(`${where}: a JSON response where the spec declares no body`);
    else if (media.schema) {
      const v = validatorAt(spec, media.schema, `${opPointer}/responses/${x.status}`);
      if (!v(x.responseBody)) problems.push(`${where}: response body: ${errorsOf(v)}`);
    }
  } else if (media?.schema && rtype === 'application/json') {
    problems.push(`${where}: the response has no body but the spec declares one`);
  }
  return problems;
}

export interface ConformanceOptions {
  /** `METHOD /path-template-or-prefix` entries the spec does not describe, checked elsewhere. */
  undocumented?: readonly string[];
  /**
   * Check requests only when the server accepted them (status < 400). A 4xx is the server refusing
   * a request a test sent invalid on purpose; its response is still checked.
   */
  requestsOnlyWhenAccepted?: boolean;
}

/** All problems of a list of exchanges. */
export function conformanceProblems(spec: Spec, exchanges: readonly Exchange[], opts: ConformanceOptions = {}): string[] {
  const skip = (x: Exchange) => (opts.undocumented ?? []).some((u) => `${x.method} ${x.path}`.startsWith(u));
  return exchanges
    .filter((x) => !skip(x))
    .flatMap((x) => validateExchange(spec, x, { request: !(opts.requestsOnlyWhenAccepted ?? true) || x.status < 400 }));
}

/** Throws an error listing every non-conforming exchange (for use inside a test). */
export function expectConformance(spec: Spec, exchanges: readonly Exchange[], opts: ConformanceOptions = {}): void {
  const problems = conformanceProblems(spec, exchanges, opts);
  if (problems.length > 0) {
    const unique = [...new Set(problems)];
    throw new Error(`${unique.length} exchange(s) do not conform to ${path.basename(spec.file)}:\n  ${unique.slice(0, 40).join('\n  ')}`);
  }
}

export interface EachTestOptions extends ConformanceOptions {
  /** Leaves out exchanges the check should not see (e.g. probes of undocumented endpoints). */
  filter?: (x: Exchange) => boolean;
}

/**
 * Checks, after every test of the calling `describe`, that the exchanges made DURING that test
 * conform to the spec, so the check neither depends on the order of the tests nor on other tests
 * having run. Give one recorder per server the tests talk to. Without the spec, one test says so and
 * is reported as skipped, never as passed.
 */
export function conformEachTest(exchanges: (() => readonly Exchange[]) | readonly (() => readonly Exchange[])[], opts: EachTestOptions = {}): void {
  const spec = loadSpec();
  if (!spec) {
    skippedWithoutSpec('conformance of every exchange');
    return;
  }
  const recorders = typeof exchanges === 'function' ? [exchanges] : exchanges;
  let marks: number[] = [];
  beforeEach(() => {
    marks = recorders.map((r) => r().length);
  });
  afterEach(() => {
    const made = recorders.flatMap((r, i) => r().slice(marks[i]));
    expectConformance(spec, opts.filter ? made.filter(opts.filter) : made, opts);
  });
}
