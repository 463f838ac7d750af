// Serves a web-standard handler on node:http. Loopback by default: a hub hands out live tokens, so
// exposing it beyond the host is a decision the operator makes explicitly.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listeningUrl, readNodeBody } from '../node-server.js';

export interface HubListenOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port); the CLI defaults to 8720. */
  port?: number;
}

export interface HubServer {
  /** e.g. http://127.0.0.1:8720 */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

export async function listenNode(handler: (request: Request) => Promise<Response>, options: HubListenOptions = {}): Promise<HubServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    serve(handler, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"hub_error","message":"internal error"}');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    ...listeningUrl(server),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function serve(handler: (request: Request) => Promise<Response>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  let body: Buffer | undefined;
  if (method !== 'GET' && method !== 'HEAD') {
    body = await readNodeBody(req, MAX_BODY);
    if (!body) {
      res.writeHead(413, { 'content-type': 'application/json' }).end('{"error":"bad_request","message":"body too large"}');
      return;
    }
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const request = new Request(new URL(req.url ?? '/', 'http://hub'), { method, headers, body: body ? new Uint8Array(body) : undefined });
  const response = await handler(request);
  const out = Buffer.from(await response.arrayBuffer());
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => (responseHeaders[name] = value));
  res.writeHead(response.status, { ...responseHeaders, 'content-length': out.length });
  res.end(method === 'HEAD' ? undefined : out);
}
