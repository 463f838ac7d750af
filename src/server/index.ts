// Public API of `wxkit/server`: receiving WeChat message pushes (callbacks).

export { createCrypto, verifySignature, sha1Signature } from './crypto.js';
export type { CryptoOptions, DecryptedMessage, WxCrypto } from './crypto.js';

export { decryptUserData, decryptUserDataText, verifyRawDataSignature } from './miniprogram.js';
export type { UserDataInput } from './miniprogram.js';

export { parseXml } from './xml.js';
export type { ParseXmlOptions, XmlDocument, XmlObject, XmlValue } from './xml.js';
export { buildXml, cdata } from './xml-build.js';
export type { XmlBuildObject, XmlBuildValue } from './xml-build.js';

export { asArray, parseMessage, qrScene } from './message.js';
export type { PushFormat } from './message.js';
export type * from './message-types.js';

export {
  isReply,
  renderReplyJson,
  renderReplyXml,
  replyImage,
  replyMusic,
  replyNews,
  replyText,
  replyTransferCustomerService,
  replyVideo,
  replyVoice,
} from './reply.js';
export type { Article, ReplyOptions, ReplyTarget, ReplyType, WxReply } from './reply.js';

export { createMessageHandler } from './handler.js';
export type { ErrorContext, HandlerResult, MessageContext, MessageHandler, MessageHandlerOptions } from './handler.js';

export { memorySeenStore } from './dedupe.js';
export type { MemorySeenStoreOptions, SeenResult, SeenStore } from './dedupe.js';

export { toExpressMiddleware, toNodeHandler } from './node.js';
export type { AdapterOptions, ConnectNext } from './node.js';
