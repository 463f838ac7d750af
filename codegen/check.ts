// Stage 3: rules that need more than one key or more than one file. Names and routes are unique
// (a clash names both places), every listed errcode is known, examples match their result,
// pagination names real fields, constants and sensitive markers sit where the runtime can act on
// them, and XML answers are declared as the text they are. (Whether named types are used and not
// circular is decided while they are resolved, in normalise.ts.)
import type { PaginationStyle } from '../src/core/enums.js';
import { report as put, type Ctx } from './format.js';
import type { YNode } from './load.js';
import type { Catalog, Endpoint, Field, NamedType, Namespace } from './model.js';
import { didYouMean, type Problems } from './problems.js';

type Lookup = (name: string) => NamedType | undefined;

export function check(catalog: Catalog, problems: Problems): void {
  const shared = new Map(catalog.shared.map((t) => [t.name, t]));
  checkUniqueness(catalog, problems);
  for (const ns of catalog.namespaces) {
    const local = new Map(ns.types.map((t) => [t.name, t]));
    const lookup: Lookup = (n) => local.get(n) ?? shared.get(n);
    for (const e of ns.endpoints) {
      const ctx: Ctx = { file: e.file, where: e.id, problems };
      checkErrcodes(ctx, e, catalog);
      checkPlacementMarkers(ctx, e, lookup);
      if (e.response === 'xml' && e.result) for (const [k, f] of Object.entries(e.result)) checkXmlText(ctx, f, `result.${k}`, lookup, 0);
      if (e.pagination) checkPagination(ctx, e, lookup);
      if (e.example && e.result && e.response !== 'text') checkExample(ctx, e, lookup);
    }
  }
}

function checkUniqueness(catalog: Catalog, problems: Problems): void {
  // A namespace is unique inside its folder (pay/ and work/ may both have a Fixture); endpoint ids
  // (`Namespace.name`) are unique everywhere, since the registry and errors name endpoints by id.
  const namespaces = new Map<string, Namespace>();
  const ids = new Map<string, Endpoint>();
  const routes = new Map<string, Endpoint>();
  const entryPoints = new Map<string, Namespace>();
  for (const ns of catalog.namespaces) {
    const prior = namespaces.get(`${ns.folder} ${ns.namespace}`);
    if (prior) problems.add(ns.file, ns.line, ns.namespace, '', `namespace already defined in ${prior.file}:${prior.line}`);
    else namespaces.set(`${ns.folder} ${ns.namespace}`, ns);
    // Every app type's entry point exports its namespaces by name: two of one name cannot share one.
    for (const app of new Set(ns.endpoints.flatMap((e) => e.appTypes))) {
      const other = entryPoints.get(`${app} ${ns.namespace}`);
      if (other && other !== ns && !prior)
        problems.add(ns.file, ns.line, ns.namespace, '', `the ${app} entry point already exports a ${ns.namespace} (${other.file}:${other.line})`);
      else entryPoints.set(`${app} ${ns.namespace}`, ns);
    }
    for (const e of ns.endpoints) {
      const other = ids.get(e.id);
      if (other) problems.add(e.file, e.line, e.id, 'name', `${e.id} is already defined at ${other.file}:${other.line}`);
      else ids.set(e.id, e);
      // `{transaction_id}` and `{id}` at the same place are the same route.
      const route = `${e.method} ${e.host}${e.path.replace(/\{[^}]*\}/g, '{}')}`;
      for (const app of e.appTypes) {
        const key = `${app} ${route}`;
        const clash = routes.get(key);
        if (clash) problems.add(e.file, e.line, e.id, '', `${e.method} ${e.host}${e.path} for ${app} is already ${clash.id} (${clash.file}:${clash.line})`);
        else routes.set(key, e);
      }
    }
  }
}

function checkErrcodes(ctx: Ctx, e: Endpoint, catalog: Catalog): void {
  const file = catalog.errcodesFile ?? 'errcodes.yaml';
  e.errcodes.forEach(({ code, line }, i) => {
    if (catalog.errcodes.has(code)) return;
    // A code only WeCom has (its entry holds nothing but `work:`) fits WeCom endpoints only.
    if (catalog.workErrcodes.has(code)) {
      if (!e.appTypes.includes('work'))
        put(ctx, line, `errcodes[${i}]`, `${code} is a WeCom errcode (only \`work:\` in ${file}); this endpoint is for ${e.appTypes.join(', ')}`);
      return;
    }
    put(ctx, line, `errcodes[${i}]`, `${code} is not in ${file}; add it there with its official message`);
  });
}

/**
 * The runtime merges constants into top-level parameters only, and encrypts the string values at
 * the sensitive paths of a request; a marker anywhere else would be silently ignored, so it is
 * refused.
 */
