// The hub's client side: TokenProviders that read from the hub and never call WeChat's token
// endpoint. Each process caches what the hub returned until shortly before it expires, shares one
// request among concurrent callers, and on 40001 reports the token that failed so the hub can
// refresh it (once, however many clients report it).
//
//   const hub = hubStorage({ url: 'http://10.0.0.2:8720', secret: process.env.HUB_SECRET! });
//   const client = createClient({ appType: 'official_account', appid, ...hubClientOptions(hub, appid) });
import { isAppid } from '../core/appid.js';
import type { TicketType } from '../core/runtime.js';
import { describeCause, WxConfigError, WxStorageError } from '../core/errors.js';
import type { FetchLike } from '../transport/types.js';
import type { TokenProvider } from '../core/runtime.js';
import type { OAuthScope } from '../official/oauth.js';
import { HUB_OAUTH_TICKET_PARAM, MAX_START_URL_SECONDS, signOAuthStart, type HubOAuthUser } from './oauth-springboard.js';

export interface HubStorageOptions {
  /** The hub's base URL, e.g. http://127.0.0.1:8720 */
  url: string;
  /** The hub's shared secret, sent as `Authorization: Bearer`. */
  secret: string;
  fetch?: FetchLike;
  /** Per request (default 5000 ms). */
  timeoutMs?: number;
  /** Extra attempts when the hub is unreachable or answers 503/504 (default 2). */
  retries?: number;
  /** Delay before the first retry, doubled each time (default 200 ms). */
  retryDelayMs?: number;
  /** Ask the hub again this long before a cached token expires (default 60 s). */
  refreshMarginMs?: number;
  /**
   * Ask the hub again after this long even if the token is still valid (default 240 s). The hub
   * renews tokens ahead of expiry and WeChat keeps the previous token valid for 5 minutes, so a
   * client re-reading within that window switches over without ever seeing 40001.
   */
  maxCacheMs?: number;
  now?: () => number;
}

export interface HubStorage {
  /** `hub (http://…)`, as it appears in errors. */
  readonly name: string;
  /** The app's access_token, or an authorizer's when `authorizerAppid` is given. */
  accessToken(appid: string, authorizerAppid?: string): TokenProvider;
  componentAccessToken(appid: string): TokenProvider;
  ticket(appid: string, type: TicketType, authorizerAppid?: string): TokenProvider;
  /** A WeCom corp's access_token: a self-built app (`agentid`) or a suite's corp token (`suiteId`). */
  workAccessToken(corpid: string, app: HubWorkApp): TokenProvider;
  /** A WeCom corp's JS-SDK ticket: `jsapi` (wx.config) or `agent_config` (wx.agentConfig). */
  workTicket(corpid: string, type: 'jsapi' | 'agent_config', app: HubWorkApp): TokenProvider;
  /** A WeCom suite's suite_access_token. */
  suiteAccessToken(suiteId: string): TokenProvider;
}

/** Which WeCom app of a corp: a self-built app by its agentid (or label), or the corp's token of a suite. */
export type HubWorkApp = { agentid: number | string; suiteId?: never } | { suiteId: string; agentid?: never };

/**
 * `{ accessToken, ticket }` to spread into createWorkClient:
 * `createWorkClient({ corpid, agentid, ...hubWorkClientOptions(hub, corpid, agentid) })`.
 */
export function hubWorkClientOptions(
  hub: HubStorage,
  corpid: string,
  agentid: number | string,
): { accessToken: TokenProvider; ticket: (type: 'jsapi' | 'agent_config') => TokenProvider } {
  return {
    accessToken: hub.workAccessToken(corpid, { agentid }),
    ticket: (type) => hub.workTicket(corpid, type, { agentid }),
  };
}

/** `{ accessToken, ticket }` to spread into createClient: `createClient({ appType, appid, ...hubClientOptions(hub, appid) })`. */
export function hubClientOptions(
  hub: HubStorage,
  appid: string,
  authorizerAppid?: string,
): { accessToken: TokenProvider; ticket: (type: TicketType) => TokenProvider } {
  return {
    accessToken: hub.accessToken(appid, authorizerAppid),
    ticket: (type) => hub.ticket(appid, type, authorizerAppid),
  };
}

/** What the OAuth helpers need of a hubStorage; kept off the object so the secret is not a property. */
const hubAccess = new WeakMap<HubStorage, { baseUrl: string; secret: string; fetch: FetchLike; timeoutMs: number; now: () => number }>();

