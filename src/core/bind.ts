// The bound call style, for people who prefer `oa.Material.batchGetMaterial({...})` to passing
// the client each time. It costs tree-shaking (every namespace handed in is kept), which is why
// the plain functions stay the primary style.
import type { Client } from './client.js';
import type { AppType, EndpointDescriptor } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: any client type, so the parameters after it can be inferred
type Bound<F> = F extends (client: any, ...rest: infer Rest) => infer R ? (...rest: Rest) => R : never;

/**
 * Only the endpoints a `Client<A>` may call: binding a mini program client keeps the shared
 * namespaces' mini program endpoints and drops the official-account-only ones, so
 * `bind(mp, OfficialAccount).Material.getMaterialCount()` is a compile error, not a WxConfigError
 * on the first call.
 */
export type BoundNamespaces<NS, A extends AppType = AppType> = {
  readonly [N in keyof NS]: {
    readonly [M in keyof NS[N] as NS[N][M] extends { readonly endpoint: EndpointDescriptor } & ((client: Client<A>, ...rest: never[]) => unknown)
      ? M
      : never]: Bound<NS[N][M]>;
  };
};

/** `const oa = bind(client, OfficialAccount)` where `OfficialAccount` is `import * as ... from 'wxkit/official-account'`. */
export function bind<A extends AppType, NS extends Record<string, Record<string, unknown>>>(client: Client<A>, namespaces: NS): BoundNamespaces<NS, A> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, ns] of Object.entries(namespaces)) {
    const bound: Record<string, unknown> = {};
    for (const [method, fn] of Object.entries(ns)) {
      // The same rule as the type: an endpoint this client's app type may not call is left out.
      if (typeof fn === 'function' && 'endpoint' in fn && (fn.endpoint as EndpointDescriptor).appTypes.includes(client.appType)) {
        bound[method] = (...rest: unknown[]) => (fn as unknown as (...a: unknown[]) => unknown)(client, ...rest);
      }
    }
    out[name] = Object.freeze(bound);
  }
  return Object.freeze(out) as BoundNamespaces<NS, A>;
}
