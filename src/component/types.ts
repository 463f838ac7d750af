// The component's public shapes: what createComponent() takes and what it returns.
import type { Client } from '../core/client.js';
import type { HubStorage } from '../hub/hub-storage.js';
import type { Transport } from '../transport/types.js';
import type { JsapiConfig, JsapiConfigOptions } from '../official/jssdk.js';
import type { OAuthScope } from '../official/oauth.js';
import type { WxPromise } from '../core/promise.js';
import type { RuntimeSettingsOptions } from '../core/runtime.js';
import type { MessageContext, MessageHandler } from '../callbacks/message-handler.js';
import type * as OAuth from '../../generated/official-account/oauth.js';
import type { WxMessage } from '../callbacks/message-types.js';
import type { HandlerResult } from '../callbacks/render-result.js';
import type { SeenStore } from '../callbacks/dedupe.js';
import type { Storage } from '../storage/types.js';
import type { CallOptions } from '../core/types.js';
import type { ComponentEventName, ComponentListener } from './events.js';
import type { AuthorizerAppType, AuthorizerRecord, StoredTicket } from './store.js';

export interface ComponentOptions extends RuntimeSettingsOptions {
  /** The platform's appid (第三方平台 AppID). */
  componentAppid: string;
  /** The platform's appsecret; not needed when tokens come from a hub (`hub`). */
  componentAppsecret?: string;
  /** Message verification token (消息校验Token); needed by the event and message handlers. */
  token?: string;
  /** Message encryption key (消息加解密Key, 43 characters); needed by the handlers. */
  encodingAESKey?: string;
  /**
   * Where the verify ticket, tokens, refresh tokens and authorizers live: fileStorage or
   * redisStorage so a restart keeps them (memoryStorage only for tests). Optional with `hub`.
   */
  storage?: Storage;
  /**
   * Read the component token and the authorizers' tokens and tickets from a wxkit hub
   * (`hubStorage(…)`) instead of fetching them: the "component hub client" role.
   */
  hub?: HubStorage;
  /** One transport shared by the component and every authorizer client. */
  transport?: Transport;
  refreshMarginMs?: number;
  now?: () => number;
}

/**
 * An authorizer's client. Its app type is known at run time (from the stored authorizer record),
 * so this type is accepted by every official-account and mini-program function; a call of the
 * wrong kind fails with WxConfigError when the type is known, with WeChat's 48001 otherwise. Pass
 * `{ appType }` to `component.authorizer()` for a precisely typed client.
 */
export type AuthorizerClient = Client<never>;

export interface AuthUrlOptions {
  redirectUri: string;
  /** 1: official accounts only, 2: mini programs only, 3: both (default). */
  authType?: 1 | 2 | 3;
  bizAppid?: string;
  /** pc: the QR page (default); mobile: the link opened inside WeChat. */
  style?: 'pc' | 'mobile';
  categoryIdList?: string;
}

export interface OAuthToken {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  openid: string;
  scope: string;
  unionid?: string;
  is_snapshotuser?: number;
}

export interface WxComponent {
  readonly componentAppid: string;
  /** The component's own client: pass it to the `Component.*` functions. Raw requests default to the component token. */
  readonly client: Client<'component'>;
  readonly storage: Storage;

  on<E extends ComponentEventName>(event: E, listener: ComponentListener<E>): () => void;
  off<E extends ComponentEventName>(event: E, listener: ComponentListener<E>): void;

  /** The stored component_verify_ticket, if one has arrived (in this process or any other on the store). */
  getVerifyTicket(): Promise<StoredTicket | undefined>;
  /** Store a ticket obtained elsewhere (e.g. when migrating from another system). */
  saveVerifyTicket(ticket: string, createTime?: number): Promise<void>;
  /** Ask WeChat to push a verify ticket now (api_start_push_ticket). */
  startPushTicket(): Promise<void>;
  /** A valid component_access_token; WxConfigError when no verify ticket has arrived yet. */
  getComponentAccessToken(): Promise<string>;

  createPreAuthCode(): Promise<{ preAuthCode: string; expiresIn: number }>;
  /** Creates a pre_auth_code and builds the authorization page URL (PC QR page or mobile link). */
  authUrl(options: AuthUrlOptions): Promise<string>;
  /**
   * Exchanges an auth code (from the redirect or the authorized event) and stores the authorizer.
   * Each code is exchanged once: the second arrival finds the stored authorizer.
   */
  handleAuthCode(authCode: string): Promise<AuthorizerRecord>;

  /** An authorizer's client; created once and cached. */
  authorizer(authorizerAppid: string): AuthorizerClient;
  authorizer<A extends AuthorizerAppType>(authorizerAppid: string, options: { appType: A }): Client<A>;
  getAuthorizer(authorizerAppid: string): Promise<AuthorizerRecord | undefined>;
  listAuthorizers(): Promise<AuthorizerRecord[]>;
  /** Forget an authorizer (its tokens, refresh token and record). */
  removeAuthorizer(authorizerAppid: string): Promise<AuthorizerRecord | undefined>;
  /** Re-read an authorizer's details with api_get_authorizer_info and store them. */
  refreshAuthorizerInfo(authorizerAppid: string): Promise<AuthorizerRecord>;
  /**
   * Pages through api_get_authorizer_list and stores every refresh token that is missing or
   * differs: how authorizers survive a lost store without authorizing again.
   */
  recoverAuthorizers(): Promise<{ total: number; restored: string[] }>;
  /**
   * Whether the authorizer was found to have revoked its authorization without the `unauthorized`
   * push arriving (see the `authorizer_revoked` event). Its calls then fail with WeChat's errcode
   * (61023 usually) and no request, until it authorizes again (a new authorization, by push or
   * redirect, or `recoverAuthorizers()` finding it in WeChat's list).
   */
  isRevoked(authorizerAppid: string): Promise<boolean>;

