// WeChat Pay notifications (支付/退款/分账/转账/支付分… 回调通知) as a web-standard
// `(Request) => Promise<Response>`, mounted like the callback handler: `toNodeHandler` /
// `toExpressMiddleware`, or directly on Hono, Next.js route handlers, Bun, Deno.
//
// v3, every check that can refuse a notification runs before user code, cheapest first:
//   method (405) → body size (413) → UTF-8 (400) → Wechatpay-* headers, signature probe, timestamp
//   window, key by serial, signature (401; 403 for the timestamp) → JSON envelope (400)
//   → decryption of `resource` (500: it verified, so a failure is our APIv3 key) → de-duplication
//   by id (200 for a duplicate; 503 when the store is full) → onNotify.
// Refusals are not reported to onError: anyone can send them. Unlike message pushes, a payment
// notification must not be lost: when onNotify throws, WeChat gets a 500 `{ code: 'FAIL' }` and
// notifies again later, and the id is unmarked so that the retry is handled. A success is a 200
// with no body, as the v3 documentation asks.
//
// v2 notifications are XML: a payment result carries a `sign` (MD5 or HMAC-SHA256 with the API
// key); a refund result carries none and is authenticated by `req_info` decrypting with the key.

import { createHash, timingSafeEqual } from 'node:crypto';
import { WxConfigError, WxCryptoError, WxError, WxStorageError } from '../core/errors.js';
import { verifyAnswer } from '../protocols/pay-v3.js';
import { decodeUtf8, readCapped } from '../callbacks/body.js';
import { describeError } from '../callbacks/refusals.js';
import { parseXml } from '../core/xml-parse.js';
import { buildXml } from '../core/xml-build.js';
import { decryptV2RefundInfo, decryptV3Resource, signV2, type V2SignType } from './signatures.js';
import type { PayKeyring } from './keys.js';
import { memoryNotificationStore, NOTIFICATION_RETENTION_SECONDS, type NotificationSeenStore } from './notify-dedupe.js';
import { notificationKind, type PayNotification, type PayNotificationV2 } from './notify-types.js';

export interface PayNotifyContext {
  request: Request;
  /** The key `Wechatpay-Serial` named (`PUB_KEY_ID_…` or a certificate serial); v3 only. */
  serial?: string;
  /** The de-duplication key. */
  dedupeKey: string;
}

export interface PayNotifyErrorContext {
  stage: 'onNotify' | 'dedupe' | 'config' | 'keys' | 'internal';
  request: Request;
}

