// The only file that knows about ky. It sends one request and maps transport failures onto
// wxkit's errors; errcodes, retries and tokens are decided by the caller (src/core/call.ts).
import ky, { TimeoutError, type Options } from 'ky';
import type { HttpMethod } from '../core/enums.js';
import { redact, WxNetworkError, WxTimeoutError } from '../core/errors.js';

/** Any fetch-compatible function: global fetch (default), undici's, or a test double. */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  /** Encoded by the protocol, which also set the content type in `headers`. */
  body?: string | FormData | Uint8Array;
  headers?: Record<string, string>;
  /**
   * Per-request connection settings: an `https.Agent` (client certificates for Pay v2) for the
   * Node transport, an undici `Dispatcher` for the fetch transport.
   */
  agent?: unknown;
  /**
   * This attempt's time limit in ms, already cut to what is left of the call's deadline: a
   * transport that stops at `timeoutMs` never outlives the call.
   */
  timeoutMs: number;
  /** The caller's signal, when the caller can cancel the call; abort the exchange when it fires. */
  signal?: AbortSignal;
  /** For error messages. */
  endpoint: string;
}

/** A TLS client certificate: PEM certificate and key, or a PKCS#12 bundle (apiclient_cert.p12). */
export type ClientCertificate = { cert: string | Uint8Array; key: string | Uint8Array } | { pfx: Uint8Array; passphrase?: string };

/**
 * What the call loop and the protocols read from an answer. A web Response is one (the fetch
 * transport returns fetch's); the Node transports return a lighter BufferedResponse.
 */
export interface TransportResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: Headers;
  readonly url: string;
  readonly body: ReadableStream<Uint8Array> | null;
  text(): Promise<string>;
  json(): Promise<unknown>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export interface Transport {
  send(req: HttpRequest): Promise<TransportResponse>;
  /**
   * Connection settings that present `certificate`, to pass as `HttpRequest.agent` (WeChat Pay v2
   * refunds, red packets, transfers). Transports that cannot present one leave it out.
   */
  clientCertificateAgent?(certificate: ClientCertificate): unknown;
}

// ky's request pipeline builds a Request around the body, clones it (a tee of the body stream) so
// a retry could resend it, races fetch against a timer of its own and, given a signal, merges it
// with its own through AbortSignal.any: measured at 1.5-1.7x a bare fetch per call (bench/overhead.ts).
// wxkit needs none of it (the call loop retries, and owns the deadline), so the options are built
// once, the timeout is off, no signal is handed to ky, and a beforeRequest hook sends the request
// itself: one fetch with a ready RequestInit, one timer, one abort listener. ky still runs the
// exchange (hooks, options, errors), so an app can extend it like any ky instance.
let sentinel: Response | undefined;

const KY_OPTIONS: Options = {
  retry: 0,
  throwHttpErrors: false,
  timeout: false,
  hooks: {
    beforeRequest: [
      async (_request, options) => {
        // ky copies `context` (a function survives the copy): `send` keeps the answer itself, and
        // ky stops at the Response this hook returns; a custom fetch may answer with another
        // realm's Response class, which ky would not recognise.
        await (options.context.send as () => Promise<void>)();
        return (sentinel ??= new Response(null));
      },
    ],
  },
};

export function createTransport(options: { fetch?: FetchLike; userAgent?: string } = {}): Transport {
  const userAgent = options.userAgent ?? 'wxkit';
  const own = options.fetch;
  return {
    async send(req) {
      const { url, signal } = req;
      if (signal?.aborted) throw signal.reason;
      const headers: Record<string, string> = {};
      let agentNamed = false;
      if (req.headers) {
        for (const name in req.headers) {
          if (!agentNamed && name.toLowerCase() === 'user-agent') agentNamed = true;
          headers[name] = req.headers[name]!;
        }
      }
      if (!agentNamed) headers['user-agent'] = userAgent;
      // One timer for the whole exchange (the call loop has cut it to the call's deadline), and one
      // listener on the caller's signal: cheaper than AbortSignal.any, and the timer names a timeout as such.
      const controller = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort();
      }, req.timeoutMs);
      const onAbort = () => controller.abort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const init: RequestInit = { method: req.method, headers, signal: controller.signal };
      if (req.body !== undefined) init.body = req.body as BodyInit;
      if (req.agent) (init as { dispatcher?: unknown }).dispatcher = req.agent;
      let response: Response | undefined;
      const send = async () => {
        response = await (own ?? globalThis.fetch)(url, init);
      };
      try {
        await ky(url, { ...KY_OPTIONS, method: req.method, context: { send } });
        return response!;
      } catch (e) {
        // The call loop names the caller's abort by the signal's reason.
        if (signal?.aborted) throw signal.reason;
        const where = redact(`${url.origin}${url.pathname}`);
        if (timedOut || e instanceof TimeoutError) throw new WxTimeoutError(where, req.timeoutMs, req.endpoint);
        throw new WxNetworkError(where, e, req.endpoint);
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}
