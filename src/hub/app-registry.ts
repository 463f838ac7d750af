// What the hub serves right now: the registered apps and components, WeCom apps, suites and their
// corps, each registration also handed to the refresher so its tokens (and the tickets asked for)
// are kept fresh.
import { APPID } from '../core/appid.js';
import type { TicketType } from '../core/runtime.js';
import { WxConfigError } from '../core/errors.js';
import type { Refresher } from './refresher.js';
import { error } from './answers.js';
import type { WorkTicketType } from '../work/tickets.js';
import type {
  HubAppRegistration,
  HubComponentRegistration,
  HubRegistrar,
  HubSuiteRegistration,
  HubTokenProvider,
  HubWorkAppId,
  HubWorkAppRegistration,
} from './types.js';

export interface HubRegistry {
  readonly registrar: HubRegistrar;
  readonly components: ReadonlyMap<string, HubComponentRegistration>;
  /** The app, or the 404 answer saying why it is not served. */
  findApp(appid: string, authorizerAppid: string | undefined): HubAppRegistration | Response;
  /** The ticket provider, now also kept fresh by the refresher. */
  watchTicket(app: HubAppRegistration, type: TicketType): HubTokenProvider | undefined;
  describeApp(appid: string, authorizerAppid?: string): string;
  readonly suites: ReadonlyMap<string, HubSuiteRegistration>;
  /** The WeCom app or suite corp, or the 404 answer saying why it is not served. */
  findWorkApp(corpid: string, app: HubWorkAppId): Promise<HubWorkAppRegistration | Response>;
  watchWorkTicket(app: HubWorkAppRegistration, type: WorkTicketType): HubTokenProvider | undefined;
  describeWorkApp(corpid: string, app: HubWorkAppId): string;
}

const WORK_TICKETS: readonly WorkTicketType[] = ['jsapi', 'agent_config'];

export function createHubRegistry(refresher: Refresher): HubRegistry {
  const apps = new Map<string, HubAppRegistration>();
  const components = new Map<string, HubComponentRegistration>();
  const workApps = new Map<string, HubWorkAppRegistration>();
  const suites = new Map<string, HubSuiteRegistration>();
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
    registerWorkApp(app) {
      const id = workAppIdOf(app);
      if (!APPID.test(app?.corpid ?? '')) throw new WxConfigError(`hub: invalid corpid ${JSON.stringify(app?.corpid)}`);
      if (!id) throw new WxConfigError(`hub: WeCom app of ${app.corpid} needs exactly one of agentid and suiteId`);
      registrar.unregisterWorkApp(app.corpid, id);
      workApps.set(workKey(app.corpid, id), app);
      refresher.add(`access_token ${describeWorkApp(app.corpid, id)}`, app.accessToken);
      for (const type of app.tickets ?? []) watchWorkTicket(app, type);
    },
    unregisterWorkApp(corpid, app) {
      const prefix = describeWorkApp(corpid, app);
      workApps.delete(workKey(corpid, app));
      refresher.remove(`access_token ${prefix}`);
      for (const type of WORK_TICKETS) refresher.remove(`${type} ticket ${prefix}`);
    },
    registerSuite(suite) {
      if (!APPID.test(suite?.suiteId ?? '')) throw new WxConfigError(`hub: invalid suite id ${JSON.stringify(suite?.suiteId)}`);
      suites.set(suite.suiteId, suite);
      refresher.add(`suite_access_token suite ${suite.suiteId}`, suite.suiteAccessToken);
    },
    unregisterSuite(suiteId) {
      suites.delete(suiteId);
      refresher.remove(`suite_access_token suite ${suiteId}`);
      for (const app of [...workApps.values()]) if (app.suiteId === suiteId) registrar.unregisterWorkApp(app.corpid, { suiteId });
    },
  };

  function watchWorkTicket(app: HubWorkAppRegistration, type: WorkTicketType): HubTokenProvider | undefined {
    const provider = app.ticket?.(type);
    const id = `${type} ticket ${describeWorkApp(app.corpid, workAppIdOf(app)!)}`;
    if (provider && !refresher.has(id)) refresher.add(id, provider);
    return provider;
  }

  async function findWorkApp(corpid: string, id: HubWorkAppId): Promise<HubWorkAppRegistration | Response> {
    const app = workApps.get(workKey(corpid, id));
    if (app) return app;
    if (id.suiteId !== undefined) {
      const suite = suites.get(id.suiteId);
      if (!suite) return error(404, 'unknown_app', `suite ${id.suiteId} is not served by this hub (no suite registered under that id)`);
      // Installed through another hub replica (or a process sharing the store) since the last sync.
      const found = await suite.findCorp?.(corpid);
      if (found) {
        if (!workApps.has(workKey(corpid, id))) registrar.registerWorkApp(found);
        return workApps.get(workKey(corpid, id)) ?? found;
      }
      return error(404, 'unknown_app', `${describeWorkApp(corpid, id)} is not served by this hub (the corp has not installed the suite)`);
    }
    return error(404, 'unknown_app', `${describeWorkApp(corpid, id)} is not served by this hub`);
  }

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

  return { registrar, components, findApp, watchTicket, describeApp, suites, findWorkApp, watchWorkTicket, describeWorkApp };
}

function workAppIdOf(app: { agentid?: string; suiteId?: string }): HubWorkAppId | undefined {
  if (app?.suiteId !== undefined && app.agentid === undefined) return { suiteId: app.suiteId };
  if (app?.agentid !== undefined && app.suiteId === undefined) return { agentid: String(app.agentid) };
  return undefined;
}

const workKey = (corpid: string, id: HubWorkAppId) => (id.suiteId !== undefined ? `${corpid}/suite/${id.suiteId}` : `${corpid}/agent/${id.agentid}`);

function describeWorkApp(corpid: string, id: HubWorkAppId): string {
  return id.suiteId !== undefined ? `corp ${corpid} of suite ${id.suiteId}` : `WeCom app ${id.agentid} of corp ${corpid}`;
}
