// Web OAuth and JS-SDK for an authorizer's users: the component signs in on the authorizer's behalf
// (component_appid + component_access_token instead of the authorizer's appsecret).
import * as Platform from '../../generated/component/component.js';
import type { Client } from '../core/client.js';
import { jsapiConfig } from '../official/jssdk.js';
import { oauthAuthorizeUrl } from '../official/oauth.js';
import type { Authorizers } from './authorizers.js';
import { checkAppid } from './context.js';
import type { WxComponent } from './types.js';

export type ComponentOAuth = Pick<WxComponent, 'oauthUrl' | 'oauthExchange' | 'oauthRefresh' | 'jsapiConfig'>;

export function componentOAuth(componentAppid: string, client: Client<'component'>, authorizers: Authorizers): ComponentOAuth {
  const oauthParams = (authorizerAppid: string) => {
    checkAppid(componentAppid, authorizerAppid);
    return { appid: authorizerAppid, component_appid: componentAppid };
  };
  return {
    oauthUrl(authorizerAppid, o) {
      checkAppid(componentAppid, authorizerAppid);
      return oauthAuthorizeUrl({ appid: authorizerAppid, redirectUri: o?.redirectUri, scope: o?.scope, state: o?.state, componentAppid });
    },
    oauthExchange: (authorizerAppid, code, o) => Platform.getOAuthAccessToken(client, { ...oauthParams(authorizerAppid), code }, o),
    oauthRefresh: (authorizerAppid, refreshToken, o) =>
      Platform.refreshOAuthAccessToken(client, { ...oauthParams(authorizerAppid), refresh_token: refreshToken }, o),
    jsapiConfig: (authorizerAppid, o) => jsapiConfig(authorizers.authorizer(authorizerAppid, { appType: 'official_account' }), o),
  };
}
