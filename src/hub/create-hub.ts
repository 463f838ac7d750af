// The hub (中控服务器): one node keeps every app's access_token, component token, authorizer tokens
// and tickets fresh, and the fleet reads them over HTTP instead of calling WeChat's token endpoint.
// Routes follow elixir_wechat's hub so its clients interoperate:
//   GET  /client/access_token?appid=…[&authorizer_appid=…]
//   GET  /client/component_access_token?appid=…
//   GET  /client/ticket?appid=…&type=jsapi|wx_card[&authorizer_appid=…]
//   POST /refresh/access_token            { appid, [authorizer_appid], access_token: <the stale one> }
//   POST /refresh/component_access_token  { appid, access_token: <the stale one> }
// WeCom (appid is the corpid; a self-built app is named by agentid, a suite's corp token by suite_id):
//   GET  /client/work/access_token?appid=<corpid>&agentid=…|suite_id=…
//   GET  /client/work/ticket?appid=<corpid>&agentid=…|suite_id=…&type=jsapi|agent_config
//   POST /refresh/work/access_token       { appid, agentid | suite_id, access_token: <the stale one> }
//   GET  /client/work/suite_access_token?appid=<suiteId>
//   POST /refresh/work/suite_access_token { appid, access_token: <the stale one> }
//   GET|POST /callback/work/suite/<suiteId> the suite's instruction URL (no secret: WeCom signs it)
//   GET  /health                          (no secret needed; says nothing about the apps)
//   GET  /oauth2/start|callback, /oauth2/ticket/<id>  with `oauth`: the web-OAuth springboard (oauth-springboard.ts)
// Token answers are `{ access_token, expires_in, timestamp }`: expires_in is the remaining lifetime
// in seconds and timestamp the hub's Unix time in seconds, so `timestamp + expires_in` is the expiry.
// This file builds the hub and runs its lifecycle (setup, ready, listen, close); the registry,
// the routes and the web handler live in registry.ts, routes.ts and handler.ts.
import { WxConfigError } from '../core/errors.js';
import type { FetchLike } from '../transport/types.js';
import type { Logger } from '../core/runtime.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { commonAppRegistration, type HubCommonApp } from './common-apps.js';
import { createHubHandler } from './hub-handler.js';
import { listenNode, type HubListenOptions, type HubServer } from './listen.js';
import { createRefresher, type Refresher } from './refresher.js';
import { createHubRegistry } from './app-registry.js';
import { createOAuthSpringboard, type HubOAuthOptions } from './oauth-springboard.js';
import { hubRoutes } from './routes.js';
import type { HubRegistrar } from './types.js';
import { attachSuiteToHub, createHubSuite, workAppRegistration, type AttachedSuite, type HubWorkCorpApp, type HubWorkSuite } from './work-apps.js';

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
  /**
   * WeCom: self-built apps (tokens by corpid + agentid) and suites (the hub serves each suite's
   * instruction URL at `/callback/work/suite/<suiteId>`, stores the suite_ticket, and keeps the
   * suite_access_token and every installed corp's token fresh).
   */
  work?: { apps?: HubWorkCorpApp[]; suites?: HubWorkSuite[] };
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
  /**
   * At most one forced refresh (`POST /refresh/…`) per token in this many seconds (default 5; 0:
   * no limit). A report within it gets the current token back without a WeChat fetch; concurrent
   * reports always share one fetch. The limit is per hub process.
   */
  forcedRefreshIntervalSeconds?: number;
  /**
   * Web-OAuth springboard for the official accounts in `apps`: the hub serves `/oauth2/start`
   * (a URL signed with the hub secret, see `hubOAuthStartUrl`), `/oauth2/callback` and
   * `/oauth2/ticket/<ticket>`, and sends users back only to `returnUrls`.
   */
  oauth?: HubOAuthOptions;
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

/** A token the hub fetched this recently is not fetched again on a client's say-so. */
export const DEFAULT_FORCED_REFRESH_INTERVAL_SECONDS = 5;

/**
 * The hub (central token node): the one process that talks to WeChat's token endpoints for a fleet,
 * serving tokens and tickets to clients configured with `hubStorage`, refreshing them before they
 * expire, and coalescing forced refreshes.
 *
 * @example
 * ```ts
 * import { createHub } from 'wxkit';
 *
 * const hub = createHub({ secret: process.env.HUB_SECRET!, apps: [{ appid: 'wx…', appsecret: process.env.WX_SECRET! }] });
 * const server = await hub.listen({ port: 8720 });
 * ```
 */
