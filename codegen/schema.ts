// The catalog format, defined once. `catalog/README.md` documents it for humans; this file is
// what `npm run generate` enforces. Every rule here produces an error that names the YAML file,
// line, endpoint and field, so a catalog author never reads a stack trace.
import { z } from 'zod';

export const APP_TYPES = ['official_account', 'mini_program', 'component'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const AUTH_KINDS = ['access_token', 'component_access_token', 'appsecret', 'component_appsecret', 'none'] as const;
export type AuthKind = (typeof AUTH_KINDS)[number];

export const SCALAR_TYPES = ['string', 'integer', 'number', 'boolean', 'any', 'file'] as const;

/** `string`, `integer?`, `string[]`, `integer[]?`, or a named type of the file: `MenuButton[]?` */
const SHORTHAND = /^(string|integer|number|boolean|any|file|[A-Z][A-Za-z0-9]*)(\[\])?(\?)?$/;
/** Names of the file's `types:`; PascalCase, so they never look like a built-in type. */
export const TYPE_NAME = /^[A-Z][A-Za-z0-9]*$/;
const BUILT_IN = ['string', 'integer', 'number', 'boolean', 'any', 'file', 'object', 'array', 'map'] as const;

export interface FieldSpec {
  /** `ref`: one of the file's named `types`, given in `ref`. */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'any' | 'file' | 'object' | 'array' | 'map' | 'ref';
  ref?: string;
  optional?: boolean;
  description?: string;
  enum?: (string | number)[];
  items?: FieldSpec;
  values?: FieldSpec;
  properties?: Record<string, FieldSpec>;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const fieldSchema: z.ZodType<FieldSpec> = z.lazy(() =>
  z.union([
    z
      .string()
      .regex(SHORTHAND, 'expected a type such as string, integer?, string[] or a field object')
      .transform((s): FieldSpec => {
        const [, base, list, opt] = SHORTHAND.exec(s)!;
        const scalar: FieldSpec = TYPE_NAME.test(base!) ? { type: 'ref', ref: base! } : { type: base as FieldSpec['type'] };
        return list ? { type: 'array', items: scalar, optional: !!opt } : { ...scalar, optional: !!opt };
      }),
    z
      .strictObject({
        type: z.union([z.enum(BUILT_IN), z.string().regex(TYPE_NAME, 'expected a built-in type or a name from the file\'s types')]),
        optional: z.boolean().optional(),
        description: z.string().optional(),
        enum: z.array(z.union([z.string(), z.number()])).min(1).optional(),
        items: fieldSchema.optional(),
        values: fieldSchema.optional(),
        properties: z.record(z.string().regex(IDENT, 'field names must be identifiers'), fieldSchema).optional(),
      })
      .superRefine((f, ctx) => {
        if (f.type === 'array' && !f.items) ctx.addIssue({ code: 'custom', message: 'an array needs items' });
        if (f.type === 'map' && !f.values) ctx.addIssue({ code: 'custom', message: 'a map needs values' });
        if (f.type === 'object' && !f.properties) ctx.addIssue({ code: 'custom', message: 'an object needs properties' });
        if (f.enum && f.type !== 'string' && f.type !== 'integer') {
          ctx.addIssue({ code: 'custom', message: 'enum is allowed on string and integer fields only' });
        }
        if (TYPE_NAME.test(f.type) && (f.items || f.values || f.properties)) {
          ctx.addIssue({ code: 'custom', message: `${f.type} is a named type: it takes no items, values or properties` });
        }
      })
      .transform((f): FieldSpec => (TYPE_NAME.test(f.type) ? { ...f, type: 'ref', ref: f.type } : (f as FieldSpec))),
  ]),
);

const fields = z.record(z.string().regex(IDENT, 'field names must be identifiers'), fieldSchema);

export const endpointSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'expected a camelCase name such as batchGetMaterial'),
    summary: z.string().min(1),
    docs: z.url().optional(),
    method: z.enum(['GET', 'POST']),
    host: z.string().regex(/^[a-z0-9.-]+$/).optional(),
    path: z.string().regex(/^\/[A-Za-z0-9_\-/.]*$/, 'expected an absolute path without query string'),
    auth: z.enum(AUTH_KINDS),
    appTypes: z.array(z.enum(APP_TYPES)).min(1).optional(),
    idempotent: z.boolean(),
    query: fields.optional(),
    body: fields.optional(),
    form: fields.optional(),
    response: z.enum(['json', 'binary', 'text']).default('json'),
    result: fields.optional(),
    errcodes: z.array(z.number().int()).optional(),
    example: z.unknown().optional(),
    deprecated: z.string().optional(),
  })
  .superRefine((e, ctx) => {
    if (e.body && e.form) ctx.addIssue({ code: 'custom', path: ['form'], message: 'an endpoint has body or form, not both' });
    if (e.method === 'GET' && (e.body || e.form)) {
      ctx.addIssue({ code: 'custom', path: [e.body ? 'body' : 'form'], message: 'a GET endpoint takes query parameters only' });
    }
    const seen = new Map<string, string>();
    for (const where of ['query', 'body', 'form'] as const) {
      for (const key of Object.keys(e[where] ?? {})) {
        const other = seen.get(key);
        if (other) ctx.addIssue({ code: 'custom', path: [where, key], message: `also declared in ${other}` });
        seen.set(key, where);
      }
    }
    if (e.response === 'json' && !e.result) ctx.addIssue({ code: 'custom', path: ['result'], message: 'a json endpoint needs a result schema' });
    if (e.response === 'json' && e.example === undefined) {
      ctx.addIssue({ code: 'custom', path: ['example'], message: 'a json endpoint needs an example response' });
    }
    if (e.form && !Object.values(e.form).some((f) => f.type === 'file')) {
      ctx.addIssue({ code: 'custom', path: ['form'], message: 'a multipart form needs at least one file field' });
    }
  });

