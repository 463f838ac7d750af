// Adapters from the web-standard handler to node:http and Express/Connect. The body is read here with
// the same cap the handler enforces, counted while streaming, so nothing unbounded is ever buffered.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { bodyLimit, serve, type AdapterOptions, type WebHandler } from '../transport/node-server.js';
import { WxConfigError } from '../core/errors.js';

export { toNodeHandler, type AdapterOptions } from '../transport/node-server.js';

export type ConnectNext = (error?: unknown) => void;

/**
 * Express/Connect middleware. Mount it before any body parser for this route; a body already read
 * as a string or Buffer (express.text / express.raw) is used as is. A body already parsed into an
 * object cannot be verified (the raw bytes are gone), so that case is passed to `next` as an error.
 */
export function toExpressMiddleware(
  handler: WebHandler,
  options: AdapterOptions = {},
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: ConnectNext) => void {
  const max = bodyLimit(handler, options);
  return (req, res, next) => {
    const parsed = req.body;
    let preread: Uint8Array | undefined;
    if (typeof parsed === 'string') preread = Buffer.from(parsed, 'utf8');
    else if (parsed instanceof Uint8Array) preread = parsed;
    else if (req.method === 'POST' && req.readableEnded && parsed !== undefined && parsed !== null) {
      next(new WxConfigError('wxkit callback: req.body was already parsed into an object; mount the middleware before body parsers (or use express.text/raw)'));
      return;
    } else if (req.readableEnded) preread = new Uint8Array(0);
    serve(handler, req, res, max, preread).catch(next);
  };
}
