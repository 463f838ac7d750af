// The service provider's own identity (服务商): provider_access_token from corpid +
// provider_secret, for the provider-level endpoints (login info, registration, license orders…).
// It belongs to the provider, not to any app, so it is a client of its own.
import { tokenInQuery } from '../auth/schemes.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import { execute } from '../core/call.js';
import { clientFor, type Client } from '../core/client.js';
import { WxConfigError } from '../core/errors.js';
import { Runtime, runtimeSettings, type RuntimeSettingsOptions } from '../core/runtime.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { getProviderToken, WORK_HOST } from './endpoints.js';
import { workProtocol } from './protocol.js';

export interface ProviderOptions extends RuntimeSettingsOptions {
  /** The provider's corpid (服务商的corpid). */
  corpid: string;
  /** The provider secret from the provider console (通用开发参数). */
  providerSecret: string;
  /** Where the token lives; memory by default. Share a store to share the token across processes. */
  storage?: Storage;
  refreshMarginMs?: number;
}

export interface WxProvider {
  readonly corpid: string;
  /** Raw requests default to `provider_access_token`, on qyapi.weixin.qq.com. */
  readonly client: Client<'work'>;
  getProviderAccessToken(): Promise<string>;
}

/**
 * The provider token (`get_provider_token`), cached and shared like any token, replaced once when
 * WeCom refuses it (40082).
 *
 * @example
 * ```ts
 * import { createProvider } from 'wxkit/work';
 *
 * const provider = createProvider({ corpid: 'ww…', providerSecret: process.env.PROVIDER_SECRET! });
 * const info = await provider.client.request({ method: 'POST', path: '/cgi-bin/service/get_login_info', body: { auth_code: 'code…' } });
 * ```
 */
export function createProvider(options: ProviderOptions): WxProvider {
  if (typeof options?.corpid !== 'string' || !/^[A-Za-z0-9_-]{4,64}$/.test(options.corpid)) {
    throw new WxConfigError(`createProvider: corpid must be letters and digits, got ${JSON.stringify(options?.corpid)}`);
  }
  if (typeof options.providerSecret !== 'string' || !options.providerSecret) {
    throw new WxConfigError(`createProvider: provider ${options.corpid} needs its providerSecret`);
  }
  const { corpid, providerSecret } = options;
  let rt: Runtime;
  const token = new TokenManager({
    key: `wxkit:provider:${corpid}:provider_access_token`,
    storage: options.storage ?? memoryStorage(),
    refreshMarginMs: options.refreshMarginMs,
    fetch: async (): Promise<FetchedToken> => {
      const { data } = await execute<{ provider_access_token: string; expires_in: number }>(
        rt,
        getProviderToken,
        { corpid, provider_secret: providerSecret },
        {},
      );
      return { value: data.provider_access_token, expiresIn: data.expires_in };
    },
    onBackgroundError: (error) =>
      rt.logger.warn(`[wxkit] refreshing the provider_access_token of ${corpid} ahead of expiry failed: ${(error as Error)?.message ?? String(error)}`),
    onWarning: (message) => rt.logger.warn(message),
  });
  rt = new Runtime({
    ...runtimeSettings(options),
    appType: 'work',
    appid: corpid,
    auth: {
      provider_access_token: tokenInQuery('provider_access_token', token),
      provider_access_token_as_access_token: tokenInQuery('access_token', token),
    },
    protocols: { wechat: workProtocol },
  });
  return { corpid, client: clientFor(rt, 'work', { auth: 'provider_access_token', host: WORK_HOST }), getProviderAccessToken: () => token.get() };
}
