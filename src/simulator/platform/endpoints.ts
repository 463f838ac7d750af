// The component endpoints (/cgi-bin/component/api_*, /sns/oauth2/component/*) with WeChat's checks:
// pre_auth_codes, one-use auth codes, refresh tokens, authorizer info, options and the authorizer list.
import { randomBytes } from 'node:crypto';
import { ok, wx, type ComponentAnswer } from '../answers.js';
import { oauthExchange, oauthRefresh } from './oauth-routes.js';
import type { PlatformState } from './platform-state.js';
import { RELEASE_TEST_APPIDS } from './platform-types.js';

const OPTION_NAMES = ['location_report', 'voice_recognize', 'customer_service'];

/** The component endpoints, once the component_access_token and the required parameters passed. */
export function componentCall(p: PlatformState, path: string, componentAppid: string, q: URLSearchParams, body: Record<string, unknown>): ComponentAnswer {
  const now = p.state.now();
  const authorizer = (appid: unknown) => p.authorizers.get(`${componentAppid}/${String(appid)}`);
  switch (path) {
    case '/cgi-bin/component/api_create_preauthcode': {
      const code = `preauthcode@@@SIM_${randomBytes(18).toString('base64url')}`;
      p.preAuthCodes.set(code, { componentAppid, expiresAt: now + 1800_000 });
      return ok({ pre_auth_code: code, expires_in: 1800 });
    }
    case '/cgi-bin/component/api_query_auth': {
      const code = p.authCodes.get(String(body.authorization_code));
      if (!code || code.componentAppid !== componentAppid) return wx(61009, 'invalid code');
      if (code.used) return wx(61009, 'code has been used');
      if (code.expiresAt <= now) return wx(61010, 'code is expired');
      const a = authorizer(code.authorizerAppid);
      if (!a) return wx(61003, 'component is not authorized by this account');
      code.used = true;
      const issued = p.state.issueToken(code.authorizerAppid);
      return ok({
        authorization_info: {
          authorizer_appid: code.authorizerAppid,
          authorizer_access_token: issued.access_token,
          expires_in: issued.expires_in,
          authorizer_refresh_token: a.refreshToken,
          func_info: a.funcInfo.map((id) => ({ funcscope_category: { id } })),
        },
      });
    }
    case '/cgi-bin/component/api_authorizer_token': {
      const a = authorizer(body.authorizer_appid);
      if (!a || a.refreshToken !== body.authorizer_refresh_token) return wx(61023, 'refresh_token is invalid');
      const issued = p.state.issueToken(String(body.authorizer_appid));
      return ok({ authorizer_access_token: issued.access_token, expires_in: issued.expires_in, authorizer_refresh_token: a.refreshToken });
    }
    case '/cgi-bin/component/api_get_authorizer_info': {
      const appid = String(body.authorizer_appid);
      const a = authorizer(appid);
      if (!a) return wx(61003, 'component is not authorized by this account');
      const mp = a.appType === 'mini_program';
      return ok({
        authorizer_info: {
          nick_name: `${mp ? 'Mini program' : 'Official account'} ${appid}`,
          head_img: 'http://wx.qlogo.cn/mmopen/simulated/0',
          service_type_info: { id: mp ? 0 : 2 },
          verify_type_info: { id: 0 },
          user_name: appid === RELEASE_TEST_APPIDS.official_account ? 'gh_3c884a361561' : `gh_${appid.slice(-12)}`,
          alias: '',
          qrcode_url: 'http://mmbiz.qpic.cn/simulated/0',
          business_info: { open_pay: 0, open_shake: 0, open_scan: 0, open_card: 0, open_store: 0 },
          idc: 1,
          principal_name: 'Simulated Co., Ltd.',
          signature: 'simulated by wxkit',
          ...(mp
            ? { MiniProgramInfo: { network: { RequestDomain: ['https://example.com'] }, categories: [{ first: '工具', second: '效率' }], visit_status: 0 } }
            : {}),
          register_type: 0,
          account_status: 1,
          basic_config: { is_phone_configured: true, is_email_configured: true },
        },
        authorization_info: {
          authorizer_appid: appid,
          authorizer_refresh_token: a.refreshToken,
          func_info: a.funcInfo.map((id) => ({ funcscope_category: { id } })),
        },
      });
    }
    case '/cgi-bin/component/api_get_authorizer_option':
    case '/cgi-bin/component/api_set_authorizer_option': {
      const a = authorizer(body.authorizer_appid);
      if (!a) return wx(61003, 'component is not authorized by this account');
      const name = String(body.option_name);
      if (!OPTION_NAMES.includes(name)) return wx(61012, 'invalid option name');
      if (path.endsWith('api_set_authorizer_option')) {
        const value = String(body.option_value);
        if (!/^[0-2]$/.test(value) || (name !== 'location_report' && value === '2')) return wx(61013, 'invalid option value');
        a.options[name] = value;
        return ok({ errcode: 0, errmsg: 'ok' });
      }
      return ok({ authorizer_appid: String(body.authorizer_appid), option_name: name, option_value: a.options[name] ?? '0' });
    }
    case '/cgi-bin/component/api_get_authorizer_list': {
      const offset = Number(body.offset);
      const count = Number(body.count);
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(count) || count < 1 || count > 500) return wx(40035, 'invalid offset or count');
      const all = [...p.authorizers].filter(([k]) => k.startsWith(`${componentAppid}/`));
      const list = all
        .slice(offset, offset + count)
        .map(([k, a]) => ({ authorizer_appid: k.slice(componentAppid.length + 1), refresh_token: a.refreshToken, auth_time: a.authTime }));
      return ok({ total_count: all.length, list });
    }
    case '/cgi-bin/component/clear_quota':
      return ok({ errcode: 0, errmsg: 'ok' });
    case '/sns/oauth2/component/access_token':
      return oauthExchange(p, q, componentAppid);
    case '/sns/oauth2/component/refresh_token':
      return oauthRefresh(p, q, componentAppid);
  }
  return undefined;
}
