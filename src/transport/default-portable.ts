// The transport a client gets when it names none, outside Node (workers, Deno, Bun, browsers):
// ky on the platform's fetch. No `node:` import is reachable from here. Chosen by the `default`
// condition of the package's `#default-transport` import; Node gets default-node.ts.
import { createTransport, type Transport } from './fetch.js';

let shared: Transport | undefined;

export function defaultTransport(): Transport {
  return (shared ??= createTransport());
}
