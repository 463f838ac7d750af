// The contract between the call loop and a transport: the request it hands over (already encoded
// and authenticated by the protocol), and the part of an answer it reads back. Every transport
// (undici, node:http, fetch, ky) implements Transport; none of this imports a runtime.
import type { HttpMethod } from '../core/enums.js';

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