function checkPlacementMarkers(ctx: Ctx, e: Endpoint, lookup: Lookup): void {
  const visit = (f: Field, path: string, where: 'top' | 'request' | 'result', seen: Set<string>): void => {
    if (where !== 'top' && f.const !== undefined) put(ctx, f.line, path, 'const applies to top-level request parameters only');
    if (f.sensitive && where === 'result')
      put(ctx, f.line, path, 'sensitive marks request fields the protocol encrypts; answers are not encrypted field by field');
    if (f.sensitive && where !== 'result' && f.type !== 'string')
      put(ctx, f.line, path, `sensitive applies to string fields (the protocol encrypts text), not to ${f.type === 'ref' ? f.ref : f.type}`);
    const inner = where === 'result' ? 'result' : 'request';
    if (f.type === 'ref' && f.ref && !seen.has(f.ref)) {
      const t = lookup(f.ref);
      if (t) visit(t.field, path, inner, new Set([...seen, f.ref]));
    }
    if (f.items) visit(f.items, `${path}.items`, inner, seen);
    if (f.values) visit(f.values, `${path}.values`, inner, seen);
    for (const [k, p] of Object.entries(f.properties ?? {})) visit(p, `${path}.${k}`, inner, seen);
  };
  for (const p of e.params) visit(p.field, `${p.placement}.${p.name}`, 'top', new Set());
  for (const [k, f] of Object.entries(e.result ?? {})) visit(f, `result.${k}`, 'result', new Set());
}

function checkXmlText(ctx: Ctx, f: Field, path: string, lookup: Lookup, depth: number): void {
  if (depth > 20) return;
  if (f.type === 'ref') {
    const t = lookup(f.ref!);
    if (t) checkXmlText(ctx, t.field, path, lookup, depth + 1);
    return;
  }
  if (f.type === 'integer' || f.type === 'number' || f.type === 'boolean') {
    put(ctx, f.line, path, `an xml answer carries text: declare it string (not ${f.type})`);
  }
  if (f.items) checkXmlText(ctx, f.items, `${path}.items`, lookup, depth + 1);
  if (f.values) checkXmlText(ctx, f.values, `${path}.values`, lookup, depth + 1);
  for (const [k, p] of Object.entries(f.properties ?? {})) checkXmlText(ctx, p, `${path}.${k}`, lookup, depth + 1);
}

// --- pagination -----------------------------------------------------------------------------

/** The keys each style needs and may have (every style of PAGINATION_STYLES has a row). */
const STYLE_KEYS = {
  offset: { required: ['offset', 'count', 'items'], allowed: ['total'] },
  next_openid: { required: ['cursor', 'next', 'items'], allowed: ['count', 'total'] },
  cursor: { required: ['cursor', 'next', 'items'], allowed: ['count', 'total', 'more'] },
} as const satisfies Record<PaginationStyle, { required: readonly string[]; allowed: readonly string[] }>;

function checkPagination(ctx: Ctx, e: Endpoint, lookup: Lookup): void {
  const p = e.pagination!;
  const rule = STYLE_KEYS[p.style];
  const at = (key: string) => p.lines[key] ?? p.line;
  for (const key of rule.required) if (!p[key]) put(ctx, p.line, `pagination.${key}`, `required for style ${p.style}`);
  for (const key of ['offset', 'count', 'cursor', 'next', 'total', 'more'] as const) {
    if (p[key] && !(rule.required as readonly string[]).includes(key) && !(rule.allowed as readonly string[]).includes(key)) {
      put(ctx, at(key), `pagination.${key}`, `does not apply to style ${p.style}`);
    }
  }
  // Request side: top-level parameters the iterator sets.
  const requestKinds = { offset: ['integer'], count: ['integer'], cursor: ['string', 'integer'] } as const;
  for (const key of ['offset', 'count', 'cursor'] as const) {
    const name = p[key];
    if (!name) continue;
    const param = e.params.find((x) => x.name === name && (x.placement === 'query' || x.placement === 'body') && x.field.const === undefined);
    if (!param) {
      const names = e.params.filter((x) => x.placement === 'query' || x.placement === 'body').map((x) => x.name);
      put(ctx, at(key), `pagination.${key}`, `${name} is not a query or body parameter of the endpoint${didYouMean(name, names)}`);
      continue;
    }
    const kind = kindOf(param.field, lookup);
    if (!(requestKinds[key] as readonly string[]).includes(kind))
      put(ctx, at(key), `pagination.${key}`, `${name} is ${kind}; expected ${requestKinds[key].join(' or ')}`);
  }
  // Answer side: dotted paths into the result.
  const resultKinds = { items: ['array'], total: ['integer', 'number'], next: ['string', 'integer'], more: ['boolean', 'integer'] } as const;
  for (const key of ['items', 'total', 'next', 'more'] as const) {
    const path = p[key];
    if (!path) continue;
    const found = fieldAt(e.result ?? {}, path, lookup);
    if (typeof found === 'string') {
      put(ctx, at(key), `pagination.${key}`, found);
      continue;
    }
    const kind = kindOf(found, lookup);
    if (!(resultKinds[key] as readonly string[]).includes(kind))
      put(ctx, at(key), `pagination.${key}`, `${path} is ${kind}; expected ${resultKinds[key].join(' or ')}`);
  }
}

