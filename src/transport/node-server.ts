// A web-standard handler `(Request) => Promise<Response>` served on node:http, shared by the callback
// adapters, the hub and the simulator. The body is read with a cap counted while streaming, so
// nothing unbounded is ever buffered, and headers Node accepts but Fetch refuses are dropped.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type WebHandler = ((request: Request) => Promise<Response>) & { readonly maxBodyBytes?: number };

export interface AdapterOptions {
  /** Defaults to the handler's own `maxBodyBytes`, else 1 MiB. */
  maxBodyBytes?: number;
}

const MiB = 1024 * 1024;
const HOST = /^[A-Za-z0-9.-]+(?::\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](?::\d{1,5})?$/;
/** The body cap an adapter enforces: its own option, else the handler's, else 1 MiB. */
export function bodyLimit(handler: WebHandler, options: AdapterOptions): number {
  return options.maxBodyBytes ?? handler.maxBodyBytes ?? MiB;
}

const SKIPPED_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'expect']);

/** e.g. http://127.0.0.1:8720, or http://[::1]:8720 for an IPv6 address. */
export function listeningUrl(server: Server): { url: string; port: number } {
  const { address, port } = server.address() as AddressInfo;
  return { url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`, port };
}

export function toNodeHandler(handler: WebHandler, options: AdapterOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const max = bodyLimit(handler, options);
  return (req, res) => {
    serve(handler, req, res, max, undefined).catch(() => {
      if (!res.headersSent) plain(res, 500, 'internal error');
      else res.destroy();
    });
  };
}

/** Serves one request; `preread` is a body some framework already read. */
export async function serve(handler: WebHandler, req: IncomingMessage, res: ServerResponse, max: number, preread: Uint8Array | undefined): Promise<void> {
  const method = req.method ?? 'GET';
  let body: Uint8Array | undefined;
  if (method === 'POST') {
    const declared = Number(req.headers['content-length'] ?? '0');
    const read = preread ?? (declared > max ? 'too_large' : await readNodeBody(req, max));
    if (read === 'too_large' || read.byteLength > max) {
      // Close the connection rather than drain a body we refused to read.
      plain(res, 413, 'body too large', { connection: 'close' });
      return;
    }
    body = read;
  }
  // Node buffers are never SharedArrayBuffer-backed here, which is all BodyInit's narrower type asks.
  const request = new Request(requestUrl(req), { method, headers: copyHeaders(req), body: body as Uint8Array<ArrayBuffer> | undefined });
  const response = await handler(request);
  const payload = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.setHeader('content-length', payload.byteLength);
  res.end(payload);
}

/** The whole body, or `too_large` as soon as it passes `max` (the rest is not read). */
export function readNodeBody(req: IncomingMessage, max: number): Promise<Uint8Array | 'too_large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      total += chunk.byteLength;
      if (total > max) {
        cleanup();
        req.pause();
        resolve('too_large');
      } else {
        chunks.push(chunk);
      }
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, total));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('request closed before its body was complete'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

function requestUrl(req: IncomingMessage): string {
  const host = req.headers.host;
  const origin = `${(req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http'}://${host && HOST.test(host) ? host : 'localhost'}`;
  const path = req.url?.startsWith('/') ? req.url : '/';
  return new URL(path, origin).href;
}

function copyHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || SKIPPED_HEADERS.has(name) || name.startsWith(':')) continue;
    try {
      for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
    } catch {
      // A header value the Fetch API rejects is dropped rather than failing the request.
    }
  }
  return headers;
}

function plain(res: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  res.end(text);
}
