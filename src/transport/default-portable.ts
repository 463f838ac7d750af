// The transport a client gets when it names none, outside Node (workers, Deno, Bun, browsers):
// the platform's fetch. No `node:` import is reachable from here. Chosen by the `default`
// condition of the package's `#default-transport` import; Node gets default-node.ts.
import { WxConfigError } from '../core/errors.js';
import { fetchTransport } from './fetch.js';
import type { Transport } from './types.js';

let shared: Transport | undefined;

/** `proxy`: fetch has no portable proxy setting, so a proxy named here is refused. */
export function defaultTransport(proxy?: string | false): Transport {
  if (typeof proxy === 'string') {
    throw new WxConfigError('proxy is an option of the Node transport; on this runtime configure the proxy in the fetch you pass as `fetch`');
  }
  return (shared ??= fetchTransport());
}
