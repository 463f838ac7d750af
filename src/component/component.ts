// createComponent(): one third-party platform (第三方平台). It keeps the verify ticket, the
// component token and every authorizer's tokens in the storage it is given, so a restarted process,
// or another node on the same store, is ready at once. Calls go through the same runtime as any
// client: the component's own `Client<'component'>` for the Component namespace, and one client per
// authorizer, whose access_token comes from api_authorizer_token with the stored refresh token.
import * as Platform from '../../generated/component/component.js';
import { clientFor, fetchTicket, type Client, type RawRequest, type TicketType } from '../client.js';
import { WxApiError, WxConfigError } from '../errors.js';
import type { HubStorage } from '../hub/client.js';
import { createTransport, type FetchLike, type Transport } from '../http.js';
import { jsapiConfig, type JsapiConfig, type JsapiConfigOptions } from '../jssdk.js';
import { oauthAuthorizeUrl, type OAuthScope } from '../oauth.js';
import type { WxPromise } from '../promise.js';
import { DEFAULT_RETRY, type RetryOptions } from '../retry.js';
import { Runtime, type Logger, type TokenProvider } from '../runtime.js';
import { createCrypto } from '../server/crypto.js';
import type { MessageHandler } from '../server/handler.js';
import type { AuthorizedInfo, UpdateAuthorizedInfo } from '../server/message-types.js';
import type { Storage } from '../storage/types.js';
import { TokenManager, type FetchedToken } from '../token.js';
import type { AppType, CallOptions, ValidationMode } from '../types.js';
import { ComponentEmitter, type ComponentEventName, type ComponentListener } from './events.js';
import { kInternals, type ComponentInternals, type ComponentWithInternals } from './internals.js';
import {
  authPageHandler,
  authRedirectHandler,
  eventHandler,
  messageHandler,
  oauthHandler,
  type AuthPageHandlerOptions,
  type AuthRedirectHandlerOptions,
  type ComponentMessageHandlerOptions,
  type EventHandlerOptions,
  type OAuthHandlerOptions,
  type WebHandler,
} from './handlers.js';
import { componentKeys } from './keys.js';
import { ComponentStore, type AuthorizerAppType, type AuthorizerRecord, type StoredTicket } from './store.js';
import { bindComponentUrl, componentLoginPageUrl } from './urls.js';

