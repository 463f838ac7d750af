// node:http pieces the hub and the simulator both need: the URL a listening server answers on, and
// a request body read with a cap, so neither buffers an unbounded body.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** e.g. http://127.0.0.1:8720, or http://[::1]:8720 for an IPv6 address. */
export function listeningUrl(server: Server): { url: string; port: number } {
  const { address, port } = server.address() as AddressInfo;
  return { url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`, port };
}

/** The whole body, or undefined as soon as it passes `maxBytes` (the rest is not read). */
export async function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
