// createComponent(): one third-party platform (第三方平台). It keeps the verify ticket, the
// component token and every authorizer's tokens in the storage it is given, so a restarted process,
// or another node on the same store, is ready at once. Calls go through the same runtime as any
// client: the component's own `Client<'component'>` for the Component namespace, and one client per
// authorizer, whose access_token comes from api_authorizer_token with the stored refresh token.
// This file checks the options and assembles the parts: tokens.ts, authorizers.ts,
// authorization.ts, oauth.ts, and the handlers.
import { isAppid } from '../core/appid.js';
import { WxConfigError } from '../core/errors.js';
import { runtimeSettings } from '../core/runtime.js';
import { createCrypto } from '../callbacks/msg-crypt.js';
import type { Storage } from '../storage/types.js';
import { createAuthorization } from './authorization.js';
import { createAuthorizers } from './authorizers.js';
import type { ComponentContext } from './context.js';
import { ComponentEmitter } from './events.js';
import { authPageHandler, authRedirectHandler, eventHandler, messageHandler, oauthHandler } from './web-handlers.js';
import { kInternals, type ComponentInternals, type ComponentWithInternals } from './internals.js';
import { componentKeys } from './keys.js';
import { componentOAuth } from './authorizer-oauth.js';
import { ComponentStore } from './store.js';
import { componentCredentials } from './tokens.js';
import type { ComponentOptions, WxComponent } from './types.js';
import { bindComponentUrl, componentLoginPageUrl } from './urls.js';

/**
 * A third-party platform (第三方平台): the verify ticket stored the moment it arrives, the
 * component and authorizer tokens, the authorization flow and its events, and clients for each
 * authorizer that every generated endpoint accepts.
 *
 * @example
 * ```ts
 * import { createComponent } from 'wxkit/component';
 * import { redisStorage } from 'wxkit';
 *
 * const component = createComponent({
 *   appid: 'wx…', appsecret: process.env.COMPONENT_SECRET!, token: process.env.COMPONENT_TOKEN!,
 *   encodingAESKey: process.env.COMPONENT_AES_KEY!, storage: redisStorage({ url: process.env.REDIS_URL! }),
 * });
 * const client = await component.authorizer('wx_authorizer…');
 * ```
 */
export function createComponent(options: ComponentOptions): WxComponent {
  const componentAppid = options?.componentAppid;
  if (!isAppid(componentAppid)) {
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
  const ctx: ComponentContext = {
    componentAppid,
    secret,
    hub,
    storage,
    keys,
    store: new ComponentStore(storage, keys, componentAppid, now),
    emitter: new ComponentEmitter(componentAppid),
    settings: runtimeSettings(options),
    refreshMarginMs: options.refreshMarginMs,
    now,
  };
  const { store, emitter } = ctx;
  const credentials = componentCredentials(ctx);
  const { client, componentToken } = credentials;
  const authorizers = createAuthorizers(ctx, client);
  const authorization = createAuthorization(ctx, client, authorizers);

  const internals: ComponentInternals = {
    store,
    emitter,
    componentToken,
    authorizerToken: authorizers.authorizerToken,
    authorizerTicket: authorizers.authorizerTicket,
    knownType: authorizers.knownType,
    exchange: authorization.exchange,
    unauthorized: authorizers.removeAuthorizer,
    fixedTokenClient: authorizers.fixedTokenClient,
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
    saveVerifyTicket: credentials.saveVerifyTicket,
    startPushTicket: credentials.startPushTicket,
    getComponentAccessToken: () => componentToken.get(),
    createPreAuthCode: authorization.createPreAuthCode,
    async authUrl(o) {
      const { preAuthCode } = await component.createPreAuthCode();
      const args = {
        componentAppid,
        preAuthCode,
        redirectUri: o?.redirectUri,
        authType: o?.authType,
        bizAppid: o?.bizAppid,
        categoryIdList: o?.categoryIdList,
      };
      return o?.style === 'mobile' ? bindComponentUrl(args) : componentLoginPageUrl(args);
    },
    handleAuthCode: (code) => authorization.exchange(code, 'redirect'),
    authorizer: authorizers.authorizer as WxComponent['authorizer'],
    getAuthorizer: authorizers.getAuthorizer,
    listAuthorizers: authorizers.listAuthorizers,
    removeAuthorizer: authorizers.removeAuthorizer,
    refreshAuthorizerInfo: authorization.refreshAuthorizerInfo,
    recoverAuthorizers: () => authorizers.recoverAuthorizers(),
    isRevoked: authorizers.isRevoked,
    eventHandler: (o) => eventHandler(component, o),
    messageHandler: (o) => messageHandler(component, o),
    authRedirectHandler: (o) => authRedirectHandler(component, o),
    authPageHandler: (o) => authPageHandler(component, o),
    oauthHandler: (o) => oauthHandler(component, o),
    ...componentOAuth(componentAppid, client, authorizers),
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
