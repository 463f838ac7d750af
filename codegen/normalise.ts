// Stage 2: located YAML trees → the catalog model. Reads every key against the format (format.ts),
// applies a file's `defaults:`, expands shorthand, resolves named types to their scope (the file's
// own or catalog/types.yaml), opens named blocks (`body: DayRange`) into parameters, derives path
// parameters from `{name}` placeholders and keeps constants apart from what callers pass.
import {
  APP_TYPES,
  AUTH_SCHEMES,
  ERRCODE_CATEGORIES,
  HTTP_METHODS,
  PAGINATION_STYLES,
  PROTOCOLS,
  RESPONSE_KINDS,
  type AppType,
  type AuthScheme,
  type ProtocolName,
} from '../src/core/enums.js';
import {
  bool,
  DEFAULTS_KEYS,
  ENDPOINT_KEYS,
  ERRCODE_KEYS,
  WORK_ERRCODE_KEYS,
  FILE_KEYS,
  HEADER_NAME,
  join,
  listOf,
  mapOf,
  oneOf,
  PAGINATION_KEYS,
  readField,
  readFields,
  report,
  shown,
  str,
  TYPE_NAME,
  TYPES_FILE_KEYS,
  WRITTEN_ENCODINGS,
  type Ctx,
} from './format.js';
import { toValue, type LoadedSources, type SourceDoc, type YNode, type YPair } from './load.js';
import {
  DEFAULT_HOST,
  type BlockRef,
  type Catalog,
  type Endpoint,
  type Errcode,
  type Field,
  type NamedType,
  type Namespace,
  type Pagination,
  type Param,
} from './model.js';
import { didYouMean, type Problems } from './problems.js';

const NAMESPACE = /^[A-Z][A-Za-z0-9]*$/;
const ENDPOINT_NAME = /^[a-z][A-Za-z0-9]*$/;
const HOST = /^[a-z0-9.-]+(:\d+)?$/;
const PATH = /^\/[A-Za-z0-9_\-/.{}]*$/;
const PLACEHOLDER = /\{([^{}]*)\}/g;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const URL_TEXT = /^https?:\/\/\S+$/;
const NO_BODY = new Set(['GET', 'DELETE']);

type Lookup = (name: string) => NamedType | undefined;

export function normalise(loaded: LoadedSources, problems: Problems): Catalog {
  const catalog: Catalog = { namespaces: [], shared: [], errcodes: new Map(), workErrcodes: new Map(), sources: loaded.sources };
  const typesDoc = loaded.docs.find((d) => d.role === 'types');
  if (typesDoc) {
    catalog.sharedFile = typesDoc.file;
    catalog.shared = readSharedTypes(typesDoc, problems);
  }
  const shared = new Map(catalog.shared.map((t) => [t.name, t]));
  // Uses are counted where names are resolved, so a type used only by an endpoint that has another
  // problem still counts as used.
  const sharedUsed = new Set<string>();
  for (const doc of loaded.docs) {
    if (doc.role === 'endpoints') {
      const ns = readNamespace(doc, shared, sharedUsed, problems);
      if (ns) catalog.namespaces.push(ns);
    } else if (doc.role === 'errcodes') {
      catalog.errcodesFile = doc.file;
      const read = readErrcodes(doc, problems);
      catalog.errcodes = read.base;
      catalog.workErrcodes = read.work;
    }
  }
  for (const t of catalog.shared) for (const r of refNames(t.field)) if (r !== t.name) sharedUsed.add(r);
  const sharedLookup: Lookup = (n) => shared.get(n);
  for (const t of catalog.shared) {
    if (!sharedUsed.has(t.name)) problems.add(t.file, t.line, '', `types.${t.name}`, `type ${t.name} is declared but no catalog file uses it`);
    const cycle = cycleFrom(t.name, sharedLookup, []);
    if (cycle) problems.add(t.file, t.line, '', `types.${t.name}`, `types refer to themselves: ${cycle.join(' → ')}`);
  }
  return catalog;
}

function refNames(f: Field | undefined, out = new Set<string>()): Set<string> {
  if (!f) return out;
  if (f.type === 'ref' && f.ref) out.add(f.ref);
  refNames(f.items, out);
  refNames(f.values, out);
  for (const p of Object.values(f.properties ?? {})) refNames(p, out);
  return out;
}

