// undiciTransport(): the default transport on Node. undici is the HTTP client inside Node's own
// fetch, kept by the Node.js project; called directly (Dispatcher.dispatch) it skips fetch's WHATWG
// request/response and stream machinery, which is most of what a WeChat call costs on top of the
// network. One keep-alive pool per origin, bounded; the answer is buffered (WeChat answers are
// small JSON or bounded media) and handed over as a BufferedResponse, which the call loop and the
// protocols read like any other transport's answer.
//
// Proxies: HTTPS_PROXY / HTTP_PROXY / NO_PROXY are honoured by default (undici's EnvHttpProxyAgent);
// `proxy` names one explicitly, `proxy: false` ignores the environment.
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';
import { errorLocation, WxConfigError, WxNetworkError, WxTimeoutError } from '../core/errors.js';
import { BufferedResponse } from './buffered-response.js';
import { nodeBody, withUserAgent } from './outgoing.js';
import type { ClientCertificate, HttpRequest, Transport, TransportResponse } from './types.js';

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
  /**
   * The transport to use when the undici package cannot be loaded (a single-file bundle shipped
   * without node_modules). Default: none, so the call fails with a WxConfigError saying so.
   */
  fallback?: () => Transport;
}

type TlsOptions = { ca?: unknown; cert?: unknown; key?: unknown; pfx?: unknown; passphrase?: string };

/** What clientCertificateAgent hands out: the TLS settings, turned into a dispatcher on first use. */
class CertificateAgent {
  dispatcher: Dispatcher | undefined;
  readonly tls: TlsOptions;
  /** Kept for a fallback transport, which builds its own agent from it. */
  readonly certificate: ClientCertificate;
  constructor(tls: TlsOptions, certificate: ClientCertificate) {
    this.tls = tls;
    this.certificate = certificate;
  }
}

// undici is a dependency, loaded on the first request rather than imported: a bundler follows
// a static import (or an import() of a literal) and inlines undici's ~165 KB into every
// single-file bundle for Node. The specifier is computed, so bundlers leave it to Node, which
// finds undici in node_modules.
const UNDICI = ['un', 'dici'].join('');
let undici: Promise<typeof Undici> | undefined;

function loadUndici(): Promise<typeof Undici> {
  return (undici ??= import(UNDICI) as Promise<typeof Undici>);
}

export function undiciTransport(options: UndiciTransportOptions = {}): Transport {
  const userAgent = options.userAgent ?? 'wxkit';
  const base = {
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
  };
  const envProxy = options.proxy === undefined && hasProxyEnv();
  const make = (u: typeof Undici, tls: TlsOptions): Dispatcher => {
    const connect = { ...(options.ca !== undefined ? { ca: options.ca } : {}), ...tls } as Undici.Agent.Options['connect'];
    if (typeof options.proxy === 'string') return new u.ProxyAgent({ uri: options.proxy, ...base, requestTls: connect as never });
    if (envProxy) return new u.EnvHttpProxyAgent({ ...base, connect });
    return new u.Agent({ ...base, connect });
  };
  let dispatcher: Dispatcher | undefined = options.dispatcher;
  let fallback: Transport | undefined;

  /** The dispatcher for `req`, loading undici the first time; undefined when the fallback takes over. */
  const dispatcherFor = async (req: HttpRequest): Promise<Dispatcher | undefined> => {
    const agent = req.agent;
    if (agent !== undefined && !(agent instanceof CertificateAgent)) return agent as Dispatcher;
    if (agent === undefined && dispatcher) return dispatcher;
    let u: typeof Undici;
    try {
      u = await loadUndici();
    } catch (error) {
      if (options.fallback && !(typeof options.proxy === 'string' || envProxy)) {
        fallback ??= options.fallback();
        return undefined;
      }
      const needs = options.fallback ? 'the proxy setting needs it' : 'undiciTransport needs it';
      const code = (error as { code?: string }).code ?? 'error';
      throw new WxConfigError(
        `the undici package could not be loaded (${code}) and ${needs}: install it beside your code (npm install undici) or pass another transport`,
        {
          endpoint: req.endpoint,
        },
      );
    }
    if (agent instanceof CertificateAgent) return (agent.dispatcher ??= make(u, agent.tls));
    return (dispatcher ??= make(u, {}));
  };

  return {
    async send(req) {
      const { url } = req;
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new WxNetworkError(errorLocation(url), new Error(`unsupported protocol ${url.protocol}`), req.endpoint);
      }
      // The usual case, without an await: the shared dispatcher already exists.
      const d = req.agent === undefined && dispatcher ? dispatcher : fallback ? undefined : await dispatcherFor(req);
      if (!d) return viaFallback(fallback!, req);
      const headers = withUserAgent(req.headers, userAgent);
      const body = await nodeBody(req, headers);
      return exchange(d, req, headers, body);
    },
    clientCertificateAgent(certificate: ClientCertificate) {
      return new CertificateAgent(
        'pfx' in certificate
          ? { pfx: Buffer.from(certificate.pfx), ...(certificate.passphrase !== undefined ? { passphrase: certificate.passphrase } : {}) }
          : { cert: pem(certificate.cert), key: pem(certificate.key) },
        certificate,
      );
    },
  };
}

/** A request for the fallback transport: a certificate is presented through the fallback's own agent. */
function viaFallback(t: Transport, req: HttpRequest): Promise<TransportResponse> {
  const agent = req.agent;
  if (!(agent instanceof CertificateAgent)) return t.send(req);
  if (!t.clientCertificateAgent) throw new WxConfigError('the fallback transport cannot present a client certificate', { endpoint: req.endpoint });
  return t.send({ ...req, agent: t.clientCertificateAgent(agent.certificate) });
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
    const timer = setTimeout(() => finish(new WxTimeoutError(errorLocation(url), req.timeoutMs, req.endpoint)), req.timeoutMs);
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
        finish(new WxNetworkError(errorLocation(url), error, req.endpoint));
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
      finish(new WxNetworkError(errorLocation(url), error, req.endpoint));
    }
  });
}

/** The reason handed to undici when wxkit stops an exchange (timeout, caller's abort); never seen by callers. */
const STOPPED = new Error('wxkit stopped the request');
