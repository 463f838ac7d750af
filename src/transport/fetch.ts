// fetchTransport(): the transport of every runtime that is not Node (workers, Deno, Bun,
// browsers), on the platform's fetch or one given. The request goes out as one fetch with a ready
// RequestInit; one timer bounds the whole exchange, body included (the call loop has cut it to the
// call's deadline), and one listener follows the caller's signal. The body is read here, inside
// that timer, so a server that sends headers and then trickles the body cannot hold a call.
// kyTransport (ky.ts) runs the same exchange through a ky instance.
import { errorLocation, WxNetworkError, WxTimeoutError } from '../core/errors.js';
import { BufferedResponse } from './buffered-response.js';
import { withUserAgent } from './outgoing.js';
import type { FetchLike, HttpRequest, Transport, TransportResponse } from './types.js';

export interface FetchTransportOptions {
  /** Default: the global fetch (looked up per call, so a test double installed later is used). */
  fetch?: FetchLike;
  /** Default `wxkit`; a `user-agent` header of the request wins. */
  userAgent?: string;
}

export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  const userAgent = options.userAgent ?? 'wxkit';
  const own = options.fetch;
  return {
    send: (req) => exchangeOverFetch(req, userAgent, own ?? ((input, init) => globalThis.fetch(input, init))),
  };
}

/**
 * One exchange through a fetch-shaped function: headers with the user agent, the timer and the
 * caller's signal on one AbortController, the body buffered, failures mapped to wxkit errors
 * whose messages name no credential.
 */
export async function exchangeOverFetch(req: HttpRequest, userAgent: string, send: FetchLike): Promise<TransportResponse> {
  const { url, signal } = req;
  if (signal?.aborted) throw signal.reason;
  const headers = withUserAgent(req.headers, userAgent);
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, req.timeoutMs);
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const init: RequestInit & { dispatcher?: unknown } = { method: req.method, headers, signal: controller.signal };
  if (req.body !== undefined) init.body = req.body as BodyInit;
  // An undici Dispatcher (a client certificate) for Node's fetch; other runtimes ignore it.
  if (req.agent) init.dispatcher = req.agent;
  try {
    const response = await send(url, init);
    const bytes = new Uint8Array(await response.arrayBuffer());
    return new BufferedResponse(response.status, response.headers, bytes, url);
  } catch (e) {
    // The call loop names the caller's abort by the signal's reason.
    if (signal?.aborted) throw signal.reason;
    if (timedOut) throw new WxTimeoutError(errorLocation(url), req.timeoutMs, req.endpoint);
    throw new WxNetworkError(errorLocation(url), e, req.endpoint);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
