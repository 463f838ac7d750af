// Questions several emitters ask of the model: where a namespace's module lives, which named
// types a set of fields uses, what a field is with its named types written out.
import { APP_TYPE_FOLDERS } from '../../src/core/enums.js';
import type { Catalog, Endpoint, Field, NamedType, Namespace } from '../model.js';

/** Path of a namespace's module inside the output, without extension: `official-account/material`. */
export function modulePath(ns: Namespace): string {
  return `${APP_TYPE_FOLDERS[ns.folder]}/${ns.base}`;
}

export function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

export type Lookup = (name: string) => NamedType | undefined;

export function lookupOf(catalog: Catalog, ns: Namespace | undefined): Lookup {
  const local = new Map((ns?.types ?? []).map((t) => [t.name, t]));
  const shared = new Map(catalog.shared.map((t) => [t.name, t]));
  return (n) => local.get(n) ?? shared.get(n);
}

/** Named types a field refers to directly (not through other named types), by scope. */
export function refsIn(f: Field | undefined, out: { local: Set<string>; shared: Set<string> }): void {
  if (!f) return;
  if (f.type === 'ref') (f.scope === 'shared' ? out.shared : out.local).add(f.ref!);
  refsIn(f.items, out);
  refsIn(f.values, out);
  for (const p of Object.values(f.properties ?? {})) refsIn(p, out);
}

/** Does the field hold an upload anywhere, named types included? */
export function holdsFile(f: Field, lookup: Lookup, depth = 0): boolean {
  if (depth > 20) return false;
  if (f.type === 'file') return true;
  if (f.type === 'ref') {
    const t = lookup(f.ref!);
    return !!t && holdsFile(t.field, lookup, depth + 1);
  }
  if (f.items && holdsFile(f.items, lookup, depth + 1)) return true;
  if (f.values && holdsFile(f.values, lookup, depth + 1)) return true;
  return Object.values(f.properties ?? {}).some((p) => holdsFile(p, lookup, depth + 1));
}

/** Parameters the caller passes: everything but constants. */
export function callerParams(e: Endpoint) {
  return e.params.filter((p) => p.field.const === undefined);
}

/** The registry's field: named types written out, keys in one fixed order, defaults left out. */
export interface PlainField {
  type: Exclude<Field['type'], 'ref'>;
  optional?: true;
  description?: string;
  enum?: (string | number)[];
  const?: string | number | boolean;
  sensitive?: true;
  unverified?: string;
  items?: PlainField;
  values?: PlainField;
  properties?: Record<string, PlainField>;
}

/**
 * The field with every named type replaced by its definition (checks have ruled out cycles). A use
 * site's `optional`, `description` and `unverified` win over the type's, so a shape reads the same
 * whether it was written inline or by name.
 */
export function plainField(f: Field, lookup: Lookup, depth = 0): PlainField {
  const base = f.type === 'ref' && depth < 40 ? lookup(f.ref!)?.field : f;
  if (!base) return { type: 'any' };
  const resolved = f.type === 'ref' ? plainField(base, lookup, depth + 1) : undefined;
  const type = resolved ? resolved.type : (f.type as PlainField['type']);
  const out: PlainField = { type };
  if (f.optional || resolved?.optional) out.optional = true;
  const description = f.description ?? resolved?.description;
  if (description !== undefined) out.description = description;
  const e = f.enum ?? resolved?.enum;
  if (e) out.enum = e;
  const c = f.const ?? resolved?.const;
  if (c !== undefined) out.const = c;
  if (f.sensitive || resolved?.sensitive) out.sensitive = true;
  const unverified = f.unverified ?? resolved?.unverified;
  if (unverified !== undefined) out.unverified = unverified;
  if (resolved) {
    if (resolved.items) out.items = resolved.items;
    if (resolved.values) out.values = resolved.values;
    if (resolved.properties) out.properties = resolved.properties;
  } else {
    if (f.items) out.items = plainField(f.items, lookup, depth + 1);
    if (f.values) out.values = plainField(f.values, lookup, depth + 1);
    if (f.properties) out.properties = plainFields(f.properties, lookup, depth + 1);
  }
  return out;
}

export function plainFields(fields: Record<string, Field>, lookup: Lookup, depth = 0): Record<string, PlainField> {
  const out: Record<string, PlainField> = {};
  for (const [k, f] of Object.entries(fields)) out[k] = plainField(f, lookup, depth);
  return out;
}

/** Named types in an order where each comes after the ones it uses (a const must exist before use). */
export function dependencyOrder(names: Iterable<string>, lookup: Lookup, scope: 'local' | 'shared'): string[] {
  const order: string[] = [];
  const visit = (name: string): void => {
    if (order.includes(name)) return;
    const t = lookup(name);
    if (!t || t.scope !== scope) return;
    const refs = { local: new Set<string>(), shared: new Set<string>() };
    refsIn(t.field, refs);
    for (const dep of scope === 'local' ? refs.local : refs.shared) if (dep !== name) visit(dep);
    order.push(name);
  };
  for (const n of names) visit(n);
  return order;
}
