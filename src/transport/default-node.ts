// The transport a client gets on Node when it names none: undici, shared by every client of the
// process (one keep-alive pool per origin, as global fetch has), created on first use; a client
// that names a proxy shares one per proxy setting. Chosen by the `node` condition of the
// package's `#default-transport` import; other runtimes get default-portable.ts.
//
// A single-file bundle shipped without node_modules has no undici (it is loaded at run time, see
// undici.ts): then node:http carries the calls (nodeTransport, the next fastest), and one warning
// says so. A proxy needs undici, so with one configured the calls fail with a WxConfigError instead.
import { nodeTransport } from './node.js';
import type { Transport } from './types.js';
import { undiciTransport } from './undici.js';

const shared = new Map<string | false | undefined, Transport>();
let warned = false;

function fallback(): Transport {
  if (!warned) {
    warned = true;
    console.warn('[wxkit] the undici package is not installed beside this code: calls go through node:http (nodeTransport)');
  }
  return nodeTransport();
}

/** `proxy`: as undiciTransport's (undefined: HTTPS_PROXY / NO_PROXY when set). */
export function defaultTransport(proxy?: string | false): Transport {
  let t = shared.get(proxy);
  if (!t) shared.set(proxy, (t = undiciTransport(proxy === undefined ? { fallback } : { proxy, fallback })));
  return t;
}
