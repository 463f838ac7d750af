// Turns catalog field specs into TypeScript type text and zod schema text. Pure string building:
// the same spec always gives the same text, which keeps generated/ byte-deterministic.
import type { FieldSpec } from './schema.js';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function key(name: string): string {
  return IDENT.test(name) ? name : JSON.stringify(name);
}

function literal(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function literalUnion(values: (string | number)[]): string {
  return values.map(literal).join(' | ');
}

/** TypeScript type text for a field; `indent` is the indentation of the line the type starts on. */
export function tsType(f: FieldSpec, indent = ''): string {
  switch (f.type) {
    case 'string':
    case 'integer':
      return f.enum ? literalUnion(f.enum) : f.type === 'string' ? 'string' : 'number';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'any':
      return 'unknown';
    case 'file':
      return 'UploadInput';
    case 'array': {
      const inner = tsType(f.items!, indent);
      return /^[\w.]+$/.test(inner) ? `${inner}[]` : `Array<${inner}>`;
    }
    case 'map':
      return `Record<string, ${tsType(f.values!, indent)}>`;
    case 'object':
      return objectType(f.properties!, indent);
    case 'ref':
      return f.ref!;
  }
}

export function objectType(props: Record<string, FieldSpec>, indent = ''): string {
  const names = Object.keys(props);
  if (!names.length) return 'Record<string, never>';
  const inner = indent + '  ';
  const lines = names.map((name) => {
    const f = props[name]!;
    const doc = f.description ? `${inner}/** ${oneLine(f.description)} */\n` : '';
    return `${doc}${inner}${key(name)}${f.optional ? '?' : ''}: ${tsType(f, inner)};`;
  });
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/** zod schema text for a field, loose on objects so fields WeChat adds later do not fail validation. */
export function zodType(f: FieldSpec, indent = ''): string {
  const base = zodBase(f, indent);
  return f.optional ? `${base}.optional()` : base;
}

function zodBase(f: FieldSpec, indent: string): string {
  switch (f.type) {
    case 'string':
      return f.enum ? `z.enum(${JSON.stringify(f.enum)})` : 'z.string()';
    case 'integer':
      return f.enum ? `z.union([${f.enum.map((v) => `z.literal(${JSON.stringify(v)})`).join(', ')}])` : 'z.number().int()';
    case 'number':
      return 'z.number()';
    case 'boolean':
      return 'z.boolean()';
    case 'any':
    case 'file':
      return 'z.unknown()';
    case 'array':
      return `z.array(${zodType(f.items!, indent)})`;
    case 'map':
      return `z.record(z.string(), ${zodType(f.values!, indent)})`;
    case 'object':
      return zodObject(f.properties!, indent);
    case 'ref':
      return f.ref!;
  }
}

export function zodObject(props: Record<string, FieldSpec>, indent = ''): string {
  const names = Object.keys(props);
  if (!names.length) return 'z.looseObject({})';
  const inner = indent + '  ';
  const lines = names.map((name) => `${inner}${key(name)}: ${zodType(props[name]!, inner)},`);
  return `z.looseObject({\n${lines.join('\n')}\n${indent}})`;
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\*\//g, '*\\/').trim();
}

export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