interface CommonOptions {
  /** Defaults to one console.error line (error name and message; never the body or keys). */
  onError?: (error: unknown, ctx: PayNotifyErrorContext) => void | Promise<void>;
  /** Default 256 KiB; notifications are a few KiB. */
  maxBodyBytes?: number;
  /**
   * Remembers handled notifications: defaults to an in-memory store; `false` turns it off. Behind
   * several instances use a shared store with `forget` (redisSeenStore).
   */
  dedupe?: NotificationSeenStore | false;
  /** How long a notification is remembered (default 25 h: WeChat retries for 24 h 4 min). */
  dedupeTtlSeconds?: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

export interface PayNotifyHandlerOptions extends CommonOptions {
  /** Throw (or reject) to have WeChat notify again later. */
  onNotify: (notification: PayNotification, ctx: PayNotifyContext) => unknown;
  /** Accepted difference between Wechatpay-Timestamp and our clock, in seconds (default: the client's maxSkewSeconds, 300). */
  timestampWindowSeconds?: number;
}

export interface PayNotifyV2HandlerOptions extends CommonOptions {
  onNotify: (notification: PayNotificationV2, ctx: PayNotifyContext) => unknown;
}

export type PayNotifyHandler = ((request: Request) => Promise<Response>) & { readonly maxBodyBytes: number };

/** What a merchant's client hands its handlers; never printed. */
export interface NotifyCredentials {
  mchid: string;
  apiV3Key?: string;
  key?: string;
  keyring?: PayKeyring;
  skewSeconds: number;
}

const KiB = 1024;

interface Outcome {
  status: number;
  /** v3: `{ code: 'FAIL', message }` on failure; v2: the XML answer. */
  message?: string;
}

/** The v3 handler. */
export function createNotifyHandler(credentials: NotifyCredentials, options: PayNotifyHandlerOptions): PayNotifyHandler {
  const { apiV3Key, keyring, mchid } = credentials;
  if (typeof options?.onNotify !== 'function') throw new WxConfigError('notifyHandler: onNotify must be a function');
  if (!apiV3Key || !keyring)
    throw new WxConfigError('notifyHandler: v3 notifications need the APIv3 credentials (apiV3Key, and publicKey or platform certificates)');
  const windowSeconds = options.timestampWindowSeconds ?? credentials.skewSeconds;
  if (!(Number.isFinite(windowSeconds) && windowSeconds >= 0)) throw new WxConfigError('timestampWindowSeconds must be a finite number >= 0');
  const common = commonSetup(options);
  const now = common.now;

  const receive = async (request: Request): Promise<Outcome> => {
    const body = await common.readBody(request);
    if (typeof body !== 'string') return body;
    const serial = request.headers.get('wechatpay-serial') ?? '';
    try {
      await verifyAnswer(request.headers, body, undefined, (s) => keyring.keyFor(s), windowSeconds, now());
    } catch (error) {
      if (error instanceof WxCryptoError) {
        if (error.reason === 'timestamp') return { status: 403, message: 'timestamp outside the accepted window' };
        return { status: 401, message: error.reason === 'key' ? 'unknown Wechatpay-Serial' : 'invalid signature' };
      }
      // The key could not be looked up (storage, certificate download): ours to fix, WeChat retries.
      common.report(error, { stage: 'keys', request });
      return { status: 500, message: 'verification key unavailable' };
    }

    const envelope = readEnvelope(body);
    if (typeof envelope === 'string') return { status: 400, message: envelope };
    let plaintext: string;
    try {
      plaintext = decryptV3Resource(envelope.resource, apiV3Key);
    } catch (error) {
      // Signed by WeChat yet undecryptable: the APIv3 key configured here is not the merchant's.
      common.report(new WxConfigError(`notification ${envelope.id.slice(0, 64)} does not decrypt with the configured APIv3 key`, { cause: error }), {
        stage: 'config',
        request,
      });
      return { status: 500, message: 'resource does not decrypt' };
    }
    let resource: unknown;
    try {
      resource = JSON.parse(plaintext);
    } catch {
      return { status: 400, message: 'resource is not JSON' };
    }
    const originalType = typeof envelope.resource.original_type === 'string' ? envelope.resource.original_type : undefined;
    const notification = {
      id: envelope.id,
      create_time: envelope.create_time,
      event_type: envelope.event_type,
      resource_type: envelope.resource_type,
      ...(envelope.summary !== undefined ? { summary: envelope.summary } : {}),
      ...(originalType !== undefined ? { original_type: originalType } : {}),
      kind: notificationKind(envelope.event_type, originalType, resource),
      resource,
    } as PayNotification;
    const key = `wxpay:notify:${mchid}:${envelope.id}`;
    return common.deliver(request, key, () => options.onNotify(notification, { request, serial, dedupeKey: key }));
  };

  const handle = async (request: Request): Promise<Response> => {
    let outcome: Outcome;
    try {
      outcome = request.method !== 'POST' ? { status: 405, message: 'method not allowed' } : await receive(request);
    } catch (error) {
      common.report(error instanceof Error ? error : new WxError('non-error thrown'), { stage: 'internal', request });
      outcome = { status: 500, message: 'internal error' };
    }
    if (outcome.status === 200) return new Response(null, { status: 200 });
    return new Response(JSON.stringify({ code: 'FAIL', message: outcome.message ?? 'failed' }), {
      status: outcome.status,
      headers: { 'content-type': 'application/json; charset=utf-8', ...(outcome.status === 405 ? { allow: 'POST' } : {}) },
    });
  };
  return Object.assign(handle, { maxBodyBytes: common.maxBodyBytes });
}

/** The v2 (XML) handler. */
export function createNotifyHandlerV2(credentials: NotifyCredentials, options: PayNotifyV2HandlerOptions): PayNotifyHandler {
  const { key, mchid } = credentials;
  if (typeof options?.onNotify !== 'function') throw new WxConfigError('notifyHandlerV2: onNotify must be a function');
  if (!key) throw new WxConfigError('notifyHandlerV2: v2 notifications need the APIv2 key (createPay({ key }))');
  const common = commonSetup(options);

  const receive = async (request: Request): Promise<Outcome> => {
    const body = await common.readBody(request);
    if (typeof body !== 'string') return body;
    const fields = readXmlFields(body, 'xml');
    if (!fields) return { status: 400, message: 'malformed XML' };
    if (fields.mch_id !== undefined && fields.mch_id !== mchid) return { status: 403, message: 'notification for another merchant' };

    if (fields.req_info !== undefined) {
      // Refund results carry no sign: only the API key decrypts req_info into well-formed XML.
      let refund: Record<string, string> | undefined;
      try {
        refund = readXmlFields(decryptV2RefundInfo(fields.req_info, key), 'root');
      } catch {
        refund = undefined;
      }
      if (!refund || typeof refund.refund_id !== 'string') return { status: 401, message: 'req_info does not decrypt with this API key' };
      const notification: PayNotificationV2 = { kind: 'refund', fields, refund };
      const dedupe = `wxpay:v2:refund:${mchid}:${refund.refund_id}:${refund.refund_status ?? ''}`;
      return common.deliver(request, dedupe, () => options.onNotify(notification, { request, dedupeKey: dedupe }));
    }

    const sign = fields.sign;
    if (!sign) return { status: 401, message: 'missing sign' };
    const signType: V2SignType = fields.sign_type === 'HMAC-SHA256' || (fields.sign_type === undefined && sign.length === 64) ? 'HMAC-SHA256' : 'MD5';
    if (!sameText(signV2(fields, key, signType), sign.toUpperCase())) return { status: 401, message: 'invalid sign' };
    const notification: PayNotificationV2 = { kind: 'transaction', fields };
    const dedupe = `wxpay:v2:pay:${mchid}:${fields.transaction_id ?? fields.out_trade_no ?? digest(body)}:${fields.result_code ?? fields.return_code ?? ''}`;
    return common.deliver(request, dedupe, () => options.onNotify(notification, { request, dedupeKey: dedupe }));
  };

  const handle = async (request: Request): Promise<Response> => {
    let outcome: Outcome;
    try {
      outcome = request.method !== 'POST' ? { status: 405, message: 'method not allowed' } : await receive(request);
    } catch (error) {
      common.report(error instanceof Error ? error : new WxError('non-error thrown'), { stage: 'internal', request });
      outcome = { status: 500, message: 'internal error' };
    }
    const ok = outcome.status === 200;
    const xml = buildXml({ return_code: ok ? 'SUCCESS' : 'FAIL', return_msg: ok ? 'OK' : (outcome.message ?? 'failed') });
    return new Response(xml, {
      status: outcome.status,
      headers: { 'content-type': 'text/xml; charset=utf-8', ...(outcome.status === 405 ? { allow: 'POST' } : {}) },
    });
  };
  return Object.assign(handle, { maxBodyBytes: common.maxBodyBytes });
}

/** Body reading, reporting and the de-duplicated delivery shared by both handlers. */
function commonSetup(options: CommonOptions) {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * KiB;
  if (!(Number.isInteger(maxBodyBytes) && maxBodyBytes > 0)) throw new WxConfigError('maxBodyBytes must be a positive integer');
  const ttl = options.dedupeTtlSeconds ?? NOTIFICATION_RETENTION_SECONDS;
  if (!(Number.isFinite(ttl) && ttl > 0)) throw new WxConfigError('dedupeTtlSeconds must be a positive number');
  const now = options.now ?? Date.now;
  const store = options.dedupe === false ? undefined : (options.dedupe ?? memoryNotificationStore({ now }));
  if (store && typeof store.forget !== 'function') {
    throw new WxConfigError('notify dedupe store needs forget(key): a failed notification must be handled when WeChat sends it again');
  }
  const onError = options.onError ?? defaultOnError;
  // A duplicate arriving while this process still handles the first delivery waits for its outcome.
  const running = new Map<string, Promise<Outcome>>();

  const report = (error: unknown, ctx: PayNotifyErrorContext): void => {
    try {
      // A failing error hook must not change the answer.
      Promise.resolve(onError(error, ctx)).catch(() => undefined);
    } catch {
      /* ignored, see above */
    }
  };

  const readBody = async (request: Request): Promise<string | Outcome> => {
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBodyBytes) return { status: 413, message: 'body too large' };
    let read: Awaited<ReturnType<typeof readCapped>>;
    try {
      read = await readCapped(request.body, maxBodyBytes);
    } catch {
      return { status: 400, message: 'body could not be read' };
    }
    if (!read.ok) return { status: 413, message: 'body too large' };
    const text = decodeUtf8(read.bytes);
    return text === undefined ? { status: 400, message: 'body is not UTF-8' } : text;
  };

