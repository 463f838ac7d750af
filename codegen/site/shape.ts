// Registry fields shown as TypeScript: a result's shape, the parameter rows, the call snippet's
// sample arguments.
import type { RegistryEntry, RegistryField } from '../../src/registry/types.js';

type Fields = Readonly<Record<string, RegistryField>>;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function key(name: string): string {
  return IDENTIFIER.test(name) ? name : JSON.stringify(name);
}

function literal(value: string | number | boolean): string {
  return typeof value === 'string' ? `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'` : String(value);
}

/** A field's type on one line, objects written out over several (indented by `indent`). */
export function typeOf(field: RegistryField, indent = ''): string {
  if (field.const !== undefined) return literal(field.const);
  if (field.enum?.length) return field.enum.map(literal).join(' | ');
  switch (field.type) {
    case 'string':
      return 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'any':
      return 'unknown';
    case 'file':
      return 'UploadInput';
    case 'array': {
      const item = field.items ? typeOf(field.items, indent) : 'unknown';
      return /^[\w.]+$/.test(item) ? `${item}[]` : `Array<${item}>`;
    }
    case 'map':
      return `Record<string, ${field.values ? typeOf(field.values, indent) : 'unknown'}>`;
    case 'object':
      return field.properties && Object.keys(field.properties).length ? shapeOf(field.properties, indent) : 'Record<string, unknown>';
  }
  return 'unknown';
}

/** `{ name: type; … }` over several lines, each field's description as a comment above it. */
export function shapeOf(fields: Fields, indent = ''): string {
  const inner = `${indent}  `;
  const lines = ['{'];
  for (const [name, field] of Object.entries(fields)) {
    const notes = [field.description, field.unverified ? `unverified: ${field.unverified}` : undefined].filter(Boolean);
    for (const note of notes) lines.push(`${inner}/** ${String(note).replace(/\*\//g, '*\\/').replace(/\n/g, ' ')} */`);
    lines.push(`${inner}${key(name)}${field.optional ? '?' : ''}: ${typeOf(field, inner)};`);
  }
  lines.push(`${indent}}`);
  return lines.length === 2 ? '{}' : lines.join('\n');
}

export type Placement = 'path' | 'query' | 'header' | 'body' | 'form';

export interface ParamRow {
  placement: Placement;
  /** Dotted, with `[]` for array items: `articles[].title`. */
  name: string;
  depth: number;
  type: string;
  required: boolean;
  field: RegistryField;
}

function shortType(field: RegistryField): string {
  if (field.const !== undefined) return literal(field.const);
  if (field.enum?.length) return field.enum.map(literal).join(' | ');
  if (field.type === 'array') {
    const item = field.items;
    if (!item) return 'unknown[]';
    return item.type === 'object' && item.properties ? 'object[]' : `${shortType(item)}[]`;
  }
  if (field.type === 'object') return 'object';
  if (field.type === 'map') return `Record<string, ${field.values ? shortType(field.values) : 'unknown'}>`;
  return typeOf(field);
}

function rowsOf(placement: Placement, fields: Fields, prefix: string, depth: number, out: ParamRow[]): void {
  for (const [name, field] of Object.entries(fields)) {
    const full = prefix ? `${prefix}.${name}` : name;
    out.push({ placement, name: full, depth, type: shortType(field), required: !field.optional, field });
    let nested: RegistryField | undefined = field;
    let path = full;
    while (nested?.type === 'array' && nested.items) {
      nested = nested.items;
      path += '[]';
    }
    if (nested?.type === 'map' && nested.values) {
      nested = nested.values;
      path += '.*';
    }
    if (nested?.type === 'object' && nested.properties) rowsOf(placement, nested.properties, path, depth + 1, out);
  }
}

const PLACEMENTS: readonly [Placement, keyof RegistryEntry['params']][] = [
  ['path', 'pathParams'],
  ['query', 'query'],
  ['header', 'headers'],
  ['body', 'body'],
  ['form', 'form'],
];

export function paramRows(entry: RegistryEntry): ParamRow[] {
  const out: ParamRow[] = [];
  for (const [placement, key] of PLACEMENTS) rowsOf(placement, entry.params[key] ?? {}, '', 0, out);
  return out;
}

/** The parameters a caller passes (constants are sent by wxkit itself), in placement order. */
export function callerParams(entry: RegistryEntry): [string, RegistryField][] {
  const out: [string, RegistryField][] = [];
  for (const [, key] of PLACEMENTS) {
    for (const [name, field] of Object.entries(entry.params[key] ?? {})) if (field.const === undefined) out.push([name, field]);
  }
  return out;
}

function sample(name: string, field: RegistryField, indent: string, depth: number): string {
  if (field.enum?.length) return literal(field.enum[0]!);
  switch (field.type) {
    case 'string':
      return `'${name.toUpperCase()}'`;
    case 'integer':
    case 'number':
      if (/count|limit|size|num/i.test(name)) return '20';
      return '0';
    case 'boolean':
      return 'true';
    case 'file':
      return "{ data: bytes, filename: 'file.jpg' }";
    case 'array':
      if (!field.items || depth > 2) return '[]';
      return `[${sample(name, field.items, indent, depth + 1)}]`;
    case 'object':
      if (!field.properties || depth > 2) return '{}';
      return sampleObject(
        Object.entries(field.properties).filter(([, f]) => !f.optional && f.const === undefined),
        indent,
        depth + 1,
      );
    default:
      return '{}';
  }
}

function sampleObject(fields: [string, RegistryField][], indent: string, depth: number): string {
  if (!fields.length) return '{}';
  const parts = fields.map(([name, field]) => `${key(name)}: ${sample(name, field, `${indent}  `, depth)}`);
  const oneLine = `{ ${parts.join(', ')} }`;
  if (oneLine.length + indent.length <= 96 && !oneLine.includes('\n')) return oneLine;
  return `{\n${fields.map(([name, field]) => `${indent}  ${key(name)}: ${sample(name, field, `${indent}  `, depth)},`).join('\n')}\n${indent}}`;
}

/** The call's argument: required parameters with sample values (optional ones left out). */
export function sampleArguments(entry: RegistryEntry): string | null {
  const params = callerParams(entry);
  if (!params.length) return null;
  const required = params.filter(([, f]) => !f.optional);
  return sampleObject(required, '', 0);
}
