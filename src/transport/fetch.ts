// The only file that knows about ky. It sends one request and maps transport failures onto
// wxkit's errors; errcodes, retries and tokens are decided by the caller (src/core/call.ts).
import ky, { TimeoutError } from 'ky';
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
  timeoutMs: number;
  signal?: AbortSignal;
  /** For error messages. */
  endpoint: string;
}

/** A TLS client certificate: PEM certificate and key, or a PKCS#12 bundle (apiclient_cert.p12). */
export type ClientCertificate = { cert: string | Uint8Array; key: string | Uint8Array } | { pfx: Uint8Array; passphrase?: string };

export interface Transport {
  send(req: HttpRequest): Promise<Response>;
  /**
   * Connection settings that present `certificate`, to pass as `HttpRequest.agent` (WeChat Pay v2
   * refunds, red packets, transfers). Transports that cannot present one leave it out.
   */
  clientCertificateAgent?(certificate: ClientCertificate): unknown;
}

export function createTransport(options: { fetch?: FetchLike; userAgent?: string } = {}): Transport {
  const client = ky.create({
    retry: 0,
    throwHttpErrors: false,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: { 'user-agent': options.userAgent ?? 'wxkit' },
  });
  return {
    async send(req) {
      try {
        return await client(req.url, {
          method: req.method,
          headers: req.headers,
          body: req.body as BodyInit | undefined,
          timeout: req.timeoutMs,
          signal: req.signal,
          ...(req.agent ? ({ dispatcher: req.agent } as RequestInit) : {}),
        });
      } catch (e) {
        const where = redact(`${req.url.origin}${req.url.pathname}`);
        // The call loop names an abort (its deadline, or the caller's signal) by the signal's reason.
        if (req.signal?.aborted) throw req.signal.reason;
        if (e instanceof TimeoutError) throw new WxTimeoutError(where, req.timeoutMs, req.endpoint);
        throw new WxNetworkError(where, e, req.endpoint);
      }
    },
  };
}
