// Example answers, one JSON file per namespace, loaded on demand by the simulator through
// findExample() (src/registry/index.ts). Kept out of the registry: they are the bulk of the catalog's
// data and nothing but the simulator needs them.
import type { Catalog } from '../model.js';
import { block, printModule, quote } from './common.js';
import { registryOrder } from './registry.js';
import { modulePath } from './shape.js';

export const EXAMPLES_DIR = 'examples';

export function emitExamples(catalog: Catalog): Map<string, string> {
  const out = new Map<string, string>();
  const modules: string[] = [];
  for (const ns of registryOrder(catalog)) {
    const withExample = ns.endpoints.filter((e) => e.example !== undefined).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (!withExample.length) continue;
    modules.push(modulePath(ns));
    out.set(`${EXAMPLES_DIR}/${modulePath(ns)}.json`, `${JSON.stringify(Object.fromEntries(withExample.map((e) => [e.name, e.example!.value])), null, 2)}\n`);
  }
  out.set(
    `${EXAMPLES_DIR}/index.ts`,
    printModule('catalog/', [
      block((w) => {
        w.writeLine('/** Loaders of the example files (by endpoint name), by registry `module`; each is read only when asked for. */');
        w.write('export const exampleModules: Readonly<Record<string, () => Promise<{ default: Readonly<Record<string, unknown>> }>>> = ');
        if (!modules.length) w.write('{}');
        else {
          w.write('{').newLine();
          w.indent(() => {
            for (const m of modules) w.write(`${quote(m)}: () => import('./${m}.json', { with: { type: 'json' } }),`).newLine();
          });
          w.write('}');
        }
        w.write(';').newLine();
      }),
    ]),
  );
  return out;
}
