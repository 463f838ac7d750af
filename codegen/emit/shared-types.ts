// catalog/types.yaml: the named types any catalog file may use, generated once (types.ts) with
// their zod schemas (types.schema.ts); modules import what they name.
import { StructureKind } from 'ts-morph';
import type { Catalog, Field } from '../model.js';
import { block, fieldDocs, printModule, runtimeImport, writeDocs, writeType, writeZod, type Paths, type Statement } from './common.js';
import { SHARED_TYPES_MODULE } from './modules.js';
import { dependencyOrder, lookupOf } from './shape.js';

function printsFile(f: Field): boolean {
  return f.type === 'file' || (!!f.items && printsFile(f.items)) || (!!f.values && printsFile(f.values)) || Object.values(f.properties ?? {}).some(printsFile);
}

export function emitSharedTypes(catalog: Catalog, paths: Paths): Map<string, string> {
  const out = new Map<string, string>();
  if (!catalog.shared.length) return out;
  const from = catalog.sharedFile ?? 'catalog/types.yaml';
  const file = `${SHARED_TYPES_MODULE}.ts`;
  const types: Statement[] = [];
  if (catalog.shared.some((t) => printsFile(t.field))) {
    types.push({
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      moduleSpecifier: runtimeImport(paths, file, 'core/endpoint.js'),
      namedImports: ['UploadInput'],
    });
  }
  for (const t of catalog.shared) {
    types.push(
      block((w) => {
        writeDocs(w, fieldDocs(t.field));
        w.write(`export type ${t.name} = `);
        writeType(w, { ...t.field, optional: false });
        w.write(';').newLine();
      }),
    );
  }
  out.set(file, printModule(from, types, 'Shapes shared by several catalog files; each module imports (and re-exports) the ones it uses.'));

  const lookup = lookupOf(catalog, undefined);
  const schemas: Statement[] = [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: 'zod', namedImports: ['z'] }];
  for (const name of dependencyOrder(
    catalog.shared.map((t) => t.name),
    lookup,
    'shared',
  )) {
    schemas.push(
      block((w) => {
        w.write(`export const ${name} = `);
        writeZod(w, { ...lookup(name)!.field, optional: false });
        w.write(';').newLine();
      }),
    );
  }
  out.set(`${SHARED_TYPES_MODULE}.schema.ts`, printModule(from, schemas, 'Schemas of the shared types, loaded with the response schemas that use them.'));
  return out;
}
