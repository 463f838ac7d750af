// What each hub route answers, once the request passed the secret, method and appid checks
// (handler.ts): tokens and tickets with their remaining lifetime, and refreshes of stale tokens.
import type { HubRegistry } from './registry.js';
import { error, json } from './respond.js';
import { DEFAULT_UNKNOWN_EXPIRY_SECONDS, type HubTokenProvider } from './types.js';

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
}

export function hubRoutes({ registry, refreshEnabled, now }: RoutesContext): Record<string, HubRoute> {
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
        return app instanceof Response ? app : refreshAnswer(app.accessToken, stale);
      },
    },
    '/refresh/component_access_token': {
      method: 'POST',
      async answer({ params, appid }) {
        const component = registry.components.get(appid);
        if (!component) return unknownComponent(appid);
        if (!params.access_token) return staleRequired();
        return refreshAnswer(component.componentAccessToken, params.access_token);
      },
    },
  };
}
