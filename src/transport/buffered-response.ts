// The Response both Node transports (node:http and undici) hand the call loop: a real Response
// whose body is already in memory. Protocols read answers through the web Response API, so every
// transport looks the same to them.
import { redact } from '../core/errors.js';

// Statuses whose Response must have a null body (the constructor throws otherwise).
const NULL_BODY = new Set([101, 204, 205, 304]);

/**
 * A real Response (status, headers, instanceof) whose body readers serve the bytes already in
 * memory. A Response built around the bytes would wrap them in a WHATWG stream only for text() to
 * read them back out: measured at 14-34% of a whole call on Node 20 (bench/overhead.ts), for
 * no benefit here. So the Response is constructed without a body and text(), json(), arrayBuffer(),
 * blob() and body are answered from the buffer; they may be read more than once.
 */
export function bufferedResponse(status: number, raw: readonly string[], bytes: Buffer, url: URL): Response {
  const headers: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) headers.push([raw[i]!, raw[i + 1]!]);
  // Statuses outside 200-599 cannot be represented by Response; report them as a bad gateway.
  const valid = status >= 200 && status <= 599;
  const response = new Response(null, { status: valid ? status : 502, headers });
  const empty = NULL_BODY.has(status) || !valid;
  const data = empty ? Buffer.alloc(0) : bytes;
  // Copies: the buffer may be a slice of a pooled slab that must not be handed out whole.
  const view = () => new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength).slice();
  let stream: ReadableStream<Uint8Array> | null | undefined;
  const href = url.href;
  Object.defineProperties(response, {
    text: { value: async () => data.toString('utf8') },
    json: { value: async () => JSON.parse(data.toString('utf8')) as unknown },
    arrayBuffer: { value: async () => view().buffer },
    blob: { value: async () => new Blob([view()], { type: response.headers.get('content-type') ?? '' }) },
    body: { get: () => (empty ? null : (stream ??= new Blob([view()]).stream())) },
    clone: { value: () => bufferedResponse(status, raw, bytes, url) },
    // A constructed Response has url ''; readResponse names the URL in WxHttpError, redacted there.
    url: { get: () => redact(href) },
  });
  return response;
}

export /** Origin and path only: the query carries the access_token. */
function where(url: URL): string {
  return redact(`${url.origin}${url.pathname}`);
}