export const catalogFileSchema = z.strictObject({
  namespace: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'expected a PascalCase namespace such as Material'),
  title: z.string().min(1),
  docs: z.url().optional(),
  appTypes: z.array(z.enum(APP_TYPES)).min(1),
  /** Shapes used in several places, generated once as named types (`Menu.MenuButton`). */
  types: z.record(z.string().regex(TYPE_NAME, 'type names are PascalCase'), fieldSchema).optional(),
  endpoints: z.array(endpointSchema).min(1),
}).superRefine((file, ctx) => {
  const types = file.types ?? {};
  const used = new Set<string>();
  const visit = (f: FieldSpec, path: PropertyKey[]): void => {
    if (f.type === 'ref') {
      used.add(f.ref!);
      if (!(f.ref! in types)) ctx.addIssue({ code: 'custom', path, message: `unknown type ${f.ref}; declare it under types:` });
    }
    if (f.items) visit(f.items, [...path, 'items']);
    if (f.values) visit(f.values, [...path, 'values']);
    for (const [k, p] of Object.entries(f.properties ?? {})) visit(p, [...path, 'properties', k]);
  };
  file.endpoints.forEach((e, i) => {
    for (const where of ['query', 'body', 'form', 'result'] as const) {
      for (const [k, f] of Object.entries(e[where] ?? {})) visit(f, ['endpoints', i, where, k]);
    }
  });
  for (const [name, f] of Object.entries(types)) visit(f, ['types', name]);
  for (const name of Object.keys(types)) {
    if (!used.has(name)) ctx.addIssue({ code: 'custom', path: ['types', name], message: `type ${name} is declared but never used` });
    const cycle = cycleFrom(name, types, []);
    if (cycle) ctx.addIssue({ code: 'custom', path: ['types', name], message: `types refer to themselves: ${cycle.join(' → ')}` });
  }
});

/** A path of named types leading back to `name`, if any: generated zod schemas cannot be recursive. */
function cycleFrom(name: string, types: Record<string, FieldSpec>, seen: string[]): string[] | undefined {
  if (seen.includes(name)) return seen[0] === name ? [...seen, name] : undefined;
  for (const ref of refsIn(types[name])) {
    const found = cycleFrom(ref, types, [...seen, name]);
    if (found) return found;
  }
  return undefined;
}

/** The named types a field refers to directly or through nested fields. */
export function refsIn(f: FieldSpec | undefined): string[] {
  if (!f) return [];
  if (f.type === 'ref') return [f.ref!];
  return [...refsIn(f.items), ...refsIn(f.values), ...Object.values(f.properties ?? {}).flatMap(refsIn)];
}

export type EndpointSpec = z.output<typeof endpointSchema>;
export type CatalogFile = z.output<typeof catalogFileSchema>;

export const errcodeSchema = z.strictObject({
  zh: z.string().optional(),
  en: z.string().optional(),
  category: z.enum(['ok', 'token', 'credential', 'rate_limit', 'system_busy', 'parameter', 'permission', 'not_found', 'content', 'other']),
});
export const errcodesFileSchema = z.record(z.string().regex(/^-?\d+$/), errcodeSchema);
