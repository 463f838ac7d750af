// Stage 4: every file of the output, in memory, one emitter per kind of output.
import { APP_TYPE_FOLDERS, APP_TYPES } from '../../src/core/enums.js';
import type { Catalog } from '../model.js';
import { emitApiMd } from './api-md.js';
import type { Paths } from './common.js';
import { emitErrcodes } from './errcodes.js';
import { emitExamples } from './examples.js';
import { emitIndex } from './indexes.js';
import { emitManifest } from './manifest.js';
import { emitModule } from './modules.js';
import { emitRegistry } from './registry.js';
import { emitSchemas } from './schemas.js';
import { modulePath } from './shape.js';
import { emitSharedTypes } from './shared-types.js';

export type { Paths } from './common.js';

const README = `# generated/

Everything here is written by \`npm run generate\` from \`catalog/\`. Do not edit these files by hand:
change the YAML and regenerate. CI runs \`npm run generate -- --check\` and fails when this folder is stale.

- \`<app-type>/<file>.ts\`: one typed module per catalog file, \`<file>.schema.ts\` its response schemas;
  \`<app-type>/index.ts\` the entry point of each app type.
- \`types.ts\`, \`types.schema.ts\`: the shared types of \`catalog/types.yaml\`.
- \`registry/\`: every endpoint as data, one module per catalog file (\`wxkit/registry\`).
- \`examples/\`: the example answers, loaded only by the simulator.
- \`errcodes.ts\`, \`API.md\`, \`manifest.json\`.
`;

export function emitAll(catalog: Catalog, paths: Paths): Map<string, string> {
  const out = new Map<string, string>();
  for (const ns of catalog.namespaces) {
    const base = modulePath(ns);
    out.set(`${base}.ts`, emitModule(ns, catalog, paths));
    const schemas = emitSchemas(ns, catalog);
    if (schemas) out.set(`${base}.schema.ts`, schemas);
  }
  for (const app of APP_TYPES) {
    const index = emitIndex(app, catalog);
    if (index) out.set(`${APP_TYPE_FOLDERS[app]}/index.ts`, index);
  }
  for (const [file, text] of emitSharedTypes(catalog, paths)) out.set(file, text);
  for (const [file, text] of emitRegistry(catalog, paths)) out.set(file, text);
  for (const [file, text] of emitExamples(catalog)) out.set(file, text);
  out.set('errcodes.ts', emitErrcodes(catalog));
  out.set('API.md', emitApiMd(catalog));
  out.set('README.md', README);
  out.set('manifest.json', emitManifest(catalog));
  return out;
}
