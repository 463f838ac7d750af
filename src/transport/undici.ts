// undiciTransport(): the default transport on Node. undici is the HTTP client inside Node's own
// fetch, kept by the Node.js project; called directly (Dispatcher.dispatch) it skips fetch's WHATWG
// request/response and stream machinery, which is most of what a WeChat call costs on top of the
// network. One keep-alive pool per origin, bounded; the answer is buffered (WeChat answers are
// small JSON or bounded media) and handed over as a BufferedResponse, which the call loop and the
// protocols read like any other transport's answer.
//
// Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured by default (undici's EnvHttpProxyAgent);
// `proxy` names one explicitly, `proxy: false` ignores the environment.
import { Agent, EnvHttpProxyAgent, ProxyAgent, type Dispatcher } from 'undici';
import { WxNetworkError, WxTimeoutError } from '../core/errors.js';
import { BufferedResponse, where } from './buffered-response.js';
import type { ClientCertificate, HttpRequest, Transport, TransportResponse } from './fetch.js';

export interface UndiciTransportOptions {
  /** Connections per origin (default 64). WeChat answers in milliseconds: a few dozen keep-alive connections carry thousands of calls a second. */
  connections?: number;
  /** How long an idle connection stays open, in ms (default 30 000). */
  keepAliveTimeoutMs?: number;
  /**
   * A proxy for every request (`http://user:pass@proxy.corp:3128`), or `false` to ignore
   * HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Default: those variables, when set.
   */
  proxy?: string | false;
  /** Certificate authorities to trust instead of Node's bundle (a TLS-inspecting corporate proxy, a test server). */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** Use this dispatcher (an undici Agent, Pool, ProxyAgent or MockAgent) instead of building one. */
  dispatcher?: Dispatcher;
  /** Default `wxkit`, like the other transports. */
  userAgent?: string;
}

type TlsOptions = { ca?: unknown; cert?: unknown; key?: unknown; pfx?: unknown; passphrase?: string };

export function undiciTransport(options: UndiciTransportOptions = {}): Transport {
  const userAgent = options.userAgent ?? 'wxkit';
  const base = {
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
  };
  const envProxy = options.proxy === undefined && hasProxyEnv();
  const make = (tls: TlsOptions): Dispatcher => {
    const connect = { ...(options.ca !== undefined ? { ca: options.ca } : {}), ...tls } as Agent.Options['connect'];
    if (typeof options.proxy === 'string') return new ProxyAgent({ uri: options.proxy, ...base, requestTls: connect as never });
    if (envProxy) return new EnvHttpProxyAgent({ ...base, connect });
    return new Agent({ ...base, connect });
  };
  let dispatcher: Dispatcher | undefined = options.dispatcher;

  return {
    async send(req) {
      const d = (req.agent as Dispatcher | undefined) ?? (dispatcher ??= make({}));
      const { url } = req;
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new WxNetworkError(where(url), new Error(`unsupported protocol ${url.protocol}`), req.endpoint);
      }
      const headers: Record<string, string> = { 'user-agent': userAgent, ...req.headers };
      let body: string | Buffer | undefined;
      if (typeof req.body === 'string') {
        body = req.body;
        headers['content-type'] ??= 'application/json; charset=utf-8';
      } else if (req.body instanceof Uint8Array) {
        body = Buffer.from(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      } else if (req.body !== undefined) {
        // Let the platform write the multipart bytes and boundary, exactly as fetch would send them.
        const encoded = new Response(req.body);
        headers['content-type'] = encoded.headers.get('content-type')!;
        body = Buffer.from(await encoded.arrayBuffer());
      }
      return exchange(d, req, headers, body);
    },
    clientCertificateAgent(certificate: ClientCertificate) {
      return make(
        'pfx' in certificate
          ? { pfx: Buffer.from(certificate.pfx), ...(certificate.passphrase !== undefined ? { passphrase: certificate.passphrase } : {}) }
          : { cert: pem(certificate.cert), key: pem(certificate.key) },
      );
    },
  };
}

function pem(v: string | Uint8Array): string | Buffer {
  return typeof v === 'string' ? v : Buffer.from(v);
}

function hasProxyEnv(): boolean {
  const env = process.env;
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/**
 * One exchange through undici's lowest-level API, `dispatch` with a handler: no Readable stream
 * around the body, no async iterator, no AbortController. The bytes are collected as they arrive
 * and the answer is a BufferedResponse; one timer bounds connect, send, headers and body (the call
 * loop has cut it to the call's deadline), so a server that trickles bytes cannot hold a call.
 */
function exchange(d: Dispatcher, req: HttpRequest, headers: Record<string, string>, body: string | Buffer | undefined): Promise<TransportResponse> {
  const { url, signal } = req;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<TransportResponse>((resolve, reject) => {
    let settled = false;
    let abort: ((reason: Error) => void) | undefined;
    let status = 0;
    let rawHeaders: Buffer[] = [];
    const chunks: Buffer[] = [];
    const finish = (error: unknown, response?: TransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) return resolve(response!);
      reject(error);
      // Stop the exchange if it is still running; undici then drops the connection.
      abort?.(STOPPED);
    };
    const onAbort = () => finish(signal!.reason);
    const timer = setTimeout(() => finish(new WxTimeoutError(where(url), req.timeoutMs, req.endpoint)), req.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    const handler: Dispatcher.DispatchHandler = {
      onConnect(a) {
        abort = a;
        if (settled) a(STOPPED);
      },
      onHeaders(statusCode, raw) {
        status = statusCode;
        rawHeaders = raw;
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
        finish(undefined, new BufferedResponse(status, rawHeaders, bytes, url));
      },
      // undici's messages can name the request; WxNetworkError keeps a redacted copy of the cause.
      onError(error) {
        finish(new WxNetworkError(where(url), error, req.endpoint));
      },
    };
    try {
      d.dispatch(
        {
          origin: url.origin,
          path: url.pathname + url.search,
          method: req.method,
          headers,
          body,
          // The one timer above bounds the exchange.
          headersTimeout: 0,
          bodyTimeout: 0,
        },
        handler,
      );
    } catch (error) {
      finish(new WxNetworkError(where(url), error, req.endpoint));
    }
  });
}

/** The reason handed to undici when wxkit stops an exchange (timeout, caller's abort); never seen by callers. */
const STOPPED = new Error('wxkit stopped the request');
