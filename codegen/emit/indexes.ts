// One entry module per app type (`wxkit/official-account`, ...): every namespace that has an
// endpoint for that app type, wherever its file sits (Credential serves mini programs too).
import { APP_TYPE_FOLDERS, type AppType } from '../../src/core/enums.js';
import type { Catalog } from '../model.js';
import { StructureKind } from 'ts-morph';
import { printModule } from './common.js';
import { modulePath } from './shape.js';

export function emitIndex(app: AppType, catalog: Catalog): string | undefined {
  const here = APP_TYPE_FOLDERS[app];
  const members = catalog.namespaces
    .filter((ns) => ns.endpoints.some((e) => e.appTypes.includes(app)))
    .map((ns) => {
      const target = modulePath(ns);
      const spec = target.startsWith(`${here}/`) ? `./${target.slice(here.length + 1)}.js` : `../${target}.js`;
      return { ns: ns.namespace, spec };
    })
    .sort((a, b) => (a.ns < b.ns ? -1 : a.ns > b.ns ? 1 : 0));
  if (!members.length) return undefined;
  return printModule(
    `catalog/ (app type ${app})`,
    members.map((m) => ({ kind: StructureKind.ExportDeclaration, namespaceExport: m.ns, moduleSpecifier: m.spec })),
  );
}