  const handleOnce = async (request: Request, key: string, run: () => unknown): Promise<Outcome> => {
    let claimed = false;
    if (store) {
      let seen: Awaited<ReturnType<NotificationSeenStore['seen']>> = false;
      try {
        seen = await store.seen(key, ttl);
        claimed = seen === false;
      } catch (error) {
        // Fail open: handling a retry twice beats losing a payment because the store is down.
        report(error, { stage: 'dedupe', request });
      }
      if (seen === 'full') {
        report(new WxStorageError('full of unexpired ids; the notification was refused with 503 and not handled', 'notification seen store'), {
          stage: 'dedupe',
          request,
        });
        return { status: 503, message: 'busy; notify again later' };
      }
      if (seen === true) return { status: 200 };
    }
    try {
      await run();
      return { status: 200 };
    } catch (error) {
      report(error, { stage: 'onNotify', request });
      if (claimed) await store!.forget(key).catch((e: unknown) => report(e, { stage: 'dedupe', request }));
      return { status: 500, message: 'notification not handled; please notify again' };
    }
  };

  const deliver = async (request: Request, key: string, run: () => unknown): Promise<Outcome> => {
    const pending = running.get(key);
    if (pending) return pending;
    const outcome = handleOnce(request, key, run);
    running.set(key, outcome);
    try {
      return await outcome;
    } finally {
      running.delete(key);
    }
  };

