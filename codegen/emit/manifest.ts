// generated/manifest.json: what was generated from which inputs, so a stale generated/ is
// recognisable without regenerating.
import { createHash } from 'node:crypto';
import { APP_TYPES } from '../../src/core/enums.js';
import type { Catalog } from '../model.js';

/** Bumped whenever the generator's output changes for the same catalog. */
export const GENERATOR_VERSION = '2';

export function emitManifest(catalog: Catalog): string {
  const hash = createHash('sha256');
  for (const s of [...catalog.sources].sort((a, b) => (a.file < b.file ? -1 : 1))) hash.update(`${s.file}\0${s.text}\0`);
  const endpoints = catalog.namespaces.reduce((n, ns) => n + ns.endpoints.length, 0);
  const byAppType = Object.fromEntries(
    APP_TYPES.map((app) => [app, catalog.namespaces.reduce((n, ns) => n + ns.endpoints.filter((e) => e.appTypes.includes(app)).length, 0)]),
  );
  const manifest = {
    generator: GENERATOR_VERSION,
    catalogHash: hash.digest('hex'),
    namespaces: catalog.namespaces.length,
    endpoints,
    byAppType,
    sharedTypes: catalog.shared.length,
    errcodes: catalog.errcodes.size,
    ...(catalog.workErrcodes.size ? { workErrcodes: catalog.workErrcodes.size } : {}),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
