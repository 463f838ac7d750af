// kyTransport(): the exchange of fetchTransport run by a ky instance, for apps that already set
// up ky (hooks that add tracing headers or log, a prefix, a custom fetch) and want wxkit's calls
// to go through it. ky builds and sends a web Request of its own per call, which costs more
// than the rest of a typed call (bench/overhead.ts), so it is opt-in: the portable default is
// fetchTransport. ky's retries and timeout are off, because the call loop retries only what is
// safe to repeat and owns the deadline; ky's hooks run as usual.
import ky, { type KyInstance } from 'ky';
import { exchangeOverFetch } from './fetch.js';
import type { Transport } from './types.js';

export interface KyTransportOptions {
  /** Default: ky itself (on the global fetch). Pass `ky.create({ hooks, fetch, … })` for your own. */
  ky?: KyInstance;
  /** Default `wxkit`; a `user-agent` header of the request wins. */
  userAgent?: string;
}

export function kyTransport(options: KyTransportOptions = {}): Transport {
  const instance = options.ky ?? ky;
  const userAgent = options.userAgent ?? 'wxkit';
  return {
    send: (req) =>
      exchangeOverFetch(req, userAgent, (input, init) =>
        instance(input as URL, { ...(init as Parameters<KyInstance>[1]), retry: 0, timeout: false, throwHttpErrors: false }),
      ),
  };
}
