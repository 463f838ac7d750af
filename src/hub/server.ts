// The hub (中控服务器): one node keeps every app's access_token, component token, authorizer tokens
// and tickets fresh, and the fleet reads them over HTTP instead of calling WeChat's token endpoint.
// Routes follow elixir_wechat's hub so its clients interoperate:
//   GET  /client/access_token?appid=…[&authorizer_appid=…]
//   GET  /client/component_access_token?appid=…
//   GET  /client/ticket?appid=…&type=jsapi|wx_card[&authorizer_appid=…]
//   POST /refresh/access_token            { appid, [authorizer_appid], access_token: <the stale one> }
//   POST /refresh/component_access_token  { appid, access_token: <the stale one> }
//   GET  /health                          (no secret needed; says nothing about the apps)
// Token answers are `{ access_token, expires_in, timestamp }`: expires_in is the remaining lifetime
// in seconds and timestamp the hub's Unix time in seconds, so `timestamp + expires_in` is the expiry.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TicketType } from '../client.js';
import { WxApiError, WxConfigError, WxError, WxHttpError, WxNetworkError, WxStorageError, WxTimeoutError } from '../errors.js';
import type { FetchLike } from '../http.js';
import type { Logger } from '../runtime.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { commonAppRegistration, type HubCommonApp } from './common.js';
import { listenNode, type HubListenOptions, type HubServer } from './node.js';
import { createRefresher, type Refresher } from './refresher.js';
import {
  DEFAULT_UNKNOWN_EXPIRY_SECONDS,
  type HubAppRegistration,
  type HubComponentRegistration,
  type HubRegistrar,
  type HubTokenProvider,
} from './types.js';

export interface HubRefreshOptions {
  /** Refresh this many seconds before expiry (default 600). */
  marginSeconds?: number;
  /** After a failed refresh, try again after this many seconds (default 30). */
  retrySeconds?: number;
}

/** A component app from the configuration, handed to the component plugin. */
export interface HubComponentApp {
  appid: string;
  appsecret: string;
  [key: string]: unknown;
}

export interface HubContext {
  storage: Storage;
  baseUrl: string | undefined;
  fetch: FetchLike | undefined;
  refreshMarginMs: number;
  logger: Logger;
}

/**
 * Registers a component's token and its authorizers on the hub. Provided by the third-party
 * platform module; the hub only routes to what it registers.
 */
export type HubComponentPlugin = (component: HubComponentApp, hub: HubRegistrar, context: HubContext) => void | Promise<void>;

export interface HubOptions {
  /** The shared secret clients send as `Authorization: Bearer <secret>`. */
  secret: string;
  /** Common apps (own appsecret) this hub fetches tokens for. */
  apps?: HubCommonApp[];
  /** Component apps; need `componentPlugin`. */
  components?: HubComponentApp[];
  componentPlugin?: HubComponentPlugin;
  /** Where tokens live: memory by default; Redis lets several hub replicas share them. */
  storage?: Storage;
  /** WeChat's base URL (default https://api.weixin.qq.com); the simulator's URL in tests. */
  baseUrl?: string;
  hosts?: Record<string, string>;
  fetch?: FetchLike;
  /** Proactive refresh; `false` turns it off (tokens are then fetched on demand). */
  refresh?: HubRefreshOptions | false;
  logger?: Logger;
  now?: () => number;
}

export interface Hub extends HubRegistrar {
  /** Web-standard handler: mount it in any server that speaks Request/Response. */
  handler(request: Request): Promise<Response>;
  /** Serve on node:http; 127.0.0.1 unless `host` says otherwise. */
  listen(options?: HubListenOptions): Promise<HubServer>;
  readonly refresher: Refresher;
  /** Resolves once component plugins ran and the first refresh round finished. */
  ready(): Promise<void>;
  /** Stops the refresher and every server started by `listen()`. */
  close(): Promise<void>;
}

const MAX_BODY = 16 * 1024;
const APPID = /^\w{4,64}$/;

