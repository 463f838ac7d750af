// The component's own credentials: the verify ticket WeChat pushes, the component_access_token
// fetched with it, and the component's client, which calls with that token.
import * as Platform from '../../generated/component/component.js';
import { clientFor, type Client, type RawRequest } from '../core/client.js';
import { WxConfigError } from '../core/errors.js';
import { Runtime, type TokenProvider } from '../core/runtime.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import type { CallOptions } from '../core/types.js';
import type { ComponentContext } from './context.js';

export interface ComponentCredentials {
  componentToken: TokenProvider;
  /** Raw requests default to the component token. */
  client: Client<'component'>;
  saveVerifyTicket(ticket: string, createTime?: number): Promise<void>;
  startPushTicket(): Promise<void>;
}

export function componentCredentials(ctx: ComponentContext): ComponentCredentials {
  const { componentAppid, store, emitter, secret } = ctx;
  const componentToken: TokenProvider =
    ctx.hub?.componentAccessToken(componentAppid) ??
    new TokenManager({
      key: ctx.keys.componentToken,
      storage: ctx.storage,
      refreshMarginMs: ctx.refreshMarginMs,
      now: ctx.now,
      fetch: fetchComponentToken,
      onBackgroundError: (error) => void emitter.report('refresh', error),
    });
  const componentRt = new Runtime({ ...ctx.settings, appType: 'component', appid: componentAppid, componentAccessToken: componentToken });
  const base = clientFor(componentRt, 'component');
  const client: Client<'component'> = {
    ...base,
    request: <T>(req: RawRequest, o?: CallOptions) => base.request<T>({ auth: 'component_access_token', ...req }, o),
  };

  async function fetchComponentToken(): Promise<FetchedToken> {
    const stored = await store.getTicket();
    if (!stored) {
      throw new WxConfigError(
        `no component_verify_ticket has arrived yet for component ${componentAppid}; WeChat pushes one every 10 minutes to your event URL (component.eventHandler()), or call component.startPushTicket() to ask for one now`,
      );
    }
    const data = await Platform.getComponentAccessToken(client, {
      component_appid: componentAppid,
      component_appsecret: secret!,
      component_verify_ticket: stored.ticket,
    });
    void emitter.emit('component_access_token', { componentAppid, componentAccessToken: data.component_access_token, expiresIn: data.expires_in });
    return { value: data.component_access_token, expiresIn: data.expires_in };
  }

  return {
    componentToken,
    client,
    async saveVerifyTicket(ticket, createTime) {
      if (typeof ticket !== 'string' || !ticket) throw new WxConfigError('saveVerifyTicket: ticket must be a non-empty string');
      await store.saveTicket(ticket, createTime ?? Math.floor(ctx.now() / 1000));
    },
    async startPushTicket() {
      if (!secret) throw new WxConfigError(`component ${componentAppid}: startPushTicket needs the componentAppsecret`);
      await Platform.startPushTicket(client, { component_appid: componentAppid, component_secret: secret });
    },
  };
}
