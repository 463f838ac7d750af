// The component's HTTP endpoints as web-standard handlers `(Request) => Promise<Response>`; mount
// them with toNodeHandler / toExpressMiddleware from wxkit/server (re-exported by wxkit/component).
// Pushes are verified and decrypted by the callback module (createMessageHandler), with the
// platform's token and key and the component appid as receiveId.
import * as OAuth from '../../generated/official-account/oauth.js';
import { APPID } from '../core/appid.js';
import { WxConfigError, WxStorageError } from '../core/errors.js';
import { isTransient } from '../core/retry.js';
import { createMessageHandler, type MessageHandler, type MessageHandlerOptions } from '../callbacks/message-handler.js';
import { textResponse } from '../callbacks/refusals.js';
import type { FastRegisterInfo, UnknownMessage, WxMessage } from '../callbacks/message-types.js';
import { DEFAULT_EVENT_TEST_APPIDS, releaseTestReply } from './autotest.js';
import type {
  AuthorizerClient,
  AuthorizerMessageContext,
  AuthPageHandlerOptions,
  AuthRedirectHandlerOptions,
  ComponentMessageHandlerOptions,
  ComponentOAuthUser,
  EventHandlerOptions,
  OAuthHandlerOptions,
  WebHandler,
  WxComponent,
} from './types.js';
import { kInternals, type ComponentWithInternals } from './internals.js';
import type { AuthorizerRecord } from './store.js';

/**
 * The event URL. A verify ticket is stored before the push is acknowledged; authorized and
 * updateauthorized exchange the code and store the authorizer; unauthorized removes it. When the
 * store or WeChat fails transiently the answer is 500, so WeChat pushes again (every step is
 * idempotent, so there is no de-duplication here). Other failures are reported as `error` events
 * and acknowledged: a push that fails the same way every time must not be retried forever.
 */
export function eventHandler(component: ComponentWithInternals, options: EventHandlerOptions = {}): MessageHandler {
  const internals = component[kInternals];
  const { componentAppid } = component;
  const failed = new WeakSet<Request>();
  const inner = createMessageHandler({
    ...internals.crypto(),
    appid: componentAppid,
    dedupe: false,
    allowPlaintext: false,
    ...pushOptions(options),
    onMessage: async (message, ctx) => {
      try {
        await onInfo(component, message);
      } catch (error) {
        if (error instanceof WxStorageError || isTransient(error)) failed.add(ctx.request);
        throw error;
      }
      return undefined;
    },
    onError: (error, ctx) => internals.emitter.report('event', error, authorizerOf(ctx.message)),
  });
  const handle = async (request: Request): Promise<Response> => {
    const response = await inner(request);
    return failed.has(request) ? textResponse(500, 'not processed; push again') : response;
  };
  return Object.assign(handle, { maxBodyBytes: inner.maxBodyBytes });
}

async function onInfo(component: ComponentWithInternals, message: WxMessage): Promise<void> {
  const { store, emitter, exchange, unauthorized } = component[kInternals];
  const m = message as unknown as Record<string, unknown>;
  if (typeof m['InfoType'] !== 'string') return; // not a platform event: nothing to do here
  if (m['AppId'] !== component.componentAppid) {
    // Authentic (our key, our receiveId) yet naming another platform: refuse to act on it.
    throw new WxConfigError(
      `component ${component.componentAppid} received a ${String(m['InfoType'])} push for component ${JSON.stringify(m['AppId'])}; nothing was stored`,
    );
  }
  switch (message.kind) {
    case 'info.component_verify_ticket':
      await store.saveTicket(message.ComponentVerifyTicket, message.CreateTime);
      await emitter.emit('component_verify_ticket', {
        componentAppid: component.componentAppid,
        ticket: message.ComponentVerifyTicket,
        createTime: message.CreateTime,
      });
      return;
    case 'info.authorized':
    case 'info.updateauthorized':
      await exchange(message.AuthorizationCode, 'event', message);
      return;
    case 'info.unauthorized': {
      const authorizer = await unauthorized(message.AuthorizerAppid);
      await emitter.emit('unauthorized', { componentAppid: component.componentAppid, authorizerAppid: message.AuthorizerAppid, authorizer, message });
      return;
    }
    default:
      await emitter.emit('info', message as FastRegisterInfo | UnknownMessage);
  }
}

