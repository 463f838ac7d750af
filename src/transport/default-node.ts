// The transport a client gets on Node when it names none: undici, shared by every client of the
// process (one keep-alive pool per origin, as global fetch has), created on first use. Chosen by
// the `node` condition of the package's `#default-transport` import; other runtimes get
// default-portable.ts.
import type { Transport } from './fetch.js';
import { undiciTransport } from './undici.js';

let shared: Transport | undefined;

export function defaultTransport(): Transport {
  return (shared ??= undiciTransport());
}
