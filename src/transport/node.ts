// nodeTransport(): a Transport built directly on node:http / node:https with a keep-alive agent,
// for Node servers. Global fetch on Node 20 (undici behind WHATWG streams) costs about three times
// what node:http does per request; this transport skips fetch and ky entirely, buffers the body
// (WeChat answers are small JSON or bounded media) and hands the runtime a BufferedResponse, so
// src/core/call.ts and the protocols treat it exactly like the default transport.
// Portable code (Bun, Deno, edge) should keep the fetch transport.
import http from 'node:http';
import https from 'node:https';
import { errorLocation, WxNetworkError, WxTimeoutError } from '../core/errors.js';
import { BufferedResponse } from './buffered-response.js';
import { nodeBody, withUserAgent } from './outgoing.js';
import type { HttpRequest, Transport, TransportResponse } from './types.js';
export type { ClientCertificate } from './types.js';

export interface NodeTransportOptions {
  /** Use this agent for requests of its protocol (http: or https:); others get a default agent. */
  agent?: http.Agent | https.Agent;
  /** Reuse connections (default true). WeChat keeps them open; a fresh TLS handshake per call is the slowest part of a call. */
  keepAlive?: boolean;
  /** Connections per host (default Infinity, like fetch). Bound it to cap concurrency towards WeChat. */
  maxSockets?: number;
  /** Default `wxkit`, like the fetch transport. */
  userAgent?: string;
  /** Certificate authorities to trust instead of Node's bundle (a TLS-inspecting corporate proxy, a test server). */
  ca?: string | Buffer | ReadonlyArray<string | Buffer>;
}

export function nodeTransport(options: NodeTransportOptions = {}): Transport {
  const agentOptions: http.AgentOptions = {
    keepAlive: options.keepAlive ?? true,
    ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
  };
  const tlsOptions: https.AgentOptions = { ...agentOptions, ...(options.ca !== undefined ? { ca: options.ca as https.AgentOptions['ca'] } : {}) };
  const given = options.agent as (http.Agent & { protocol?: string }) | undefined;
  // Agents are created lazily so a client that only ever talks https never opens an http pool.
  let httpAgent: http.Agent | undefined = given?.protocol === 'http:' ? given : undefined;
  let httpsAgent: https.Agent | undefined = given?.protocol === 'https:' ? (given as https.Agent) : undefined;
  const userAgent = options.userAgent ?? 'wxkit';

  return {
    async send(req) {
      const { url } = req;
      const secure = url.protocol === 'https:';
      if (!secure && url.protocol !== 'http:') {
        throw new WxNetworkError(errorLocation(url), new Error(`unsupported protocol ${url.protocol}`), req.endpoint);
      }
      const named = withUserAgent(req.headers, userAgent);
      const text = await nodeBody(req, named);
      // node:http needs the length up front: the body as bytes.
      const body = typeof text === 'string' ? Buffer.from(text) : text;
      const headers: Record<string, string | number> = named;
      if (body !== undefined) headers['content-length'] = body.length;
      else if (req.method !== 'GET' && req.method !== 'DELETE') headers['content-length'] = 0;
      // A certificate agent is TLS: a plain-http base URL (a local mock merchant) goes without it.
      const own = req.agent instanceof https.Agent && !secure ? undefined : (req.agent as http.Agent | undefined);
      const agent = own ?? (secure ? (httpsAgent ??= new https.Agent(tlsOptions)) : (httpAgent ??= new http.Agent(agentOptions)));
      return request(secure ? https : http, agent, req, headers, body);
    },
    clientCertificateAgent(certificate) {
      const tls: https.AgentOptions =
        'pfx' in certificate
          ? { pfx: Buffer.from(certificate.pfx), ...(certificate.passphrase !== undefined ? { passphrase: certificate.passphrase } : {}) }
          : { cert: toPem(certificate.cert), key: toPem(certificate.key) };
      return new https.Agent({ ...tlsOptions, ...tls });
    },
  };
}

function toPem(v: string | Uint8Array): string | Buffer {
  return typeof v === 'string' ? v : Buffer.from(v);
}

function request(
  lib: typeof http | typeof https,
  agent: http.Agent,
  req: HttpRequest,
  headers: Record<string, string | number>,
  body: Buffer | undefined,
): Promise<TransportResponse> {
  const { url, signal } = req;
  return new Promise<TransportResponse>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let settled = false;
    const finish = (error: unknown, response?: TransportResponse) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(response!);
      else {
        reject(error);
        // The socket may be half-way through a response: never hand it back to the pool.
        outgoing.destroy();
      }
    };
    const onAbort = () => finish(signal!.reason);

    const outgoing = lib.request(
      {
        protocol: url.protocol,
        hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
        port: url.port || undefined,
        path: url.pathname + url.search,
        method: req.method,
        headers,
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', (e) => finish(networkError(req, e)));
        res.on('aborted', () => finish(networkError(req, new Error('response aborted'))));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          try {
            finish(undefined, new BufferedResponse(status, res.rawHeaders, bytes, url));
          } catch (e) {
            finish(networkError(req, e));
          }
        });
      },
    );
    // One timer for the whole exchange (connect, send, headers and body), like fetch + ky's timeout;
    // socket idle timeouts would let a server that trickles bytes hold a call forever.
    const timer = setTimeout(() => finish(new WxTimeoutError(errorLocation(url), req.timeoutMs, req.endpoint)), req.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    outgoing.on('error', (e) => finish(networkError(req, e)));
    outgoing.end(body);
  });
}

function networkError(req: HttpRequest, cause: unknown): WxNetworkError {
  // Node's own messages can echo the request; keep only the code and redact the rest.
  return new WxNetworkError(errorLocation(req.url), cause, req.endpoint);
}