/** A path of named types leading back to `name`, if any: generated zod schemas cannot be recursive. */
function cycleFrom(name: string, lookup: Lookup, seen: string[]): string[] | undefined {
  if (seen.includes(name)) return seen[0] === name ? [...seen, name] : undefined;
  for (const ref of refNames(lookup(name)?.field)) {
    const found = cycleFrom(ref, lookup, [...seen, name]);
    if (found) return found;
  }
  return undefined;
}

function readSharedTypes(doc: SourceDoc, problems: Problems): NamedType[] {
  const ctx: Ctx = { file: doc.file, where: '', problems };
  const keys = mapOf(ctx, doc.root, '', TYPES_FILE_KEYS);
  const node = keys?.get('types');
  if (!keys) return [];
  if (!node) {
    report(ctx, doc.root.line, '', 'catalog/types.yaml holds one key, types:');
    return [];
  }
  const types = readTypes(ctx, node, 'shared');
  // Shared types may use each other, never a file's own types. (Uses among them are counted later.)
  const lookup = lookupFor(new Map(), new Map(types.map((t) => [t.name, t])), { local: new Set(), shared: new Set() });
  for (const t of types) resolveRefs(ctx, t.field, join('types', t.name), lookup, true);
  return types;
}

function readTypes(ctx: Ctx, pair: YPair, scope: 'local' | 'shared'): NamedType[] {
  const out: NamedType[] = [];
  const map = mapOf(ctx, pair.value, 'types', undefined);
  for (const [name, p] of map ?? []) {
    if (!TYPE_NAME.test(name)) {
      report(ctx, p.keyLine, join('types', name), `${JSON.stringify(name)}: type names are PascalCase`);
      continue;
    }
    const field = readField(ctx, p.value, join('types', name));
    if (!field) continue;
    // These describe one use of a shape, not the shape: a type marked optional would be optional
    // in the registry but required in the generated TypeScript.
    for (const marker of ['optional', 'const', 'sensitive'] as const) {
      if (field[marker] !== undefined && field[marker] !== false) {
        report(
          ctx,
          field.line,
          join('types', name),
          `${marker} belongs where the type is used (${marker === 'optional' ? `${name}?` : `{ type: ${name}, ${marker}: … }`}), not in its definition`,
        );
      }
    }
    out.push({ name, scope, field, file: ctx.file, line: p.keyLine });
  }
  return out;
}

/** Marks each named type in `f` local or shared; unknown names are reported with the nearest one. */
function resolveRefs(ctx: Ctx, f: Field, path: string, lookup: Lookup, sharedOnly = false): void {
  if (f.type === 'ref') {
    const t = lookup(f.ref!);
    if (t) f.scope = t.scope;
    else {
      const where = sharedOnly ? 'declare it under types: of catalog/types.yaml' : 'declare it under types: (or in catalog/types.yaml)';
      report(ctx, f.line, path, `unknown type ${f.ref}${didYouMean(f.ref!, knownNames(lookup))}; ${where}`);
    }
  }
  if (f.items) resolveRefs(ctx, f.items, path, lookup, sharedOnly);
  if (f.values) resolveRefs(ctx, f.values, path, lookup, sharedOnly);
  for (const [k, p] of Object.entries(f.properties ?? {})) resolveRefs(ctx, p, join(path, k), lookup, sharedOnly);
}

// Names for "did you mean": the lookup closes over them (see lookupFor).
const NAMES = new WeakMap<Lookup, string[]>();
function knownNames(lookup: Lookup): string[] {
  return NAMES.get(lookup) ?? [];
}
function lookupFor(local: Map<string, NamedType>, shared: Map<string, NamedType>, used: { local: Set<string>; shared: Set<string> }): Lookup {
  const lookup: Lookup = (n) => {
    const t = local.get(n) ?? shared.get(n);
    if (t) used[t.scope].add(n);
    return t;
  };
  NAMES.set(lookup, [...local.keys(), ...shared.keys()]);
  return lookup;
}

