// The catalog format (version 2), defined once: which keys each kind of map takes and how a field
// is written. catalog/README.md documents the same tables for humans (a test keeps them in step).
// Readers here turn located YAML trees into checked values and report a problem, with the line of
// the offending key or value, for anything that does not fit.
import { FIELD_KINDS, REQUEST_ENCODINGS, type FieldKind, type RequestEncoding } from '../src/core/enums.js';
import type { YMap, YNode, YPair } from './load.js';
import type { ConstValue, Field } from './model.js';
import { didYouMean, type Problems } from './problems.js';

/** Keys of a namespace file. */
export const FILE_KEYS = ['namespace', 'title', 'docs', 'appTypes', 'defaults', 'types', 'endpoints'] as const;
/** Keys of a file's `defaults:`; an endpoint's own key wins. */
export const DEFAULTS_KEYS = ['host', 'auth', 'protocol', 'appTypes', 'encoding'] as const;
/** Keys of catalog/types.yaml. */
export const TYPES_FILE_KEYS = ['types'] as const;
export const ENDPOINT_KEYS = [
  'name',
  'summary',
  'docs',
  'method',
  'host',
  'path',
  'auth',
  'protocol',
  'appTypes',
  'idempotent',
  'clientCertificate',
  'pathParams',
  'query',
  'headers',
  'body',
  'form',
  'encoding',
  'response',
  'result',
  'errcodes',
  'example',
  'deprecated',
  'unverified',
  'pagination',
] as const;
export const FIELD_KEYS = ['type', 'optional', 'description', 'enum', 'const', 'sensitive', 'unverified', 'items', 'values', 'properties'] as const;
export const PAGINATION_KEYS = ['style', 'offset', 'count', 'cursor', 'items', 'next', 'total', 'more'] as const;
export const ERRCODE_KEYS = ['zh', 'en', 'category', 'work'] as const;
/** Keys of an errcode's `work:` (its WeCom meaning). */
export const WORK_ERRCODE_KEYS = ['zh', 'en', 'category'] as const;

/** Request body encodings an endpoint may name; multipart is implied by `form:`. */
export const WRITTEN_ENCODINGS = REQUEST_ENCODINGS.filter((e): e is Exclude<RequestEncoding, 'multipart'> => e !== 'multipart');

/** Built-in types a shorthand may name; containers need the object form (their items, values, properties). */
const SHORTHAND_KINDS: readonly FieldKind[] = FIELD_KINDS.filter((k) => k !== 'object' && k !== 'array' && k !== 'map');
const SHORTHAND = /^([A-Za-z][A-Za-z0-9]*)(\[\])?(\?)?$/;
/** Named types are PascalCase, so they never look like a built-in type. */
export const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
/** Field names: WeChat's own spelling, which is always an identifier. */
export const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** HTTP header names as Pay writes them (`Wechatpay-Serial`). */
export const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

export interface Ctx {
  file: string;
  /** `Namespace.endpoint` or `Namespace`: the label problems carry. */
  where: string;
  problems: Problems;
}

export function report(ctx: Ctx, line: number, path: string, message: string): void {
  ctx.problems.add(ctx.file, line, ctx.where, path, message);
}

export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** A YAML value as the author wrote it, for messages: `"strng"`, `42`, `a list`. */
export function shown(node: YNode): string {
  if (node.kind === 'map') return 'a map';
  if (node.kind === 'seq') return 'a list';
  return node.value === null ? 'nothing' : JSON.stringify(node.value);
}

/**
 * The pairs of a map whose keys are all in `keys`; an unknown key is reported at its own line
 * with the nearest known key. Undefined (and reported) when the node is not a map.
 */
export function mapOf(ctx: Ctx, node: YNode, path: string, keys: readonly string[] | undefined, what = 'a map'): Map<string, YPair> | undefined {
  if (node.kind !== 'map') {
    report(ctx, node.line, path, `expected ${what}, got ${shown(node)}`);
    return undefined;
  }
  const out = new Map<string, YPair>();
  for (const pair of node.pairs) {
    if (keys && !keys.includes(pair.key)) {
      report(ctx, pair.keyLine, path, `unknown key ${JSON.stringify(pair.key)}${didYouMean(pair.key, keys)}`);
      continue;
    }
    out.set(pair.key, pair);
  }
  return out;
}

export function str(ctx: Ctx, pair: YPair | undefined, path: string, opts: { required?: boolean; pattern?: RegExp; hint?: string } = {}): string | undefined {
  if (!pair) {
    return undefined;
  }
  const v = pair.value;
  if (v.kind !== 'scalar' || typeof v.value !== 'string' || (opts.required && !v.value)) {
    report(ctx, v.line, join(path, pair.key), `expected ${opts.hint ?? 'a text'}, got ${shown(v)}`);
    return undefined;
  }
  if (opts.pattern && !opts.pattern.test(v.value)) {
    report(ctx, v.line, join(path, pair.key), `${JSON.stringify(v.value)}: expected ${opts.hint ?? `text matching ${opts.pattern}`}`);
    return undefined;
  }
  return v.value;
}

