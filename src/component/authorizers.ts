// The authorizers (授权方) of a component: their token and ticket providers, their clients (created
// once and cached), and the records and refresh tokens kept for them in the store. An authorizer
// whose refresh token WeChat refuses and whose authorization WeChat no longer lists is marked
// revoked: the `unauthorized` push may have been lost, and without the mark every call would ask
// WeChat twice more (the token, the whole authorizer list) only to fail the same way.
import * as Platform from '../../generated/component/component.js';
import { cachedBy, clientFor, type Client } from '../core/client.js';
import type { TicketType } from '../core/runtime.js';
import { ticketManager } from '../official/create-client.js';
import { describeErrcode } from '../protocols/errcodes.js';
import { WxApiError, WxConfigError } from '../core/errors.js';
import { Runtime, type TokenProvider } from '../core/runtime.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import type { AppType } from '../core/types.js';
import { checkAppid, type ComponentContext } from './context.js';
import type { AuthorizerAppType, AuthorizerRecord, RevokedMark } from './store.js';

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
  isRevoked(appid: string): Promise<boolean>;
  /** The error to throw, without asking WeChat, when the authorizer is marked revoked; `endpoint` names the call refused. */
  refusal(appid: string, endpoint?: string): Promise<WxApiError | undefined>;
  /** WeChat showed the authorization is gone: mark it, drop the authorizer, announce it; returns the error to throw. */
  revoke(appid: string, cause: WxApiError): Promise<WxApiError>;
  fixedTokenClient(appid: string, token: string, appType: AuthorizerAppType): Client<AppType>;
}

const BOTH: readonly AppType[] = ['official_account', 'mini_program'];
const RECOVERY_INTERVAL_MS = 30_000;
/**
 * api_authorizer_token's answers for a refresh token it no longer takes: 61023 (refresh_token is
 * invalid), 40030 (invalid refresh_token) and 61003 (帐号未授权, the account has not authorized the
 * component). Either the store has an old refresh token (WeChat's list has the current one) or the
 * authorization was cancelled (the list does not have the authorizer).
 */
const REFUSED_REFRESH: ReadonlySet<number> = new Set([61023, 40030, 61003]);

interface Scan {
  total: number;
  restored: string[];
  /** Every authorizer WeChat listed. */
  listed: Set<string>;
}

