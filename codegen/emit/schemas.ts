// The zod schemas of a namespace's answers, in their own module so the runtime loads zod and them
// only when validation is on (descriptors point here through a lazy `import()`).
import { StructureKind } from 'ts-morph';
import type { Catalog, Namespace } from '../model.js';
import { block, printModule, writeZod, writeZodObject, type Statement } from './common.js';
import { SHARED_TYPES_MODULE, validated } from './modules.js';
import { dependencyOrder, lookupOf, modulePath, refsIn } from './shape.js';

export function emitSchemas(ns: Namespace, catalog: Catalog): string | undefined {
  const endpoints = ns.endpoints.filter(validated);
  if (!endpoints.length) return undefined;
  const lookup = lookupOf(catalog, ns);
  const refs = { local: new Set<string>(), shared: new Set<string>() };
  for (const e of endpoints) {
    if (e.resultRef) (e.resultRef.scope === 'shared' ? refs.shared : refs.local).add(e.resultRef.name);
    else for (const f of Object.values(e.result ?? {})) refsIn(f, refs);
  }
  const local = dependencyOrder(refs.local, lookup, 'local');
  // Local types may use shared ones: those are imported too.
  for (const name of local) refsIn(lookup(name)!.field, refs);

  const statements: Statement[] = [{ kind: StructureKind.ImportDeclaration, moduleSpecifier: 'zod', namedImports: ['z'] }];
  if (refs.shared.size) {
    const spec = `${'../'.repeat(modulePath(ns).split('/').length - 1)}${SHARED_TYPES_MODULE}.schema.js`;
    statements.push({ kind: StructureKind.ImportDeclaration, moduleSpecifier: spec, namedImports: [...refs.shared].sort() });
  }
  for (const name of local) {
    statements.push(
      block((w) => {
        w.write(`export const ${name} = `);
        writeZod(w, { ...lookup(name)!.field, optional: false });
        w.write(';').newLine();
      }),
    );
  }
  for (const e of endpoints) {
    statements.push(
      block((w) => {
        w.write(`export const ${e.name} = `);
        if (e.resultRef) w.write(e.resultRef.name);
        else writeZodObject(w, e.result ?? {});
        w.write(';').newLine();
      }),
    );
  }
  return printModule(ns.file, statements, 'Response schemas, loaded lazily by the runtime only when validation is on.');
}