export function bool(ctx: Ctx, pair: YPair | undefined, path: string): boolean | undefined {
  if (!pair) return undefined;
  const v = pair.value;
  if (v.kind !== 'scalar' || typeof v.value !== 'boolean') {
    report(ctx, v.line, join(path, pair.key), `expected true or false, got ${shown(v)}`);
    return undefined;
  }
  return v.value;
}

/** One of `values`, quoting the bad value and naming the nearest good one. */
export function oneOf<T extends string>(ctx: Ctx, pair: YPair | undefined, path: string, values: readonly T[], what: string): T | undefined {
  return pair ? pick(ctx, pair.value, join(path, pair.key), values, what) : undefined;
}

function pick<T extends string>(ctx: Ctx, v: YNode, at: string, values: readonly T[], what: string): T | undefined {
  if (v.kind === 'scalar' && typeof v.value === 'string' && (values as readonly string[]).includes(v.value)) return v.value as T;
  const word = v.kind === 'scalar' ? String(v.value) : '';
  report(ctx, v.line, at, `${shown(v)} is not ${what}${didYouMean(word, values)}; expected one of ${values.join(', ')}`);
  return undefined;
}

export function listOf<T extends string>(ctx: Ctx, pair: YPair | undefined, path: string, values: readonly T[], what: string): T[] | undefined {
  if (!pair) return undefined;
  const v = pair.value;
  const at = join(path, pair.key);
  if (v.kind !== 'seq' || !v.items.length) {
    report(ctx, v.line, at, `expected a non-empty list of ${what}s, got ${shown(v)}`);
    return undefined;
  }
  const out: T[] = [];
  let ok = true;
  v.items.forEach((item, i) => {
    const got = pick(ctx, item, join(at, i), values, what);
    if (!got) ok = false;
    else if (out.includes(got)) {
      report(ctx, item.line, join(at, i), `${got} is listed twice`);
      ok = false;
    } else out.push(got);
  });
  return ok ? out : undefined;
}

export function scalarValue(node: YNode): ConstValue | undefined {
  return node.kind === 'scalar' && node.value !== null ? node.value : undefined;
}

/**
 * A field: the shorthand (`string`, `integer[]?`, `MenuButton`) or the object form. Named types
 * are left as `ref` here; normalisation decides whether each is local or shared.
 */
