// `wxkit/registry`: every catalogued endpoint as data, with look-ups by id and by route.
// Tools, docs, the simulator and raw requests use it; typed calls never need it.
import { endpoints } from '../../generated/registry/index.js';
import type { RegistryEntry } from './types.js';

export type { RegistryEntry, RegistryField, RegistryPagination } from './types.js';
export { endpoints };

let byId: Map<string, RegistryEntry> | undefined;
let byRoute: Map<string, RegistryEntry[]> | undefined;
let templates: { pattern: RegExp; key: string; entries: RegistryEntry[] }[] | undefined;

/** `findEndpoint('Material.batchGetMaterial')` */
export function findEndpoint(id: string): RegistryEntry | undefined {
  byId ??= new Map(endpoints.map((e) => [e.id, e]));
  return byId.get(id);
}

/**
 * Every endpoint served at `method path` on `host` (one per app type at most). A concrete path
 * also finds a templated one: `/v3/pay/transactions/id/4200…` finds `/v3/pay/transactions/id/{transaction_id}`.
 */
export function findByRoute(method: string, path: string, host = 'api.weixin.qq.com'): RegistryEntry[] {
  if (!byRoute) {
    byRoute = new Map();
    templates = [];
    for (const e of endpoints) {
      const key = `${e.method} ${e.host}${e.path}`;
      const list = byRoute.get(key);
      if (list) list.push(e);
      else byRoute.set(key, [e]);
      if (e.path.includes('{')) {
        const known = templates.find((t) => t.key === key);
        if (known) known.entries.push(e);
        else templates.push({ key, pattern: routePattern(e.method, e.host, e.path), entries: [e] });
      }
    }
  }
  const key = `${method.toUpperCase()} ${host}${path}`;
  const exact = byRoute.get(key);
  if (exact) return exact;
  return templates!.find((t) => t.pattern.test(key))?.entries ?? [];
}

function routePattern(method: string, host: string, path: string): RegExp {
  const escapeRe = (s: string) => s.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  // A placeholder stands for one non-empty segment (the runtime encodes `/` inside a value).
  const body = path
    .split(/\{[^}]*\}/)
    .map(escapeRe)
    .join('[^/]+');
  return new RegExp(`^${escape(method)} ${escape(host)}${body}$`);
}

/**
 * The catalog's example answer of an endpoint (what the simulator serves), or undefined. Examples
 * are not part of `endpoints`: their module is imported on the first call for its namespace.
 */
export async function findExample(id: string): Promise<unknown> {
  const entry = findEndpoint(id);
  if (!entry) return undefined;
  const { exampleModules } = await import('../../generated/examples/index.js');
  const load = exampleModules[entry.module];
  if (!load) return undefined;
  return (await load()).default[entry.name];
}
