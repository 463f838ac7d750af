// What a protocol is to the call loop. The loop (src/core/call.ts) owns replay, retries, the deadline and
// validation for every endpoint; a protocol only knows its wire: how an answer becomes data or a
// typed error, and which errors mean "the token was refused".
import type { EndpointDescriptor } from '../core/types.js';
import type { AppType, HttpMethod, RequestEncoding } from '../core/enums.js';
import type { TransportResponse } from '../transport/types.js';

/**
 * The request as it will be sent. Authentication sees and may change all of it: token schemes set a
 * query parameter, Pay v2 adds fields and a `sign` (then re-encodes), Pay v3 signs method, URL and
 * the final body into a header.
 */
export interface WireRequest {
  method: HttpMethod;
  url: URL;
  headers: Record<string, string>;
  /** The encoded body: JSON or XML text, urlencoded text, or multipart. */
  body?: string | FormData;
  /** The body before encoding, for schemes that sign fields (Pay v2); `encodeBody` re-encodes it. */
  fields?: Record<string, unknown>;
  encoding: RequestEncoding;
  /** Connection settings for this request only (the merchant certificate's agent). */
  agent?: unknown;
  /** The descriptor's sensitive field paths, for schemes that encrypt them before signing (Pay v3). */
  sensitive?: readonly string[];
}

export interface Protocol {
  readonly name: string;
  /**
   * The answer as data, or a typed wxkit error (whose messages redact `requestCredentials(req)`).
   * `appType`: the calling client's, which picks the errcode meanings (WeCom has its own).
   */
  decode(response: TransportResponse, d: EndpointDescriptor, req: WireRequest, appType?: AppType): Promise<unknown>;
  /** True when `error` means the credential was refused and one replay with a fresh one may fix it. */
  isTokenError(error: unknown): boolean;
}