/** `client` is the component's own client, which calls the api_* endpoints. */
export function createAuthorizers(ctx: ComponentContext, client: Client<'component'>): Authorizers {
  const { componentAppid, hub, store, emitter, keys, storage, now } = ctx;
  const margin = ctx.refreshMarginMs;
  const knownTypes = new Map<string, AuthorizerAppType>();
  const runtimes = new Map<string, Runtime>();
  const clients = new Map<string, Client<AppType>>();
  let lastRecovery = 0;
  let recovering: Promise<Scan> | undefined;

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
          onRefresh: (t) => void emitter.emit('authorizer_ticket', { componentAppid, authorizerAppid: appid, type, ticket: t.value, expiresIn: t.expiresIn }),
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
    const refused = await refusal(appid);
    if (refused) throw refused;
    let refresh = await store.getRefreshToken(appid);
    if (!refresh) refresh = await recoverRefreshToken(appid);
    if (!refresh) throw notAuthorized(appid);
    remember(await store.getRecord(appid));
    let data: Platform.GetAuthorizerTokenResult;
    try {
      data = await Platform.getAuthorizerToken(client, { component_appid: componentAppid, authorizer_appid: appid, authorizer_refresh_token: refresh });
    } catch (error) {
      // A refresh token WeChat no longer accepts: its authorizer list has the current one, if any.
      if (!(error instanceof WxApiError) || !REFUSED_REFRESH.has(error.errcode)) throw error;
      const scan = await scanAuthorizers();
      // Not listed at all: the authorization was cancelled and the push never came.
      if (!scan.listed.has(appid)) throw await revoke(appid, error);
      const recovered = await store.getRefreshToken(appid);
      // Listed with the very token just refused: WeChat contradicts itself; report, mark nothing.
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

  async function refusal(appid: string, endpoint: string = Platform.getAuthorizerToken.endpoint.id): Promise<WxApiError | undefined> {
    const mark = await store.getRevoked(appid);
    return mark ? revokedError(appid, mark, undefined, endpoint) : undefined;
  }

  async function revoke(appid: string, cause: WxApiError): Promise<WxApiError> {
    const mark: RevokedMark = { revokedAt: now(), errcode: cause.errcode, errmsg: cause.errmsg };
    const authorizer = await store.revoke(appid, mark);
    forget(appid);
    void emitter.emit('authorizer_revoked', { componentAppid, authorizerAppid: appid, authorizer, ...mark });
    return revokedError(appid, mark, cause, cause.endpoint);
  }

  /**
   * WeChat's own error (its errcode, so code that checks 61023 keeps working), worded as what the
   * caller has to do about it. The refresh token is never part of it.
   */
  async function revokedError(appid: string, mark: RevokedMark, cause: WxApiError | undefined, endpoint: string | undefined): Promise<WxApiError> {
    const error = new WxApiError({
      errcode: mark.errcode,
      errmsg: mark.errmsg,
      info: cause?.info ?? (await describeErrcode(mark.errcode)),
      ...(endpoint ? { endpoint } : {}),
      ...(cause ? { status: cause.status } : {}),
    });
    const how = cause
      ? "shown by WeChat's answer that follows; the unauthorized push never arrived"
      : `found out at ${new Date(mark.revokedAt).toISOString()}; nothing was sent to WeChat`;
    const text = `authorizer ${appid} revoked its authorization of component ${componentAppid} (${how}): it must authorize again, through the authorization page, before it can be called. ${error.message}`;
    if (error.stack) error.stack = error.stack.replace(error.message, () => text);
    error.message = text;
    return error;
  }

  function forget(appid: string): void {
    knownTypes.delete(appid);
    for (const map of [clients, runtimes]) for (const k of [...map.keys()]) if (k.startsWith(`${appid}/`)) map.delete(k);
  }

  /** No refresh token stored: WeChat's list may have one (a lost store), asked at most every 30 s. */
  async function recoverRefreshToken(appid: string): Promise<string | undefined> {
    if (hub) return undefined;
    if (now() - lastRecovery >= RECOVERY_INTERVAL_MS) await scanAuthorizers();
    return store.getRefreshToken(appid);
  }

  async function recoverAuthorizers(): Promise<{ total: number; restored: string[] }> {
    const { total, restored } = await scanAuthorizers();
    return { total, restored };
  }

  function scanAuthorizers(): Promise<Scan> {
    recovering ??= (async () => {
      const restored: string[] = [];
      const listed = new Set<string>();
      let total = 0;
      for (let offset = 0; ; ) {
        const page = await Platform.getAuthorizerList(client, { component_appid: componentAppid, offset, count: 500 });
        total = page.total_count;
        for (const item of page.list) {
          const appid = item.authorizer_appid;
          listed.add(appid);
          let changed = false;
          // Listed again after it was found revoked: it authorized again (that push lost too).
          if (await store.getRevoked(appid)) {
            await store.clearRevoked(appid);
            changed = true;
          }
          // Real answers often leave refresh_token out (the docs list it): then there is nothing to restore.
          if (item.refresh_token && (await store.getRefreshToken(appid)) !== item.refresh_token) {
            await store.putRefreshToken(appid, item.refresh_token);
            changed = true;
          }
          if (changed) restored.push(appid);
          if (!(await store.getRecord(appid))) {
            const at = item.auth_time * 1000;
            await store.putRecord({ componentAppid, authorizerAppid: appid, funcInfo: [], authorizedAt: at, updatedAt: at });
          }
        }
        offset += page.list.length;
        if (!page.list.length || offset >= total) break;
      }
      lastRecovery = now();
      return { total, restored, listed };
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
      forget(appid);
      return record;
    },
    recoverAuthorizers,
    async isRevoked(appid) {
      checkAppid(componentAppid, appid);
      return (await store.getRevoked(appid)) !== undefined;
    },
    refusal,
    revoke,
    fixedTokenClient(appid, token, appType) {
      const rt = new Runtime({ ...ctx.settings, appType, appid, accessToken: { get: async () => token, invalidate: async () => undefined } });
      return clientFor(rt, appType);
    },
  };
}
