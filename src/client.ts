// createClient(): one WeChat app (official account or mini program) with its token manager,
// transport and policies. Generated functions take the client as their first argument.
import * as Credential from '../generated/official-account/credential.js';
import { isAppid } from './appid.js';
import { callEndpoint, execute } from './call.js';
import { WxConfigError } from './errors.js';
import { HTTP_METHODS } from './core/enums.js';
import { WxPromise } from './promise.js';
import { kRuntime, Runtime, runtimeOf, runtimeSettings, type RuntimeSettingsOptions, type TicketType, type TokenProvider } from './runtime.js';
import { memoryStorage } from './storage/memory.js';
import type { Storage } from './storage/types.js';
import { TokenManager, type FetchedToken } from './token.js';
import type { AppType, AuthScheme, CallOptions, EndpointDescriptor, HttpMethod, ProtocolName, ResponseKind } from './types.js';

export interface Client<A extends AppType = AppType> {
  readonly appType: A;
  readonly appid: string;
  /** Any WeChat endpoint, catalogued or not, with the same token handling and error mapping. */
  request<T = unknown>(req: RawRequest, options?: CallOptions): WxPromise<T>;
  /** A valid access_token (from the store, or fetched once however many ask). */
  getAccessToken(): Promise<string>;
  /** A valid JS-SDK (`jsapi`) or card (`wx_card`) ticket, cached and refreshed like the token. */
  getTicket(type: TicketType): Promise<string>;
  readonly [kRuntime]: Runtime;
}

export type { TicketType };

export interface RawRequest {
  /** GET, or POST when there is a body or form. */
  method?: HttpMethod;
  path: string;
  host?: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: Record<string, unknown>;
  /** Multipart fields; file values are Blobs or `{ data, filename, contentType? }`. */
  form?: Record<string, unknown>;
  /** The client's usual scheme when absent (access_token; pay_v3 for Pay clients). */
  auth?: AuthScheme;
  /** The client's own protocol when absent (`wechat`; `pay_v3` for Pay clients). */
  protocol?: ProtocolName;
  /** Body encoding: json (default), form (urlencoded) or xml. */
  encoding?: 'json' | 'form' | 'xml';
  /** Allows retries after transient failures; false unless you say so. */
  idempotent?: boolean;
  response?: ResponseKind;
}

export interface ClientOptions<A extends 'official_account' | 'mini_program'> extends RuntimeSettingsOptions {
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

const APP_TYPES = ['official_account', 'mini_program'];

/**
 * A client for one official account or mini program: its access_token (fetched once however many
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
export function createClient<A extends 'official_account' | 'mini_program'>(options: ClientOptions<A>): Client<A> {
  if (!APP_TYPES.includes(options?.appType)) {
    throw new WxConfigError(`createClient: appType must be 'official_account' or 'mini_program', got ${JSON.stringify(options?.appType)}`);
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
        options.ticket?.(type) ?? ticketManager(() => rt, type, { key: `wxkit:${options.appid}:ticket:${type}`, storage, refreshMarginMs: options.refreshMarginMs }),
    ),
  });
  return clientFor(rt, options.appType);
}

/**
 * Lazily made, cached providers per key: the shape of every per-type ticket and per-authorizer
 * token table, so each is created once however many callers ask.
 */
export function cachedBy<K, V>(make: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = make(key);
      cache.set(key, value);
    }
    return value;
  };
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

/**
 * Wraps a runtime as a Client; also used by the third-party platform for authorizers, WeCom and
 * Pay. `raw` gives raw requests the client's usual protocol and scheme.
 */
export function clientFor<A extends AppType>(rt: Runtime, appType: A, raw: { auth: AuthScheme; protocol?: ProtocolName } = { auth: 'access_token' }): Client<A> {
  return {
    appType,
    appid: rt.appid,
    [kRuntime]: rt,
    request<T>(req: RawRequest, options?: CallOptions) {
      try {
        return callEndpoint<T>(rt, rawDescriptor(req, rt.appType, raw), { ...req.query, ...req.body, ...req.form }, options);
      } catch (error) {
        return new WxPromise<T>(Promise.reject(error));
      }
    },
    async getAccessToken() {
      const provider = rt.tokenProvider('access_token');
      if (!provider) throw new WxConfigError(`client ${rt.appid} has no access_token provider`);
      return provider.get();
    },
    async getTicket(type: TicketType) {
      if (type !== 'jsapi' && type !== 'wx_card') throw new WxConfigError(`getTicket: type must be 'jsapi' or 'wx_card', got ${JSON.stringify(type)}`);
      const provider = rt.ticketProvider(type);
      if (!provider) throw new WxConfigError(`client ${rt.appid} cannot fetch tickets`);
      return provider.get();
    },
  };
}

function rawDescriptor(req: RawRequest, appType: AppType, raw: { auth: AuthScheme; protocol?: ProtocolName }): EndpointDescriptor {
  if (typeof req?.path !== 'string' || !req.path.startsWith('/')) {
    throw new WxConfigError(`request: path must start with '/', got ${JSON.stringify(req?.path)}`);
  }
  const method = req.method ?? (req.body || req.form ? 'POST' : 'GET');
  if (!HTTP_METHODS.includes(method)) throw new WxConfigError(`request: method must be one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  const protocol = req.protocol ?? raw.protocol;
  return {
    id: `request ${method} ${req.path}`,
    method,
    host: req.host,
    path: req.path,
    auth: req.auth ?? raw.auth,
    appTypes: [appType],
    idempotent: req.idempotent ?? false,
    ...(protocol && protocol !== 'wechat' ? { protocol } : {}),
    ...(req.encoding && req.encoding !== 'json' ? { encoding: req.encoding } : {}),
    ...(req.response && req.response !== 'json' ? { response: req.response } : {}),
    query: Object.keys(req.query ?? {}),
    ...(req.form ? { form: Object.keys(req.form) } : {}),
  };
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
