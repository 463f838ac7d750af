// What every client is, whatever it talks to (official accounts, mini programs, the platform's
// authorizers, WeCom, Pay): a runtime behind a small object that generated functions take as their
// first argument, plus `request()` for anything not catalogued. No app-specific code lives here.
import { callEndpoint } from './call.js';
import { HTTP_METHODS } from './enums.js';
import { WxConfigError } from './errors.js';
import { WxPromise } from './promise.js';
import { kRuntime, type Runtime, type TicketType } from './runtime.js';
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

/**
 * Wraps a runtime as a Client; also used by the third-party platform for authorizers, WeCom and
 * Pay. `raw` gives raw requests the client's usual protocol, scheme and host (WeCom clients send
 * theirs to qyapi.weixin.qq.com unless a request names another host).
 */
export function clientFor<A extends AppType>(rt: Runtime, appType: A, raw: RawDefaults = { auth: 'access_token' }): Client<A> {
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

/** What a client's raw requests use when the request does not say. */
export interface RawDefaults {
  auth: AuthScheme;
  protocol?: ProtocolName;
  host?: string;
}

function rawDescriptor(req: RawRequest, appType: AppType, raw: RawDefaults): EndpointDescriptor {
  if (typeof req?.path !== 'string' || !req.path.startsWith('/')) {
    throw new WxConfigError(`request: path must start with '/', got ${JSON.stringify(req?.path)}`);
  }
  const method = req.method ?? (req.body || req.form ? 'POST' : 'GET');
  if (!HTTP_METHODS.includes(method)) throw new WxConfigError(`request: method must be one of ${HTTP_METHODS.join(', ')}, got ${JSON.stringify(method)}`);
  const protocol = req.protocol ?? raw.protocol;
  return {
    id: `request ${method} ${req.path}`,
    method,
    host: req.host ?? raw.host,
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
