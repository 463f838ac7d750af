// Web OAuth (网页授权) URLs. The code the user's browser brings back is exchanged with
// `OAuth.getAccessToken` (an official account with its own appsecret) or, for a third-party
// platform acting for an authorizer, with `Component.getOAuthAccessToken` (see wxkit/component).
import { APPID, isAppid } from '../core/appid.js';
import { WxConfigError } from '../core/errors.js';

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

export interface OAuthAuthorizeUrlOptions {
  /** The official account's appid (for a third-party platform: the authorizer's). */
  appid: string;
  /** Where WeChat sends the browser back with `code` and `state`; its domain must be the account's OAuth domain. */
  redirectUri: string;
  /** snsapi_base (default): silent, openid only; snsapi_userinfo: asks the user, unlocks the profile. */
  scope?: OAuthScope;
  /** Echoed back on the redirect: letters and digits, at most 128. */
  state?: string;
  /** Set when a third-party platform authorizes on behalf of the account. */
  componentAppid?: string;
}

/**
 * `https://open.weixin.qq.com/connect/oauth2/authorize?appid=…&redirect_uri=…&response_type=code&scope=…&state=…#wechat_redirect`,
 * parameters in the order WeChat requires.
 */
export function oauthAuthorizeUrl(options: OAuthAuthorizeUrlOptions): string {
  const { appid, redirectUri, componentAppid } = options ?? ({} as OAuthAuthorizeUrlOptions);
  const scope = options?.scope ?? 'snsapi_base';
  const state = options?.state ?? '';
  if (!isAppid(appid)) throw new WxConfigError(`oauthAuthorizeUrl: appid must be letters and digits, got ${JSON.stringify(appid)}`);
  if (typeof redirectUri !== 'string' || !/^https?:\/\//i.test(redirectUri)) {
    throw new WxConfigError(`oauthAuthorizeUrl: redirectUri must be an absolute http(s) URL, got ${JSON.stringify(redirectUri)}`);
  }
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
    throw new WxConfigError(`oauthAuthorizeUrl: scope must be snsapi_base or snsapi_userinfo, got ${JSON.stringify(scope)}`);
  if (!/^[A-Za-z0-9]{0,128}$/.test(state)) throw new WxConfigError('oauthAuthorizeUrl: state must be at most 128 letters and digits');
  if (componentAppid !== undefined && !APPID.test(componentAppid)) {
    throw new WxConfigError(`oauthAuthorizeUrl: componentAppid must be letters and digits, got ${JSON.stringify(componentAppid)}`);
  }
  const parts = [
    `appid=${appid}`,
    `redirect_uri=${encodeURIComponent(redirectUri)}`,
    'response_type=code',
    `scope=${scope}`,
    `state=${state}`,
    ...(componentAppid ? [`component_appid=${componentAppid}`] : []),
  ];
  return `https://open.weixin.qq.com/connect/oauth2/authorize?${parts.join('&')}#wechat_redirect`;
}
