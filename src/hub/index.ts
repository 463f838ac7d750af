// The hub (centralization node) and its clients: one node keeps tokens and tickets fresh for the
// fleet; `hubStorage` gives the fleet TokenProviders that read from it.
export { createHub, type Hub, type HubOptions, type HubRefreshOptions, type HubComponentApp, type HubComponentPlugin, type HubContext } from './create-hub.js';
export {
  hubStorage,
  hubClientOptions,
  hubWorkClientOptions,
  hubOAuthStartUrl,
  hubOAuthTicketOf,
  redeemHubOAuthTicket,
  type HubOAuthStartOptions,
  type HubStorage,
  type HubStorageOptions,
  type HubWorkApp,
} from './hub-storage.js';
export { HUB_OAUTH_TICKET_PARAM, type HubOAuthOptions, type HubOAuthUser } from './oauth-springboard.js';
export {
  attachSuiteToHub,
  createHubSuite,
  workAppRegistration,
  type AttachedSuite,
  type HubWorkCorpApp,
  type HubWorkSuite,
} from './work-apps.js';
export { createRefresher, type Refresher, type RefresherOptions } from './refresher.js';
export { commonAppRegistration, type HubCommonApp } from './common-apps.js';
export { loadHubConfig, parseHubConfig, storageFromConfig, HubConfigSchema, type HubConfig, type HubConfigInput } from './config.js';
export type { HubListenOptions, HubServer } from './listen.js';
export {
  DEFAULT_UNKNOWN_EXPIRY_SECONDS,
  type HubAppProviders,
  type HubAppRegistration,
  type HubComponentRegistration,
  type HubRegistrar,
  type HubSuiteRegistration,
  type HubWorkAppId,
  type HubWorkAppRegistration,
  type HubTokenProvider,
} from './types.js';