interface FileDefaults {
  host?: string;
  auth?: AuthScheme;
  protocol?: ProtocolName;
  appTypes?: AppType[];
  encoding?: (typeof WRITTEN_ENCODINGS)[number];
}

function readNamespace(doc: SourceDoc, shared: Map<string, NamedType>, sharedUsed: Set<string>, problems: Problems): Namespace | undefined {
  const ctx: Ctx = { file: doc.file, where: '', problems };
  const keys = mapOf(ctx, doc.root, '', FILE_KEYS);
  if (!keys) return undefined;
  const namespace = str(ctx, keys.get('namespace'), '', { pattern: NAMESPACE, hint: 'a PascalCase namespace such as Material' });
  ctx.where = namespace ?? '?';
  const before = problems.size;
  if (!keys.get('namespace')) report(ctx, doc.root.line, 'namespace', 'required');
  const title = str(ctx, keys.get('title'), '', { required: true });
  if (!keys.get('title')) report(ctx, doc.root.line, 'title', 'required');
  const docs = str(ctx, keys.get('docs'), '', { pattern: URL_TEXT, hint: 'an http(s) URL' });
  const fileAppTypes = listOf(ctx, keys.get('appTypes'), '', APP_TYPES, 'app type');

  const defaults: FileDefaults = {};
  const defaultsPair = keys.get('defaults');
  if (defaultsPair) {
    const d = mapOf(ctx, defaultsPair.value, 'defaults', DEFAULTS_KEYS);
    if (d) {
      const host = str(ctx, d.get('host'), 'defaults', { pattern: HOST, hint: 'a host name such as api.mch.weixin.qq.com' });
      if (host) defaults.host = host;
      const auth = oneOf(ctx, d.get('auth'), 'defaults', AUTH_SCHEMES, 'an auth scheme');
      if (auth) defaults.auth = auth;
      const protocol = oneOf(ctx, d.get('protocol'), 'defaults', PROTOCOLS, 'a protocol');
      if (protocol) defaults.protocol = protocol;
      const apps = listOf(ctx, d.get('appTypes'), 'defaults', APP_TYPES, 'app type');
      if (apps) defaults.appTypes = apps;
      const encoding = oneOf(ctx, d.get('encoding'), 'defaults', WRITTEN_ENCODINGS, 'a request encoding');
      if (encoding) defaults.encoding = encoding;
      if (d.get('appTypes') && keys.get('appTypes')) {
        report(ctx, d.get('appTypes')!.keyLine, 'defaults.appTypes', 'the file already has appTypes: give them once');
      }
    }
  }
  // File-level appTypes (format 1) is the default of every endpoint's appTypes.
  if (fileAppTypes && !defaults.appTypes) defaults.appTypes = fileAppTypes;

  const localTypes = keys.get('types') ? readTypes(ctx, keys.get('types')!, 'local') : [];
  const local = new Map(localTypes.map((t) => [t.name, t]));
  for (const t of localTypes) {
    const other = shared.get(t.name);
    if (other) {
      report(ctx, t.line, join('types', t.name), `${t.name} is already a shared type (${other.file}:${other.line}): use that one or rename this one`);
    }
  }
  const used = { local: new Set<string>(), shared: sharedUsed };
  const lookup = lookupFor(local, shared, used);
  for (const t of localTypes) resolveRefs(ctx, t.field, join('types', t.name), lookup);

  const endpointsPair = keys.get('endpoints');
  const endpoints: Endpoint[] = [];
  if (!endpointsPair) report(ctx, doc.root.line, 'endpoints', 'required');
  else if (endpointsPair.value.kind !== 'seq' || !endpointsPair.value.items.length) {
    report(ctx, endpointsPair.value.line, 'endpoints', `expected a non-empty list of endpoints, got ${shown(endpointsPair.value)}`);
  } else {
    endpointsPair.value.items.forEach((node, i) => {
      const e = readEndpoint({ file: doc.file, where: '', problems }, node, i, namespace ?? '?', defaults, lookup);
      if (e) endpoints.push(e);
    });
  }
  for (const t of localTypes) {
    if (!used.local.has(t.name)) report(ctx, t.line, join('types', t.name), `type ${t.name} is declared but never used`);
    const cycle = cycleFrom(t.name, (n) => local.get(n) ?? shared.get(n), []);
    if (cycle) report(ctx, t.line, join('types', t.name), `types refer to themselves: ${cycle.join(' → ')}`);
  }
  if (problems.size > before || !namespace || !title) return undefined;
  const ns: Namespace = {
    file: doc.file,
    folder: doc.folder!,
    namespace,
    title,
    line: doc.root.line,
    appTypes: [...new Set([...(defaults.appTypes ?? []), ...endpoints.flatMap((e) => e.appTypes)])],
    types: localTypes,
    endpoints,
    base: doc.file
      .split('/')
      .pop()!
      .replace(/\.yaml$/, ''),
  };
  if (docs) ns.docs = docs;
  return ns;
}

