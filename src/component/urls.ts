// The authorization page a merchant opens to authorize the platform: the PC page (QR code scanned
// with WeChat) and the mobile link (opened inside WeChat). Both need a fresh pre_auth_code.
import { APPID, isAppid } from '../core/appid.js';
import { WxConfigError } from '../core/errors.js';

export interface ComponentAuthUrlOptions {
  componentAppid: string;
  preAuthCode: string;
  /** Where WeChat sends the browser back with `auth_code` and `expires_in`; on the platform's domain. */
  redirectUri: string;
  /** 1: official accounts only, 2: mini programs only, 3: both (default). */
  authType?: 1 | 2 | 3;
  /** Only this account may authorize (auth_type is then ignored by WeChat). */
  bizAppid?: string;
  /** Mini program categories to pre-select, as WeChat's `category_id_list` (e.g. `99|100`). */
  categoryIdList?: string;
}

/**
 * The PC authorization page (`mp.weixin.qq.com/cgi-bin/componentloginpage`). WeChat checks the
 * Referer: open it from a page on the platform's authorized domain (a link, or the
 * authPageHandler), not by typing it.
 */
export function componentLoginPageUrl(options: ComponentAuthUrlOptions): string {
  return `https://mp.weixin.qq.com/cgi-bin/componentloginpage?${authQuery(options, false)}`;
}

/** The mobile authorization link (`open.weixin.qq.com/wxaopen/safe/bindcomponent`), opened inside WeChat. */
export function bindComponentUrl(options: ComponentAuthUrlOptions): string {
  return `https://open.weixin.qq.com/wxaopen/safe/bindcomponent?${authQuery(options, true)}#wechat_redirect`;
}

function authQuery(o: ComponentAuthUrlOptions, mobile: boolean): string {
  if (!o || !isAppid(o.componentAppid)) {
    throw new WxConfigError(`component auth URL: componentAppid must be letters and digits, got ${JSON.stringify(o?.componentAppid)}`);
  }
  if (typeof o.preAuthCode !== 'string' || !o.preAuthCode) throw new WxConfigError('component auth URL: preAuthCode is required (createPreAuthCode)');
  if (typeof o.redirectUri !== 'string' || !/^https?:\/\//i.test(o.redirectUri)) {
    throw new WxConfigError(`component auth URL: redirectUri must be an absolute http(s) URL, got ${JSON.stringify(o.redirectUri)}`);
  }
  const authType = o.authType ?? 3;
  if (authType !== 1 && authType !== 2 && authType !== 3)
    throw new WxConfigError(`component auth URL: authType must be 1, 2 or 3, got ${JSON.stringify(authType)}`);
  if (o.bizAppid !== undefined && !APPID.test(o.bizAppid))
    throw new WxConfigError(`component auth URL: bizAppid must be letters and digits, got ${JSON.stringify(o.bizAppid)}`);
  const parts = [
    ...(mobile ? ['action=bindcomponent', 'no_scan=1'] : []),
    `component_appid=${o.componentAppid}`,
    `pre_auth_code=${encodeURIComponent(o.preAuthCode)}`,
    `redirect_uri=${encodeURIComponent(o.redirectUri)}`,
    `auth_type=${authType}`,
    ...(o.bizAppid ? [`biz_appid=${o.bizAppid}`] : []),
    ...(o.categoryIdList ? [`category_id_list=${encodeURIComponent(o.categoryIdList)}`] : []),
  ];
  return parts.join('&');
}