function kindOf(f: Field, lookup: Lookup, depth = 0): string {
  if (f.type === 'ref' && depth < 20) {
    const t = lookup(f.ref!);
    return t ? kindOf(t.field, lookup, depth + 1) : 'unknown';
  }
  return f.type;
}

/** The field at a dotted path of the result, or why there is none. */
function fieldAt(fields: Record<string, Field>, path: string, lookup: Lookup): Field | string {
  let props: Record<string, Field> | undefined = fields;
  let field: Field | undefined;
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    field = props?.[part];
    if (!field) {
      const here = parts.slice(0, i).join('.');
      const candidates = Object.keys(props ?? {}).map((k) => (here ? `${here}.${k}` : k));
      return `${path} is not a field of the result${didYouMean(parts.slice(0, i + 1).join('.'), candidates)}`;
    }
    props = propertiesOf(field, lookup);
  }
  return field!;
}

function propertiesOf(f: Field, lookup: Lookup, depth = 0): Record<string, Field> | undefined {
  if (f.type === 'object') return f.properties;
  if (f.type === 'ref' && depth < 20) {
    const t = lookup(f.ref!);
    return t ? propertiesOf(t.field, lookup, depth + 1) : undefined;
  }
  return undefined;
}

// --- examples -------------------------------------------------------------------------------

/** Keys every WeChat answer may carry besides its result (the result leaves them out). */
const ENVELOPE = new Set(['errcode', 'errmsg']);

function checkExample(ctx: Ctx, e: Endpoint, lookup: Lookup): void {
  const node = e.example!.node;
  if (node.kind !== 'map') {
    put(ctx, node.line, 'example', `expected an object like the result, got ${describe(node)}`);
    return;
  }
  checkProperties(ctx, e.result!, node, 'example', lookup, true);
}

function checkProperties(ctx: Ctx, props: Record<string, Field>, node: YNode & { kind: 'map' }, path: string, lookup: Lookup, top: boolean): void {
  const present = new Set<string>();
  for (const pair of node.pairs) {
    present.add(pair.key);
    const f = props[pair.key];
    if (f) checkValue(ctx, f, pair.value, `${path}.${pair.key}`, lookup, 0);
    else if (!(top && ENVELOPE.has(pair.key))) {
      put(ctx, pair.keyLine, `${path}.${pair.key}`, `not a field of the result${didYouMean(pair.key, Object.keys(props))}`);
    }
  }
  for (const [k, f] of Object.entries(props)) {
    if (!f.optional && !present.has(k))
      put(ctx, node.line, `${path}.${k}`, 'missing; the result says it is always there (mark it optional if WeChat leaves it out)');
  }
}

function checkValue(ctx: Ctx, f: Field, node: YNode, path: string, lookup: Lookup, depth: number): void {
  if (depth > 40) return;
  const fail = (expected: string) => put(ctx, node.line, path, `expected ${expected}, got ${describe(node)}`);
  const v = node.kind === 'scalar' ? node.value : undefined;
  switch (f.type) {
    case 'ref': {
      const t = lookup(f.ref!);
      if (t) checkValue(ctx, t.field, node, path, lookup, depth + 1);
      return;
    }
    case 'any':
    case 'file':
      return;
    case 'string':
      if (typeof v !== 'string') return fail('string');
      if (f.enum && !f.enum.includes(v)) return fail(`one of ${f.enum.map((x) => JSON.stringify(x)).join(', ')}`);
      if (f.const !== undefined && v !== f.const) return fail(JSON.stringify(f.const));
      return;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) return fail('integer');
      if (f.enum && !f.enum.includes(v)) return fail(`one of ${f.enum.join(', ')}`);
      if (f.const !== undefined && v !== f.const) return fail(String(f.const));
      return;
    case 'number':
      if (typeof v !== 'number') return fail('number');
      return;
    case 'boolean':
      if (typeof v !== 'boolean') return fail('boolean');
      return;
    case 'array':
      if (node.kind !== 'seq') return fail('a list');
      node.items.forEach((item, i) => checkValue(ctx, f.items!, item, `${path}[${i}]`, lookup, depth + 1));
      return;
    case 'map':
      if (node.kind !== 'map') return fail('a map');
      for (const pair of node.pairs) checkValue(ctx, f.values!, pair.value, `${path}.${pair.key}`, lookup, depth + 1);
      return;
    case 'object':
      if (node.kind !== 'map') return fail('an object');
      checkProperties(ctx, f.properties!, node, path, lookup, false);
      return;
  }
}

function describe(node: YNode): string {
  if (node.kind === 'map') return 'an object';
  if (node.kind === 'seq') return 'a list';
  return node.value === null ? 'nothing (null)' : JSON.stringify(node.value);
}
