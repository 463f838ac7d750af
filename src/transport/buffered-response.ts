// The answer both Node transports (node:http and undici) hand the call loop: the status, the raw
// header list and the body bytes, already in memory. Protocols read answers through the part of
// the web Response API that TransportResponse names, so every transport looks the same to them.
import { redact } from '../core/errors.js';
import type { TransportResponse } from './fetch.js';

// Statuses whose body is null by definition.
const NULL_BODY = new Set([101, 204, 205, 304]);
const EMPTY = Buffer.alloc(0);

/**
 * A buffered answer, cheaper than a web Response: constructing a Response (and its Headers, and a
 * stream around the bytes for text() to read back out) cost 15-30 % of a whole call on Node 20
 * (bench/overhead.ts). Here nothing is built until it is read: `headers` becomes a real Headers on
 * first access, `body` a stream on first access, and text() is one UTF-8 decode. Readers may be
 * called more than once.
 */
export class BufferedResponse implements TransportResponse {
  readonly status: number;
  readonly statusText = '';
  readonly redirected = false;
  readonly bodyUsed = false;
  readonly #raw: readonly (string | Buffer)[];
  readonly #bytes: Buffer;
  readonly #url: URL;
  readonly #nullBody: boolean;
  #headers: Headers | undefined;

  /** `raw`: header names and values alternating, as Node and undici deliver them (strings or latin1 bytes). */
  constructor(status: number, raw: readonly (string | Buffer)[], bytes: Buffer, url: URL) {
    // Statuses outside 200-599 cannot be represented by Response; report them as a bad gateway.
    const valid = status >= 200 && status <= 599;
    this.status = valid ? status : 502;
    this.#raw = raw;
    this.#nullBody = NULL_BODY.has(status) || !valid;
    this.#bytes = this.#nullBody ? EMPTY : bytes;
    this.#url = url;
  }

  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  get headers(): Headers {
    if (this.#headers) return this.#headers;
    const headers = new Headers();
    const raw = this.#raw;
    for (let i = 0; i + 1 < raw.length; i += 2) headers.append(latin1(raw[i]!), latin1(raw[i + 1]!));
    return (this.#headers = headers);
  }

  /** Redacted: the query may carry the access_token, and readResponse names the URL in errors. */
  get url(): string {
    return redact(this.#url.href);
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.#nullBody ? null : new Blob([this.#copy()]).stream();
  }

  async text(): Promise<string> {
    return this.#bytes.toString('utf8');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.#bytes.toString('utf8'));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#copy().buffer as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#copy();
  }

  async blob(): Promise<Blob> {
    return new Blob([this.#copy()], { type: this.headers.get('content-type') ?? '' });
  }

  clone(): BufferedResponse {
    return new BufferedResponse(this.status, this.#raw, this.#bytes, this.#url);
  }

  // A copy: the buffer may be a slice of a pooled slab that must not be handed out whole.
  #copy(): Uint8Array<ArrayBuffer> {
    const b = this.#bytes;
    return new Uint8Array(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength).slice();
  }
}

function latin1(v: string | Buffer): string {
  return typeof v === 'string' ? v : v.toString('latin1');
}

export /** Origin and path only: the query carries the access_token. */
function where(url: URL): string {
  return redact(`${url.origin}${url.pathname}`);
}
