// The callback endpoint as a web-standard `(Request) => Promise<Response>`.
//
// Every check that can refuse a request runs before user code, cheapest first:
//   method (405) → query parameters (400) → plaintext policy (403) → timestamp window (403)
//   → plaintext signature (401) → body size (413) → body UTF-8 / XML / JSON shape (400)
//   → msg_signature (401) → AES (400) → receiveId (403) → message parse (400)
//   → dedupe (200 "success"; 503 when the seen-set is full) → onMessage.
// Refusals are not reported to onError: anyone can send them, and they must not flood the logs.
// Once a push is authentic, failures in user code are reported and acknowledged with 200 "success":
// WeChat would otherwise retry a push that fails the same way every time. Deliveries are marked
// seen before onMessage runs, so delivery is at most once.

import { WxConfigError, WxError, WxStorageError } from '../core/errors.js';
import { createCrypto, sha1Signature, verifySignature } from './msg-crypt.js';
import { dedupeKey, memorySeenStore, type SeenResult, type SeenStore } from './dedupe.js';
import { readEnvelope } from './envelope.js';
import { describeError, refusalFor, success, textResponse } from './refusals.js';
import { parseMessageWithFormat, type PushFormat } from './message.js';
import type { WxMessage } from './message-types.js';
import { readCapped, decodeUtf8 } from './body.js';
import { renderResult, type HandlerResult } from './render-result.js';
import { checkFreshness, verifyUrl } from './verify.js';

export type { HandlerResult } from './render-result.js';

export interface MessageContext {
  request: Request;
  /** plain: no encryption; compatible: plaintext fields and Encrypt both sent; safe: Encrypt only. */
  mode: 'plain' | 'compatible' | 'safe';
  format: PushFormat;
  /** The `openid` query parameter official accounts add, when present. */
  openid: string | undefined;
  dedupeKey: string;
}

export interface ErrorContext {
  stage: 'onMessage' | 'reply' | 'dedupe' | 'config' | 'internal';
  request: Request;
  message: WxMessage | undefined;
}

export interface MessageHandlerOptions {
  token: string;
  /** Needed for safe / compatible mode and WeCom. */
  encodingAESKey?: string;
  /**
   * The id every ciphertext must carry (receiveid): appid, third-party platform (component) appid,
   * WeCom corpid (apps), suite id (WeCom suite instruction callbacks), or '' (WeCom intelligent robots).
   */
  appid: string;
  onMessage: (message: WxMessage, ctx: MessageContext) => HandlerResult | Promise<HandlerResult>;
  /** Defaults to one console.error line (error name and message; never the body or secrets). */
  onError?: (error: unknown, ctx: ErrorContext) => void | Promise<void>;
  maxBodyBytes?: number;
  /** Accepted clock difference either way, in seconds (default 300). Must be finite. */
  timestampWindowSeconds?: number;
  /**
   * Defaults to an in-memory store on the handler's clock; `false` turns de-duplication off. A
   * store that answers `'full'` gets the push refused with 503 (WeChat retries it later).
   */
  dedupe?: SeenStore | false;
  /**
   * How long a push is remembered. Default and minimum: 2 × timestampWindowSeconds + 60, so no
   * copy of it is accepted again while its timestamp still passes the window check.
   */
  dedupeTtlSeconds?: number;
  /**
   * Accept unencrypted POSTs. Defaults to true only when no encodingAESKey is set: a plaintext push
   * is authenticated by its URL signature alone, which does not cover the body.
   */
  allowPlaintext?: boolean;
  /** Clock in milliseconds. */
  now?: () => number;
}

export type MessageHandler = ((request: Request) => Promise<Response>) & { readonly maxBodyBytes: number };

const MiB = 1024 * 1024;