export function createHub(options: HubOptions): Hub {
  if (typeof options?.secret !== 'string' || options.secret.length < 16) {
    throw new WxConfigError('createHub: secret must be a string of at least 16 characters');
  }
  const secretDigest = digest(options.secret);
  const storage = options.storage ?? memoryStorage();
  const logger = options.logger ?? { warn: (m: string) => console.warn(m) };
  const now = options.now ?? Date.now;
  const refreshEnabled = options.refresh !== false;
  const refreshOptions = options.refresh === false ? {} : (options.refresh ?? {});
  const marginMs = (refreshOptions.marginSeconds ?? 600) * 1000;
  const retryMs = (refreshOptions.retrySeconds ?? 30) * 1000;
  const refresher = createRefresher({ marginMs, retryMs, logger, now });
  const context: HubContext = { storage, baseUrl: options.baseUrl, fetch: options.fetch, refreshMarginMs: marginMs, logger };

  const apps = new Map<string, HubAppRegistration>();
  const components = new Map<string, HubComponentRegistration>();
  const servers = new Set<HubServer>();
  const appKey = (appid: string, authorizerAppid?: string) => (authorizerAppid ? `${appid}/${authorizerAppid}` : appid);
  const describeApp = (appid: string, authorizerAppid?: string) =>
    authorizerAppid ? `authorizer ${authorizerAppid} of component ${appid}` : `app ${appid}`;

  const registrar: HubRegistrar = {
    registerApp(app) {
      if (!APPID.test(app?.appid ?? '')) throw new WxConfigError(`hub: invalid appid ${JSON.stringify(app?.appid)}`);
      const key = appKey(app.appid, app.authorizerAppid);
      registrar.unregisterApp(app.appid, app.authorizerAppid);
      apps.set(key, app);
      refresher.add(`access_token ${describeApp(app.appid, app.authorizerAppid)}`, app.accessToken);
      for (const type of app.tickets ?? []) watchTicket(app, type);
    },
    registerComponent(component) {
      if (!APPID.test(component?.appid ?? '')) throw new WxConfigError(`hub: invalid component appid ${JSON.stringify(component?.appid)}`);
      components.set(component.appid, component);
      refresher.add(`component_access_token ${component.appid}`, component.componentAccessToken);
    },
    unregisterApp(appid, authorizerAppid) {
      const prefix = `${describeApp(appid, authorizerAppid)}`;
      apps.delete(appKey(appid, authorizerAppid));
      refresher.remove(`access_token ${prefix}`);
      for (const type of ['jsapi', 'wx_card'] as const) refresher.remove(`${type} ticket ${prefix}`);
    },
    unregisterComponent(appid) {
      components.delete(appid);
      refresher.remove(`component_access_token ${appid}`);
    },
  };

  function watchTicket(app: HubAppRegistration, type: TicketType): HubTokenProvider | undefined {
    const provider = app.ticket?.(type);
    const id = `${type} ticket ${describeApp(app.appid, app.authorizerAppid)}`;
    if (provider && !refresher.has(id)) refresher.add(id, provider);
    return provider;
  }

  for (const app of options.apps ?? []) {
    if (!app || typeof app.appsecret !== 'string' || !app.appsecret) {
      throw new WxConfigError(`createHub: app ${JSON.stringify(app?.appid)} needs an appsecret`);
    }
    registrar.registerApp(commonAppRegistration(app, { ...context, hosts: options.hosts, refreshMarginMs: marginMs }));
  }

  let setup: Promise<void> = Promise.resolve();
  if (options.components?.length) {
    const plugin = options.componentPlugin;
    if (!plugin) {
      throw new WxConfigError(
        `createHub: component apps (${options.components.map((c) => c.appid).join(', ')}) need the third-party platform module (componentPlugin), which this hub was not given`,
      );
    }
    setup = options.components.reduce<Promise<void>>((p, c) => p.then(() => plugin(c, registrar, context)), Promise.resolve());
  }
  const started = setup.then(async () => {
    if (!refreshEnabled) return;
    await refresher.refreshAll();
    refresher.start();
  });
  // Failures are logged by the refresher or surface through ready(); never as an unhandled rejection.
  started.catch((e) => logger.warn(`[wxkit hub] setup failed: ${(e as Error)?.message ?? String(e)}`));

  async function tokenAnswer(provider: HubTokenProvider, field: 'access_token' | 'ticket', extra: Record<string, unknown> = {}) {
    let token = await provider.get();
    let expiresAt = await provider.expiresAt?.(token);
    if (expiresAt === undefined && provider.expiresAt) {
      // Replaced between the two reads: ask once more for the current one.
      token = await provider.get();
      expiresAt = await provider.expiresAt(token);
    }
    const t = now();
    const expiresIn = expiresAt === undefined ? DEFAULT_UNKNOWN_EXPIRY_SECONDS : Math.max(0, Math.floor((expiresAt - t) / 1000));
    return json(200, { [field]: token, ...extra, expires_in: expiresIn, timestamp: Math.floor(t / 1000) });
  }

  async function refreshAnswer(provider: HubTokenProvider, stale: string) {
    // Compare-and-swap: only a token still stored as `stale` is dropped, so a burst of clients
    // reporting the same dead token causes one refresh; a report about an older token just gets
    // the current one back.
    await provider.invalidate(stale);
    return tokenAnswer(provider, 'access_token');
  }

  function findApp(appid: string, authorizerAppid: string | undefined): HubAppRegistration | Response {
    const app = apps.get(appKey(appid, authorizerAppid));
    if (app) return app;
    if (authorizerAppid && !components.has(appid)) {
      return error(404, 'unknown_app', `component ${appid} is not served by this hub (no component registered under that appid)`);
    }
    return error(404, 'unknown_app', `${describeApp(appid, authorizerAppid)} is not served by this hub`);
  }

  async function route(request: Request, url: URL): Promise<Response> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (path === '/health') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return error(405, 'method_not_allowed', 'use GET /health');
      return json(200, { status: 'ok' });
    }
    if (!authorized(request.headers.get('authorization'), secretDigest)) {
      return error(401, 'unauthorized', 'missing or wrong hub secret (send Authorization: Bearer <secret>)');
    }
    const routes: Record<string, string> = {
      '/client/access_token': 'GET',
      '/client/component_access_token': 'GET',
      '/client/ticket': 'GET',
      '/refresh/access_token': 'POST',
      '/refresh/component_access_token': 'POST',
    };
    const method = routes[path];
    if (!method) return error(404, 'not_found', `no route ${request.method} ${path}`);
    if (request.method !== method) return error(405, 'method_not_allowed', `use ${method} ${path}`);

    const params = method === 'GET' ? Object.fromEntries(url.searchParams) : await readParams(request);
    if (params instanceof Response) return params;
    const appid = params.appid;
    const authorizerAppid = params.authorizer_appid || undefined;
    if (!appid || !APPID.test(appid)) return error(400, 'bad_request', 'appid is required');
    if (authorizerAppid !== undefined && !APPID.test(authorizerAppid)) return error(400, 'bad_request', 'authorizer_appid is malformed');

    switch (path) {
      case '/client/access_token': {
        const app = findApp(appid, authorizerAppid);
        return app instanceof Response ? app : tokenAnswer(app.accessToken, 'access_token');
      }
      case '/refresh/access_token': {
        const stale = params.access_token;
        if (!stale) return error(400, 'bad_request', 'access_token (the token that failed) is required');
        const app = findApp(appid, authorizerAppid);
        return app instanceof Response ? app : refreshAnswer(app.accessToken, stale);
      }
      case '/client/component_access_token':
      case '/refresh/component_access_token': {
        const component = components.get(appid);
        if (!component) return error(404, 'unknown_app', `component ${appid} is not served by this hub`);
        if (path === '/client/component_access_token') return tokenAnswer(component.componentAccessToken, 'access_token');
        if (!params.access_token) return error(400, 'bad_request', 'access_token (the token that failed) is required');
        return refreshAnswer(component.componentAccessToken, params.access_token);
      }
      case '/client/ticket': {
        const type = params.type;
        if (type !== 'jsapi' && type !== 'wx_card') return error(400, 'bad_request', 'type must be jsapi or wx_card');
        const app = findApp(appid, authorizerAppid);
        if (app instanceof Response) return app;
        const provider = refreshEnabled ? watchTicket(app, type) : app.ticket?.(type);
        if (!provider) return error(404, 'no_ticket', `${describeApp(appid, authorizerAppid)} has no ${type} ticket (mini programs have none)`);
        return tokenAnswer(provider, 'ticket', { type });
      }
    }
    return error(404, 'not_found', `no route ${request.method} ${path}`);
  }

  async function handler(request: Request): Promise<Response> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return error(400, 'bad_request', 'bad request URL');
    }
    try {
      return await route(request, url);
    } catch (e) {
      return failure(e, logger);
    }
  }

  return {
    ...registrar,
    handler,
    refresher,
    async listen(listenOptions) {
      const server = await listenNode(handler, listenOptions);
      servers.add(server);
      const close = server.close;
      return { ...server, close: () => (servers.delete(server), close()) };
    },
    async ready() {
      await started;
    },
    async close() {
      refresher.stop();
      await Promise.all([...servers].map((s) => s.close()));
      servers.clear();
    },
  };
}

