// The registry: every endpoint as data (`wxkit/registry`), for tools, docs, the simulator and raw
// requests. One formatted JSON file per namespace, so a catalog change shows as a readable diff of
// that namespace only; a TypeScript index imports them (JSON import attributes) in id order.
// JSON rather than object literals: at 2,000 endpoints a literal is megabytes that tsc would infer
// and check against RegistryEntry and the printer would walk character by character; JSON is
// written by JSON.stringify and parsed by the engine. Examples are not in here (see examples.ts):
// what users load stays small.
import { StructureKind } from 'ts-morph';
import { APP_TYPE_FOLDERS } from '../../src/core/enums.js';
import type { Catalog, Endpoint, Namespace } from '../model.js';
import { PAGINATION_KEYS } from '../format.js';
import { PLACEMENTS } from '../model.js';
import { block, printModule, runtimeImport, type Paths } from './common.js';
import { lookupOf, modulePath, plainFields, type Lookup } from './shape.js';

export const REGISTRY_DIR = 'registry';

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Namespaces in the order that keeps the concatenated entries sorted by id (folder breaks ties). */
export function registryOrder(catalog: Catalog): Namespace[] {
  const key = (ns: Namespace) => `${ns.namespace} ${APP_TYPE_FOLDERS[ns.folder]}`;
  return [...catalog.namespaces].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The index's name for a namespace's entries: namespaces repeat across folders, folder + namespace do not. */
function alias(ns: Namespace): string {
  return `${APP_TYPE_FOLDERS[ns.folder].replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}${ns.namespace}`;
}

export function entryOf(e: Endpoint, ns: Namespace, lookup: Lookup): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const placement of PLACEMENTS) {
    params[placement] = plainFields(Object.fromEntries(e.params.filter((p) => p.placement === placement).map((p) => [p.name, p.field])), lookup);
  }
  const pagination = e.pagination
    ? Object.fromEntries(PAGINATION_KEYS.filter((k) => e.pagination![k] !== undefined).map((k) => [k, e.pagination![k]]))
    : undefined;
  return {
    id: e.id,
    namespace: e.namespace,
    name: e.name,
    summary: e.summary,
    docs: e.docs,
    appTypes: e.appTypes,
    method: e.method,
    host: e.host,
    path: e.path,
    auth: e.auth,
    protocol: e.protocol,
    idempotent: e.idempotent,
    clientCertificate: e.clientCertificate,
    encoding: e.encoding,
    response: e.response,
    params,
    result: e.result ? plainFields(e.result, lookup) : undefined,
    errcodes: e.errcodes.length ? e.errcodes.map((c) => c.code) : undefined,
    deprecated: e.deprecated,
    unverified: e.unverified,
    pagination,
    module: modulePath(ns),
  };
}

export function emitRegistry(catalog: Catalog, paths: Paths): Map<string, string> {
  const out = new Map<string, string>();
  const order = registryOrder(catalog);
  for (const ns of order) {
    const lookup = lookupOf(catalog, ns);
    const entries = [...ns.endpoints].sort(byName).map((e) => entryOf(e, ns, lookup));
    out.set(`${REGISTRY_DIR}/${modulePath(ns)}.json`, `${JSON.stringify(entries, null, 2)}\n`);
  }
  const index = `${REGISTRY_DIR}/index.ts`;
  out.set(
    index,
    printModule('catalog/', [
      {
        kind: StructureKind.ImportDeclaration,
        isTypeOnly: true,
        moduleSpecifier: runtimeImport(paths, index, 'registry/types.js'),
        namedImports: ['RegistryEntry'],
      },
      // Written by hand: ts-morph spreads import attributes over three lines each.
      (w) => {
        for (const ns of order) w.writeLine(`import ${alias(ns)} from './${modulePath(ns)}.json' with { type: 'json' };`);
      },
      block((w) => {
        w.writeLine('/**');
        w.writeLine(' * Every catalogued endpoint, sorted by id. Data only: look-ups live in `wxkit/registry`. The');
        w.writeLine(' * generator writes the files from its typed model; each is cast on its own, since spreading');
        w.writeLine(' * their inferred JSON types together is a union too large for tsc (TS2590).');
        w.writeLine(' */');
        w.write('export const endpoints: readonly RegistryEntry[] = [').newLine();
        w.indent(() => {
          for (const ns of order) w.write(`...(${alias(ns)} as unknown as readonly RegistryEntry[]),`).newLine();
        });
        w.write('];').newLine();
      }),
    ]),
  );
  return out;
}
