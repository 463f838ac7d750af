// `wxkit/pay`: WeChat Pay (v3 and v2) for one merchant per client, its notification handlers, and
// the signatures and ciphers as pure functions for anyone checking a value independently.
export { createPay, PAY_HOST, type PayClient, type PayOptions } from './create-pay.js';
// The generated operations (Transactions, Refund, Bill, ProfitSharing, … and the v2 ones), taking a PayClient.
export * from '../../generated/pay/index.js';

export {
  createNotifyHandler,
  createNotifyHandlerV2,
  type NotifyCredentials,
  type PayNotifyContext,
  type PayNotifyErrorContext,
  type PayNotifyHandler,
  type PayNotifyHandlerOptions,
  type PayNotifyV2HandlerOptions,
} from './notify.js';
export { memoryNotificationStore, NOTIFICATION_RETENTION_SECONDS, type NotificationSeenStore } from './notify-dedupe.js';
export { notificationKind } from './notify-types.js';
export type * from './notify-types.js';

export { decryptCertificates, PlatformCertificateStore, type CertificateStoreOptions, type PlatformCertificate } from './certificates.js';
export { createKeyring, type KeyringOptions, type PayKeyring } from './keys.js';
export { billDigest, billStream, type BillInfo, type DownloadBillOptions } from './bills.js';
export { MEDIA_UPLOAD_PATHS, type UploadMediaOptions } from './media.js';
export {
  appPayParams,
  appPayParamsV2,
  h5PayUrl,
  jsapiPayParams,
  jsapiPayParamsV2,
  type AppPayParams,
  type AppPayParamsV2,
  type JsapiPayParams,
  type JsapiPayParamsV2,
  type PayParamsOverrides,
} from './payment-page.js';

export {
  decryptV2RefundInfo,
  decryptV3Resource,
  encryptSensitive,
  encryptV3Resource,
  signV2,
  signV3,
  v2SignText,
  v3Message,
  verifyV3,
  type V2SignType,
} from './signatures.js';
export { verifyAnswer, type PayKeyResolver } from '../protocols/pay-v3.js';
export { WxCryptoError, WxPayError, WxConfigError, WxValidationError } from '../core/errors.js';
export { toNodeHandler, toExpressMiddleware } from '../callbacks/node-adapters.js';
