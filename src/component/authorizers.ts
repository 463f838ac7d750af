// The authorizers (授权方) of a component: their token and ticket providers, their clients (created
// once and cached), and the records and refresh tokens kept for them in the store.
import * as Platform from '../../generated/component/component.js';
import { cachedBy, clientFor, ticketManager, type Client, type TicketType } from '../client.js';
import { WxApiError, WxConfigError } from '../errors.js';
import { Runtime, type TokenProvider } from '../runtime.js';
import { TokenManager, type FetchedToken } from '../token.js';
import type { AppType } from '../types.js';
import { checkAppid, type ComponentContext } from './context.js';
import type { AuthorizerAppType, AuthorizerRecord } from './store.js';

export interface Authorizers {
  authorizerToken(appid: string): TokenProvider;
  authorizerTicket(appid: string, type: TicketType): TokenProvider;
  authorizer(appid: string, opts?: { appType?: AuthorizerAppType }): Client<AppType>;
  knownType(appid: string): AuthorizerAppType | undefined;
  /** Notes the app type of a record read or written, so the next client is precisely typed. */
  remember(record: AuthorizerRecord | undefined): AuthorizerRecord | undefined;
  getAuthorizer(appid: string): Promise<AuthorizerRecord | undefined>;
  listAuthorizers(): Promise<AuthorizerRecord[]>;
  removeAuthorizer(appid: string): Promise<AuthorizerRecord | undefined>;
  recoverAuthorizers(): Promise<{ total: number; restored: string[] }>;
  fixedTokenClient(appid: string, token: string, appType: AuthorizerAppType): Client<AppType>;
}

const BOTH: readonly AppType[] = ['official_account', 'mini_program'];
const RECOVERY_INTERVAL_MS = 30_000;