  /** The event URL (授权事件接收URL): verify tickets and authorization events. */
  eventHandler(options?: EventHandlerOptions): MessageHandler;
  /** The message URL (消息与事件接收URL, `…/$APPID$`): authorizers' messages, 全网发布 test first. */
  messageHandler(options?: ComponentMessageHandlerOptions): MessageHandler;
  /** The redirect_uri of the authorization page: exchanges `auth_code`. */
  authRedirectHandler(options?: AuthRedirectHandlerOptions): WebHandler;
  /** A page that sends the merchant to the authorization page (fresh pre_auth_code each time). */
  authPageHandler(options: AuthPageHandlerOptions): WebHandler;
  /** Web OAuth for an authorizer's users: redirects to WeChat, exchanges the code, hands you the user. */
  oauthHandler(options: OAuthHandlerOptions): WebHandler;

  /** The authorize URL of an authorizer's web OAuth, with component_appid. */
  oauthUrl(authorizerAppid: string, options: { redirectUri: string; scope?: OAuthScope; state?: string }): string;
  oauthExchange(authorizerAppid: string, code: string, options?: CallOptions): WxPromise<OAuthToken>;
  oauthRefresh(authorizerAppid: string, refreshToken: string, options?: CallOptions): WxPromise<OAuthToken>;
  /** JS-SDK `wx.config` for a page of an authorizer (its jsapi ticket). */
  jsapiConfig(authorizerAppid: string, options: JsapiConfigOptions): Promise<JsapiConfig>;
}

// ---------------------------------------------------------------- the web handlers' options
// (here rather than beside the handlers, so the handlers import the shapes and nothing imports back)

export type WebHandler = (request: Request) => Promise<Response>;

interface PushHandlerOptions {
  maxBodyBytes?: number;
  timestampWindowSeconds?: number;
  /** Clock in milliseconds. */
  now?: () => number;
}

export type EventHandlerOptions = PushHandlerOptions;

export interface AuthorizerMessageContext extends MessageContext {
  componentAppid: string;
  /** From the URL (`…/$APPID$` in the platform's settings); undefined when it names none. */
  authorizerAppid: string | undefined;
  /** The authorizer's client, for calls made while handling the message. */
  authorizer: AuthorizerClient | undefined;
}

export interface ComponentMessageHandlerOptions extends PushHandlerOptions {
  /** Your handler; what it returns is the passive reply (see wxkit/server). Default: "success". */
  onMessage?: (message: WxMessage, ctx: AuthorizerMessageContext) => HandlerResult | Promise<HandlerResult>;
  /** Reads the authorizer appid from the request; default: the last path segment. */
  authorizerAppid?: (request: Request) => string | undefined;
  /**
   * Answer WeChat's 全网发布 test before `onMessage` (default true). `appids` are the accounts
   * whose events are answered `<Event>from_callback` (default: WeChat's test official account,
   * wx570bc396a51b8ff8).
   */
  autoTest?: boolean | { appids?: readonly string[] };
  dedupe?: SeenStore | false;
  dedupeTtlSeconds?: number;
}

export interface AuthRedirectHandlerOptions {
  /** Your answer once the authorizer is stored; default: a short text page. */
  onAuthorized?: (authorizer: AuthorizerRecord, request: Request) => Response | Promise<Response>;
  /** Your answer when the exchange failed (already reported as an `error` event); default 502. */
  onFailure?: (error: unknown, request: Request) => Response | Promise<Response>;
}

export interface AuthPageHandlerOptions {
  /** The redirect_uri (where authRedirectHandler is mounted), absolute. */
  redirectUri: string;
  authType?: 1 | 2 | 3;
  bizAppid?: string;
  /** auto (default): the mobile link inside WeChat, the PC QR page elsewhere. */
  style?: 'auto' | 'pc' | 'mobile';
}

export interface ComponentOAuthUser extends OAuthToken {
  authorizerAppid: string;
  state: string;
  /** With scope snsapi_userinfo: the profile from /sns/userinfo. */
  userInfo?: OAuth.GetUserInfoResult;
}

export interface OAuthHandlerOptions {
  /** The authorizer whose users sign in: fixed, or read from the request (default: the last path segment). */
  authorizerAppid?: string | ((request: Request) => string | undefined);
  scope?: OAuthScope;
  /** The absolute redirect_uri; default: this request's URL without code and state. */
  redirectUri?: string | ((request: Request) => string);
  /** Sent to WeChat and handed back in `user.state` (letters and digits); default `wxkit`. */
  state?: string | ((request: Request) => string);
  /** Called with the signed-in user; your response (set a session, redirect…). */
  onUser: (user: ComponentOAuthUser, request: Request) => Response | Promise<Response>;
}