export interface ComponentOptions {
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
  /** Default https://api.weixin.qq.com; point it at the simulator or a proxy. */
  baseUrl?: string;
  hosts?: Record<string, string>;
  fetch?: FetchLike;
  /** One transport shared by the component and every authorizer client. */
  transport?: Transport;
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  validation?: ValidationMode;
  refreshMarginMs?: number;
  logger?: Logger;
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

const APPID = /^\w{4,64}$/;
const BOTH: readonly AppType[] = ['official_account', 'mini_program'];
const RECOVERY_INTERVAL_MS = 30_000;

export function createComponent(options: ComponentOptions): WxComponent {
  const componentAppid = options?.componentAppid;
  if (typeof componentAppid !== 'string' || !APPID.test(componentAppid)) {
    throw new WxConfigError(`createComponent: componentAppid must be letters and digits, got ${JSON.stringify(componentAppid)}`);
  }
  const hub = options.hub;
  const secret = options.componentAppsecret;
  if (!hub && (typeof secret !== 'string' || !secret)) {
    throw new WxConfigError(`createComponent: component ${componentAppid} needs its componentAppsecret (or a hub to read tokens from)`);
  }
  if (!hub && !options.storage) {
    throw new WxConfigError(
      `createComponent: component ${componentAppid} needs a storage (fileStorage / redisStorage; memoryStorage for tests): the verify ticket and the authorizers' refresh tokens must survive a restart`,
    );
  }
  if (options.token !== undefined || options.encodingAESKey !== undefined) {
    // Fails now, at startup, rather than on the first push.
    createCrypto({ token: options.token ?? '', encodingAESKey: options.encodingAESKey ?? '', receiveId: componentAppid });
  }
  const now = options.now ?? Date.now;
  const storage: Storage = options.storage ?? noStorage(componentAppid);
  const keys = componentKeys(componentAppid);
  const store = new ComponentStore(storage, keys, componentAppid, now);
  const emitter = new ComponentEmitter(componentAppid);
  const transport = options.transport ?? createTransport({ fetch: options.fetch });
  const shared = {
    transport,
    baseUrl: options.baseUrl ?? 'https://api.weixin.qq.com',
    hosts: options.hosts ?? {},
    timeoutMs: options.timeoutMs ?? 10_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    validation: options.validation ?? 'off',
    logger: options.logger ?? { warn: (m: string) => console.warn(m) },
  };
  const margin = options.refreshMarginMs;

  // ---- the component token and the component's own client
  const componentToken: TokenProvider =
    hub?.componentAccessToken(componentAppid) ??
    new TokenManager({
      key: keys.componentToken,
      storage,
      refreshMarginMs: margin,
      now,
      fetch: fetchComponentToken,
    });
  const componentRt = new Runtime({ ...shared, appType: 'component', appid: componentAppid, componentAccessToken: componentToken });
  const base = clientFor(componentRt, 'component');
  const client: Client<'component'> = {
    ...base,
    request: <T>(req: RawRequest, o?: CallOptions) => base.request<T>({ auth: 'component_access_token', ...req }, o),
  };

  async function fetchComponentToken(): Promise<FetchedToken> {
    const stored = await store.getTicket();
    if (!stored) {
      throw new WxConfigError(
        `no component_verify_ticket has arrived yet for component ${componentAppid}; WeChat pushes one every 10 minutes to your event URL (component.eventHandler()), or call component.startPushTicket() to ask for one now`,
      );
    }
    const data = await Platform.getComponentAccessToken(client, {
      component_appid: componentAppid,
      component_appsecret: secret!,
      component_verify_ticket: stored.ticket,
    });
    void emitter.emit('component_access_token', { componentAppid, componentAccessToken: data.component_access_token, expiresIn: data.expires_in });
    return { value: data.component_access_token, expiresIn: data.expires_in };
  }

  // ---- authorizers
  const knownTypes = new Map<string, AuthorizerAppType>();
  const tokenProviders = new Map<string, TokenProvider>();
  const ticketProviders = new Map<string, TokenProvider>();
  const runtimes = new Map<string, Runtime>();
  const clients = new Map<string, Client<AppType>>();
  let lastRecovery = 0;
  let recovering: Promise<{ total: number; restored: string[] }> | undefined;

  const remember = (record: AuthorizerRecord | undefined) => {
    if (record?.appType) knownTypes.set(record.authorizerAppid, record.appType);
    return record;
  };

  function checkAppid(appid: unknown, what = 'authorizerAppid'): asserts appid is string {
    if (typeof appid !== 'string' || !APPID.test(appid)) throw new WxConfigError(`component ${componentAppid}: ${what} must be letters and digits, got ${JSON.stringify(appid)}`);
  }

  function authorizerToken(appid: string): TokenProvider {
    let p = tokenProviders.get(appid);
    if (!p) {
      p =
        hub?.accessToken(componentAppid, appid) ??
        new TokenManager({ key: keys.accessToken(appid), storage, refreshMarginMs: margin, now, fetch: () => fetchAuthorizerToken(appid) });
      tokenProviders.set(appid, p);
    }
    return p;
  }

  function authorizerTicket(appid: string, type: TicketType): TokenProvider {
    const id = `${appid} ${type}`;
    let p = ticketProviders.get(id);
    if (!p) {
      p =
        hub?.ticket(componentAppid, type, appid) ??
        new TokenManager({
          key: keys.ticketOf(appid, type),
          storage,
          refreshMarginMs: margin,
          now,
          fetch: async () => {
            const t = await fetchTicket(runtimeFor(appid, undefined), type);
            void emitter.emit('authorizer_ticket', { componentAppid, authorizerAppid: appid, type, ticket: t.value, expiresIn: t.expiresIn });
            return t;
          },
        });
      ticketProviders.set(id, p);
    }
    return p;
  }

  function runtimeFor(appid: string, appType: AuthorizerAppType | undefined): Runtime {
    const id = `${appid}/${appType ?? '*'}`;
    let rt = runtimes.get(id);
    if (!rt) {
      rt = new Runtime({
        ...shared,
        appType: appType ?? 'official_account',
        appid,
        accessToken: authorizerToken(appid),
        ...(appType ? {} : { serves: BOTH }),
      });
      runtimes.set(id, rt);
    }
    return rt;
  }

  function authorizer(appid: string, opts?: { appType?: AuthorizerAppType }): Client<AppType> {
    checkAppid(appid);
    const requested = opts?.appType;
    if (requested !== undefined && requested !== 'official_account' && requested !== 'mini_program') {
      throw new WxConfigError(`component.authorizer: appType must be 'official_account' or 'mini_program', got ${JSON.stringify(requested)}`);
    }
    const type = requested ?? knownTypes.get(appid);
    const id = `${appid}/${type ?? '*'}`;
    let c = clients.get(id);
    if (!c) {
      const rt = runtimeFor(appid, type);
      c = clientFor(rt, rt.appType, (t) => authorizerTicket(appid, t));
      clients.set(id, c);
    }
    return c;
  }

  async function fetchAuthorizerToken(appid: string): Promise<FetchedToken> {
    let refresh = await store.getRefreshToken(appid);
    if (!refresh) refresh = await recoverRefreshToken(appid, false);
    if (!refresh) throw notAuthorized(appid);
    remember(await store.getRecord(appid));
    let data: Platform.GetAuthorizerTokenResult;
    try {
      data = await Platform.getAuthorizerToken(client, { component_appid: componentAppid, authorizer_appid: appid, authorizer_refresh_token: refresh });
    } catch (error) {
      // A refresh token WeChat no longer accepts: its authorizer list has the current one, if any.
      if (!(error instanceof WxApiError) || (error.errcode !== 61023 && error.errcode !== 40030)) throw error;
      const recovered = await recoverRefreshToken(appid, true);
      if (!recovered || recovered === refresh) throw error;
      refresh = recovered;
      data = await Platform.getAuthorizerToken(client, { component_appid: componentAppid, authorizer_appid: appid, authorizer_refresh_token: refresh });
    }
    const nextRefresh = data.authorizer_refresh_token || refresh;
    if (nextRefresh !== refresh) await store.putRefreshToken(appid, nextRefresh);
    void emitter.emit('authorizer_access_token', {
      componentAppid,
      authorizerAppid: appid,
      authorizerAccessToken: data.authorizer_access_token,
      authorizerRefreshToken: nextRefresh,
      expiresIn: data.expires_in,
    });
    return { value: data.authorizer_access_token, expiresIn: data.expires_in };
  }

  function notAuthorized(appid: string): WxConfigError {
    return new WxConfigError(
      `authorizer ${appid} has not authorized component ${componentAppid}: no refresh_token is stored and WeChat's authorizer list does not have it (send the account through the authorization page)`,
    );
  }

  async function recoverRefreshToken(appid: string, force: boolean): Promise<string | undefined> {
    if (hub) return undefined;
    if (force || now() - lastRecovery >= RECOVERY_INTERVAL_MS) await recoverAuthorizers();
    return store.getRefreshToken(appid);
  }

  function recoverAuthorizers(): Promise<{ total: number; restored: string[] }> {
    recovering ??= (async () => {
      const restored: string[] = [];
      let total = 0;
      for (let offset = 0; ; ) {
        const page = await Platform.getAuthorizerList(client, { component_appid: componentAppid, offset, count: 500 });
        total = page.total_count;
        for (const item of page.list) {
          const appid = item.authorizer_appid;
          if ((await store.getRefreshToken(appid)) !== item.refresh_token) {
            await store.putRefreshToken(appid, item.refresh_token);
            restored.push(appid);
          }
          if (!(await store.getRecord(appid))) {
            const at = item.auth_time * 1000;
            await store.putRecord({ componentAppid, authorizerAppid: appid, funcInfo: [], authorizedAt: at, updatedAt: at });
          }
        }
        offset += page.list.length;
        if (!page.list.length || offset >= total) break;
      }
      lastRecovery = now();
      return { total, restored };
    })().finally(() => (recovering = undefined));
    return recovering;
  }

  async function readInfo(appid: string): Promise<Record<string, unknown>> {
    const data = await Platform.getAuthorizerInfo(client, { component_appid: componentAppid, authorizer_appid: appid });
    return data.authorizer_info as unknown as Record<string, unknown>;
  }

  function withInfo(record: AuthorizerRecord, info: Record<string, unknown> | undefined): AuthorizerRecord {
    if (!info) return record;
    const text = (k: string) => (typeof info[k] === 'string' && info[k] ? (info[k] as string) : undefined);
    return {
      ...record,
      appType: info['MiniProgramInfo'] ? 'mini_program' : 'official_account',
      ...(text('nick_name') ? { nickName: text('nick_name') } : {}),
      ...(text('user_name') ? { userName: text('user_name') } : {}),
      ...(text('principal_name') ? { principalName: text('principal_name') } : {}),
      info,
    };
  }

  const exchanges = new Map<string, Promise<AuthorizerRecord>>();

  function exchange(code: string, source: 'event' | 'redirect', message?: AuthorizedInfo | UpdateAuthorizedInfo): Promise<AuthorizerRecord> {
    if (typeof code !== 'string' || !code) return Promise.reject(new WxConfigError('handleAuthCode: the auth code is empty'));
    let p = exchanges.get(code);
    if (!p) {
      p = exchangeOnce(code, source, message).finally(() => exchanges.delete(code));
      exchanges.set(code, p);
    }
    return p;
  }

  async function alreadyExchanged(code: string): Promise<AuthorizerRecord | undefined> {
    const appid = await store.authCodeAppid(code);
    return appid ? remember(await store.getRecord(appid)) : undefined;
  }

  async function exchangeOnce(code: string, source: 'event' | 'redirect', message?: AuthorizedInfo | UpdateAuthorizedInfo): Promise<AuthorizerRecord> {
    const prior = await alreadyExchanged(code);
    if (prior) return prior;
    let auth: Platform.QueryAuthResult['authorization_info'];
    try {
      auth = (await Platform.queryAuth(client, { component_appid: componentAppid, authorization_code: code })).authorization_info;
    } catch (error) {
      // Another process (the redirect vs. the event) may be exchanging it right now: a used code
      // is answered 61009/61010, and that process stores the authorizer within moments.
      const used = error instanceof WxApiError && (error.errcode === 61009 || error.errcode === 61010);
      for (let waited = 0; ; waited += 100) {
        const other = await alreadyExchanged(code);
        if (other) return other;
        if (!used || waited >= 2_000) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const appid = auth.authorizer_appid;
    const existing = await store.getRecord(appid);
    await store.putRefreshToken(appid, auth.authorizer_refresh_token);
    await store.putAccessToken(appid, auth.authorizer_access_token, auth.expires_in);
    void emitter.emit('authorizer_access_token', {
      componentAppid,
      authorizerAppid: appid,
      authorizerAccessToken: auth.authorizer_access_token,
      authorizerRefreshToken: auth.authorizer_refresh_token,
      expiresIn: auth.expires_in,
    });
    let info: Record<string, unknown> | undefined;
    try {
      info = await readInfo(appid);
    } catch (error) {
      // The authorization is stored all the same; the type stays unknown until the next read.
      void emitter.report('authorization', error, appid);
    }
    const t = now();
    const record = withInfo(
      {
        componentAppid,
        authorizerAppid: appid,
        ...(existing?.appType ? { appType: existing.appType } : {}),
        funcInfo: (auth.func_info ?? []).map((f) => f.funcscope_category.id),
        authorizedAt: existing?.authorizedAt ?? t,
        updatedAt: t,
        ...(existing?.info ? { info: existing.info } : {}),
      },
      info,
    );
    await store.putRecord(record);
    await store.markAuthCode(code, appid);
    remember(record);
    const kind = message ? (message.InfoType === 'updateauthorized' ? 'updateauthorized' : 'authorized') : existing ? 'updateauthorized' : 'authorized';
    await emitter.emit(kind, { componentAppid, authorizerAppid: appid, authorizer: record, source, ...(message ? { message } : {}) });
    return record;
  }

  async function removeAuthorizer(appid: string): Promise<AuthorizerRecord | undefined> {
    checkAppid(appid);
    const record = await store.remove(appid);
    knownTypes.delete(appid);
    for (const map of [clients, runtimes]) for (const k of [...map.keys()]) if (k.startsWith(`${appid}/`)) map.delete(k);
    return record;
  }

  function fixedTokenClient(appid: string, token: string, appType: AuthorizerAppType): Client<AppType> {
    const rt = new Runtime({ ...shared, appType, appid, accessToken: { get: async () => token, invalidate: async () => undefined } });
    return clientFor(rt, appType);
  }

  const oauthParams = (authorizerAppid: string) => {
    checkAppid(authorizerAppid);
    return { appid: authorizerAppid, component_appid: componentAppid };
  };

  const internals: ComponentInternals = {
    store,
    emitter,
    componentToken,
    authorizerToken,
    authorizerTicket,
    knownType: (appid) => knownTypes.get(appid),
    exchange,
    unauthorized: removeAuthorizer,
    fixedTokenClient,
    crypto() {
      if (!options.token || !options.encodingAESKey) {
        throw new WxConfigError(`component ${componentAppid}: the handlers need the token and encodingAESKey of the platform (消息校验Token / 消息加解密Key)`);
      }
      return { token: options.token, encodingAESKey: options.encodingAESKey };
    },
  };

  const component: ComponentWithInternals = {
    componentAppid,
    client,
    storage,
    [kInternals]: internals,
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    getVerifyTicket: () => store.getTicket(),
    async saveVerifyTicket(ticket, createTime) {
      if (typeof ticket !== 'string' || !ticket) throw new WxConfigError('saveVerifyTicket: ticket must be a non-empty string');
      await store.saveTicket(ticket, createTime ?? Math.floor(now() / 1000));
    },
    async startPushTicket() {
      if (!secret) throw new WxConfigError(`component ${componentAppid}: startPushTicket needs the componentAppsecret`);
      await Platform.startPushTicket(client, { component_appid: componentAppid, component_secret: secret });
    },
    getComponentAccessToken: () => componentToken.get(),
    async createPreAuthCode() {
      const data = await Platform.createPreAuthCode(client, { component_appid: componentAppid });
      return { preAuthCode: data.pre_auth_code, expiresIn: data.expires_in };
    },
    async authUrl(o) {
      const { preAuthCode } = await component.createPreAuthCode();
      const args = { componentAppid, preAuthCode, redirectUri: o?.redirectUri, authType: o?.authType, bizAppid: o?.bizAppid, categoryIdList: o?.categoryIdList };
      return o?.style === 'mobile' ? bindComponentUrl(args) : componentLoginPageUrl(args);
    },
    handleAuthCode: (code) => exchange(code, 'redirect'),
    authorizer: authorizer as WxComponent['authorizer'],
    async getAuthorizer(appid) {
      checkAppid(appid);
      return remember(await store.getRecord(appid));
    },
    async listAuthorizers() {
      const out: AuthorizerRecord[] = [];
      for (const appid of await store.listAppids()) {
        const r = remember(await store.getRecord(appid));
        if (r) out.push(r);
      }
      return out;
    },
    removeAuthorizer,
    async refreshAuthorizerInfo(appid) {
      checkAppid(appid);
      const existing = await store.getRecord(appid);
      const info = await readInfo(appid);
      const t = now();
      const record = withInfo(existing ?? { componentAppid, authorizerAppid: appid, funcInfo: [], authorizedAt: t, updatedAt: t }, info);
      await store.putRecord(record);
      return remember(record)!;
    },
    recoverAuthorizers: () => recoverAuthorizers(),
    eventHandler: (o) => eventHandler(component, o),
    messageHandler: (o) => messageHandler(component, o),
    authRedirectHandler: (o) => authRedirectHandler(component, o),
    authPageHandler: (o) => authPageHandler(component, o),
    oauthHandler: (o) => oauthHandler(component, o),
    oauthUrl(authorizerAppid, o) {
      checkAppid(authorizerAppid);
      return oauthAuthorizeUrl({ appid: authorizerAppid, redirectUri: o?.redirectUri, scope: o?.scope, state: o?.state, componentAppid });
    },
    oauthExchange: (authorizerAppid, code, o) =>
      Platform.getOAuthAccessToken(client, { ...oauthParams(authorizerAppid), code, grant_type: 'authorization_code' }, o),
    oauthRefresh: (authorizerAppid, refreshToken, o) =>
      Platform.refreshOAuthAccessToken(client, { ...oauthParams(authorizerAppid), grant_type: 'refresh_token', refresh_token: refreshToken }, o),
    jsapiConfig: (authorizerAppid, o) => jsapiConfig(authorizer(authorizerAppid, { appType: 'official_account' }), o),
  };
  return component;
}

/** A hub client keeps no state of its own; handlers that need a store say so. */
function noStorage(componentAppid: string): Storage {
  const fail = async (): Promise<never> => {
    throw new WxConfigError(`component ${componentAppid} was created without a storage (hub client): this needs one`);
  };
  return { name: 'no storage', get: fail, set: fail, delete: fail };
}
