// The README's list of namespaces per entry point, between two markers, so it follows the catalog
// like generated/ does (`npm run generate` rewrites it, `-- --check` fails when it is stale).
import { APP_TYPES, type AppType } from '../../src/core/enums.js';
import type { Catalog } from '../model.js';

export const README_START = '<!-- generated: namespaces (npm run generate) -->';
export const README_END = '<!-- /generated: namespaces -->';

/** Where each app type's namespaces are imported from, as package.json exports them. */
const ENTRY: Readonly<Record<AppType, string>> = {
  official_account: 'wxkit/official-account',
  mini_program: 'wxkit/mini-program',
  channels: 'wxkit/channels',
  component: 'wxkit/component',
  work: 'wxkit/work',
  pay: 'wxkit/pay',
};

export function readmeBlock(catalog: Catalog): string {
  const rows = APP_TYPES.map((app) => {
    const spaces = catalog.namespaces.filter((ns) => ns.endpoints.some((e) => e.appTypes.includes(app)));
    const count = catalog.namespaces.reduce((n, ns) => n + ns.endpoints.filter((e) => e.appTypes.includes(app)).length, 0);
    const names = [...new Set(spaces.map((ns) => ns.namespace))].sort().map((n) => `\`${n}\``);
    return `| \`${ENTRY[app]}\` | ${count} | ${names.join(', ')} |`;
  });
  const total = catalog.namespaces.reduce((n, ns) => n + ns.endpoints.length, 0);
  return [
    README_START,
    `${total} endpoints in ${catalog.namespaces.length} namespaces. An endpoint several app types may call is counted under each.`,
    '',
    '| entry point | endpoints | namespaces |',
    '| --- | --- | --- |',
    ...rows,
    README_END,
  ].join('\n');
}

/** `readme` with its block replaced; undefined when it has no markers. */
export function withReadmeBlock(readme: string, catalog: Catalog): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(0, start) + readmeBlock(catalog) + readme.slice(end + README_END.length);
}