export interface HubOAuthStartOptions {
  /** The official account (configured on the hub with `oauth`). */
  appid: string;
  scope?: OAuthScope;
  /** Where the hub sends the user back with `?hub_ticket=…`; must be on the hub's `oauth.returnUrls`. */
  returnUrl: string;
  /** Yours, given back when the ticket is redeemed: bind it to the user's session (login CSRF). */
  state?: string;
  /** How long the link works (default 300 s, at most 3600). */
  expiresInSeconds?: number;
}

/**
 * The hub's `/oauth2/start` URL for a web-OAuth sign-in, signed with the hub secret so the browser
 * can be sent to it directly (a browser cannot send the secret header). Built locally, no request.
 */
export function hubOAuthStartUrl(hub: HubStorage, options: HubOAuthStartOptions): string {
  const access = hubAccess.get(hub);
  if (!access) throw new WxConfigError('hubOAuthStartUrl: hub must come from hubStorage()');
  const scope = options?.scope ?? 'snsapi_base';
  const state = options?.state ?? '';
  if (!isAppid(options?.appid)) throw new WxConfigError(`hubOAuthStartUrl: appid must be letters and digits, got ${JSON.stringify(options?.appid)}`);
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') throw new WxConfigError('hubOAuthStartUrl: scope must be snsapi_base or snsapi_userinfo');
  if (typeof options.returnUrl !== 'string' || !/^https?:\/\/[^/]/i.test(options.returnUrl)) {
    throw new WxConfigError('hubOAuthStartUrl: returnUrl must be an absolute http(s) URL');
  }
  if (typeof state !== 'string' || state.length > 512) throw new WxConfigError('hubOAuthStartUrl: state must be a string of at most 512 characters');
  const lifetime = options.expiresInSeconds ?? 300;
  if (!(lifetime > 0 && lifetime <= MAX_START_URL_SECONDS))
    throw new WxConfigError(`hubOAuthStartUrl: expiresInSeconds must be in (0, ${MAX_START_URL_SECONDS}]`);
  const exp = Math.floor(access.now() / 1000 + lifetime);
  const params = { appid: options.appid, scope, returnUrl: options.returnUrl, state, exp };
  const url = new URL(`${access.baseUrl}/oauth2/start`);
  url.search = new URLSearchParams({
    appid: params.appid,
    scope,
    return: params.returnUrl,
    state,
    exp: String(exp),
    sig: signOAuthStart(access.secret, params),
  }).toString();
  return url.toString();
}

/** The `hub_ticket` of the request the hub sent back, or undefined. */
export function hubOAuthTicketOf(request: Request | URL | string): string | undefined {
  const url = new URL(typeof request === 'string' || request instanceof URL ? request : request.url);
  return url.searchParams.get(HUB_OAUTH_TICKET_PARAM) ?? undefined;
}

/** Redeems a ticket (once, within 60 s) for the signed-in user; a used, unknown or expired ticket throws. */
export async function redeemHubOAuthTicket(hub: HubStorage, ticket: string): Promise<HubOAuthUser> {
  const access = hubAccess.get(hub);
  if (!access) throw new WxConfigError('redeemHubOAuthTicket: hub must come from hubStorage()');
  if (typeof ticket !== 'string' || !/^[\w-]{32}$/.test(ticket)) throw new WxConfigError('redeemHubOAuthTicket: malformed ticket');
  let response: Response;
  try {
    response = await access.fetch(`${access.baseUrl}/oauth2/ticket/${ticket}`, {
      method: 'GET',
      headers: { authorization: `Bearer ${access.secret}`, accept: 'application/json' },
      signal: AbortSignal.timeout(access.timeoutMs),
    });
  } catch (e) {
    throw new WxStorageError(`GET /oauth2/ticket: cannot reach the hub: ${describeCause(e)}`, `hub (${access.baseUrl})`, e);
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.openid !== 'string') {
    const message = typeof body.message === 'string' ? body.message : response.statusText;
    throw new WxStorageError(`GET /oauth2/ticket: hub answered HTTP ${response.status}: ${message}`, `hub (${access.baseUrl})`);
  }
  return body as unknown as HubOAuthUser;
}

interface Cached {
  value: string;
  /** When to ask the hub again. */
  freshUntil: number;
}