/** `client` is the component's own client, which calls the api_* endpoints. */
export function createAuthorizers(ctx: ComponentContext, client: Client<'component'>): Authorizers {
  const { componentAppid, hub, store, emitter, keys, storage, now } = ctx;
  const margin = ctx.refreshMarginMs;
  const knownTypes = new Map<string, AuthorizerAppType>();
  const runtimes = new Map<string, Runtime>();
  const clients = new Map<string, Client<AppType>>();
  let lastRecovery = 0;
  let recovering: Promise<{ total: number; restored: string[] }> | undefined;

  const remember = (record: AuthorizerRecord | undefined) => {
    if (record?.appType) knownTypes.set(record.authorizerAppid, record.appType);
    return record;
  };

  const authorizerToken = cachedBy(
    (appid: string): TokenProvider =>
      hub?.accessToken(componentAppid, appid) ??
      new TokenManager({
        key: keys.accessToken(appid),
        storage,
        refreshMarginMs: margin,
        now,
        fetch: () => fetchAuthorizerToken(appid),
        onBackgroundError: (error) => void emitter.report('refresh', error, appid),
      }),
  );

  const ticketsOf = cachedBy((appid: string) =>
    cachedBy(
      (type: TicketType): TokenProvider =>
        hub?.ticket(componentAppid, type, appid) ??
        ticketManager(() => runtimeFor(appid, undefined), type, {
          key: keys.ticketOf(appid, type),
          storage,
          refreshMarginMs: margin,
          now,
          onRefresh: (t) =>
            void emitter.emit('authorizer_ticket', { componentAppid, authorizerAppid: appid, type, ticket: t.value, expiresIn: t.expiresIn }),
        }),
    ),
  );
  const authorizerTicket = (appid: string, type: TicketType): TokenProvider => ticketsOf(appid)(type);

  function runtimeFor(appid: string, appType: AuthorizerAppType | undefined): Runtime {
    const id = `${appid}/${appType ?? '*'}`;
    let rt = runtimes.get(id);
    if (!rt) {
      rt = new Runtime({
        ...ctx.settings,
        appType: appType ?? 'official_account',
        appid,
        accessToken: authorizerToken(appid),
        tickets: ticketsOf(appid),
        ...(appType ? {} : { serves: BOTH }),
      });
      runtimes.set(id, rt);
    }
    return rt;
  }

  function authorizer(appid: string, opts?: { appType?: AuthorizerAppType }): Client<AppType> {
    checkAppid(componentAppid, appid);
    const requested = opts?.appType;
    if (requested !== undefined && requested !== 'official_account' && requested !== 'mini_program') {
      throw new WxConfigError(`component.authorizer: appType must be 'official_account' or 'mini_program', got ${JSON.stringify(requested)}`);
    }
    const type = requested ?? knownTypes.get(appid);
    const id = `${appid}/${type ?? '*'}`;
    let c = clients.get(id);
    if (!c) {
      const rt = runtimeFor(appid, type);
      c = clientFor(rt, rt.appType);
      clients.set(id, c);
    }
    return c;
  }

  async function fetchAuthorizerToken(appid: string): Promise<FetchedToken> {
    let refresh = await store.getRefreshToken(appid);
    if (!refresh) refresh = await recoverRefreshToken(appid, false);
    if (!refresh) throw notAuthorized(appid);
    remember(await store.getRecord(appid));
    let data: Platform.GetAuthorizerTokenResult;
    try {
      data = await Platform.getAuthorizerToken(client, { component_appid: componentAppid, authorizer_appid: appid, authorizer_refresh_token: refresh });
    } catch (error) {
      // A refresh token WeChat no longer accepts: its authorizer list has the current one, if any.
      if (!(error instanceof WxApiError) || (error.errcode !== 61023 && error.errcode !== 40030)) throw error;
      const recovered = await recoverRefreshToken(appid, true);
      if (!recovered || recovered === refresh) throw error;
      refresh = recovered;
      data = await Platform.getAuthorizerToken(client, { component_appid: componentAppid, authorizer_appid: appid, authorizer_refresh_token: refresh });
    }
    const nextRefresh = data.authorizer_refresh_token || refresh;
    if (nextRefresh !== refresh) await store.putRefreshToken(appid, nextRefresh);
    void emitter.emit('authorizer_access_token', {
      componentAppid,
      authorizerAppid: appid,
      authorizerAccessToken: data.authorizer_access_token,
      authorizerRefreshToken: nextRefresh,
      expiresIn: data.expires_in,
    });
    return { value: data.authorizer_access_token, expiresIn: data.expires_in };
  }

  function notAuthorized(appid: string): WxConfigError {
    return new WxConfigError(
      `authorizer ${appid} has not authorized component ${componentAppid}: no refresh_token is stored and WeChat's authorizer list does not have it (send the account through the authorization page)`,
    );
  }

  async function recoverRefreshToken(appid: string, force: boolean): Promise<string | undefined> {
    if (hub) return undefined;
    if (force || now() - lastRecovery >= RECOVERY_INTERVAL_MS) await recoverAuthorizers();
    return store.getRefreshToken(appid);
  }

  function recoverAuthorizers(): Promise<{ total: number; restored: string[] }> {
    recovering ??= (async () => {
      const restored: string[] = [];
      let total = 0;
      for (let offset = 0; ; ) {
        const page = await Platform.getAuthorizerList(client, { component_appid: componentAppid, offset, count: 500 });
        total = page.total_count;
        for (const item of page.list) {
          const appid = item.authorizer_appid;
          if ((await store.getRefreshToken(appid)) !== item.refresh_token) {
            await store.putRefreshToken(appid, item.refresh_token);
            restored.push(appid);
          }
          if (!(await store.getRecord(appid))) {
            const at = item.auth_time * 1000;
            await store.putRecord({ componentAppid, authorizerAppid: appid, funcInfo: [], authorizedAt: at, updatedAt: at });
          }
        }
        offset += page.list.length;
        if (!page.list.length || offset >= total) break;
      }
      lastRecovery = now();
      return { total, restored };
    })().finally(() => (recovering = undefined));
    return recovering;
  }

  return {
    authorizerToken,
    authorizerTicket,
    authorizer,
    knownType: (appid) => knownTypes.get(appid),
    remember,
    async getAuthorizer(appid) {
      checkAppid(componentAppid, appid);
      return remember(await store.getRecord(appid));
    },
    async listAuthorizers() {
      const out: AuthorizerRecord[] = [];
      for (const appid of await store.listAppids()) {
        const r = remember(await store.getRecord(appid));
        if (r) out.push(r);
      }
      return out;
    },
    async removeAuthorizer(appid) {
      checkAppid(componentAppid, appid);
      const record = await store.remove(appid);
      knownTypes.delete(appid);
      for (const map of [clients, runtimes]) for (const k of [...map.keys()]) if (k.startsWith(`${appid}/`)) map.delete(k);
      return record;
    },
    recoverAuthorizers,
    fixedTokenClient(appid, token, appType) {
      const rt = new Runtime({ ...ctx.settings, appType, appid, accessToken: { get: async () => token, invalidate: async () => undefined } });
      return clientFor(rt, appType);
    },
  };
}
