// The component on a wxkit hub (中控): the hub keeps the component token and every authorizer's
// access_token (and, for official accounts, tickets) fresh, and hub clients read them with
// `createComponent({ componentAppid, hub: hubStorage(…) })`. The component's event endpoint may run
// on the hub or on any process sharing the hub's storage; the authorizer list is re-read
// periodically so authorizations handled elsewhere reach the hub too.
import type { TicketType } from '../core/runtime.js';
import { WxConfigError } from '../core/errors.js';
import type { HubComponentPlugin } from '../hub/create-hub.js';
import type { HubAppRegistration, HubComponentRegistration, HubRegistrar } from '../hub/types.js';
import { TokenManager } from '../auth/token-manager.js';
import { createComponent } from './create-component.js';
import { kInternals, type ComponentWithInternals } from './internals.js';
import type { AuthorizerAppType } from './store.js';
import type { WxComponent } from './types.js';

export interface ComponentHubProviders {
  component: HubComponentRegistration;
  /** The registration of one authorizer; mini programs get no tickets. */
  authorizer(authorizerAppid: string, appType?: AuthorizerAppType): HubAppRegistration;
}

/** The component's token providers in the hub's terms. The component must refresh by itself (no `hub` option). */
export function componentHubProviders(component: WxComponent): ComponentHubProviders {
  const internals = (component as ComponentWithInternals)[kInternals];
  if (!internals) throw new WxConfigError('componentHubProviders: expected a component made by createComponent()');
  const managed = (provider: unknown, what: string): TokenManager => {
    if (!(provider instanceof TokenManager)) {
      throw new WxConfigError(
        `componentHubProviders: component ${component.componentAppid} reads its ${what} from a hub; only a component that refreshes by itself can serve a hub`,
      );
    }
    return provider;
  };
  return {
    component: { appid: component.componentAppid, componentAccessToken: managed(internals.componentToken, 'component_access_token') },
    authorizer(authorizerAppid, appType) {
      const accessToken = managed(internals.authorizerToken(authorizerAppid), 'authorizer tokens');
      const type = appType ?? internals.knownType(authorizerAppid);
      return {
        appid: component.componentAppid,
        authorizerAppid,
        accessToken,
        ...(type === 'mini_program' ? {} : { ticket: (t: TicketType) => managed(internals.authorizerTicket(authorizerAppid, t), 'tickets') }),
      };
    },
  };
}

export interface AttachOptions {
  /** Re-read the authorizer list this often (default 60 s) for authorizations handled by other processes. */
  syncIntervalMs?: number;
}

export interface AttachedComponent {
  /** Re-read the authorizer list now and (un)register what changed. */
  sync(): Promise<void>;
  /** Stop following the component (the hub keeps what is registered). */
  detach(): void;
}

/** Registers the component and its stored authorizers, and keeps the hub in step with (un)authorizations. */
export async function attachComponentToHub(component: WxComponent, hub: HubRegistrar, options: AttachOptions = {}): Promise<AttachedComponent> {
  const providers = componentHubProviders(component);
  const internals = (component as ComponentWithInternals)[kInternals];
  const appid = component.componentAppid;
  hub.registerComponent(providers.component);
  const registered = new Map<string, AuthorizerAppType | undefined>();
  const add = (authorizerAppid: string, type: AuthorizerAppType | undefined) => {
    if (registered.has(authorizerAppid) && registered.get(authorizerAppid) === type) return;
    hub.registerApp(providers.authorizer(authorizerAppid, type));
    registered.set(authorizerAppid, type);
  };
  const remove = (authorizerAppid: string) => {
    if (!registered.delete(authorizerAppid)) return;
    hub.unregisterApp(appid, authorizerAppid);
  };
  let syncing: Promise<void> | undefined;
  const sync = () =>
    (syncing ??= (async () => {
      const records = await component.listAuthorizers();
      const current = new Set(records.map((r) => r.authorizerAppid));
      for (const r of records) add(r.authorizerAppid, r.appType);
      for (const a of [...registered.keys()]) if (!current.has(a)) remove(a);
    })().finally(() => (syncing = undefined)));
  await sync();
  const offs = [
    component.on('authorized', (e) => add(e.authorizerAppid, e.authorizer.appType)),
    component.on('updateauthorized', (e) => add(e.authorizerAppid, e.authorizer.appType)),
    component.on('unauthorized', (e) => remove(e.authorizerAppid)),
    // Found out by a refused refresh: stop serving (and refreshing) it at once, not at the next sync.
    component.on('authorizer_revoked', (e) => remove(e.authorizerAppid)),
  ];
  const timer = setInterval(
    () => {
      sync().catch((error) => internals.emitter.report('authorization', error));
    },
    Math.max(1_000, options.syncIntervalMs ?? 60_000),
  );
  timer.unref?.();
  return {
    sync,
    detach() {
      clearInterval(timer);
      for (const off of offs) off();
    },
  };
}

export interface ComponentHubPluginOptions extends AttachOptions {
  /** Receives each component the hub creates, e.g. to mount its event handler on a server. */
  onComponent?: (component: WxComponent) => void | Promise<void>;
}

/**
 * The hub's `componentPlugin`: for each `components:` entry (`{ appid, appsecret, token?,
 * encodingAESKey? }`) it creates the component over the hub's storage and attaches it.
 *
 *   createHub({ secret, components: [{ appid, appsecret }], componentPlugin: componentHubPlugin() })
 */
export function componentHubPlugin(options: ComponentHubPluginOptions = {}): HubComponentPlugin {
  return async (app, registrar, context) => {
    const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
    const component = createComponent({
      componentAppid: app.appid,
      componentAppsecret: app.appsecret,
      token: text(app['token']),
      encodingAESKey: text(app['encodingAESKey']),
      storage: context.storage,
      baseUrl: context.baseUrl,
      fetch: context.fetch,
      refreshMarginMs: context.refreshMarginMs,
      logger: context.logger,
    });
    await attachComponentToHub(component, registrar, options);
    await options.onComponent?.(component);
  };
}