function readEndpoint(ctx: Ctx, node: YNode, index: number, ns: string, defaults: FileDefaults, lookup: Lookup): Endpoint | undefined {
  const nameNode = node.kind === 'map' ? node.pairs.find((p) => p.key === 'name')?.value : undefined;
  const written = nameNode?.kind === 'scalar' && typeof nameNode.value === 'string' ? nameNode.value : undefined;
  ctx.where = `${ns}.${written ?? `endpoints[${index}]`}`;
  const before = ctx.problems.size;
  const keys = mapOf(ctx, node, '', ENDPOINT_KEYS, 'an endpoint (a map)');
  if (!keys) return undefined;
  const line = node.line;
  const lines: Record<string, number> = {};
  for (const [k, p] of keys) lines[k] = p.keyLine;
  const required = (key: string): void => {
    if (!keys.get(key)) report(ctx, line, key, 'required');
  };

  const name = str(ctx, keys.get('name'), '', { pattern: ENDPOINT_NAME, hint: 'a camelCase name such as batchGetMaterial' });
  required('name');
  const summary = str(ctx, keys.get('summary'), '', { required: true });
  required('summary');
  const docs = str(ctx, keys.get('docs'), '', { pattern: URL_TEXT, hint: 'an http(s) URL' });
  const method = oneOf(ctx, keys.get('method'), '', HTTP_METHODS, 'an HTTP method');
  required('method');
  const host = str(ctx, keys.get('host'), '', { pattern: HOST, hint: 'a host name such as api.weixin.qq.com' }) ?? defaults.host ?? DEFAULT_HOST;
  const path = str(ctx, keys.get('path'), '', { pattern: PATH, hint: 'an absolute path without query string' });
  required('path');
  const auth = oneOf(ctx, keys.get('auth'), '', AUTH_SCHEMES, 'an auth scheme') ?? defaults.auth;
  if (!keys.get('auth') && !defaults.auth) report(ctx, line, 'auth', 'required (here or in defaults:)');
  const protocol = oneOf(ctx, keys.get('protocol'), '', PROTOCOLS, 'a protocol') ?? defaults.protocol ?? 'wechat';
  const appTypes = listOf(ctx, keys.get('appTypes'), '', APP_TYPES, 'app type') ?? defaults.appTypes;
  if (!keys.get('appTypes') && !defaults.appTypes) report(ctx, line, 'appTypes', 'required (here, in defaults: or at the file level)');
  const idempotent = bool(ctx, keys.get('idempotent'), '');
  required('idempotent');
  const clientCertificate = bool(ctx, keys.get('clientCertificate'), '');
  if (clientCertificate && protocol !== 'pay_v2' && protocol !== 'pay_v3')
    report(ctx, keys.get('clientCertificate')!.value.line, 'clientCertificate', 'only WeChat Pay endpoints present the merchant certificate');
  const response = oneOf(ctx, keys.get('response'), '', RESPONSE_KINDS, 'a response kind') ?? 'json';
  const deprecated = str(ctx, keys.get('deprecated'), '', { required: true, hint: 'a text saying what replaces it' });
  const unverified = str(ctx, keys.get('unverified'), '', { required: true, hint: 'a text naming what the official docs do not confirm' });

  // Request parameters, block by block.
  const params: Param[] = [];
  const blockRefs: Endpoint['blockRefs'] = {};
  const seen = new Map<string, string>();
  const add = (placement: Param['placement'], fields: Record<string, Field> | undefined, at: (key: string) => number): void => {
    for (const [key, field] of Object.entries(fields ?? {})) {
      const other = seen.get(key);
      if (other) {
        report(ctx, at(key), join(placement, key), `also declared in ${other}`);
        continue;
      }
      seen.set(key, placement);
      params.push({ name: key, placement, field });
    }
  };
  const fieldLines = (pair: YPair | undefined) => (key: string) =>
    (pair?.value.kind === 'map' ? pair.value.pairs.find((p) => p.key === key)?.value.line : undefined) ?? pair?.value.line ?? line;

  const declaredPath = keys.get('pathParams') ? readFields(ctx, keys.get('pathParams')!.value, 'pathParams') : undefined;
  for (const f of Object.values(declaredPath ?? {})) resolveRefs(ctx, f, 'pathParams', lookup);
  if (path) add('pathParams', pathParamsOf(ctx, path, declaredPath, line), fieldLines(keys.get('pathParams')));

  const query = readBlock(ctx, keys.get('query'), 'query', lookup);
  if (query?.ref) blockRefs.query = query.ref;
  add('query', query?.fields, fieldLines(keys.get('query')));

  const headers = keys.get('headers')
    ? readFields(ctx, keys.get('headers')!.value, 'headers', { pattern: HEADER_NAME, hint: 'header names are letters, digits and -, starting with a letter' })
    : undefined;
  for (const [k, f] of Object.entries(headers ?? {})) {
    resolveRefs(ctx, f, join('headers', k), lookup);
    if (!isScalar(f, lookup)) report(ctx, f.line, join('headers', k), 'a header carries a string, integer, number or boolean');
  }
  add('headers', headers, fieldLines(keys.get('headers')));

  const body = readBlock(ctx, keys.get('body'), 'body', lookup);
  if (body?.ref) blockRefs.body = body.ref;
  add('body', body?.fields, fieldLines(keys.get('body')));

  const form = keys.get('form') ? readFields(ctx, keys.get('form')!.value, 'form') : undefined;
  for (const [k, f] of Object.entries(form ?? {})) resolveRefs(ctx, f, join('form', k), lookup);
  add('form', form, fieldLines(keys.get('form')));

  if (method && NO_BODY.has(method)) {
    for (const block of ['body', 'form'] as const) {
      const p = keys.get(block);
      if (p) report(ctx, p.value.line, block, `a ${method} endpoint takes query parameters only`);
    }
  }
  if (keys.get('body') && keys.get('form')) report(ctx, keys.get('form')!.value.line, 'form', 'an endpoint has body or form, not both');
  if (form && !Object.values(form).some((f) => f.type === 'file'))
    report(ctx, keys.get('form')!.value.line, 'form', 'a multipart form needs at least one file field');

  const written_encoding = oneOf(ctx, keys.get('encoding'), '', WRITTEN_ENCODINGS, 'a request encoding');
  if (keys.get('encoding') && keys.get('form')) report(ctx, lines.encoding!, 'encoding', 'a form: endpoint is always multipart; leave encoding out');
  if (keys.get('encoding') && method && NO_BODY.has(method)) report(ctx, lines.encoding!, 'encoding', `a ${method} endpoint sends no body to encode`);
  const encoding = form ? 'multipart' : method && NO_BODY.has(method) ? 'json' : (written_encoding ?? defaults.encoding ?? 'json');

  // The answer.
  const answersData = response === 'json' || response === 'xml' || response === 'json_or_binary';
  const result = readBlock(ctx, keys.get('result'), 'result', lookup);
  if (answersData && !keys.get('result')) report(ctx, line, 'result', `a ${response} endpoint needs a result schema`);
  if (!answersData && keys.get('result'))
    report(ctx, keys.get('result')!.value.line, 'result', `a ${response} endpoint answers ${response === 'text' ? 'text' : 'bytes'}: it has no result`);
  const exampleNode = keys.get('example')?.value;
  if (answersData && !exampleNode) report(ctx, line, 'example', `a ${response} endpoint needs an example response`);
  if (response === 'binary' && exampleNode) report(ctx, exampleNode.line, 'example', 'a binary endpoint has no example: the simulator answers an image');

  const errcodes: Endpoint['errcodes'] = [];
  const errPair = keys.get('errcodes');
  if (errPair) {
    if (errPair.value.kind !== 'seq') report(ctx, errPair.value.line, 'errcodes', `expected a list of errcodes, got ${shown(errPair.value)}`);
    else
      errPair.value.items.forEach((item, i) => {
        if (item.kind === 'scalar' && typeof item.value === 'number' && Number.isInteger(item.value)) errcodes.push({ code: item.value, line: item.line });
        else report(ctx, item.line, `errcodes[${i}]`, `expected an integer errcode, got ${shown(item)}`);
      });
  }

  const pagination = keys.get('pagination') ? readPagination(ctx, keys.get('pagination')!) : undefined;

  if (ctx.problems.size > before || !name || !summary || !method || !path || !auth || !appTypes || idempotent === undefined) return undefined;
  const e: Endpoint = {
    id: `${ns}.${name}`,
    name,
    namespace: ns,
    file: ctx.file,
    line,
    lines,
    summary,
    method,
    host,
    path,
    auth,
    protocol,
    appTypes: [...appTypes].sort(),
    idempotent,
    encoding,
    response,
    params,
    blockRefs,
    errcodes,
  };
  if (docs) e.docs = docs;
  if (result?.fields) e.result = result.fields;
  if (result?.ref) e.resultRef = result.ref;
  if (exampleNode) e.example = { value: toValue(exampleNode), node: exampleNode };
  if (deprecated) e.deprecated = deprecated;
  if (unverified) e.unverified = unverified;
  if (pagination) e.pagination = pagination;
  if (clientCertificate) e.clientCertificate = true;
  return e;
}