export function readField(ctx: Ctx, node: YNode, path: string): Field | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') return shorthand(ctx, node.value, node.line, path);
  if (node.kind !== 'map') {
    report(ctx, node.line, path, `expected a type such as string, integer?, string[] or a field object, got ${shown(node)}`);
    return undefined;
  }
  const keys = mapOf(ctx, node, path, FIELD_KEYS);
  if (!keys) return undefined;
  const typePair = keys.get('type');
  if (!typePair) {
    report(ctx, node.line, path, 'a field object needs a type');
    return undefined;
  }
  const typeNode = typePair.value;
  const typeName = typeNode.kind === 'scalar' && typeof typeNode.value === 'string' ? typeNode.value : undefined;
  const isBuiltIn = typeName !== undefined && (FIELD_KINDS as readonly string[]).includes(typeName);
  if (!typeName || (!isBuiltIn && !TYPE_NAME.test(typeName))) {
    report(ctx, typeNode.line, path, `type: ${shown(typeNode)} is not a type${didYouMean(typeName ?? '', FIELD_KINDS)}`);
    return undefined;
  }
  const field: Field = isBuiltIn
    ? { type: typeName as FieldKind, optional: false, line: node.line }
    : { type: 'ref', ref: typeName, optional: false, line: node.line };
  let ok = true;
  const optional = bool(ctx, keys.get('optional'), path);
  if (optional) field.optional = true;
  const description = str(ctx, keys.get('description'), path);
  if (description !== undefined) field.description = description;
  const unverified = str(ctx, keys.get('unverified'), path, { required: true, hint: 'a text naming what the official docs do not confirm' });
  if (unverified !== undefined) field.unverified = unverified;
  const sensitive = bool(ctx, keys.get('sensitive'), path);
  if (sensitive) field.sensitive = true;

  const enumPair = keys.get('enum');
  if (enumPair) {
    const v = enumPair.value;
    const values = v.kind === 'seq' ? v.items.map(scalarValue) : [];
    if (v.kind !== 'seq' || !values.length || values.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      report(ctx, v.line, join(path, 'enum'), `expected a non-empty list of strings or integers, got ${shown(v)}`);
      ok = false;
    } else if (field.type !== 'string' && field.type !== 'integer') {
      report(ctx, enumPair.keyLine, join(path, 'enum'), 'enum is allowed on string and integer fields only');
      ok = false;
    } else {
      const wrong = values.find((x) => (field.type === 'string' ? typeof x !== 'string' : !Number.isInteger(x)));
      if (wrong !== undefined) {
        report(ctx, v.line, join(path, 'enum'), `${JSON.stringify(wrong)} is not ${field.type === 'string' ? 'a string (quote it)' : 'an integer'}`);
        ok = false;
      } else field.enum = values as (string | number)[];
    }
  }

  const constPair = keys.get('const');
  if (constPair) {
    const value = scalarValue(constPair.value);
    const expected = { string: 'string', integer: 'number', number: 'number', boolean: 'boolean' }[field.type as string];
    if (!expected) {
      report(ctx, constPair.keyLine, join(path, 'const'), 'const is allowed on string, integer, number and boolean fields only');
      ok = false;
    } else if (value === undefined || typeof value !== expected || (field.type === 'integer' && !Number.isInteger(value))) {
      report(ctx, constPair.value.line, join(path, 'const'), `${shown(constPair.value)} is not a ${field.type}`);
      ok = false;
    } else if (field.optional || field.enum) {
      report(ctx, constPair.keyLine, join(path, 'const'), `a const field is always sent: it takes no ${field.optional ? 'optional' : 'enum'}`);
      ok = false;
    } else field.const = value;
  }

  const items = keys.get('items');
  const values = keys.get('values');
  const properties = keys.get('properties');
  if (field.type === 'ref' && (items || values || properties)) {
    report(ctx, node.line, path, `${typeName} is a named type: it takes no items, values or properties`);
    return undefined;
  }
  const needs = { array: 'items', map: 'values', object: 'properties' } as const;
  const wants = needs[field.type as keyof typeof needs];
  const articles = { array: 'an array', map: 'a map', object: 'an object' } as const;
  if (wants && !keys.get(wants)) {
    report(ctx, node.line, path, `${articles[field.type as keyof typeof articles]} needs ${wants}`);
    return undefined;
  }
  for (const [name, pair] of [
    ['items', items],
    ['values', values],
    ['properties', properties],
  ] as const) {
    if (pair && wants !== name) {
      report(
        ctx,
        pair.keyLine,
        join(path, name),
        `${name} belongs to ${name === 'items' ? 'an array' : name === 'values' ? 'a map' : 'an object'}, not to a ${field.type}`,
      );
      ok = false;
    }
  }
  if (field.type === 'array' && items) {
    const inner = readField(ctx, items.value, join(path, 'items'));
    if (inner) field.items = inner;
    else ok = false;
  }
  if (field.type === 'map' && values) {
    const inner = readField(ctx, values.value, join(path, 'values'));
    if (inner) field.values = inner;
    else ok = false;
  }
  if (field.type === 'object' && properties) {
    const props = readFields(ctx, properties.value, path);
    if (props) field.properties = props;
    else ok = false;
  }
  return ok ? field : undefined;
}

function shorthand(ctx: Ctx, text: string, line: number, path: string): Field | undefined {
  const m = SHORTHAND.exec(text);
  const base = m?.[1];
  if (!m || !base || (!(SHORTHAND_KINDS as readonly string[]).includes(base) && !TYPE_NAME.test(base))) {
    if (base && (FIELD_KINDS as readonly string[]).includes(base)) {
      report(
        ctx,
        line,
        path,
        `${JSON.stringify(text)}: ${base} needs the object form ({ type: ${base}, ${base === 'array' ? 'items' : base === 'map' ? 'values' : 'properties'}: … })`,
      );
    } else {
      report(ctx, line, path, `${JSON.stringify(text)} is not a type${didYouMean(base ?? text, FIELD_KINDS)}`);
    }
    return undefined;
  }
  const inner: Field = TYPE_NAME.test(base) ? { type: 'ref', ref: base, optional: false, line } : { type: base as FieldKind, optional: false, line };
  const field: Field = m[2] ? { type: 'array', items: inner, optional: false, line } : inner;
  if (m[3]) field.optional = true;
  return field;
}

/** A field map (`properties`, `query`, ...): names are identifiers unless `names` says otherwise. */
export function readFields(
  ctx: Ctx,
  node: YNode,
  path: string,
  names: { pattern: RegExp; hint: string } = { pattern: FIELD_NAME, hint: 'field names are identifiers' },
): Record<string, Field> | undefined {
  if (node.kind === 'map') return readFieldMap(ctx, node, path, names);
  report(ctx, node.line, path, `expected a map of fields, got ${shown(node)}`);
  return undefined;
}

function readFieldMap(ctx: Ctx, node: YMap, path: string, names: { pattern: RegExp; hint: string }): Record<string, Field> | undefined {
  const out: Record<string, Field> = {};
  let ok = true;
  for (const pair of node.pairs) {
    const at = join(path, pair.key);
    if (!names.pattern.test(pair.key)) {
      report(ctx, pair.keyLine, at, `${JSON.stringify(pair.key)}: ${names.hint}`);
      ok = false;
      continue;
    }
    const f = readField(ctx, pair.value, at);
    if (f) out[pair.key] = f;
    else ok = false;
  }
  return ok ? out : undefined;
}
