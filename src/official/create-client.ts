// createClient(): one WeChat app (official account, mini program or Channels shop) with its token manager,
// transport and policies. Generated functions take the client as their first argument.
import * as Credential from '../../generated/official-account/credential.js';
import { isAppid } from '../core/appid.js';
import { execute } from '../core/call.js';
import { cachedBy, clientFor, type Client } from '../core/client.js';
import { WxConfigError } from '../core/errors.js';
import { kRuntime, Runtime, runtimeOf, runtimeSettings, type RuntimeSettingsOptions, type TicketType, type TokenProvider } from '../core/runtime.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';

export interface ClientOptions<A extends OfficialAppType> extends RuntimeSettingsOptions {
  appType: A;
  appid: string;
  /** Needed to fetch tokens yourself; not needed when `accessToken` is supplied (hub, component). */
  appsecret?: string;
  /** Where tokens live; memory by default. Use fileStorage / redisStorage to share them. */
  storage?: Storage;
  /** `token` (/cgi-bin/token, default) or `stable_token` (/cgi-bin/stable_token). */
  tokenEndpoint?: 'token' | 'stable_token';
  refreshMarginMs?: number;
  /** Supply tokens from elsewhere (a hub, a third-party platform) instead of fetching them. */
  accessToken?: TokenProvider;
  /** Supply tickets from elsewhere (a hub) instead of fetching them with the access_token. */
  ticket?: (type: TicketType) => TokenProvider;
}

/** The app types whose token is an appid + appsecret one from `/cgi-bin/token` (or `stable_token`). */
export type OfficialAppType = 'official_account' | 'mini_program' | 'channels';
const APP_TYPES: readonly string[] = ['official_account', 'mini_program', 'channels'];

/**
 * A client for one official account, mini program or Channels shop (视频号小店): its access_token (fetched once however many
 * callers ask, refreshed ahead of expiry, replaced once after 40001), transport and policies.
 * Generated endpoint functions take it as their first argument.
 *
 * @example
 * ```ts
 * import { createClient } from 'wxkit';
 * import { Material } from 'wxkit/official-account';
 *
 * const oa = createClient({ appType: 'official_account', appid: 'wx…', appsecret: process.env.WX_SECRET! });
 * const { item } = await Material.batchGetMaterial(oa, { type: 'image', offset: 0, count: 20 });
 * ```
 * @throws {WxConfigError} for a missing or malformed appType, appid or appsecret
 */
export function createClient<A extends OfficialAppType>(options: ClientOptions<A>): Client<A> {
  if (!APP_TYPES.includes(options?.appType)) {
    throw new WxConfigError(`createClient: appType must be 'official_account', 'mini_program' or 'channels', got ${JSON.stringify(options?.appType)}`);
  }
  if (!isAppid(options.appid)) {
    throw new WxConfigError(`createClient: appid must be a non-empty string of letters and digits, got ${JSON.stringify(options.appid)}`);
  }
  if (!options.accessToken && !options.appsecret) {
    throw new WxConfigError(`createClient: client ${options.appid} needs an appsecret (or an accessToken provider such as hubStorage)`);
  }
  const secret = options.appsecret;
  const storage = options.storage ?? memoryStorage();
  let rt: Runtime;
  const accessToken =
    options.accessToken ??
    new TokenManager({
      key: `wxkit:${options.appid}:access_token`,
      storage,
      refreshMarginMs: options.refreshMarginMs,
      fetch: () => fetchAccessToken(rt, options.tokenEndpoint ?? 'token', secret!),
      onBackgroundError: (error) => rt.logger.warn(`[wxkit] refreshing the access_token of ${options.appid} ahead of expiry failed: ${describe(error)}`),
      onWarning: (message) => rt.logger.warn(message),
    });
  rt = new Runtime({
    appType: options.appType,
    appid: options.appid,
    ...runtimeSettings(options),
    accessToken,
    secret: () => secret,
    tickets: cachedBy(
      (type: TicketType) =>
        options.ticket?.(type) ??
        ticketManager(() => rt, type, { key: `wxkit:${options.appid}:ticket:${type}`, storage, refreshMarginMs: options.refreshMarginMs }),
    ),
  });
  return clientFor(rt, options.appType);
}

/** A ticket kept like a token: cached under `key`, fetched with the runtime's access_token. */
export function ticketManager(
  runtime: () => Runtime,
  type: TicketType,
  options: { key: string; storage: Storage; refreshMarginMs?: number; now?: () => number; onRefresh?: (t: FetchedToken) => void },
): TokenManager {
  return new TokenManager({
    ...options,
    fetch: () => fetchTicket(runtime(), type),
    onBackgroundError: (error) => runtime().logger.warn(`[wxkit] refreshing ${options.key} ahead of expiry failed: ${describe(error)}`),
    onWarning: (message) => runtime().logger.warn(message),
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// The token and ticket endpoints are the catalog's own descriptors (catalog/official-account/credential.yaml).
async function fetchAccessToken(rt: Runtime, kind: 'token' | 'stable_token', secret: string): Promise<FetchedToken> {
  const { data } =
    kind === 'token'
      ? await execute<Credential.GetAccessTokenResult>(rt, Credential.getAccessToken.endpoint, {}, {})
      : await execute<Credential.GetStableAccessTokenResult>(rt, Credential.getStableAccessToken.endpoint, { appid: rt.appid, secret }, {});
  return { value: data.access_token, expiresIn: data.expires_in };
}

/** Exported for the third-party platform, whose authorizer clients fetch tickets the same way. */
export async function fetchTicket(rt: Runtime, type: TicketType): Promise<FetchedToken> {
  const { data } = await execute<Credential.GetTicketResult>(rt, Credential.getTicket.endpoint, { type }, {});
  return { value: data.ticket, expiresIn: data.expires_in };
}

export { kRuntime, runtimeOf };
export { cachedBy, clientFor, type Client, type RawRequest, type TicketType } from '../core/client.js';
