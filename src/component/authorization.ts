// The authorization flow: pre_auth_code for the authorization page, then the auth code exchanged
// (once, across processes) for the authorizer's tokens and details, stored as its record.
import * as Platform from '../../generated/component/component.js';
import type { Client } from '../core/client.js';
import { WxApiError, WxConfigError } from '../core/errors.js';
import type { AuthorizedInfo, UpdateAuthorizedInfo } from '../callbacks/message-types.js';
import { TokenManager } from '../auth/token-manager.js';
import type { Authorizers } from './authorizers.js';
import { checkAppid, type ComponentContext } from './context.js';
import type { AuthorizerRecord } from './store.js';

export interface Authorization {
  createPreAuthCode(): Promise<{ preAuthCode: string; expiresIn: number }>;
  /** Each code is exchanged once: concurrent and later arrivals get the stored authorizer. */
  exchange(code: string, source: 'event' | 'redirect', message?: AuthorizedInfo | UpdateAuthorizedInfo): Promise<AuthorizerRecord>;
  refreshAuthorizerInfo(appid: string): Promise<AuthorizerRecord>;
}

export function createAuthorization(ctx: ComponentContext, client: Client<'component'>, authorizers: Authorizers): Authorization {
  const { componentAppid, store, emitter, now } = ctx;
  const { remember } = authorizers;
  const exchanges = new Map<string, Promise<AuthorizerRecord>>();

  async function readInfo(appid: string): Promise<Record<string, unknown>> {
    const data = await Platform.getAuthorizerInfo(client, { component_appid: componentAppid, authorizer_appid: appid });
    return data.authorizer_info as unknown as Record<string, unknown>;
  }

  function exchange(code: string, source: 'event' | 'redirect', message?: AuthorizedInfo | UpdateAuthorizedInfo): Promise<AuthorizerRecord> {
    if (typeof code !== 'string' || !code) return Promise.reject(new WxConfigError('handleAuthCode: the auth code is empty'));
    let p = exchanges.get(code);
    if (!p) {
      p = exchangeOnce(code, source, message).finally(() => exchanges.delete(code));
      exchanges.set(code, p);
    }
    return p;
  }

  async function alreadyExchanged(code: string): Promise<AuthorizerRecord | undefined> {
    const appid = await store.authCodeAppid(code);
    return appid ? remember(await store.getRecord(appid)) : undefined;
  }

  async function exchangeOnce(code: string, source: 'event' | 'redirect', message?: AuthorizedInfo | UpdateAuthorizedInfo): Promise<AuthorizerRecord> {
    const prior = await alreadyExchanged(code);
    if (prior) return prior;
    let auth: Platform.QueryAuthResult['authorization_info'];
    try {
      auth = (await Platform.queryAuth(client, { component_appid: componentAppid, authorization_code: code })).authorization_info;
    } catch (error) {
      // Another process (the redirect vs. the event) may be exchanging it right now: a used code
      // is answered 61009/61010, and that process stores the authorizer within moments.
      const used = error instanceof WxApiError && (error.errcode === 61009 || error.errcode === 61010);
      for (let waited = 0; ; waited += 100) {
        const other = await alreadyExchanged(code);
        if (other) return other;
        if (!used || waited >= 2_000) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const appid = auth.authorizer_appid;
    const existing = await store.getRecord(appid);
    // Authorized again: whatever showed it revoked before no longer holds.
    await store.clearRevoked(appid);
    // An authorizer that granted no API permission set gets no tokens: the record is still kept
    // (its permissions and info), and calls for it fail as WeChat decides.
    if (auth.authorizer_refresh_token && auth.authorizer_access_token && auth.expires_in !== undefined) {
      await store.putRefreshToken(appid, auth.authorizer_refresh_token);
      // The first token comes with the authorization: keep it, so the first call does not fetch again.
      const tokens = authorizers.authorizerToken(appid);
      if (tokens instanceof TokenManager) await tokens.put({ value: auth.authorizer_access_token, expiresIn: auth.expires_in });
      void emitter.emit('authorizer_access_token', {
        componentAppid,
        authorizerAppid: appid,
        authorizerAccessToken: auth.authorizer_access_token,
        authorizerRefreshToken: auth.authorizer_refresh_token,
        expiresIn: auth.expires_in,
      });
    }
    let info: Record<string, unknown> | undefined;
    try {
      info = await readInfo(appid);
    } catch (error) {
      // The authorization is stored all the same; the type stays unknown until the next read.
      void emitter.report('authorization', error, appid);
    }
    const t = now();
    const record = withInfo(
      {
        componentAppid,
        authorizerAppid: appid,
        ...(existing?.appType ? { appType: existing.appType } : {}),
        funcInfo: (auth.func_info ?? []).map((f) => f.funcscope_category.id),
        authorizedAt: existing?.authorizedAt ?? t,
        updatedAt: t,
        ...(existing?.info ? { info: existing.info } : {}),
      },
      info,
    );
    await store.putRecord(record);
    await store.markAuthCode(code, appid);
    remember(record);
    const kind = message ? (message.InfoType === 'updateauthorized' ? 'updateauthorized' : 'authorized') : existing ? 'updateauthorized' : 'authorized';
    await emitter.emit(kind, { componentAppid, authorizerAppid: appid, authorizer: record, source, ...(message ? { message } : {}) });
    return record;
  }

  return {
    async createPreAuthCode() {
      const data = await Platform.createPreAuthCode(client, { component_appid: componentAppid });
      return { preAuthCode: data.pre_auth_code, expiresIn: data.expires_in };
    },
    exchange,
    async refreshAuthorizerInfo(appid) {
      checkAppid(componentAppid, appid);
      const refused = await authorizers.refusal(appid, Platform.getAuthorizerInfo.endpoint.id);
      if (refused) throw refused;
      const existing = await store.getRecord(appid);
      let info: Record<string, unknown>;
      try {
        info = await readInfo(appid);
      } catch (error) {
        // 61003: the account has not authorized this component (any more).
        if (error instanceof WxApiError && error.errcode === 61003) throw await authorizers.revoke(appid, error);
        throw error;
      }
      const t = now();
      const record = withInfo(existing ?? { componentAppid, authorizerAppid: appid, funcInfo: [], authorizedAt: t, updatedAt: t }, info);
      await store.putRecord(record);
      return remember(record)!;
    },
  };
}

function withInfo(record: AuthorizerRecord, info: Record<string, unknown> | undefined): AuthorizerRecord {
  if (!info) return record;
  const text = (k: string) => (typeof info[k] === 'string' && info[k] ? (info[k] as string) : undefined);
  return {
    ...record,
    appType: info['MiniProgramInfo'] ? 'mini_program' : 'official_account',
    ...(text('nick_name') ? { nickName: text('nick_name') } : {}),
    ...(text('user_name') ? { userName: text('user_name') } : {}),
    ...(text('principal_name') ? { principalName: text('principal_name') } : {}),
    info,
  };
}
