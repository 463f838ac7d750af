// Public API of `wxkit/server`: receiving WeChat message pushes (callbacks).

export { createCrypto, verifySignature, sha1Signature } from './msg-crypt.js';
export type { CryptoOptions, DecryptedMessage, WxCrypto } from './msg-crypt.js';

export { decryptUserData, decryptUserDataText, verifyRawDataSignature } from './miniprogram-data.js';
export type { UserDataInput } from './miniprogram-data.js';

export { parseXml } from '../core/xml-parse.js';
export type { ParseXmlOptions, XmlDocument, XmlObject, XmlValue } from '../core/xml-parse.js';
export { buildXml, cdata } from '../core/xml-build.js';
export type { XmlBuildObject, XmlBuildValue } from '../core/xml-build.js';

export { asArray, parseMessage, qrScene } from './message.js';
export type { PushFormat } from './message.js';
export type * from './message-types.js';
export type * from './work-message-types.js';
export { aibotReply, aibotStream, aibotTemplateCard, aibotText, isAibotReply } from './aibot-reply.js';
export type { AibotReply, AibotReplyBody } from './aibot-reply.js';

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

export { createMessageHandler } from './message-handler.js';
export type { ErrorContext, HandlerResult, MessageContext, MessageHandler, MessageHandlerOptions } from './message-handler.js';

export { memorySeenStore } from './dedupe.js';
export type { MemorySeenStoreOptions, SeenResult, SeenStore } from './dedupe.js';

export { toExpressMiddleware, toNodeHandler } from './node-adapters.js';
export type { AdapterOptions, ConnectNext } from './node-adapters.js';