/** `{name}` placeholders in order; a declared one keeps its field, the others are required strings. */
function pathParamsOf(ctx: Ctx, path: string, declared: Record<string, Field> | undefined, line: number): Record<string, Field> {
  const out: Record<string, Field> = {};
  const names: string[] = [];
  for (const m of path.matchAll(PLACEHOLDER)) {
    const name = m[1]!;
    if (!PARAM_NAME.test(name)) {
      report(ctx, line, 'path', `placeholder {${name}} is not a parameter name (letters, digits and _, not starting with a digit)`);
      continue;
    }
    if (names.includes(name)) {
      report(ctx, line, 'path', `placeholder {${name}} appears twice`);
      continue;
    }
    names.push(name);
    const field = declared?.[name];
    if (field) {
      if (field.optional || field.const !== undefined || !['string', 'integer', 'number'].includes(field.type)) {
        report(ctx, field.line, join('pathParams', name), 'a path parameter is a required string, integer or number');
      }
      out[name] = field;
    } else out[name] = { type: 'string', optional: false, line };
  }
  if (path.replace(PLACEHOLDER, '').match(/[{}]/)) report(ctx, line, 'path', `unbalanced { or } in ${JSON.stringify(path)}`);
  for (const [name, field] of Object.entries(declared ?? {})) {
    if (!names.includes(name)) report(ctx, field.line, join('pathParams', name), `not a placeholder of the path ${path}${didYouMean(name, names)}`);
  }
  return out;
}

