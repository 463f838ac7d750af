// `wxkit`: the runtime. Endpoints live in `wxkit/official-account` and `wxkit/mini-program`.
export { createClient, type Client, type ClientOptions, type RawRequest } from './client.js';
export { bind, type BoundNamespaces } from './facade.js';
export {
  WxError,
  WxApiError,
  WxHttpError,
  WxNetworkError,
  WxTimeoutError,
  WxValidationError,
  WxConfigError,
  WxStorageError,
  WxCryptoError,
  redact,
  type ErrcodeCategory,
  type ErrcodeInfo,
} from './errors.js';
export { describeErrcode, TOKEN_ERRCODES } from './errcodes.js';
export { WxPromise, type ResponseInfo, type WithResponse } from './promise.js';
export { TokenManager, type FetchedToken, type TokenManagerOptions } from './token.js';
export type { TokenProvider, Logger } from './runtime.js';
export type { FetchLike, Transport } from './http.js';
export type { RetryOptions } from './retry.js';
export { memoryStorage } from './storage/memory.js';
export { fileStorage } from './storage/file.js';
export type { Storage, Unlock } from './storage/types.js';
export type { AppType, AuthKind, BinaryResult, CallOptions, UploadInput, ValidationMode } from './types.js';
