// The typed module of one namespace: its named types, and per endpoint the Params and Result types
// and the `defineEndpoint` descriptor the runtime reads.
import { StructureKind } from 'ts-morph';
import type { CodeBlockWriter } from 'ts-morph';
import type { Catalog, Endpoint, Errcode, Field, Namespace } from '../model.js';
import { PAGINATION_KEYS } from '../format.js';
import { DEFAULT_HOST, PLACEMENTS } from '../model.js';
import {
  block,
  fieldDocs,
  key,
  oneLine,
  printModule,
  quote,
  runtimeImport,
  writeDocs,
  writeObjectType,
  writeType,
  type Paths,
  type Statement,
} from './common.js';
import { callerParams, lookupOf, modulePath, pascal, refsIn, type Lookup } from './shape.js';

export const SHARED_TYPES_MODULE = 'types';

/** Answers the runtime validates against a schema (call.ts skips the others). */
export function validated(e: Endpoint): boolean {
  return e.response === 'json' || e.response === 'xml';
}

export function emitModule(ns: Namespace, catalog: Catalog, paths: Paths): string {
  const lookup = lookupOf(catalog, ns);
  const here = `${modulePath(ns)}.ts`;
  const endpointModule = runtimeImport(paths, here, 'core/endpoint.js');
  const statements: Statement[] = [
    {
      kind: StructureKind.ImportDeclaration,
      moduleSpecifier: endpointModule,
      namedImports: [
        ...(ns.endpoints.some((e) => !e.pagination) ? ['defineEndpoint'] : []),
        ...(ns.endpoints.some((e) => e.pagination) ? ['definePagedEndpoint'] : []),
        ...(ns.endpoints.some(validated) ? ['loadSchema'] : []),
      ],
    },
  ];

  const usesUpload =
    ns.types.some((t) => printsFile(t.field)) ||
    ns.endpoints.some(
      (e) =>
        callerParams(e).some((p) => !e.blockRefs[p.placement as 'query' | 'body'] && printsFile(p.field)) ||
        (!e.resultRef && Object.values(e.result ?? {}).some(printsFile)),
    );
  const usesBinary = ns.endpoints.some((e) => e.response === 'binary' || e.response === 'json_or_binary');
  const runtimeTypes = [...(usesBinary ? ['BinaryResult'] : []), ...(usesUpload ? ['UploadInput'] : [])];
  if (runtimeTypes.length)
    statements.push({ kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: endpointModule, namedImports: runtimeTypes });

  const shared = sharedTypesUsed(ns);
  if (shared.length) {
    const spec = `${'../'.repeat(modulePath(ns).split('/').length - 1)}${SHARED_TYPES_MODULE}.js`;
    statements.push({ kind: StructureKind.ImportDeclaration, isTypeOnly: true, moduleSpecifier: spec, namedImports: shared });
    // Re-exported so `OAuth.OAuthToken` names the shape like any type of the namespace.
    statements.push({ kind: StructureKind.ExportDeclaration, isTypeOnly: true, moduleSpecifier: spec, namedExports: shared });
  }

  for (const t of ns.types) {
    statements.push(
      block((w) => {
        writeDocs(w, fieldDocs(t.field));
        w.write(`export type ${t.name} = `);
        writeType(w, { ...t.field, optional: false });
        w.write(';').newLine();
      }),
    );
  }
  for (const e of ns.endpoints) statements.push(...endpointStatements(e, lookup, catalog, modulePath(ns)));
  return printModule(ns.file, statements);
}

/** Does the text printed for this field (named types by name) mention an upload? */
function printsFile(f: Field): boolean {
  return f.type === 'file' || (!!f.items && printsFile(f.items)) || (!!f.values && printsFile(f.values)) || Object.values(f.properties ?? {}).some(printsFile);
}

/** Shared types the module's own text names. */
function sharedTypesUsed(ns: Namespace): string[] {
  const refs = { local: new Set<string>(), shared: new Set<string>() };
  for (const t of ns.types) refsIn(t.field, refs);
  for (const e of ns.endpoints) {
    for (const p of callerParams(e)) if (!e.blockRefs[p.placement as 'query' | 'body']) refsIn(p.field, refs);
    for (const b of Object.values(e.blockRefs)) if (b?.scope === 'shared') refs.shared.add(b.name);
    if (e.resultRef) {
      if (e.resultRef.scope === 'shared') refs.shared.add(e.resultRef.name);
    } else for (const f of Object.values(e.result ?? {})) refsIn(f, refs);
  }
  return [...refs.shared].sort();
}

