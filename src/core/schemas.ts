// The zod schemas of the answers, loaded only when validation is on. No endpoint module imports a
// schema module: a descriptor names its schema (module and export), and the loader imports it by a
// specifier computed at run time, which no bundler follows. So a bundle of typed calls carries
// neither the schemas nor zod, with or without code splitting; unbundled (Node from npm, tsx,
// vitest) the schema file next to the endpoint module loads on the first validated call.
//
// In a bundle the files are not there: register the namespaces you validate, through imports your
// bundler sees (`registerSchemas({ 'official-account/material': () => import('wxkit/schemas/official-account/material') })`).
import { WxConfigError } from './errors.js';
import type { SchemaLike } from './types.js';

type SchemaModule = Readonly<Record<string, unknown>>;
type Loader = () => Promise<SchemaModule>;

const registered = new Map<string, Loader>();
const loaded = new Map<string, Promise<SchemaModule>>();

/**
 * Where the schemas of namespaces come from, by module path (`official-account/material`, as in
 * `wxkit/schemas/official-account/material`): for bundles, where the files next to the endpoint
 * modules do not exist. A loader registered before the first validated call of its namespace wins.
 */
export function registerSchemas(modules: Readonly<Record<string, () => Promise<unknown>>>): void {
  for (const [module, load] of Object.entries(modules)) registered.set(module, load as Loader);
}

/**
 * What the `schema` of a generated descriptor calls: `base` is the endpoint module's
 * `import.meta.url`, the schema module is `<last segment of module>.schema.js` next to it, `name`
 * its export. (Descriptors wrap the call in an arrow function, so an unused endpoint stays
 * removable: bundlers treat reading `import.meta.url` as a side effect.)
 */
export async function loadSchema(base: string, module: string, name: string): Promise<SchemaLike> {
  const schema = (await schemaModule(base, module))[name] as SchemaLike | undefined;
  if (!schema || typeof schema.safeParse !== 'function') throw new WxConfigError(`the schema module of ${module} has no schema ${name}`);
  return schema;
}

function schemaModule(base: string, module: string): Promise<SchemaModule> {
  let p = loaded.get(module);
  if (!p) {
    const own = registered.get(module);
    p = own ? own() : importFile(base, module);
    // A failed load is not remembered: registerSchemas() may come later.
    p.catch(() => loaded.delete(module));
    loaded.set(module, p);
  }
  return p;
}

async function importFile(base: string, module: string): Promise<SchemaModule> {
  const file = `./${module.split('/').pop()}.schema.js`;
  let url: string;
  try {
    url = new URL(file, base).href;
  } catch {
    url = file;
  }
  try {
    return (await import(/* @vite-ignore */ /* webpackIgnore: true */ url)) as SchemaModule;
  } catch (cause) {
    throw new WxConfigError(
      `validation is on, but the response schemas of ${module} could not be loaded from ${url} (${cause instanceof Error ? cause.message : String(cause)}). ` +
        `In a bundle, register them: registerSchemas({ '${module}': () => import('wxkit/schemas/${module}') })`,
    );
  }
}