type HubRequest = { method: 'GET' | 'POST'; path: string; params: Record<string, string | undefined> };

/**
 * Token and ticket providers that ask a hub instead of WeChat; spread `hubClientOptions(hub, appid)`
 * into createClient. Answers are cached briefly; a token WeChat refused is reported to the hub once.
 *
 * @example
 * ```ts
 * import { createClient, hubClientOptions, hubStorage } from 'wxkit';
 *
 * const hub = hubStorage({ url: 'http://10.0.0.5:8720', secret: process.env.HUB_SECRET! });
 * const oa = createClient({ appType: 'official_account', appid: 'wx…', ...hubClientOptions(hub, 'wx…') });
 * ```
 */
export function hubStorage(options: HubStorageOptions): HubStorage {
  if (typeof options?.url !== 'string' || !/^https?:\/\//.test(options.url)) {
    throw new WxConfigError(`hubStorage: url must be the hub's http(s) base URL, got ${JSON.stringify(options?.url)}`);
  }
  if (typeof options.secret !== 'string' || !options.secret) throw new WxConfigError('hubStorage: secret is required');
  const base = new URL(options.url);
  base.username = '';
  base.password = '';
  const baseUrl = base.toString().replace(/\/+$/, '');
  const name = `hub (${baseUrl})`;
  const secret = options.secret;
  const doFetch: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 5_000;
  const retries = Math.max(0, options.retries ?? 2);
  const retryDelayMs = options.retryDelayMs ?? 200;
  const marginMs = options.refreshMarginMs ?? 60_000;
  const maxCacheMs = options.maxCacheMs ?? 240_000;
  const now = options.now ?? Date.now;
  const providers = new Map<string, TokenProvider>();

  async function call(req: HubRequest, field: 'access_token' | 'ticket'): Promise<Cached> {
    const url = new URL(baseUrl + req.path);
    const params = Object.fromEntries(Object.entries(req.params).filter(([, v]) => v !== undefined)) as Record<string, string>;
    if (req.method === 'GET') for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    const what = `${req.method} ${req.path}${params.appid ? ` (appid ${params.appid}${params.authorizer_appid ? `, authorizer ${params.authorizer_appid}` : ''})` : ''}`;
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: req.method,
          headers: {
            authorization: `Bearer ${secret}`,
            accept: 'application/json',
            ...(req.method === 'POST' ? { 'content-type': 'application/json' } : {}),
          },
          body: req.method === 'POST' ? JSON.stringify(params) : undefined,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        if (attempt < retries) {
          await sleep(retryDelayMs * 2 ** attempt);
          continue;
        }
        const reason = (e as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describeCause(e);
        throw new WxStorageError(`${what}: cannot reach the hub after ${attempt + 1} attempts: ${reason}`, name, e);
      }
      const text = await response.text().catch(() => '');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(text) as Record<string, unknown>;
      } catch {
        /* not JSON: reported below */
      }
      if (response.ok) {
        const value = body[field];
        const expiresIn = body.expires_in;
        if (typeof value !== 'string' || !value || typeof expiresIn !== 'number') {
          throw new WxStorageError(`${what}: the hub's answer has no ${field} / expires_in`, name);
        }
        const lifetime = Math.min(expiresIn * 1000 - marginMs, maxCacheMs);
        return { value, freshUntil: now() + Math.max(1_000, lifetime) };
      }
      if ((response.status === 503 || response.status === 504) && attempt < retries) {
        await sleep(retryDelayMs * 2 ** attempt);
        continue;
      }
      const message = typeof body.message === 'string' ? body.message : text.slice(0, 200) || response.statusText;
      const hint = response.status === 401 ? ' (check the hub secret)' : '';
      throw new WxStorageError(`${what}: hub answered HTTP ${response.status}${hint}: ${message}`, name);
    }
  }

  function provider(
    key: string,
    load: () => HubRequest,
    refresh: ((stale: string) => HubRequest) | undefined,
    field: 'access_token' | 'ticket',
  ): TokenProvider {
    let p = providers.get(key);
    if (p) return p;
    let cached: Cached | undefined;
    let inflight: Promise<Cached> | undefined;
    const run = (req: HubRequest) => {
      inflight ??= call(req, field)
        .then((c) => (cached = c))
        .finally(() => (inflight = undefined));
      return inflight;
    };
    p = {
      async get() {
        if (cached && cached.freshUntil > now()) return cached.value;
        return (await run(load())).value;
      },
      async invalidate(stale) {
        // Let any request in flight land first (another caller may be refreshing this very token).
        while (inflight) await inflight.catch(() => undefined);
        if (cached && cached.value !== stale) return; // already replaced
        cached = undefined;
        if (refresh) await run(refresh(stale));
      },
    };
    providers.set(key, p);
    return p;
  }

  const checkAppid = (label: string, appid: string | undefined) => {
    if (appid !== undefined && !isAppid(appid)) {
      throw new WxConfigError(`hubStorage: ${label} must be letters and digits, got ${JSON.stringify(appid)}`);
    }
  };

  const workIds = (corpid: string, app: HubWorkApp): Record<string, string> => {
    checkAppid('corpid', corpid);
    if (app?.suiteId !== undefined) {
      checkAppid('suiteId', app.suiteId);
      return { appid: corpid, suite_id: app.suiteId };
    }
    const agentid = app?.agentid === undefined ? '' : String(app.agentid);
    if (!/^[\w-]{1,32}$/.test(agentid)) throw new WxConfigError(`hubStorage: a WeCom app is named by its agentid or suiteId, got ${JSON.stringify(app)}`);
    return { appid: corpid, agentid };
  };

  const hub: HubStorage = {
    name,
    workAccessToken(corpid, app) {
      const ids = workIds(corpid, app);
      return provider(
        `work access_token ${JSON.stringify(ids)}`,
        () => ({ method: 'GET', path: '/client/work/access_token', params: ids }),
        (stale) => ({ method: 'POST', path: '/refresh/work/access_token', params: { ...ids, access_token: stale } }),
        'access_token',
      );
    },
    workTicket(corpid, type, app) {
      const ids = workIds(corpid, app);
      if (type !== 'jsapi' && type !== 'agent_config')
        throw new WxConfigError(`hubStorage: WeCom ticket type must be 'jsapi' or 'agent_config', got ${JSON.stringify(type)}`);
      return provider(
        `work ticket ${type} ${JSON.stringify(ids)}`,
        () => ({ method: 'GET', path: '/client/work/ticket', params: { ...ids, type } }),
        undefined,
        'ticket',
      );
    },
    suiteAccessToken(suiteId) {
      checkAppid('suiteId', suiteId);
      return provider(
        `suite_access_token ${suiteId}`,
        () => ({ method: 'GET', path: '/client/work/suite_access_token', params: { appid: suiteId } }),
        (stale) => ({ method: 'POST', path: '/refresh/work/suite_access_token', params: { appid: suiteId, access_token: stale } }),
        'access_token',
      );
    },
    accessToken(appid, authorizerAppid) {
      checkAppid('appid', appid);
      checkAppid('authorizerAppid', authorizerAppid);
      const ids = { appid, authorizer_appid: authorizerAppid };
      return provider(
        `access_token ${appid} ${authorizerAppid ?? ''}`,
        () => ({ method: 'GET', path: '/client/access_token', params: ids }),
        (stale) => ({ method: 'POST', path: '/refresh/access_token', params: { ...ids, access_token: stale } }),
        'access_token',
      );
    },
    componentAccessToken(appid) {
      checkAppid('appid', appid);
      return provider(
        `component_access_token ${appid}`,
        () => ({ method: 'GET', path: '/client/component_access_token', params: { appid } }),
        (stale) => ({ method: 'POST', path: '/refresh/component_access_token', params: { appid, access_token: stale } }),
        'access_token',
      );
    },
    ticket(appid, type, authorizerAppid) {
      checkAppid('appid', appid);
      checkAppid('authorizerAppid', authorizerAppid);
      if (type !== 'jsapi' && type !== 'wx_card') throw new WxConfigError(`hubStorage: ticket type must be 'jsapi' or 'wx_card', got ${JSON.stringify(type)}`);
      // No refresh route for tickets: a failed one is dropped here and read again from the hub.
      return provider(
        `ticket ${type} ${appid} ${authorizerAppid ?? ''}`,
        () => ({ method: 'GET', path: '/client/ticket', params: { appid, type, authorizer_appid: authorizerAppid } }),
        undefined,
        'ticket',
      );
    },
  };
  hubAccess.set(hub, { baseUrl, secret, fetch: doFetch, timeoutMs, now });
  return hub;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