/** A block of fields, or the name of an object type whose properties it is (`result: OAuthToken`). */
function readBlock(
  ctx: Ctx,
  pair: YPair | undefined,
  block: 'query' | 'body' | 'result',
  lookup: Lookup,
): { fields: Record<string, Field>; ref?: BlockRef } | undefined {
  if (!pair) return undefined;
  const v = pair.value;
  if (v.kind === 'scalar' && typeof v.value === 'string') {
    const t = lookup(v.value);
    if (!TYPE_NAME.test(v.value) || !t) {
      report(
        ctx,
        v.line,
        block,
        `${JSON.stringify(v.value)} is not a named type${didYouMean(v.value, knownNames(lookup))}; a ${block} is a map of fields or the name of an object type`,
      );
      return undefined;
    }
    const object = objectOf(t.field, lookup);
    if (!object) {
      report(ctx, v.line, block, `${t.name} is not an object type, so it cannot be a whole ${block}`);
      return undefined;
    }
    return { fields: object, ref: { name: t.name, scope: t.scope, line: v.line } };
  }
  const fields = readFields(ctx, v, block);
  for (const [k, f] of Object.entries(fields ?? {})) resolveRefs(ctx, f, join(block, k), lookup);
  return fields ? { fields } : undefined;
}

/** The properties of a named type, following names that only rename another type. */
function objectOf(f: Field, lookup: Lookup, depth = 0): Record<string, Field> | undefined {
  if (f.type === 'object') return f.properties;
  if (f.type === 'ref' && depth < 20) {
    const t = lookup(f.ref!);
    return t ? objectOf(t.field, lookup, depth + 1) : undefined;
  }
  return undefined;
}

