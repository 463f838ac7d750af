// The only file that knows about ky. It sends one request and maps transport failures onto
// wxkit's errors; errcodes, retries and tokens are decided by the caller (src/call.ts).
import ky, { TimeoutError } from 'ky';
import { redact, WxNetworkError, WxTimeoutError } from './errors.js';

/** Any fetch-compatible function: global fetch (default), undici's, or a test double. */
export type FetchLike = (input: Request | URL | string, init?: RequestInit) => Promise<Response>;

export interface HttpRequest {
  method: 'GET' | 'POST';
  url: URL;
  body?: string | FormData;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For error messages. */
  endpoint: string;
}

export interface Transport {
  send(req: HttpRequest): Promise<Response>;
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
      const headers: Record<string, string> = { ...req.headers };
      if (typeof req.body === 'string') headers['content-type'] = 'application/json; charset=utf-8';
      try {
        return await client(req.url, {
          method: req.method,
          headers,
          body: req.body,
          timeout: req.timeoutMs,
          signal: req.signal,
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
