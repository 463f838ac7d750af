// The answer every built-in transport hands the call loop: the status, the headers and the body
// bytes, already in memory. Protocols read answers through the part of the web Response API that
// TransportResponse names, so every transport looks the same to them. Portable: no `node:` import.
import { redact } from '../core/errors.js';
import type { TransportResponse } from './types.js';

// Statuses whose body is null by definition.
const NULL_BODY = new Set([101, 204, 205, 304]);
const EMPTY = new Uint8Array(0);
const UTF8 = new TextDecoder();

/** Header names and values alternating, as Node and undici deliver them (strings, or latin1 bytes). */
export type RawHeaders = readonly (string | Uint8Array)[];

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
  readonly #raw: RawHeaders | Headers;
  readonly #bytes: Uint8Array;
  readonly #url: URL;
  readonly #nullBody: boolean;
  #headers: Headers | undefined;

  /** `raw`: the raw header list of a Node answer, or the Headers of a fetch answer. */
  constructor(status: number, raw: RawHeaders | Headers, bytes: Uint8Array, url: URL) {
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
    const raw = this.#raw;
    if (raw instanceof Headers) return (this.#headers = raw);
    const headers = new Headers();
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
    return UTF8.decode(this.#bytes);
  }

  async json(): Promise<unknown> {
    return JSON.parse(UTF8.decode(this.#bytes));
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

// Byte for byte (ISO-8859-1, as HTTP defines header bytes): TextDecoder's 'latin1' is really
// windows-1252, which maps 0x80-0x9f beyond what a Headers value may hold.
function latin1(v: string | Uint8Array): string {
  if (typeof v === 'string') return v;
  let out = '';
  for (let i = 0; i < v.length; i++) out += String.fromCharCode(v[i]!);
  return out;
}
