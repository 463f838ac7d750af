// What every built-in transport sends besides the URL: the headers with wxkit's user agent unless
// the request names its own (in any case), and, for the Node transports, the body as a string or
// bytes with its content type.
import type { HttpRequest } from './types.js';

/** The request's headers plus `user-agent: <userAgent>` when they have none (names compared case-insensitively). */
export function withUserAgent(given: Record<string, string> | undefined, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {};
  let named = false;
  if (given) {
    for (const name in given) {
      if (!named && name.toLowerCase() === 'user-agent') named = true;
      headers[name] = given[name]!;
    }
  }
  if (!named) headers['user-agent'] = userAgent;
  return headers;
}

/**
 * The body for node:http and undici: text as it is (JSON unless the protocol named another type),
 * bytes without a copy, and multipart written by the platform (boundary and all, exactly as fetch
 * would send it). Sets the content type in `headers`. Node only (Buffer).
 */
export async function nodeBody(req: HttpRequest, headers: Record<string, string>): Promise<string | Buffer | undefined> {
  const body = req.body;
  if (body === undefined) return undefined;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    return body;
  }
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const encoded = new Response(body);
  headers['content-type'] = encoded.headers.get('content-type')!;
  return Buffer.from(await encoded.arrayBuffer());
}
