// The suite's HTTP endpoints as web-standard handlers. Pushes go through the shared callback
// handler (verification, replay window, dedupe) with the receiveid WeCom uses for each URL: the
// suite id on the instruction URL, the corp's id on the data URL. WeCom encrypts the URL check
// (GET) of a provider's callback URLs with the provider's corpid, so with `providerCorpid` set
// those checks are accepted too. A push for another suite is refused whatever it decrypts to.
import { WxConfigError, WxStorageError } from '../core/errors.js';
import { isTransient } from '../core/retry.js';
import { createMessageHandler, type MessageContext, type MessageHandler, type MessageHandlerOptions } from '../callbacks/message-handler.js';
import { textResponse } from '../callbacks/refusals.js';
import type { HandlerResult } from '../callbacks/render-result.js';
import type { SeenStore } from '../callbacks/dedupe.js';
import type { UnknownMessage, WxMessage } from '../callbacks/message-types.js';
import type { SuiteInfo } from '../callbacks/work-message-types.js';
import type { Client } from '../core/client.js';
import { kSuite, type SuiteWithInternals, type WxSuite } from './suite.js';
import type { SuiteCorpRecord } from './suite-store.js';

interface PushOptions {
  maxBodyBytes?: number;
  timestampWindowSeconds?: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

export type SuiteEventHandlerOptions = PushOptions;

const ID = /^[A-Za-z0-9_-]{4,64}$/;
const MAX_CORP_HANDLERS = 1_000;

/**
 * The instruction URL. The suite_ticket is stored before the push is acknowledged; create_auth and
 * reset_permanent_code exchange the code and store the corp; cancel_auth removes it; change_auth
 * re-reads its authorization. A storage or transient WeCom failure answers 500 so WeCom pushes
 * again (every step is idempotent); other failures become `error` events and are acknowledged.
 */
export function suiteEventHandler(suite: SuiteWithInternals, options: SuiteEventHandlerOptions = {}): MessageHandler {
  const internals = suite[kSuite];
  const failed = new WeakSet<Request>();
  const make = (receiveId: string) =>
    createMessageHandler({
      ...internals.crypto(),
      appid: receiveId,
      dedupe: false,
      allowPlaintext: false,
      ...pushOptions(options),
      onMessage: async (message, ctx) => {
        try {
          await onInstruction(suite, message);
        } catch (error) {
          if (error instanceof WxStorageError || isTransient(error)) failed.add(ctx.request);
          throw error;
        }
        return undefined;
      },
      onError: (error, ctx) => internals.emitter.report('event', error, corpOf(ctx.message)),
    });
  const inner = withFallbacks([make(suite.suiteId), ...(internals.providerCorpid ? [make(internals.providerCorpid)] : [])]);
  const handle = async (request: Request): Promise<Response> => {
    const response = await inner(request);
    return [...inner.seen(request)].some((r) => failed.has(r)) ? textResponse(500, 'not processed; push again') : response;
  };
  return Object.assign(handle, { maxBodyBytes: inner.maxBodyBytes });
}

async function onInstruction(suite: SuiteWithInternals, message: WxMessage): Promise<void> {
  const { store, emitter, authorize } = suite[kSuite];
  const m = message as unknown as Record<string, unknown>;
  if (typeof m['InfoType'] !== 'string') return; // not an instruction: nothing to do here
  if (m['SuiteId'] !== suite.suiteId) {
    // Authentic (our token and key) yet naming another suite: two suites sharing a key must never
    // overwrite each other's ticket or corps.
    throw new WxConfigError(`suite ${suite.suiteId} received a ${String(m['InfoType'])} push for suite ${JSON.stringify(m['SuiteId'])}; nothing was stored`);
  }
  const { suiteId } = suite;
  switch (message.kind) {
    case 'info.suite_ticket':
      await store.saveTicket(message.SuiteTicket, message.TimeStamp);
      await emitter.emit('suite_ticket', { suiteId, timestamp: message.TimeStamp });
      return;
    case 'info.create_auth':
      await authorize(message.AuthCode, 'event', message);
      return;
    case 'info.reset_permanent_code':
      await authorize(message.AuthCode, 'event', message);
      return;
    case 'info.cancel_auth': {
      const corp = await store.remove(message.AuthCorpId);
      await emitter.emit('cancel_auth', { suiteId, corpid: message.AuthCorpId, corp, message });
      return;
    }
    case 'info.change_auth': {
      let corp: SuiteCorpRecord | undefined;
      try {
        corp = await suite.refreshCorpInfo(message.AuthCorpId);
      } catch (error) {
        if (error instanceof WxStorageError || isTransient(error)) throw error;
        await emitter.report('authorization', error, message.AuthCorpId);
        corp = await store.getRecord(message.AuthCorpId);
      }
      await emitter.emit('change_auth', { suiteId, corpid: message.AuthCorpId, corp, message });
      return;
    }
    default:
      await emitter.emit('info', { suiteId, message: message as SuiteInfo | UnknownMessage });
  }
}

export interface SuiteDataContext extends MessageContext {
  suiteId: string;
  corpid: string;
  /** The corp's client, for calls made while handling the message. */
  readonly corp: Client<'work'>;
}

export interface SuiteDataHandlerOptions extends PushOptions {
  /** Your handler; what it returns is the passive reply (see wxkit/server). */
  onMessage: (message: WxMessage, ctx: SuiteDataContext) => HandlerResult | Promise<HandlerResult>;
  /** Reads the corp id from the request; default: the last path segment (the URL ends in `$CORPID$`). */
  corpid?: (request: Request) => string | undefined;
  dedupe?: SeenStore | false;
  dedupeTtlSeconds?: number;
}

/**
 * The data URL (数据回调URL): configure it as `https://…/wecom/data/$CORPID$` and WeCom fills in the
 * corp. Pushes are decrypted with that corp's id and accepted only for corps that installed the
 * suite (when the suite has a storage).
 */
export function suiteDataHandler(suite: SuiteWithInternals, options: SuiteDataHandlerOptions): MessageHandler {
  if (typeof options?.onMessage !== 'function') throw new WxConfigError('suite.dataHandler: onMessage is required');
  const internals = suite[kSuite];
  const pick = options.corpid ?? lastPathSegment;
  const handlers = new Map<string, MessageHandler>();
  const make = (receiveId: string, corpid: string): MessageHandler =>
    createMessageHandler({
      ...internals.crypto(),
      appid: receiveId,
      allowPlaintext: false,
      ...pushOptions(options),
      ...(options.dedupe !== undefined ? { dedupe: options.dedupe } : {}),
      ...(options.dedupeTtlSeconds !== undefined ? { dedupeTtlSeconds: options.dedupeTtlSeconds } : {}),
      onMessage: (message, ctx) => {
        let client: Client<'work'> | undefined;
        return options.onMessage(message, {
          ...ctx,
          suiteId: suite.suiteId,
          corpid,
          get corp() {
            return (client ??= suite.corp(corpid));
          },
        });
      },
      onError: (error) => internals.emitter.report('data', error, corpid),
    });
  const forCorp = (corpid: string): MessageHandler => {
    let h = handlers.get(corpid);
    if (!h) {
      // The URL check may come encrypted with the provider's corpid or the suite id instead.
      const extra = [internals.providerCorpid, suite.suiteId].filter((id): id is string => id !== undefined && id !== corpid);
      h = withFallbacks([make(corpid, corpid), ...extra.map((id) => make(id, corpid))], (r) => r.method === 'GET');
      // Any corp id can be put in the URL (GET checks are answered for corps not installed yet):
      // keep the cache bounded, dropping the oldest.
      if (handlers.size >= MAX_CORP_HANDLERS) handlers.delete(handlers.keys().next().value!);
      handlers.set(corpid, h);
    }
    return h;
  };
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const handle = async (request: Request): Promise<Response> => {
    const corpid = pick(request);
    if (!corpid || !ID.test(corpid)) return textResponse(400, 'no corp id in the URL (end the data URL with $CORPID$)');
    if (internals.hasStorage && request.method === 'POST' && !(await internals.store.getPermanentCode(corpid))) {
      return textResponse(403, 'corp has not installed this app');
    }
    return forCorp(corpid)(request);
  };
  return Object.assign(handle, { maxBodyBytes });
}

export interface SuiteRedirectHandlerOptions {
  /** Your answer once the corp is stored; default: a short text page. */
  onAuthorized?: (corp: SuiteCorpRecord, request: Request) => Response | Promise<Response>;
  /** Your answer when the exchange failed (already reported as an `error` event); default 502. */
  onFailure?: (error: unknown, request: Request) => Response | Promise<Response>;
}

/** The install link's redirect_uri: `?auth_code=…&expires_in=…&state=…`. */
export function suiteRedirectHandler(suite: SuiteWithInternals, options: SuiteRedirectHandlerOptions = {}): (request: Request) => Promise<Response> {
  const internals = suite[kSuite];
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed', { allow: 'GET' });
    const code = new URL(request.url).searchParams.get('auth_code');
    if (!code) return textResponse(400, 'missing auth_code');
    let corp: SuiteCorpRecord;
    try {
      corp = await internals.authorize(code, 'redirect');
    } catch (error) {
      await internals.emitter.report('redirect', error);
      return options.onFailure ? options.onFailure(error, request) : textResponse(502, 'the installation could not be completed; please try again');
    }
    if (options.onAuthorized) return options.onAuthorized(corp, request);
    return textResponse(200, `Installed for ${corp.corpName ?? corp.corpid}`);
  };
}

