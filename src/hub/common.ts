// Providers for a common app (official account / mini program with its own appsecret): the hub
// fetches from WeChat with the same runtime as any client (createClient + TokenManager), over the
// hub's storage, so several hub replicas on one Redis also fetch once.
import { createClient, fetchTicket, runtimeOf, type TicketType } from '../client.js';
import type { FetchLike } from '../http.js';
import type { Logger } from '../runtime.js';
import type { Storage } from '../storage/types.js';
import { TokenManager } from '../token.js';
import type { HubAppRegistration, HubTokenProvider } from './types.js';

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
  const tickets = new Map<TicketType, TokenManager>();
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
    ticket: (type) => ticketManager(type),
  });
  const manager = runtimeOf(client).tokenProvider('access_token');
  if (!(manager instanceof TokenManager)) throw new Error('wxkit hub: expected the client to manage its own access_token');

  function ticketManager(type: TicketType): TokenManager {
    let m = tickets.get(type);
    if (!m) {
      // Same key as a self-refreshing client uses, so hub and clients on one store agree.
      m = new TokenManager({
        key: `wxkit:${app.appid}:ticket:${type}`,
        storage: ctx.storage,
        refreshMarginMs: ctx.refreshMarginMs,
        fetch: () => fetchTicket(runtimeOf(client), type),
      });
      tickets.set(type, m);
    }
    return m;
  }

  return {
    appid: app.appid,
    accessToken: storedTokenProvider(manager, ctx.storage),
    ...(app.appType === 'official_account'
      ? { ticket: (type: TicketType) => storedTokenProvider(ticketManager(type), ctx.storage), tickets: app.tickets }
      : {}),
  };
}

/**
 * Wraps a TokenManager as a HubTokenProvider whose expiry is read from the record the manager
 * keeps in `storage` (`{ v: token, e: expiresAtMs }`, see src/token.ts). Exported for the component
 * module, whose component and authorizer tokens are TokenManagers too.
 */
export function storedTokenProvider(manager: TokenManager, storage: Storage): HubTokenProvider {
  return {
    get: () => manager.get(),
    invalidate: (stale) => manager.invalidate(stale),
    async expiresAt(token) {
      const raw = await storage.get(manager.key);
      if (!raw) return undefined;
      try {
        const record = JSON.parse(raw) as { v?: unknown; e?: unknown };
        return record.v === token && typeof record.e === 'number' ? record.e : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