function failure(e: unknown, logger: Logger): Response {
  if (e instanceof WxApiError) {
    return json(502, { error: 'wechat_error', errcode: e.errcode, message: e.message });
  }
  if (e instanceof WxNetworkError || e instanceof WxTimeoutError || e instanceof WxHttpError) {
    return json(502, { error: 'wechat_unreachable', message: e.message });
  }
  if (e instanceof WxStorageError) return json(503, { error: 'storage_error', message: e.message });
  if (e instanceof WxError) return json(500, { error: 'hub_error', message: e.message });
  logger.warn(`[wxkit hub] unexpected error: ${(e as Error)?.stack ?? String(e)}`);
  return json(500, { error: 'hub_error', message: 'internal error' });
}

async function readParams(request: Request): Promise<Record<string, string> | Response> {
  const text = await request.text();
  if (text.length > MAX_BODY) return error(413, 'bad_request', 'body too large');
  const type = request.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  if (!text.trim()) return {};
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'bad_request', 'body must be a JSON object');
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
    return out;
  } catch {
    return error(400, 'bad_request', 'body must be JSON (or form-encoded)');
  }
}

function authorized(header: string | null, expected: Buffer): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  return timingSafeEqual(digest(match?.[1]?.trim() ?? ''), expected) && match !== null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function error(status: number, code: string, message: string): Response {
  return json(status, { error: code, message });
}
