// `wxkit/registry`: every catalogued endpoint as data, with look-ups by id and by route.
// Tools, docs, the simulator and raw requests use it; typed calls never need it.
import { endpoints } from '../generated/registry.js';
import type { RegistryEntry } from './registry-types.js';

export type { RegistryEntry, RegistryField } from './registry-types.js';
export { endpoints };

let byId: Map<string, RegistryEntry> | undefined;
let byRoute: Map<string, RegistryEntry[]> | undefined;

/** `findEndpoint('Material.batchGetMaterial')` */
export function findEndpoint(id: string): RegistryEntry | undefined {
  byId ??= new Map(endpoints.map((e) => [e.id, e]));
  return byId.get(id);
}

/** Every endpoint served at `method path` on `host` (one per app type at most). */
export function findByRoute(method: string, path: string, host = 'api.weixin.qq.com'): RegistryEntry[] {
  if (!byRoute) {
    byRoute = new Map();
    for (const e of endpoints) {
      const key = `${e.method} ${e.host}${e.path}`;
      byRoute.set(key, [...(byRoute.get(key) ?? []), e]);
    }
  }
  return byRoute.get(`${method.toUpperCase()} ${host}${path}`) ?? [];
}
