// Serves a web-standard handler on node:http. Loopback by default: a hub hands out live tokens, so
// exposing it beyond the host is a decision the operator makes explicitly.
import { createServer } from 'node:http';
import { listeningUrl, toNodeHandler } from '../transport/node-server.js';

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

// Hub requests are a few query parameters or a small JSON body.
const MAX_BODY = 64 * 1024;

export async function listenNode(handler: (request: Request) => Promise<Response>, options: HubListenOptions = {}): Promise<HubServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer(toNodeHandler(handler, { maxBodyBytes: MAX_BODY }));
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
