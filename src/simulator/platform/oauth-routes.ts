// Web OAuth as WeChat runs it: the user agrees on the authorize page (a code), the code is exchanged
// for a user token and refresh token, for an app itself or through its component (/sns/oauth2/component/*).
import { randomBytes } from 'node:crypto';
import { ok, wx, type ComponentAnswer } from '../answers.js';
import type { PlatformState } from './platform-state.js';
import type { OAuthRedirect } from './platform-types.js';

/** The user opens an OAuth authorize URL and agrees: returns the code and the redirect WeChat sends. */
export function oauthAuthorize(p: PlatformState, authorizeUrl: string, options: { openid?: string } = {}): OAuthRedirect {
  const q = new URL(authorizeUrl).searchParams;
  const appid = q.get('appid') ?? '';
  const componentAppid = q.get('component_appid') ?? undefined;
  const scope = q.get('scope') ?? '';
  const redirect = q.get('redirect_uri');
  if (!p.state.apps.has(appid)) throw new Error(`simulator: OAuth for unknown appid ${JSON.stringify(appid)}`);
  if (componentAppid !== undefined && !p.authorizers.has(`${componentAppid}/${appid}`)) {
    throw new Error(`simulator: ${appid} has not authorized component ${componentAppid}`);
  }
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') throw new Error(`simulator: invalid OAuth scope ${JSON.stringify(scope)}`);
  if (!redirect) throw new Error('simulator: the OAuth URL has no redirect_uri');
  if (q.get('response_type') !== 'code') throw new Error('simulator: response_type must be code');
  const openid = options.openid ?? `oSIM${randomBytes(12).toString('base64url')}`;
  const code = `SIM_OAUTH_${randomBytes(12).toString('hex')}`;
  p.oauthCodes.set(code, { appid, componentAppid, openid, scope, used: false, expiresAt: p.state.now() + 300_000 });
  const target = new URL(redirect);
  target.searchParams.set('code', code);
  target.searchParams.set('state', q.get('state') ?? '');
  return { code, openid, location: target.toString() };
}

/** The OAuth routes when the code or token is one this simulator issued; `undefined` otherwise. */
export function oauthRoute(p: PlatformState, path: string, q: URLSearchParams): ComponentAnswer {
  if (path === '/sns/oauth2/access_token' && q.get('code')?.startsWith('SIM_OAUTH_')) return oauthExchange(p, q, undefined);
  if (path === '/sns/oauth2/refresh_token' && q.get('refresh_token')?.startsWith('SIM_SNSR_')) return oauthRefresh(p, q, undefined);
  if ((path === '/sns/userinfo' || path === '/sns/auth') && q.get('access_token')?.startsWith('SIM_SNS_')) {
    const t = p.snsTokens.get(q.get('access_token')!);
    if (!t) return wx(40001, 'invalid credential, access_token is invalid or not latest');
    if (t.expiresAt <= p.state.now()) return wx(42001, 'access_token expired');
    if (q.get('openid') !== t.openid) return wx(40003, 'invalid openid');
    if (path === '/sns/auth') return ok({ errcode: 0, errmsg: 'ok' });
    return ok({ openid: t.openid, nickname: '微信用户', sex: 0, province: '', city: '', country: '', headimgurl: '', privilege: [] });
  }
  return undefined;
}

export function oauthExchange(p: PlatformState, q: URLSearchParams, componentAppid: string | undefined): ComponentAnswer {
  if (q.get('grant_type') !== 'authorization_code') return wx(40002, 'invalid grant_type');
  const code = p.oauthCodes.get(q.get('code') ?? '');
  const appid = q.get('appid') ?? '';
  if (!code || code.appid !== appid || code.componentAppid !== componentAppid) return wx(40029, 'invalid code');
  if (code.used) return wx(40163, 'code been used');
  if (code.expiresAt <= p.state.now()) return wx(40029, 'invalid code (expired)');
  if (componentAppid === undefined) {
    const app = p.state.apps.get(appid);
    if (!app || app.secret !== q.get('secret')) return wx(40125, 'invalid appsecret');
  }
  code.used = true;
  const refresh = `SIM_SNSR_${randomBytes(12).toString('hex')}`;
  p.snsRefresh.set(refresh, { appid, openid: code.openid, scope: code.scope, componentAppid });
  return ok(snsToken(p, appid, code.openid, code.scope, refresh));
}

export function oauthRefresh(p: PlatformState, q: URLSearchParams, componentAppid: string | undefined): ComponentAnswer {
  if (q.get('grant_type') !== 'refresh_token') return wx(40002, 'invalid grant_type');
  const refresh = q.get('refresh_token') ?? '';
  const r = p.snsRefresh.get(refresh);
  if (!r || r.appid !== q.get('appid') || r.componentAppid !== componentAppid) return wx(40030, 'invalid refresh_token');
  return ok(snsToken(p, r.appid, r.openid, r.scope, refresh));
}

function snsToken(p: PlatformState, appid: string, openid: string, scope: string, refresh: string) {
  const token = `SIM_SNS_${randomBytes(12).toString('hex')}`;
  p.snsTokens.set(token, { appid, openid, expiresAt: p.state.now() + 7200_000 });
  return { access_token: token, expires_in: 7200, refresh_token: refresh, openid, scope, is_snapshotuser: 0 };
}
