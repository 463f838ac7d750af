// What each hub route answers, once the request passed the secret, method and appid checks
// (handler.ts): tokens and tickets with their remaining lifetime, and refreshes of stale tokens,
// for official accounts, mini programs, components and their authorizers, and WeCom (self-built
// apps by corpid + agentid, suites and their corps by corpid + suite_id).
// A forced refresh retires the token every client of the hub is using, so reports are coalesced
// (one fetch however many report at once) and limited (one fetch per interval and token): a client
// that keeps reporting the current token gets it back instead of making the hub fetch each time.
import { APPID } from '../core/appid.js';
import type { Logger } from '../core/runtime.js';
import type { HubRegistry } from './app-registry.js';
import { error, json } from './answers.js';
import { DEFAULT_UNKNOWN_EXPIRY_SECONDS, type HubTokenProvider, type HubWorkAppId } from './types.js';

export interface RouteRequest {
  params: Record<string, string>;
  appid: string;
  authorizerAppid: string | undefined;
}

export interface HubRoute {
  method: 'GET' | 'POST';
  answer(request: RouteRequest): Promise<Response>;
}

export interface RoutesContext {
  registry: HubRegistry;
  /** With proactive refresh on, a ticket asked for is kept fresh from then on. */
  refreshEnabled: boolean;
  now: () => number;
  /** Minimum time between two forced refreshes of one token (0: no limit; reports still coalesce). */
  forcedRefreshIntervalMs: number;
  logger: Logger;
}

/** Per token provider, in this process: the forced refresh under way and when the last one ended. */
interface ForcedRefresh {
  running?: Promise<void>;
  lastAt?: number;
  warnedAt?: number;
}