type Fallbacks = MessageHandler & { seen(request: Request): Set<Request> };

/**
 * Tries each handler (one per acceptable receiveid) in turn while the answer is 403, the refusal
 * of a ciphertext made for another receiveid. The body is read once and handed to each as a fresh
 * request; only the first handler decides when `retry` says the request kind is not retried.
 */
function withFallbacks(handlers: MessageHandler[], retry: (request: Request) => boolean = () => true): Fallbacks {
  const tried = new WeakMap<Request, Set<Request>>();
  const maxBodyBytes = Math.max(...handlers.map((h) => h.maxBodyBytes));
  const handle = async (request: Request): Promise<Response> => {
    const copies = new Set<Request>();
    tried.set(request, copies);
    if (handlers.length === 1 || !retry(request)) {
      copies.add(request);
      return handlers[0]!(request);
    }
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > maxBodyBytes) return textResponse(413, 'body too large');
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : new Uint8Array(await request.arrayBuffer());
    if (body && body.byteLength > maxBodyBytes) return textResponse(413, 'body too large');
    let response: Response | undefined;
    for (const h of handlers) {
      const copy = new Request(request.url, { method: request.method, headers: request.headers, ...(body ? { body } : {}) });
      copies.add(copy);
      response = await h(copy);
      if (response.status !== 403) return response;
    }
    return response!;
  };
  return Object.assign(handle, { maxBodyBytes, seen: (request: Request) => tried.get(request) ?? new Set<Request>() });
}

function corpOf(message: WxMessage | undefined): string | undefined {
  const c = (message as Record<string, unknown> | undefined)?.['AuthCorpId'];
  return typeof c === 'string' ? c : undefined;
}

function lastPathSegment(request: Request): string | undefined {
  const segments = new URL(request.url).pathname.split('/').filter(Boolean);
  return segments[segments.length - 1];
}

function pushOptions(o: PushOptions): Partial<MessageHandlerOptions> {
  return {
    ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.timestampWindowSeconds !== undefined ? { timestampWindowSeconds: o.timestampWindowSeconds } : {}),
    ...(o.now ? { now: o.now } : {}),
  };
}

export type { WxSuite };
