// WeChat → component: the encrypted, signed pushes to a component's event URL (verify tickets,
// authorized / updateauthorized / unauthorized), and the authorization that issues the auth code.
import { randomBytes } from 'node:crypto';
import { APPID } from '../../core/appid.js';
import { createCrypto } from '../../callbacks/msg-crypt.js';
import { buildXml } from '../../core/xml-build.js';
import type { PlatformState } from './platform-state.js';
import type { AuthorizeOptions, AuthorizeResult, PushOptions, PushResult, SimulatorComponent, UnauthorizeOptions } from './platform-types.js';

const TICKET_TTL_MS = 12 * 3600_000;

export async function pushVerifyTicket(
  p: PlatformState,
  componentAppid: string,
  eventUrl?: string,
  options: PushOptions = {},
): Promise<PushResult & { ticket: string }> {
  const c = p.component(componentAppid);
  const ticket = options.ticket ?? `ticket@@@SIM_${randomBytes(24).toString('base64url')}`;
  const list = (p.tickets.get(componentAppid) ?? []).filter((t) => t.expiresAt > p.state.now());
  list.push({ ticket, expiresAt: p.state.now() + TICKET_TTL_MS });
  p.tickets.set(componentAppid, list.slice(-100));
  const url = p.eventUrl(componentAppid, eventUrl);
  if (!url) throw new Error(`simulator: no event URL known for component ${componentAppid}; pass one`);
  const inner = {
    AppId: componentAppid,
    CreateTime: p.seconds(),
    InfoType: 'component_verify_ticket',
    ComponentVerifyTicket: ticket,
  };
  return { ...(await push(p, c, url, inner, options)), ticket };
}

export async function authorize(p: PlatformState, componentAppid: string, authorizerAppid: string, options: AuthorizeOptions = {}): Promise<AuthorizeResult> {
  const c = p.component(componentAppid);
  if (!APPID.test(authorizerAppid)) throw new Error(`simulator: invalid authorizer appid ${JSON.stringify(authorizerAppid)}`);
  let redirectUri: string | undefined;
  let preAuthCode: string | undefined;
  const appType = p.state.apps.get(authorizerAppid)?.appType ?? options.appType ?? 'official_account';
  if (options.authUrl !== undefined) {
    const page = new URL(options.authUrl);
    const q = page.searchParams;
    if (q.get('component_appid') !== componentAppid) throw new Error('simulator: the auth page URL is for another component');
    preAuthCode = q.get('pre_auth_code') ?? '';
    const pre = p.preAuthCodes.get(preAuthCode);
    if (!pre || pre.componentAppid !== componentAppid) throw new Error('simulator: the auth page refuses an unknown pre_auth_code');
    if (pre.expiresAt <= p.state.now()) throw new Error('simulator: the auth page refuses an expired pre_auth_code');
    p.preAuthCodes.delete(preAuthCode);
    const authType = q.get('auth_type') ?? '3';
    if ((authType === '1' && appType !== 'official_account') || (authType === '2' && appType !== 'mini_program')) {
      throw new Error(`simulator: auth_type ${authType} does not let a ${appType} authorize`);
    }
    const biz = q.get('biz_appid');
    if (biz && biz !== authorizerAppid) throw new Error(`simulator: the auth page is for ${biz} only`);
    redirectUri = q.get('redirect_uri') ?? undefined;
    if (!redirectUri) throw new Error('simulator: the auth page URL has no redirect_uri');
  }
  if (appType === 'channels') throw new Error('simulator: a Channels shop cannot authorize a third-party platform here');
  p.ensureApp(authorizerAppid, appType);
  const key = `${componentAppid}/${authorizerAppid}`;
  const existing = p.authorizers.get(key);
  p.authorizers.set(key, {
    appType,
    refreshToken: existing?.refreshToken ?? `refreshtoken@@@SIM_${randomBytes(18).toString('base64url')}`,
    authTime: p.seconds(),
    funcInfo: options.funcInfo ?? existing?.funcInfo ?? [1, 2, 3, 11, 15],
    options: existing?.options ?? {},
  });
  const authCode = p.issueAuthCode(componentAppid, authorizerAppid);
  const result: AuthorizeResult = { authCode, expiresIn: 3600 };
  const url = options.push === false ? undefined : p.eventUrl(componentAppid, options.eventUrl);
  if (url) {
    result.push = await push(p, c, url, {
      AppId: componentAppid,
      CreateTime: p.seconds(),
      InfoType: existing ? 'updateauthorized' : 'authorized',
      AuthorizerAppid: authorizerAppid,
      AuthorizationCode: authCode,
      AuthorizationCodeExpiredTime: p.seconds() + 3600,
      PreAuthCode: preAuthCode ?? `preauthcode@@@SIM_${randomBytes(12).toString('base64url')}`,
    });
  }
  if (redirectUri) {
    const target = new URL(redirectUri);
    target.searchParams.set('auth_code', authCode);
    target.searchParams.set('expires_in', '3600');
    const response = await fetch(target, { redirect: 'manual' });
    result.redirect = { url: target.toString(), status: response.status, body: await response.text() };
  }
  return result;
}

export async function unauthorize(
  p: PlatformState,
  componentAppid: string,
  authorizerAppid: string,
  options: UnauthorizeOptions = {},
): Promise<PushResult | undefined> {
  const c = p.component(componentAppid);
  p.authorizers.delete(`${componentAppid}/${authorizerAppid}`);
  p.state.invalidate(authorizerAppid);
  const url = options.push === false ? undefined : p.eventUrl(componentAppid, options.eventUrl);
  if (!url) return undefined;
  return push(p, c, url, { AppId: componentAppid, CreateTime: p.seconds(), InfoType: 'unauthorized', AuthorizerAppid: authorizerAppid });
}

/** POSTs `inner` encrypted and signed as WeChat does: authorization events to the event URL, messages to the message URL. */
export async function push(
  p: PlatformState,
  c: SimulatorComponent,
  url: string,
  inner: Record<string, string | number>,
  options: PushOptions = {},
): Promise<PushResult> {
  const crypto = createCrypto({ token: c.token, encodingAESKey: c.encodingAESKey, receiveId: c.componentAppid });
  const encrypt = crypto.encrypt(buildXml(inner));
  const timestamp = String(p.seconds());
  const nonce = String(Math.floor(Math.random() * 1e9));
  const target = new URL(url);
  target.searchParams.set('signature', crypto.signature(timestamp, nonce));
  target.searchParams.set('timestamp', timestamp);
  target.searchParams.set('nonce', nonce);
  target.searchParams.set('encrypt_type', 'aes');
  const signature = crypto.signature(timestamp, nonce, encrypt);
  target.searchParams.set('msg_signature', options.tamper === 'signature' ? signature.replace(/^./, (ch) => (ch === '0' ? '1' : '0')) : signature);
  const outer = 'InfoType' in inner ? { AppId: c.componentAppid, Encrypt: encrypt } : { ToUserName: String(inner.ToUserName ?? ''), Encrypt: encrypt };
  const response = await fetch(target, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: buildXml(outer) });
  return { status: response.status, body: await response.text() };
}