function endpointStatements(e: Endpoint, lookup: Lookup, errcodes: Pick<Catalog, 'errcodes' | 'workErrcodes'>, module: string): Statement[] {
  const T = pascal(e.name);
  const out: Statement[] = [];
  const callers = callerParams(e);
  // An endpoint whose every parameter is a constant takes none from the caller: defineEndpoint
  // (src/core/endpoint.ts) skips constants too, so it is called `fn(client, options)`.
  const paramsType = callers.length ? `${T}Params` : 'void';
  if (paramsType !== 'void') {
    out.push(
      block((w) => {
        w.write(`export type ${T}Params = `);
        writeParamsType(w, e);
        w.write(';').newLine();
      }),
    );
  }
  let resultType: string;
  if (e.response === 'json' || e.response === 'xml' || e.response === 'json_or_binary') {
    out.push(
      block((w) => {
        if (e.response === 'json_or_binary') writeDocs(w, ['The JSON answer; other kinds answer bytes (BinaryResult).']);
        w.write(`export type ${T}Result = `);
        if (e.resultRef) w.write(e.resultRef.name);
        else writeObjectType(w, e.result ?? {});
        w.write(';').newLine();
      }),
    );
    resultType = e.response === 'json_or_binary' ? `BinaryResult | ${T}Result` : `${T}Result`;
  } else resultType = e.response === 'binary' ? 'BinaryResult' : 'string';

  out.push(
    block((w) => {
      writeDocs(w, jsdoc(e, errcodes));
      const apps = e.appTypes.map(quote).join(' | ');
      const p = e.pagination;
      if (p) {
        // The iterator sets offset / cursor / count itself, so its parameters leave them out; a
        // required cursor stays, as the caller's starting point.
        const optionalCursor = p.cursor && callers.some((c) => c.name === p.cursor && c.field.optional) ? p.cursor : undefined;
        const set = [p.offset, optionalCursor, p.count].filter((k): k is string => !!k && callers.some((c) => c.name === k));
        const generics = `${paramsType}, ${resultType}, ${apps}, ${quote(p.items)}, ${set.length ? set.map(quote).join(' | ') : 'never'}`;
        w.write(`export const ${e.name} = /* @__PURE__ */ definePagedEndpoint<${generics}>({`).newLine();
      } else w.write(`export const ${e.name} = /* @__PURE__ */ defineEndpoint<${paramsType}, ${resultType}, ${apps}>({`).newLine();
      w.indent(() => writeDescriptor(w, e, lookup, errcodes, module));
      w.write('});').newLine();
    }),
  );
  return out;
}

/** The caller's parameters: inline ones as an object type, named blocks by name, constants left out. */
function writeParamsType(w: CodeBlockWriter, e: Endpoint): void {
  const callers = callerParams(e);
  const inline = callers.filter((p) => !e.blockRefs[p.placement as 'query' | 'body']);
  const parts: (() => void)[] = [];
  if (inline.length || !Object.keys(e.blockRefs).length) {
    const props = Object.fromEntries(inline.map((p) => [p.name, p.field]));
    parts.push(() => writeObjectType(w, props));
  }
  for (const placement of ['query', 'body'] as const) {
    const ref = e.blockRefs[placement];
    if (!ref) continue;
    const consts = e.params.filter((p) => p.placement === placement && p.field.const !== undefined).map((p) => quote(p.name));
    parts.push(() => w.write(consts.length ? `Omit<${ref.name}, ${consts.join(' | ')}>` : ref.name));
  }
  parts.forEach((write, i) => {
    if (i) w.write(' & ');
    write();
  });
}

function list(names: string[]): string {
  return `[${names.map(quote).join(', ')}]`;
}