export function createHub(options: HubOptions): Hub {
  if (typeof options?.secret !== 'string' || options.secret.length < 16) {
    throw new WxConfigError('createHub: secret must be a string of at least 16 characters');
  }
  const storage = options.storage ?? memoryStorage();
  const logger = options.logger ?? { warn: (m: string) => console.warn(m) };
  const now = options.now ?? Date.now;
  const refreshEnabled = options.refresh !== false;
  const refreshOptions = options.refresh === false ? {} : (options.refresh ?? {});
  const marginMs = (refreshOptions.marginSeconds ?? 600) * 1000;
  const retryMs = (refreshOptions.retrySeconds ?? 30) * 1000;
  const forcedInterval = options.forcedRefreshIntervalSeconds ?? DEFAULT_FORCED_REFRESH_INTERVAL_SECONDS;
  if (typeof forcedInterval !== 'number' || !Number.isFinite(forcedInterval) || forcedInterval < 0) {
    throw new WxConfigError(`createHub: forcedRefreshIntervalSeconds must be a number of seconds, 0 or more, got ${String(forcedInterval)}`);
  }
  const refresher = createRefresher({ marginMs, retryMs, logger, now });
  const context: HubContext = { storage, baseUrl: options.baseUrl, fetch: options.fetch, refreshMarginMs: marginMs, logger };
  const registry = createHubRegistry(refresher);
  const { registrar } = registry;
  const routes = hubRoutes({ registry, refreshEnabled, now, forcedRefreshIntervalMs: forcedInterval * 1000, logger });
  const springboard = options.oauth
    ? createOAuthSpringboard(options.oauth, {
        secret: options.secret,
        apps: (options.apps ?? []).filter((a) => a?.appType === 'official_account'),
        storage,
        baseUrl: options.baseUrl,
        hosts: options.hosts,
        fetch: options.fetch,
        logger,
        now,
      })
    : undefined;
  const handler = createHubHandler(options.secret, routes, logger, (path) => {
    const oauth = springboard?.(path);
    if (oauth) return oauth;
    const m = /^\/callback\/work\/suite\/([^/]+)$/.exec(path);
    const suite = m ? registry.suites.get(m[1]!) : undefined;
    return suite?.callback ? (request: Request) => suite.callback!(request) : undefined;
  });
  const servers = new Set<HubServer>();

  for (const app of options.apps ?? []) {
    if (!app || typeof app.appsecret !== 'string' || !app.appsecret) {
      throw new WxConfigError(`createHub: app ${JSON.stringify(app?.appid)} needs an appsecret`);
    }
    registrar.registerApp(commonAppRegistration(app, { ...context, hosts: options.hosts, refreshMarginMs: marginMs }));
  }

  const workContext = { ...context, hosts: options.hosts, now };
  const workKeys = new Set<string>();
  for (const app of options.work?.apps ?? []) {
    const registration = workAppRegistration(app, workContext);
    const key = `${registration.corpid}/${registration.agentid}`;
    if (workKeys.has(key)) throw new WxConfigError(`createHub: WeCom app ${registration.agentid} of corp ${registration.corpid} appears twice`);
    workKeys.add(key);
    registrar.registerWorkApp(registration);
  }
  const suiteIds = (options.work?.suites ?? []).map((s) => s?.suiteId);
  if (new Set(suiteIds).size !== suiteIds.length) throw new WxConfigError('createHub: a WeCom suite appears twice');
  // Created now, so a bad secret or key fails here rather than on the first push.
  const suites = (options.work?.suites ?? []).map((config) => createHubSuite(config, workContext));
  const attached: AttachedSuite[] = [];
  const suitesReady = suites.reduce<Promise<void>>(
    (p, suite) => p.then(async () => void attached.push(await attachSuiteToHub(suite, registrar))),
    Promise.resolve(),
  );

  let setup: Promise<void> = suitesReady;
  if (options.components?.length) {
    const plugin = options.componentPlugin;
    if (!plugin) {
      throw new WxConfigError(
        `createHub: component apps (${options.components.map((c) => c.appid).join(', ')}) need the third-party platform module (componentPlugin), which this hub was not given`,
      );
    }
    setup = options.components.reduce<Promise<void>>((p, c) => p.then(() => plugin(c, registrar, context)), setup);
  }
  const started = setup.then(async () => {
    if (!refreshEnabled) return;
    await refresher.refreshAll();
    refresher.start();
  });
  // Failures are logged by the refresher or surface through ready(); never as an unhandled rejection.
  started.catch((e) => logger.warn(`[wxkit hub] setup failed: ${(e as Error)?.message ?? String(e)}`));

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
      for (const a of attached.splice(0)) a.detach();
      await Promise.all([...servers].map((s) => s.close()));
      servers.clear();
    },
  };
}