function isScalar(f: Field, lookup: Lookup, depth = 0): boolean {
  if (f.type === 'ref') {
    const t = lookup(f.ref!);
    return !!t && depth < 20 && isScalar(t.field, lookup, depth + 1);
  }
  return f.type === 'string' || f.type === 'integer' || f.type === 'number' || f.type === 'boolean';
}

function readPagination(ctx: Ctx, pair: YPair): Pagination | undefined {
  const keys = mapOf(ctx, pair.value, 'pagination', PAGINATION_KEYS);
  if (!keys) return undefined;
  const style = oneOf(ctx, keys.get('style'), 'pagination', PAGINATION_STYLES, 'a pagination style');
  if (!keys.get('style')) report(ctx, pair.value.line, 'pagination.style', 'required');
  if (!style) return undefined;
  const p: Pagination = { style, items: '', line: pair.value.line, lines: {} };
  for (const key of PAGINATION_KEYS) {
    if (key === 'style') continue;
    const k = keys.get(key);
    if (!k) continue;
    const v = str(ctx, k, 'pagination', {
      pattern: /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/,
      hint: 'a field name or a dotted path such as data.openid',
    });
    if (v) {
      p[key] = v;
      p.lines[key] = k.value.line;
    }
  }
  return p;
}

/**
 * errcodes.yaml: `code: { category, zh?, en?, work? }`. `work: { category, zh?, en? }` is the
 * WeCom meaning where it differs; a WeCom-only code has `work:` and nothing else.
 */
function readErrcodes(doc: SourceDoc, problems: Problems): { base: Map<number, Errcode>; work: Map<number, Errcode> } {
  const ctx: Ctx = { file: doc.file, where: '', problems };
  const base = new Map<number, Errcode>();
  const work = new Map<number, Errcode>();
  const map = mapOf(ctx, doc.root, '', undefined, 'a map of errcode → { category, zh, en, work }');
  const meaning = (code: number, entry: Map<string, YPair>, path: string, line: number): Errcode | undefined => {
    const category = oneOf(ctx, entry.get('category'), path, ERRCODE_CATEGORIES, 'an errcode category');
    if (!entry.get('category')) report(ctx, line, join(path, 'category'), 'required');
    const zh = str(ctx, entry.get('zh'), path);
    const en = str(ctx, entry.get('en'), path);
    if (!category) return undefined;
    const e: Errcode = { code, category };
    if (zh !== undefined) e.zh = zh;
    if (en !== undefined) e.en = en;
    return e;
  };
  for (const [key, pair] of map ?? []) {
    if (!/^-?\d+$/.test(key)) {
      report(ctx, pair.keyLine, key, 'errcodes are integers');
      continue;
    }
    const code = Number(key);
    const entry = mapOf(ctx, pair.value, key, ERRCODE_KEYS);
    if (!entry) continue;
    const workPair = entry.get('work');
    if (workPair) {
      const w = mapOf(ctx, workPair.value, join(key, 'work'), WORK_ERRCODE_KEYS, 'the WeCom meaning { category, zh, en }');
      const m = w && meaning(code, w, join(key, 'work'), workPair.value.line);
      if (m) work.set(code, m);
    }
    // A WeCom-only code: `work:` alone. Anything else at the top level needs its category.
    if (workPair && entry.size === 1) continue;
    const m = meaning(code, entry, key, pair.value.line);
    if (m) base.set(code, m);
  }
  return { base, work };
}
