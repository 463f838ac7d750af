// Providers for a common app (official account / mini program with its own appsecret): the hub
// fetches from WeChat with the same runtime as any client (createClient + TokenManager), over the
// hub's storage, so several hub replicas on one Redis also fetch once.
import { runtimeOf, type TicketType } from '../core/runtime.js';
import { createClient } from '../official/create-client.js';
import type { FetchLike } from '../transport/types.js';
import type { Logger, TokenProvider } from '../core/runtime.js';
import type { Storage } from '../storage/types.js';
import { TokenManager } from '../auth/token-manager.js';
import type { HubAppRegistration } from './types.js';

export interface HubCommonApp {
  appid: string;
  appType: 'official_account' | 'mini_program';
  appsecret: string;
  /** `token` (default) or `stable_token`. */
  tokenEndpoint?: 'token' | 'stable_token';
  /** Tickets to keep fresh from the start; official accounts only. */
  tickets?: TicketType[];
}

export interface CommonAppContext {
  storage: Storage;
  baseUrl?: string;
  hosts?: Record<string, string>;
  fetch?: FetchLike;
  /** Providers refresh this long before expiry; the refresher uses the same margin. */
  refreshMarginMs: number;
  logger?: Logger;
}

export function commonAppRegistration(app: HubCommonApp, ctx: CommonAppContext): HubAppRegistration {
  const client = createClient({
    appType: app.appType,
    appid: app.appid,
    appsecret: app.appsecret,
    storage: ctx.storage,
    baseUrl: ctx.baseUrl,
    hosts: ctx.hosts,
    fetch: ctx.fetch,
    logger: ctx.logger,
    tokenEndpoint: app.tokenEndpoint,
    refreshMarginMs: ctx.refreshMarginMs,
  });
  // The client's own managers (same keys as any self-refreshing client, so hub and clients on one
  // store agree); a TokenManager also tells the hub when its token expires.
  const rt = runtimeOf(client);
  const managed = (provider: TokenProvider | undefined): TokenManager => {
    if (!(provider instanceof TokenManager)) throw new Error('wxkit hub: expected the client to manage its own tokens');
    return provider;
  };
  return {
    appid: app.appid,
    accessToken: managed(rt.tokenProvider('access_token')),
    ...(app.appType === 'official_account' ? { ticket: (type: TicketType) => managed(rt.ticketProvider(type)), tickets: app.tickets } : {}),
  };
}
