// The bound call style, for people who prefer `oa.Material.batchGetMaterial({...})` to passing
// the client each time. It costs tree-shaking (every namespace handed in is kept), which is why
// the plain functions stay the primary style.
import type { Client } from './client.js';
import type { AppType, EndpointDescriptor } from './types.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Bound<F> = F extends (client: any, ...rest: infer Rest) => infer R ? (...rest: Rest) => R : never;

export type BoundNamespaces<NS> = {
  readonly [N in keyof NS]: { readonly [M in keyof NS[N] as NS[N][M] extends { readonly endpoint: EndpointDescriptor } ? M : never]: Bound<NS[N][M]> };
};

/** `const oa = bind(client, OfficialAccount)` where `OfficialAccount` is `import * as ... from 'wxkit/official-account'`. */
export function bind<A extends AppType, NS extends Record<string, Record<string, unknown>>>(client: Client<A>, namespaces: NS): BoundNamespaces<NS> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, ns] of Object.entries(namespaces)) {
    const bound: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(ns)) {
      if (typeof fn === 'function' && 'endpoint' in fn) {
        bound[method] = (...rest: unknown[]) => (fn as unknown as (...a: unknown[]) => unknown)(client, ...rest);
      }
    }
    out[name] = Object.freeze(bound);
  }
  return Object.freeze(out) as BoundNamespaces<NS>;
}
