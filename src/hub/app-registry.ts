// What the hub serves right now: the registered apps and components, each registration also handed
// to the refresher so its tokens (and the tickets asked for) are kept fresh.
import { APPID } from '../core/appid.js';
import type { TicketType } from '../core/runtime.js';
import { WxConfigError } from '../core/errors.js';
import type { Refresher } from './refresher.js';
import { error } from './answers.js';
import type { HubAppRegistration, HubComponentRegistration, HubRegistrar, HubTokenProvider } from './types.js';

export interface HubRegistry {
  readonly registrar: HubRegistrar;
  readonly components: ReadonlyMap<string, HubComponentRegistration>;
  /** The app, or the 404 answer saying why it is not served. */
  findApp(appid: string, authorizerAppid: string | undefined): HubAppRegistration | Response;
  /** The ticket provider, now also kept fresh by the refresher. */
  watchTicket(app: HubAppRegistration, type: TicketType): HubTokenProvider | undefined;
  describeApp(appid: string, authorizerAppid?: string): string;
}

export function createHubRegistry(refresher: Refresher): HubRegistry {
  const apps = new Map<string, HubAppRegistration>();
  const components = new Map<string, HubComponentRegistration>();
  const appKey = (appid: string, authorizerAppid?: string) => (authorizerAppid ? `${appid}/${authorizerAppid}` : appid);
  const describeApp = (appid: string, authorizerAppid?: string) => (authorizerAppid ? `authorizer ${authorizerAppid} of component ${appid}` : `app ${appid}`);

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

  function findApp(appid: string, authorizerAppid: string | undefined): HubAppRegistration | Response {
    const app = apps.get(appKey(appid, authorizerAppid));
    if (app) return app;
    if (authorizerAppid && !components.has(appid)) {
      return error(404, 'unknown_app', `component ${appid} is not served by this hub (no component registered under that appid)`);
    }
    return error(404, 'unknown_app', `${describeApp(appid, authorizerAppid)} is not served by this hub`);
  }

  return { registrar, components, findApp, watchTicket, describeApp };
}