function authorizerOf(message: WxMessage | undefined): string | undefined {
  const a = (message as Record<string, unknown> | undefined)?.['AuthorizerAppid'];
  return typeof a === 'string' ? a : undefined;
}

function pushOptions(o: EventHandlerOptions): Partial<MessageHandlerOptions> {
  return {
    ...(o.maxBodyBytes !== undefined ? { maxBodyBytes: o.maxBodyBytes } : {}),
    ...(o.timestampWindowSeconds !== undefined ? { timestampWindowSeconds: o.timestampWindowSeconds } : {}),
    ...(o.now ? { now: o.now } : {}),
  };
}

/** The message URL of the authorizers, e.g. `/wechat/message/:componentAppid/:authorizerAppid`. */
export function messageHandler(component: ComponentWithInternals, options: ComponentMessageHandlerOptions = {}): MessageHandler {
  const internals = component[kInternals];
  const pick = options.authorizerAppid ?? lastPathSegment;
  const autoTest = options.autoTest ?? true;
  const testAppids = typeof autoTest === 'object' ? (autoTest.appids ?? DEFAULT_EVENT_TEST_APPIDS) : DEFAULT_EVENT_TEST_APPIDS;
  return createMessageHandler({
    ...internals.crypto(),
    appid: component.componentAppid,
    allowPlaintext: false,
    ...pushOptions(options),
    ...(options.dedupe !== undefined ? { dedupe: options.dedupe } : {}),
    ...(options.dedupeTtlSeconds !== undefined ? { dedupeTtlSeconds: options.dedupeTtlSeconds } : {}),
    onMessage: (message, ctx) => {
      const authorizerAppid = safeAppid(pick(ctx.request));
      if (autoTest !== false) {
        const test = releaseTestReply(component, message, authorizerAppid, testAppids);
        if (test) return test.result;
      }
      if (!options.onMessage) return undefined;
      let client: AuthorizerClient | undefined;
      const full: AuthorizerMessageContext = {
        ...ctx,
        componentAppid: component.componentAppid,
        authorizerAppid,
        get authorizer() {
          // Created on first use only: most messages never call the API.
          client ??= authorizerAppid ? component.authorizer(authorizerAppid) : undefined;
          return client;
        },
      };
      return options.onMessage(message, full);
    },
    onError: (error) => internals.emitter.report('message', error),
  });
}

function lastPathSegment(request: Request): string | undefined {
  const segments = new URL(request.url).pathname.split('/').filter(Boolean);
  return segments[segments.length - 1];
}

function safeAppid(value: string | undefined): string | undefined {
  return value !== undefined && APPID.test(value) ? value : undefined;
}

/** The redirect_uri of the authorization page: `?auth_code=…&expires_in=…`. */
export function authRedirectHandler(component: ComponentWithInternals, options: AuthRedirectHandlerOptions = {}): WebHandler {
  const internals = component[kInternals];
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed', { allow: 'GET' });
    const code = new URL(request.url).searchParams.get('auth_code');
    if (!code) return textResponse(400, 'missing auth_code');
    let record: AuthorizerRecord;
    try {
      record = await internals.exchange(code, 'redirect');
    } catch (error) {
      await internals.emitter.report('redirect', error);
      return options.onFailure ? options.onFailure(error, request) : textResponse(502, 'the authorization could not be completed; please try again');
    }
    if (options.onAuthorized) return options.onAuthorized(record, request);
    return textResponse(200, `Authorized: ${record.nickName ?? record.authorizerAppid}`);
  };
}

/**
 * A page that sends the merchant to the authorization page with a fresh pre_auth_code. It is an
 * HTML page with a link (not a 302): WeChat checks that the PC page is opened from the platform's
 * own domain (Referer).
 */
export function authPageHandler(component: ComponentWithInternals, options: AuthPageHandlerOptions): WebHandler {
  if (typeof options?.redirectUri !== 'string') throw new WxConfigError('authPageHandler: redirectUri is required');
  const internals = component[kInternals];
  return async (request) => {
    const inWeChat = /MicroMessenger/i.test(request.headers.get('user-agent') ?? '');
    const style = options.style === 'pc' || options.style === 'mobile' ? options.style : inWeChat ? 'mobile' : 'pc';
    let url: string;
    try {
      url = await component.authUrl({ redirectUri: options.redirectUri, authType: options.authType, bizAppid: options.bizAppid, style });
    } catch (error) {
      await internals.emitter.report('authorization', error);
      return textResponse(502, 'the authorization page is not available right now; please try again');
    }
    const href = escapeHtml(url);
    const html = `<!doctype html><meta charset="utf-8"><title>Authorize</title><p><a id="go" href="${href}">Authorize with WeChat</a></p><script>location.href=document.getElementById('go').href</script>`;
    return new Response(html, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } });
  };
}