export function hubRoutes({ registry, refreshEnabled, now, forcedRefreshIntervalMs, logger }: RoutesContext): Record<string, HubRoute> {
  // Keyed by provider: a re-registered app keeps its provider, an unregistered one is collected.
  const forced = new WeakMap<HubTokenProvider, ForcedRefresh>();

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

  async function refreshAnswer(provider: HubTokenProvider, stale: string, what: string) {
    let state = forced.get(provider);
    if (!state) forced.set(provider, (state = {}));
    // Reports arriving while a forced refresh runs share it, its failure included: they are about
    // the token it replaces (or an older one), and waiting costs WeChat nothing.
    if (state.running) {
      await state.running;
      return tokenAnswer(provider, 'access_token');
    }
    // A report about an older token than the current one just gets the current one back.
    const current = await provider.get();
    if (current !== stale) return tokenAnswer(provider, 'access_token');
    if (state.running) {
      await state.running;
      return tokenAnswer(provider, 'access_token');
    }
    const t = now();
    if (state.lastAt !== undefined && t - state.lastAt < forcedRefreshIntervalMs) {
      // Refreshed moments ago: a fresh token reported dead is far likelier a confused (or hostile)
      // client than a dead token, and fetching again would retire it for everyone.
      if (state.warnedAt === undefined || t - state.warnedAt >= forcedRefreshIntervalMs) {
        state.warnedAt = t;
        logger.warn(
          `[wxkit hub] ${what}: forced refresh refused, the last one was ${((t - state.lastAt) / 1000).toFixed(1)} s ago (at most one per ${forcedRefreshIntervalMs / 1000} s); answered the current token`,
        );
      }
      return tokenAnswer(provider, 'access_token');
    }
    // Compare-and-swap: only a token still stored as `stale` is dropped, so another hub replica on
    // the same store that already replaced it is not made to fetch again.
    const running = (async () => {
      await provider.invalidate(stale);
      await provider.get();
    })();
    state.running = running.finally(() => {
      state.lastAt = now();
      state.running = undefined;
    });
    await state.running;
    return tokenAnswer(provider, 'access_token');
  }

  /** `agentid` (a self-built app, or a label) or `suite_id` (a suite's corp token), exactly one. */
  const workIdOf = (params: Record<string, string>): HubWorkAppId | Response => {
    const { agentid, suite_id: suiteId } = params;
    if (agentid && suiteId) return error(400, 'bad_request', 'give agentid (a self-built app) or suite_id (a suite’s corp token), not both');
    if (suiteId) return APPID.test(suiteId) ? { suiteId } : error(400, 'bad_request', 'suite_id is malformed');
    if (agentid) return /^[\w-]{1,32}$/.test(agentid) ? { agentid } : error(400, 'bad_request', 'agentid is malformed');
    return error(400, 'bad_request', 'agentid (a self-built app) or suite_id (a suite’s corp token) is required');
  };
  const findWorkApp = async (params: Record<string, string>, corpid: string) => {
    const id = workIdOf(params);
    return id instanceof Response ? id : registry.findWorkApp(corpid, id);
  };
  const unknownSuite = (suiteId: string) => error(404, 'unknown_app', `suite ${suiteId} is not served by this hub`);

  const unknownComponent = (appid: string) => error(404, 'unknown_app', `component ${appid} is not served by this hub`);
  const staleRequired = () => error(400, 'bad_request', 'access_token (the token that failed) is required');

  return {
    '/client/access_token': {
      method: 'GET',
      async answer({ appid, authorizerAppid }) {
        const app = registry.findApp(appid, authorizerAppid);
        return app instanceof Response ? app : tokenAnswer(app.accessToken, 'access_token');
      },
    },
    '/client/component_access_token': {
      method: 'GET',
      async answer({ appid }) {
        const component = registry.components.get(appid);
        if (!component) return unknownComponent(appid);
        return tokenAnswer(component.componentAccessToken, 'access_token');
      },
    },
    '/client/ticket': {
      method: 'GET',
      async answer({ params, appid, authorizerAppid }) {
        const type = params.type;
        if (type !== 'jsapi' && type !== 'wx_card') return error(400, 'bad_request', 'type must be jsapi or wx_card');
        const app = registry.findApp(appid, authorizerAppid);
        if (app instanceof Response) return app;
        const provider = refreshEnabled ? registry.watchTicket(app, type) : app.ticket?.(type);
        if (!provider) return error(404, 'no_ticket', `${registry.describeApp(appid, authorizerAppid)} has no ${type} ticket (mini programs have none)`);
        return tokenAnswer(provider, 'ticket', { type });
      },
    },
    '/refresh/access_token': {
      method: 'POST',
      async answer({ params, appid, authorizerAppid }) {
        const stale = params.access_token;
        if (!stale) return staleRequired();
        const app = registry.findApp(appid, authorizerAppid);
        return app instanceof Response ? app : refreshAnswer(app.accessToken, stale, `access_token ${registry.describeApp(appid, authorizerAppid)}`);
      },
    },
    '/refresh/component_access_token': {
      method: 'POST',
      async answer({ params, appid }) {
        const component = registry.components.get(appid);
        if (!component) return unknownComponent(appid);
        if (!params.access_token) return staleRequired();
        return refreshAnswer(component.componentAccessToken, params.access_token, `component_access_token ${appid}`);
      },
    },
    // ------------------------------------------------------------ WeCom (appid = the corpid, or the suite id)
    '/client/work/access_token': {
      method: 'GET',
      async answer({ params, appid }) {
        const app = await findWorkApp(params, appid);
        return app instanceof Response ? app : tokenAnswer(app.accessToken, 'access_token');
      },
    },
    '/refresh/work/access_token': {
      method: 'POST',
      async answer({ params, appid }) {
        const stale = params.access_token;
        if (!stale) return staleRequired();
        const app = await findWorkApp(params, appid);
        if (app instanceof Response) return app;
        return refreshAnswer(
          app.accessToken,
          stale,
          `access_token ${registry.describeWorkApp(appid, app.suiteId ? { suiteId: app.suiteId } : { agentid: app.agentid! })}`,
        );
      },
    },
    '/client/work/ticket': {
      method: 'GET',
      async answer({ params, appid }) {
        const type = params.type;
        if (type !== 'jsapi' && type !== 'agent_config') return error(400, 'bad_request', 'type must be jsapi or agent_config');
        const app = await findWorkApp(params, appid);
        if (app instanceof Response) return app;
        const provider = refreshEnabled ? registry.watchWorkTicket(app, type) : app.ticket?.(type);
        if (!provider) return error(404, 'no_ticket', `${appid} has no ${type} ticket on this hub`);
        return tokenAnswer(provider, 'ticket', { type });
      },
    },
    '/client/work/suite_access_token': {
      method: 'GET',
      async answer({ appid }) {
        const suite = registry.suites.get(appid);
        return suite ? tokenAnswer(suite.suiteAccessToken, 'access_token') : unknownSuite(appid);
      },
    },
    '/refresh/work/suite_access_token': {
      method: 'POST',
      async answer({ params, appid }) {
        const suite = registry.suites.get(appid);
        if (!suite) return unknownSuite(appid);
        if (!params.access_token) return staleRequired();
        return refreshAnswer(suite.suiteAccessToken, params.access_token, `suite_access_token suite ${appid}`);
      },
    },
  };
}