function writeDescriptor(w: CodeBlockWriter, e: Endpoint, lookup: Lookup, errcodes: Pick<Catalog, 'errcodes' | 'workErrcodes'>, module: string): void {
  const line = (text: string) => w.write(text).write(',').newLine();
  line(`id: ${quote(e.id)}`);
  line(`method: ${quote(e.method)}`);
  if (e.host !== DEFAULT_HOST) line(`host: ${quote(e.host)}`);
  line(`path: ${quote(e.path)}`);
  line(`auth: ${quote(e.auth)}`);
  if (e.protocol !== 'wechat') line(`protocol: ${quote(e.protocol)}`);
  line(`appTypes: ${list(e.appTypes)}`);
  line(`idempotent: ${e.idempotent}`);
  if (e.clientCertificate) line('clientCertificate: true');
  if (e.encoding !== 'json' && e.encoding !== 'multipart') line(`encoding: ${quote(e.encoding)}`);
  if (e.response !== 'json') line(`response: ${quote(e.response)}`);
  if (e.deprecated) line(`deprecated: ${quote(oneLine(e.deprecated))}`);
  for (const placement of PLACEMENTS) {
    const names = e.params.filter((p) => p.placement === placement).map((p) => p.name);
    if (names.length) line(`${placement}: ${list(names)}`);
  }
  const files = e.params.filter((p) => p.placement === 'form' && holdsFileDirectly(p.field, lookup)).map((p) => p.name);
  if (files.length) line(`files: ${list(files)}`);
  const consts = e.params.filter((p) => p.field.const !== undefined);
  if (consts.length) {
    const value = (v: string | number | boolean) => (typeof v === 'string' ? quote(v) : String(v));
    line(`consts: { ${consts.map((p) => `${key(p.name)}: ${value(p.field.const!)}`).join(', ')} }`);
  }
  const sensitive = e.params.flatMap((p) => sensitivePaths(p.field, p.name, lookup, 0));
  if (sensitive.length) line(`sensitive: ${list(sensitive)}`);
  const required = callerParams(e)
    .filter((p) => !p.field.optional)
    .map((p) => p.name);
  if (required.length) line(`required: ${list(required)}`);
  if (e.pagination) {
    const p = e.pagination;
    const keys = PAGINATION_KEYS.filter((k) => p[k] !== undefined);
    line(`pagination: { ${keys.map((k) => `${k}: ${quote(p[k]!)}`).join(', ')} }`);
  }
  // The official meaning of each code the endpoint documents, so a bundle needs no errcode table
  // for them (src/protocols/errcodes.ts): [category, Chinese message, English message].
  const documented = e.errcodes.map(({ code }) => [code, meaningOf(e, code, errcodes)] as const).filter((x): x is [number, Errcode] => !!x[1]);
  if (documented.length) {
    w.write('errcodes: {').newLine();
    w.indent(() => {
      for (const [code, info] of documented) {
        const row = [quote(info.category), ...(info.zh || info.en ? [quote(info.zh ?? '')] : []), ...(info.en ? [quote(info.en)] : [])];
        w.write(`${code < 0 ? quote(String(code)) : code}: [${row.join(', ')}],`).newLine();
      }
    });
    w.write('},').newLine();
  }
  // Loaded by a specifier computed at run time, only when validation is on (src/core/schemas.ts):
  // no bundler inlines the schemas or zod into an endpoint's bundle.
  if (validated(e)) line(`schema: () => loadSchema(import.meta.url, ${quote(module)}, ${quote(e.name)})`);
}

/** What `code` means for this endpoint: WeCom's meaning for a WeCom endpoint where the two differ. */
function meaningOf(e: Endpoint, code: number, { errcodes, workErrcodes }: Pick<Catalog, 'errcodes' | 'workErrcodes'>): Errcode | undefined {
  const wecom = e.appTypes.every((t) => t === 'work');
  return (wecom ? workErrcodes.get(code) : undefined) ?? errcodes.get(code) ?? workErrcodes.get(code);
}

/**
 * Dotted paths of the sensitive strings under a parameter (`payee.name`); lists are transparent, as
 * the runtime walks every element (`receivers.name`).
 */
function sensitivePaths(f: Field, path: string, lookup: Lookup, depth: number): string[] {
  if (depth > 20) return [];
  if (f.sensitive) return [path];
  if (f.type === 'ref') {
    const t = lookup(f.ref!);
    return t ? sensitivePaths(t.field, path, lookup, depth + 1) : [];
  }
  if (f.items) return sensitivePaths(f.items, path, lookup, depth + 1);
  if (f.values) return [];
  return Object.entries(f.properties ?? {}).flatMap(([k, p]) => sensitivePaths(p, `${path}.${k}`, lookup, depth + 1));
}

/** A form field that is itself an upload (named file types included). */
function holdsFileDirectly(f: Endpoint['params'][number]['field'], lookup: Lookup): boolean {
  if (f.type === 'file') return true;
  return f.type === 'ref' && lookup(f.ref!)?.field.type === 'file';
}

function jsdoc(e: Endpoint, { errcodes, workErrcodes }: Pick<Catalog, 'errcodes' | 'workErrcodes'>): string[] {
  const parts = [oneLine(e.summary), ''];
  if (e.docs) parts.push(`@see ${e.docs}`);
  // A WeCom endpoint documents WeCom's meaning of a code where the two differ.
  for (const { code } of e.errcodes) {
    const info = meaningOf(e, code, { errcodes, workErrcodes });
    const text = info?.zh ? ` ${oneLine(info.zh)}` : info?.en ? ` ${oneLine(info.en)}` : '';
    parts.push(`@throws {WxApiError} errcode ${code}${text}`);
  }
  if (e.unverified) parts.push(`@unverified ${oneLine(e.unverified)}`);
  if (e.deprecated) parts.push(`@deprecated ${oneLine(e.deprecated)}`);
  while (parts[parts.length - 1] === '') parts.pop();
  return parts;
}
