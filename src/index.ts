// `wxkit`: the runtime. Endpoints live in `wxkit/official-account` and `wxkit/mini-program`.
export { createClient, type Client, type ClientOptions, type RawRequest } from './official/create-client.js';
export { bind, type BoundNamespaces } from './core/bind.js';
export {
  WxError,
  WxApiError,
  WxHttpError,
  WxNetworkError,
  WxTimeoutError,
  WxAbortError,
  WxPayError,
  WxValidationError,
  WxConfigError,
  WxStorageError,
  WxCryptoError,
  redact,
  type ErrcodeCategory,
  type ErrcodeInfo,
} from './core/errors.js';
export { describeErrcode, TOKEN_ERRCODES } from './protocols/errcodes.js';
export { registerSchemas } from './core/schemas.js';
export { WxPromise, type ResponseInfo, type WithResponse } from './core/promise.js';
export { TokenManager, type FetchedToken, type TokenManagerOptions } from './auth/token-manager.js';
export type { TokenProvider } from './core/runtime.js';
export { BACKUP_HOSTS } from './core/runtime.js';
export type { Logger, Hooks, CallInfo, ResponseEventInfo, ErrorEventInfo } from './core/observe.js';
export type { ClientCertificate, FetchLike, HttpRequest, Transport, TransportResponse } from './transport/types.js';
export type { RetryOptions } from './core/retry.js';
export { memoryStorage } from './storage/memory.js';
export { fileStorage } from './storage/file.js';
export type { Storage, Unlock } from './storage/types.js';
export type { AppType, AuthKind, BinaryResult, CallOptions, UploadInput, ValidationMode } from './core/types.js';
export { redisStorage, redisSeenStore, maskRedisUrl, type RedisStorage, type RedisStorageOptions, type RedisSeenStore } from './storage/redis.js';
export {
  signJsapi,
  jsapiConfig,
  signCard,
  cardExt,
  type JsapiSignInput,
  type JsapiConfig,
  type JsapiConfigOptions,
  type CardExtOptions,
} from './official/jssdk.js';
// The hub. Its config loader (YAML + zod) stays out of this entry point to keep `import 'wxkit'` light.
export { createHub, type Hub, type HubOptions, type HubComponentApp, type HubComponentPlugin, type HubContext } from './hub/create-hub.js';
export { hubStorage, hubClientOptions, type HubStorage, type HubStorageOptions } from './hub/hub-storage.js';
export { createRefresher, type Refresher, type RefresherOptions } from './hub/refresher.js';
export type { HubCommonApp } from './hub/common-apps.js';
export type { HubWorkCorpApp, HubWorkSuite } from './hub/work-apps.js';
export type { HubListenOptions, HubServer } from './hub/listen.js';
export type { HubTokenProvider, HubAppProviders, HubAppRegistration, HubComponentRegistration, HubRegistrar } from './hub/types.js';
export { oauthAuthorizeUrl, type OAuthAuthorizeUrlOptions, type OAuthScope } from './official/oauth.js';