/**
 * Web OAuth of an authorizer's users, proxied by the component. Without `code`: a 302 to WeChat's
 * authorize URL. With `code`: the exchange (and /sns/userinfo for snsapi_userinfo), then `onUser`.
 */
export function oauthHandler(component: ComponentWithInternals, options: OAuthHandlerOptions): WebHandler {
  if (typeof options?.onUser !== 'function') throw new WxConfigError('oauthHandler: onUser is required');
  const internals = component[kInternals];
  const scope = options.scope ?? 'snsapi_base';
  return async (request) => {
    const url = new URL(request.url);
    const appidOption = options.authorizerAppid ?? lastPathSegment;
    const authorizerAppid = safeAppid(typeof appidOption === 'string' ? appidOption : appidOption(request));
    if (!authorizerAppid) return textResponse(400, 'no authorizer appid in the URL');
    const code = url.searchParams.get('code');
    const state = url.searchParams.get('state') ?? '';
    if (!code) {
      // Back from WeChat without a code: the user refused. Do not send them round again.
      if (url.searchParams.has('state')) return textResponse(403, 'authorization refused');
      const back = new URL(url);
      back.searchParams.delete('code');
      back.searchParams.delete('state');
      const redirectUri = typeof options.redirectUri === 'function' ? options.redirectUri(request) : (options.redirectUri ?? back.toString());
      const outState = typeof options.state === 'function' ? options.state(request) : (options.state ?? 'wxkit');
      const target = component.oauthUrl(authorizerAppid, { redirectUri, scope, state: outState });
      return new Response(null, { status: 302, headers: { location: target, 'cache-control': 'no-store' } });
    }
    let user: ComponentOAuthUser;
    try {
      const token = await component.oauthExchange(authorizerAppid, code);
      user = { ...token, authorizerAppid, state };
      if (token.scope.includes('snsapi_userinfo')) {
        user.userInfo = await OAuth.getUserInfo(component.authorizer(authorizerAppid, { appType: 'official_account' }), {
          access_token: token.access_token,
          openid: token.openid,
        });
      }
    } catch (error) {
      await internals.emitter.report('oauth', error, authorizerAppid);
      return textResponse(502, 'sign-in with WeChat failed; please try again');
    }
    return options.onUser(user, request);
  };
}

/**
 * One event URL for several components: the outer `<AppId>` of the push picks the component (its
 * key then decrypts and checks the rest). Unknown components get 403.
 */
export function componentEventsHandler(components: readonly WxComponent[], options: EventHandlerOptions = {}): MessageHandler {
  if (!Array.isArray(components) || !components.length) throw new WxConfigError('componentEventsHandler: give at least one component');
  const handlers = new Map(components.map((c) => [c.componentAppid, c.eventHandler(options)] as const));
  const maxBodyBytes = Math.max(...[...handlers.values()].map((h) => h.maxBodyBytes));
  const handle = async (request: Request): Promise<Response> => {
    if (request.method !== 'POST') return textResponse(405, 'method not allowed', { allow: 'POST' });
    if (Number(request.headers.get('content-length') ?? '0') > maxBodyBytes) return textResponse(413, 'body too large');
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBodyBytes) return textResponse(413, 'body too large');
    const text = new TextDecoder().decode(bytes);
    const appid = /<AppId>\s*(?:<!\[CDATA\[)?\s*(\w{4,64})\s*(?:\]\]>)?\s*<\/AppId>/.exec(text)?.[1];
    const handler = appid ? handlers.get(appid) : undefined;
    if (!handler) return textResponse(403, 'push for an unknown component');
    return handler(new Request(request.url, { method: 'POST', headers: request.headers, body: bytes }));
  };
  return Object.assign(handle, { maxBodyBytes });
}

function escapeHtml(text: string): string {
  const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}