/**
 * A web-standard handler `(Request) => Promise<Response>` for WeChat's pushes: it verifies the
 * signature and the timestamp window, decrypts, parses a typed message, drops duplicates and
 * replays, calls `onMessage`, and seals the reply. Mount it with `toNodeHandler` /
 * `toExpressMiddleware` (GET for URL verification and POST for pushes) or on any Fetch server.
 *
 * @example
 * ```ts
 * import { createMessageHandler, replyText } from 'wxkit/server';
 *
 * const handler = createMessageHandler({
 *   token: process.env.WX_TOKEN!, encodingAESKey: process.env.WX_AES_KEY!, appid: 'wx…',
 *   onMessage: (m) => (m.kind === 'text' ? replyText(m, `you said ${m.Content}`) : undefined),
 * });
 * ```
 */
export function createMessageHandler(options: MessageHandlerOptions): MessageHandler {
  const { token, appid, onMessage } = options;
  if (typeof token !== 'string' || token === '') throw new WxConfigError('createMessageHandler: token is required');
  // '' is WeCom's receiveid for intelligent robots, whose callbacks are always encrypted.
  if (typeof appid !== 'string' || (appid === '' && options.encodingAESKey === undefined)) {
    throw new WxConfigError("createMessageHandler: appid is required (it is '' only for WeCom intelligent robots, which need the encodingAESKey)");
  }
  if (typeof onMessage !== 'function') throw new WxConfigError('createMessageHandler: onMessage must be a function');
  const maxBodyBytes = options.maxBodyBytes ?? MiB;
  const windowSeconds = options.timestampWindowSeconds ?? 300;
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) throw new WxConfigError('maxBodyBytes must be a positive integer');
  // An unbounded window would need an unbounded seen-set to keep replays out.
  if (!(Number.isFinite(windowSeconds) && windowSeconds >= 0)) throw new WxConfigError('timestampWindowSeconds must be a finite number >= 0');
  // A request is accepted while |now - timestamp| <= window. First seen when its timestamp is a
  // full window ahead of our clock, it stays acceptable for 2 × window; WeChat's retries (about
  // 15 s apart in all, each with its own timestamp) and network delay fit in the 60 s added.
  const minTtl = 2 * windowSeconds + 60;
  const ttl = options.dedupeTtlSeconds ?? minTtl;
  if (options.dedupe !== false && !(Number.isFinite(ttl) && ttl >= minTtl)) {
    throw new WxConfigError(
      `dedupeTtlSeconds must be a finite number >= ${minTtl} (2 × timestampWindowSeconds + 60): a shorter memory lets a replayed push run onMessage again`,
    );
  }
  const crypto = options.encodingAESKey === undefined ? undefined : createCrypto({ token, encodingAESKey: options.encodingAESKey, receiveId: appid });
  const now = options.now ?? Date.now;
  const store = options.dedupe === false ? undefined : (options.dedupe ?? memorySeenStore({ now }));
  const allowPlaintext = options.allowPlaintext ?? crypto === undefined;
  const onError = options.onError ?? defaultOnError;

  const report = (error: unknown, ctx: ErrorContext): void => {
    try {
      // A failing error hook must not turn an acknowledgement into a 500 and a retry storm.
      Promise.resolve(onError(error, ctx)).catch(() => undefined);
    } catch {
      /* ignored, see above */
    }
  };

  const receive = async (request: Request, query: URLSearchParams): Promise<Response> => {
    const msgSignature = query.get('msg_signature');
    const encrypted = msgSignature !== null || query.get('encrypt_type') === 'aes';
    const signature = query.get('signature');
    if (encrypted && !msgSignature) return textResponse(400, 'missing msg_signature');
    if (!encrypted && !signature) return textResponse(400, 'missing signature');
    if (!encrypted && !allowPlaintext) return textResponse(403, 'unencrypted pushes are not accepted');
    const fresh = checkFreshness(query, now(), windowSeconds);
    if (fresh instanceof Response) return fresh;
    if (!encrypted && !verifySignature(sha1Signature([token, fresh.timestamp, fresh.nonce]), signature!)) {
      return textResponse(401, 'invalid signature');
    }

    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBodyBytes) return textResponse(413, 'body too large');
    let body: Awaited<ReturnType<typeof readCapped>>;
    try {
      body = await readCapped(request.body, maxBodyBytes);
    } catch {
      return textResponse(400, 'body could not be read'); // the client went away mid-body
    }
    if (!body.ok) return textResponse(413, 'body too large');
    const text = decodeUtf8(body.bytes);
    if (text === undefined) return textResponse(400, 'body is not UTF-8');

    let plaintext = text;
    let mode: MessageContext['mode'] = 'plain';
    let lowercase = false;
    let parsed: ReturnType<typeof parseMessageWithFormat>;
    try {
      const envelope = readEnvelope(text);
      if (encrypted) {
        if (envelope.encrypt === undefined) return textResponse(400, 'missing Encrypt');
        // msg_signature needs only the token, so a missing AES key is reported only for authentic pushes.
        const expected = sha1Signature([token, fresh.timestamp, fresh.nonce, envelope.encrypt]);
        if (!verifySignature(expected, msgSignature!)) return textResponse(401, 'invalid signature');
        if (!crypto) {
          report(new WxConfigError('encrypted push received but no encodingAESKey is configured'), { stage: 'config', request, message: undefined });
          return textResponse(500, 'server not configured for encrypted callbacks');
        }
        plaintext = crypto.decrypt(envelope.encrypt).message;
        lowercase = envelope.lowercase;
        mode = envelope.hasPlainFields ? 'compatible' : 'safe';
      } else if (envelope.encrypt !== undefined && !envelope.hasPlainFields) {
        return textResponse(400, 'encrypted body without msg_signature');
      }
      parsed = parseMessageWithFormat(plaintext);
    } catch (error) {
      return refusalFor(error);
    }

    const { message, format } = parsed;
    // A robot (lower-case JSON envelope) takes an empty body as "nothing to say"; "success" is the XML apps' ack.
    const ack = lowercase ? () => new Response('', { status: 200 }) : success;
    const key = dedupeKey(message, plaintext);
    if (store) {
      let seen: SeenResult = false;
      try {
        seen = await store.seen(key, ttl);
      } catch (error) {
        // Fail open: processing a retry twice beats dropping a message because the store is down.
        report(error, { stage: 'dedupe', request, message });
      }
      if (seen === 'full') {
        // Unmarked, the push could be handled again by a replay or retry: do not handle it now.
        // A 5xx makes WeChat push it again later, when expired keys have made room.
        report(new WxStorageError('full of unexpired keys; the push was refused with 503 and not handled', 'callback seen store'), {
          stage: 'dedupe',
          request,
          message,
        });
        return textResponse(503, 'busy; push again later');
      }
      if (seen) return ack();
    }

    const ctx: MessageContext = { request, mode, format, openid: query.get('openid') ?? undefined, dedupeKey: key };
    let result: HandlerResult;
    try {
      result = await onMessage(message, ctx);
    } catch (error) {
      report(error, { stage: 'onMessage', request, message });
      return ack();
    }
    return renderResult(result, {
      message,
      format,
      crypto: mode === 'plain' ? undefined : crypto,
      nowSeconds: Math.floor(now() / 1000),
      onError: (error) => report(error, { stage: 'reply', request, message }),
      aibot: lowercase,
    });
  };

  const handle = async (request: Request): Promise<Response> => {
    try {
      const query = new URL(request.url).searchParams;
      if (request.method === 'GET') {
        return verifyUrl(query, {
          token,
          crypto,
          nowMs: now(),
          windowSeconds,
          reportConfig: (error) => report(error, { stage: 'config', request, message: undefined }),
        });
      }
      if (request.method !== 'POST') return textResponse(405, 'method not allowed', { allow: 'GET, POST' });
      return await receive(request, query);
    } catch (error) {
      report(error instanceof Error ? error : new WxError('non-error thrown'), { stage: 'internal', request, message: undefined });
      return textResponse(500, 'internal error');
    }
  };
  return Object.assign(handle, { maxBodyBytes });
}

function defaultOnError(error: unknown, ctx: ErrorContext): void {
  console.error(`[wxkit] callback ${ctx.stage} error: ${describeError(error)}`);
}
