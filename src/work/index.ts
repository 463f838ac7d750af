// `wxkit/work`: WeCom (企业微信). Self-built and 代开发 apps (`createWorkClient`, a token per
// corp + secret), group robots (`createWebhook`), third-party apps (`createSuite`: suite ticket,
// suite token, installs, permanent codes, a client per corp), the provider token
// (`createProvider`), JS-SDK signatures, and the callback handler with WeCom's receiveids.
// Generated WeCom endpoint functions take any of these clients; their namespaces (Contact,
// ExternalContact, WorkMessage, …) are exported here too.
export * from '../../generated/work/index.js';
export { createWorkClient, createWebhook, workTokenKey, WORK_HOST, type WorkClientOptions, type WebhookOptions } from './create-work-client.js';
export { createSuite, suiteInstallUrl, type InstallUrlOptions, type SuiteOptions, type WxSuite } from './suite.js';
export { suiteKeys, SUITE_TICKET_TTL_MS, type StoredSuiteTicket, type SuiteCorpRecord, type SuiteKeys } from './suite-store.js';
export type {
  CancelAuthEvent,
  ChangeAuthEvent,
  CreateAuthEvent,
  ResetPermanentCodeEvent,
  SuiteErrorEvent,
  SuiteErrorStage,
  SuiteEventName,
  SuiteEvents,
  SuiteListener,
  SuiteTicketEvent,
  SuiteTokenEvent,
} from './suite-events.js';
export type { SuiteDataContext, SuiteDataHandlerOptions, SuiteEventHandlerOptions, SuiteRedirectHandlerOptions } from './suite-handlers.js';
export { createProvider, type ProviderOptions, type WxProvider } from './provider.js';
export { workAgentConfig, workJsapiConfig, type WorkAgentConfig, type WorkJsapiConfig, type WorkJsapiOptions } from './jssdk.js';
export type { WorkTicketType } from './tickets.js';
export { WORK_TOKEN_ERRCODES } from './protocol.js';
export { createWorkMessageHandler, type WorkMessageHandlerOptions } from './callbacks.js';
export { aibotReply, aibotStream, aibotTemplateCard, aibotText, type AibotReply, type AibotReplyBody } from '../callbacks/aibot-reply.js';
export type * from '../callbacks/work-message-types.js';
export { hubWorkClientOptions, type HubWorkApp } from '../hub/hub-storage.js';
export { toExpressMiddleware, toNodeHandler } from '../callbacks/node-adapters.js';