  return { maxBodyBytes, now, report, readBody, deliver };
}

interface Envelope {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary?: string;
  resource: { algorithm: string; ciphertext: string; nonce: string; associated_data?: string; original_type?: unknown };
}

/** The verified body as a notification envelope, or the refusal message. */
function readEnvelope(body: string): Envelope | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'body is not JSON';
  }
  const e = parsed as Partial<Record<keyof Envelope, unknown>> | null;
  if (!e || typeof e !== 'object' || typeof e.id !== 'string' || !e.id || typeof e.event_type !== 'string')
    return 'expected a notification with id and event_type';
  const r = e.resource as Partial<Record<keyof Envelope['resource'], unknown>> | undefined;
  if (!r || typeof r !== 'object' || typeof r.ciphertext !== 'string' || typeof r.nonce !== 'string')
    return 'expected resource { algorithm, nonce, ciphertext }';
  if (r.algorithm !== 'AEAD_AES_256_GCM') return `unsupported resource algorithm`;
  if (r.associated_data !== undefined && typeof r.associated_data !== 'string') return 'resource.associated_data must be a string';
  return {
    id: e.id,
    create_time: typeof e.create_time === 'string' ? e.create_time : '',
    event_type: e.event_type,
    resource_type: typeof e.resource_type === 'string' ? e.resource_type : '',
    ...(typeof e.summary === 'string' ? { summary: e.summary } : {}),
    resource: r as Envelope['resource'],
  };
}

/** A flat XML document's string fields, or undefined when it is not one (wrong root, malformed). */
function readXmlFields(text: string, root: string): Record<string, string> | undefined {
  try {
    const doc = parseXml(text);
    if (doc.root !== root || typeof doc.value !== 'object') return undefined;
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(doc.value)) if (typeof v === 'string') fields[k] = v;
    return fields;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function defaultOnError(error: unknown, ctx: PayNotifyErrorContext): void {
  console.error(`[wxkit] pay notification ${ctx.stage} error: ${describeError(error)}`);
}
