// `wxkit/component`: the third-party platform (第三方平台). `createComponent` keeps the verify
// ticket, the component token and the authorizers' tokens in your storage; `Component.*` are the
// platform's endpoints, called with `component.client`; authorizers' clients work with every
// official-account and mini-program function.
// The platform's generated namespaces: Component, CodeTemplate, FastRegister, MiniProgramBasicInfo, …
export * from '../../generated/component/index.js';
export { createComponent } from './create-component.js';
export type { AuthorizerClient, AuthUrlOptions, ComponentOptions, OAuthToken, WxComponent } from './types.js';
export type {
  AuthorizationEvent,
  AuthorizerRevokedEvent,
  AuthorizerTicketEvent,
  AuthorizerTokenEvent,
  ComponentErrorEvent,
  ComponentErrorStage,
  ComponentEventName,
  ComponentEvents,
  ComponentListener,
  ComponentTokenEvent,
  UnauthorizedEvent,
  VerifyTicketEvent,
} from './events.js';
export { componentEventsHandler } from './web-handlers.js';
export type {
  AuthorizerMessageContext,
  AuthPageHandlerOptions,
  AuthRedirectHandlerOptions,
  ComponentMessageHandlerOptions,
  ComponentOAuthUser,
  EventHandlerOptions,
  OAuthHandlerOptions,
  WebHandler,
} from './types.js';
export { bindComponentUrl, componentLoginPageUrl, type ComponentAuthUrlOptions } from './urls.js';
export { RELEASE_TEST_APPIDS } from './autotest.js';
export { componentKeys, type ComponentKeys } from './keys.js';
export type { AuthorizerAppType, AuthorizerRecord, StoredTicket } from './store.js';
export {
  attachComponentToHub,
  componentHubPlugin,
  componentHubProviders,
  type AttachedComponent,
  type AttachOptions,
  type ComponentHubPluginOptions,
  type ComponentHubProviders,
} from './hub-plugin.js';
export { oauthAuthorizeUrl, type OAuthAuthorizeUrlOptions, type OAuthScope } from '../official/oauth.js';
// Mount the handlers on node:http or Express.
export { toExpressMiddleware, toNodeHandler } from '../callbacks/node-adapters.js';
