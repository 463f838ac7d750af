// The simulator playing the third-party platform side of WeChat: registered components, the
// encrypted pushes WeChat sends to a component's event URL (verify tickets, authorization events),
// the component endpoints with their real checks (appsecret, ticket, pre_auth_code, auth codes,
// refresh tokens), authorizer tokens the ordinary access_token check accepts, web OAuth codes and
// user tokens, a log of customer-service messages, and the 全网发布 (release) test script.
import { randomBytes } from 'node:crypto';
import { createCrypto } from '../server/crypto.js';
import { parseMessage } from '../server/message.js';
import { buildXml } from '../server/xml-build.js';
import { findByRoute } from '../registry.js';
import type { SimulatorState } from './state.js';

export interface SimulatorComponent {
  componentAppid: string;
  componentAppsecret: string;
  /** Message verification token (消息校验Token). */
  token: string;
  /** 43-character message encryption key (消息加解密Key). */
  encodingAESKey: string;
  /** Where verify tickets and authorization events go when a call gives no URL. */
  eventUrl?: string;
}

export const DEMO_COMPONENTS: SimulatorComponent[] = [
  {
    componentAppid: 'wx00000000000000c1',
    componentAppsecret: 'demo-component-secret',
    token: 'demoComponentToken',
    encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
  },
];

/** WeChat's own accounts for the 全网发布 test: the official account, then the mini program. */
export const RELEASE_TEST_APPIDS = { official_account: 'wx570bc396a51b8ff8', mini_program: 'wxd101a85aa106f53e' } as const;

export interface PushResult {
  status: number;
  body: string;
}

export interface PushOptions {
  /** Break the push on purpose: a wrong msg_signature. */
  tamper?: 'signature';
  /** Send this ticket instead of a new one (it still becomes the component's current ticket). */
  ticket?: string;
}

export interface AuthorizeOptions {
  /** Where the authorized event goes (default: the component's last known event URL). */
  eventUrl?: string;
  /** Type of the account when it is new to the simulator (default official_account). */
  appType?: 'official_account' | 'mini_program';
  /**
   * The authorization page URL the component built (componentloginpage / bindcomponent): its
   * pre_auth_code, auth_type and biz_appid are checked, and the user's browser is then sent to its
   * redirect_uri with auth_code and expires_in, as WeChat does.
   */
  authUrl?: string;
  /** Permission set ids granted (default 1, 2, 3, 11, 15). */
  funcInfo?: number[];
  /** false: push no event (the code is only handed out, e.g. to exchange it by hand). */
  push?: boolean;
}

export interface AuthorizeResult {
  authCode: string;
  expiresIn: number;
  /** The answer of the event URL, when an event was pushed. */
  push?: PushResult;
  /** The answer of the redirect_uri, when `authUrl` was given. */
  redirect?: PushResult & { url: string };
}

export interface ReleaseTestStep {
  name: 'event' | 'text' | 'api';
  passed: boolean;
  detail: string;
}

export interface ReleaseTestResult {
  passed: boolean;
  steps: ReleaseTestStep[];
}

export interface CustomMessage {
  /** The account that sent it (the token's app). */
  appid: string;
  touser: string;
  msgtype: string;
  /** text.content, for text messages. */
  content?: string;
  body: Record<string, unknown>;
  at: number;
}

export interface OAuthRedirect {
  code: string;
  openid: string;
  /** redirect_uri with code and state added: where WeChat sends the user's browser. */
  location: string;
}

/** What a component route answers; `undefined` lets the ordinary catalog route answer. */
export type ComponentAnswer = { status?: number; body: unknown } | undefined;

interface Authorizer {
  appType: 'official_account' | 'mini_program';
  refreshToken: string;
  authTime: number;
  funcInfo: number[];
  options: Record<string, string>;
}

interface Expiring {
  expiresAt: number;
}

const TICKET_TTL_MS = 12 * 3600_000;
const OPTION_NAMES = ['location_report', 'voice_recognize', 'customer_service'];

export class ComponentSimulator {
  readonly components = new Map<string, SimulatorComponent>();
  readonly customMessages: CustomMessage[] = [];
  readonly #state: SimulatorState;
  #tickets = new Map<string, { ticket: string; expiresAt: number }[]>();
  #eventUrls = new Map<string, string>();
  #tokens = new Map<string, Expiring & { componentAppid: string; revoked: boolean }>();
  #currentToken = new Map<string, string>();
  #preAuthCodes = new Map<string, Expiring & { componentAppid: string }>();
  #authCodes = new Map<string, Expiring & { componentAppid: string; authorizerAppid: string; used: boolean }>();
  #authorizers = new Map<string, Authorizer>();
  #oauthCodes = new Map<string, Expiring & { appid: string; componentAppid?: string; openid: string; scope: string; used: boolean }>();
  #snsTokens = new Map<string, Expiring & { appid: string; openid: string }>();
  #snsRefresh = new Map<string, { appid: string; openid: string; scope: string; componentAppid?: string }>();
  readonly #initial: SimulatorComponent[];
  /** Authorizers added to the state's apps by this simulator, forgotten on reset. */
  #addedApps = new Set<string>();

  constructor(state: SimulatorState, components: SimulatorComponent[]) {
    this.#state = state;
    this.#initial = components;
    for (const c of components) this.register(c);
  }

  register(c: SimulatorComponent): void {
    this.components.set(c.componentAppid, { ...c });
    if (c.eventUrl) this.#eventUrls.set(c.componentAppid, c.eventUrl);
  }

  reset(): void {
    for (const m of [this.#tickets, this.#eventUrls, this.#tokens, this.#currentToken, this.#preAuthCodes, this.#authCodes, this.#authorizers, this.#oauthCodes, this.#snsTokens, this.#snsRefresh]) {
      m.clear();
    }
    this.components.clear();
    this.customMessages.length = 0;
    for (const appid of this.#addedApps) this.#state.apps.delete(appid);
    this.#addedApps.clear();
    for (const c of this.#initial) this.register(c);
  }

  // ---------------------------------------------------------------- pushes (WeChat → component)

  async pushVerifyTicket(componentAppid: string, eventUrl?: string, options: PushOptions = {}): Promise<PushResult & { ticket: string }> {
    const c = this.#component(componentAppid);
    const ticket = options.ticket ?? `ticket@@@SIM_${randomBytes(24).toString('base64url')}`;
    const list = (this.#tickets.get(componentAppid) ?? []).filter((t) => t.expiresAt > this.#state.now());
    list.push({ ticket, expiresAt: this.#state.now() + TICKET_TTL_MS });
    this.#tickets.set(componentAppid, list.slice(-100));
    const url = this.#eventUrl(componentAppid, eventUrl);
    if (!url) throw new Error(`simulator: no event URL known for component ${componentAppid}; pass one`);
    const inner = {
      AppId: componentAppid,
      CreateTime: this.#seconds(),
      InfoType: 'component_verify_ticket',
      ComponentVerifyTicket: ticket,
    };
    return { ...(await this.#push(c, url, inner, options)), ticket };
  }

  async authorize(componentAppid: string, authorizerAppid: string, options: AuthorizeOptions = {}): Promise<AuthorizeResult> {
    const c = this.#component(componentAppid);
    if (!/^\w{4,64}$/.test(authorizerAppid)) throw new Error(`simulator: invalid authorizer appid ${JSON.stringify(authorizerAppid)}`);
    let redirectUri: string | undefined;
    let preAuthCode: string | undefined;
    const appType = this.#state.apps.get(authorizerAppid)?.appType ?? options.appType ?? 'official_account';
    if (options.authUrl !== undefined) {
      const page = new URL(options.authUrl);
      const q = page.searchParams;
      if (q.get('component_appid') !== componentAppid) throw new Error('simulator: the auth page URL is for another component');
      preAuthCode = q.get('pre_auth_code') ?? '';
      const pre = this.#preAuthCodes.get(preAuthCode);
      if (!pre || pre.componentAppid !== componentAppid) throw new Error('simulator: the auth page refuses an unknown pre_auth_code');
      if (pre.expiresAt <= this.#state.now()) throw new Error('simulator: the auth page refuses an expired pre_auth_code');
      this.#preAuthCodes.delete(preAuthCode);
      const authType = q.get('auth_type') ?? '3';
      if ((authType === '1' && appType !== 'official_account') || (authType === '2' && appType !== 'mini_program')) {
        throw new Error(`simulator: auth_type ${authType} does not let a ${appType} authorize`);
      }
      const biz = q.get('biz_appid');
      if (biz && biz !== authorizerAppid) throw new Error(`simulator: the auth page is for ${biz} only`);
      redirectUri = q.get('redirect_uri') ?? undefined;
      if (!redirectUri) throw new Error('simulator: the auth page URL has no redirect_uri');
    }
    this.#ensureApp(authorizerAppid, appType);
    const key = `${componentAppid}/${authorizerAppid}`;
    const existing = this.#authorizers.get(key);
    this.#authorizers.set(key, {
      appType: this.#state.apps.get(authorizerAppid)!.appType,
      refreshToken: existing?.refreshToken ?? `refreshtoken@@@SIM_${randomBytes(18).toString('base64url')}`,
      authTime: this.#seconds(),
      funcInfo: options.funcInfo ?? existing?.funcInfo ?? [1, 2, 3, 11, 15],
      options: existing?.options ?? {},
    });
    const authCode = this.#issueAuthCode(componentAppid, authorizerAppid);
    const result: AuthorizeResult = { authCode, expiresIn: 3600 };
    const url = options.push === false ? undefined : this.#eventUrl(componentAppid, options.eventUrl);
    if (url) {
      result.push = await this.#push(c, url, {
        AppId: componentAppid,
        CreateTime: this.#seconds(),
        InfoType: existing ? 'updateauthorized' : 'authorized',
        AuthorizerAppid: authorizerAppid,
        AuthorizationCode: authCode,
        AuthorizationCodeExpiredTime: this.#seconds() + 3600,
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

  async unauthorize(componentAppid: string, authorizerAppid: string, options: { eventUrl?: string } = {}): Promise<PushResult | undefined> {
    const c = this.#component(componentAppid);
    this.#authorizers.delete(`${componentAppid}/${authorizerAppid}`);
    this.#state.invalidate(authorizerAppid);
    const url = this.#eventUrl(componentAppid, options.eventUrl);
    if (!url) return undefined;
    return this.#push(c, url, { AppId: componentAppid, CreateTime: this.#seconds(), InfoType: 'unauthorized', AuthorizerAppid: authorizerAppid });
  }

  /** The user opens an OAuth authorize URL and agrees: returns the code and the redirect WeChat sends. */
  oauthAuthorize(authorizeUrl: string, options: { openid?: string } = {}): OAuthRedirect {
    const q = new URL(authorizeUrl).searchParams;
    const appid = q.get('appid') ?? '';
    const componentAppid = q.get('component_appid') ?? undefined;
    const scope = q.get('scope') ?? '';
    const redirect = q.get('redirect_uri');
    if (!this.#state.apps.has(appid)) throw new Error(`simulator: OAuth for unknown appid ${JSON.stringify(appid)}`);
    if (componentAppid !== undefined && !this.#authorizers.has(`${componentAppid}/${appid}`)) {
      throw new Error(`simulator: ${appid} has not authorized component ${componentAppid}`);
    }
    if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') throw new Error(`simulator: invalid OAuth scope ${JSON.stringify(scope)}`);
    if (!redirect) throw new Error('simulator: the OAuth URL has no redirect_uri');
    if (q.get('response_type') !== 'code') throw new Error('simulator: response_type must be code');
    const openid = options.openid ?? `oSIM${randomBytes(12).toString('base64url')}`;
    const code = `SIM_OAUTH_${randomBytes(12).toString('hex')}`;
    this.#oauthCodes.set(code, { appid, componentAppid, openid, scope, used: false, expiresAt: this.#state.now() + 300_000 });
    const target = new URL(redirect);
    target.searchParams.set('code', code);
    target.searchParams.set('state', q.get('state') ?? '');
    return { code, openid, location: target.toString() };
  }

  // ---------------------------------------------------------------- 全网发布

  async runReleaseTest(componentAppid: string, messageUrl: string, options: { timeoutMs?: number } = {}): Promise<ReleaseTestResult> {
    const c = this.#component(componentAppid);
    const appid = RELEASE_TEST_APPIDS.official_account;
    this.#ensureApp(appid, 'official_account');
    const key = `${componentAppid}/${appid}`;
    if (!this.#authorizers.has(key)) {
      this.#authorizers.set(key, { appType: 'official_account', refreshToken: `refreshtoken@@@SIM_${randomBytes(18).toString('base64url')}`, authTime: this.#seconds(), funcInfo: [1, 2, 3], options: {} });
    }
    const url = messageUrl.includes('$APPID$') ? messageUrl.replaceAll('$APPID$', appid) : `${messageUrl.replace(/\/+$/, '')}/${appid}`;
    const user = 'ozy4qt5QUADNXORxCVipKMV9dss0';
    const account = 'gh_3c884a361561';
    const crypto = createCrypto({ token: c.token, encodingAESKey: c.encodingAESKey, receiveId: componentAppid });
    const base = { ToUserName: account, FromUserName: user, CreateTime: this.#seconds() };
    const steps: ReleaseTestStep[] = [];

    const expectText = async (name: ReleaseTestStep['name'], inner: Record<string, string | number>, expected: string) => {
      try {
        const r = await this.#push(c, url, inner);
        if (r.status !== 200) return steps.push({ name, passed: false, detail: `HTTP ${r.status}: ${r.body.slice(0, 100)}` });
        const reply = readReply(crypto, r.body);
        const ok = reply?.MsgType === 'text' && reply.Content === expected && reply.ToUserName === user && reply.FromUserName === account;
        steps.push({ name, passed: ok, detail: ok ? `replied ${expected}` : `expected a text reply ${JSON.stringify(expected)}, got ${describeReply(reply, r.body)}` });
      } catch (e) {
        steps.push({ name, passed: false, detail: (e as Error).message });
      }
    };

    await expectText('event', { ...base, MsgType: 'event', Event: 'LOCATION', Latitude: 23.137466, Longitude: 113.352425, Precision: 119.38504 }, 'LOCATIONfrom_callback');
    await expectText('text', { ...base, MsgType: 'text', Content: 'TESTCOMPONENT_MSG_TYPE_TEXT', MsgId: String(Date.now()) }, 'TESTCOMPONENT_MSG_TYPE_TEXT_callback');

    // Step 3: an auth code in a text; the handler must answer at once (empty) and later send
    // `<code>_from_api` through the customer-service API with the token the code gives.
    try {
      const code = this.#issueAuthCode(componentAppid, appid);
      const started = Date.now();
      const r = await this.#push(c, url, { ...base, MsgType: 'text', Content: `QUERY_AUTH_CODE:${code}`, MsgId: String(Date.now() + 1) });
      const elapsed = Date.now() - started;
      const emptyAnswer = r.status === 200 && (r.body === '' || r.body === 'success');
      if (!emptyAnswer || elapsed > 5000) {
        steps.push({ name: 'api', passed: false, detail: `expected an empty answer within 5 s, got HTTP ${r.status} ${JSON.stringify(r.body.slice(0, 60))} after ${elapsed} ms` });
      } else {
        const expected = `${code}_from_api`;
        const deadline = Date.now() + (options.timeoutMs ?? 5000);
        let found: CustomMessage | undefined;
        while (!found && Date.now() < deadline) {
          found = this.customMessages.find((m) => m.appid === appid && m.touser === user && m.content === expected);
          if (!found) await new Promise((res) => setTimeout(res, 20));
        }
        steps.push({ name: 'api', passed: Boolean(found), detail: found ? `customer-service message ${expected} received` : `no customer-service message ${JSON.stringify(expected)} to ${user} within ${options.timeoutMs ?? 5000} ms` });
      }
    } catch (e) {
      steps.push({ name: 'api', passed: false, detail: (e as Error).message });
    }
    return { passed: steps.every((s) => s.passed), steps };
  }

  // ---------------------------------------------------------------- HTTP routes

  /** Handles component endpoints and simulator-issued OAuth codes / user tokens. */
  route(method: string, url: URL, json: Record<string, unknown> | undefined): ComponentAnswer {
    const path = url.pathname;
    const q = url.searchParams;
    const body = json ?? {};
    if (path === '/cgi-bin/component/api_component_token' && method === 'POST') return this.#componentToken(body);
    if (path === '/cgi-bin/component/api_start_push_ticket' && method === 'POST') return this.#startPushTicket(body);
    if (path.startsWith('/cgi-bin/component/') || path.startsWith('/sns/oauth2/component/')) {
      const entry = findByRoute(method, path)[0];
      if (!entry) return wx(404, `simulator: no catalog endpoint at ${method} ${path}`, 404);
      const token = q.get('component_access_token');
      if (!token) return wx(41001, 'component_access_token missing');
      const issued = this.#tokens.get(token);
      if (!issued || issued.revoked) return wx(40001, 'invalid credential, component_access_token is invalid or not latest');
      if (issued.expiresAt <= this.#state.now()) return wx(42001, 'component_access_token expired');
      const missing = [
        ...Object.entries(entry.params.query).filter(([k, f]) => !f.optional && !q.has(k)).map(([k]) => k),
        ...Object.entries(entry.params.body).filter(([k, f]) => !f.optional && body[k] === undefined).map(([k]) => k),
      ];
      if (missing.length) return wx(40035, `invalid args: missing ${missing.join(', ')}`);
      const named = String(q.get('component_appid') ?? body.component_appid);
      if (named !== issued.componentAppid) return wx(61011, 'component_appid does not match the component_access_token');
      return this.#componentCall(path, issued.componentAppid, q, body);
    }
    if (path === '/sns/oauth2/access_token' && q.get('code')?.startsWith('SIM_OAUTH_')) return this.#oauthExchange(q, undefined);
    if (path === '/sns/oauth2/refresh_token' && q.get('refresh_token')?.startsWith('SIM_SNSR_')) return this.#oauthRefresh(q, undefined);
    if ((path === '/sns/userinfo' || path === '/sns/auth') && q.get('access_token')?.startsWith('SIM_SNS_')) {
      const t = this.#snsTokens.get(q.get('access_token')!);
      if (!t) return wx(40001, 'invalid credential, access_token is invalid or not latest');
      if (t.expiresAt <= this.#state.now()) return wx(42001, 'access_token expired');
      if (q.get('openid') !== t.openid) return wx(40003, 'invalid openid');
      if (path === '/sns/auth') return ok({ errcode: 0, errmsg: 'ok' });
      return ok({ openid: t.openid, nickname: '微信用户', sex: 0, province: '', city: '', country: '', headimgurl: '', privilege: [] });
    }
    return undefined;
  }

  /** Called for catalog endpoints that passed the access_token check: records customer-service messages. */
  observe(path: string, appid: string, json: Record<string, unknown> | undefined): void {
    if (path !== '/cgi-bin/message/custom/send' || !json) return;
    const text = json.text as { content?: unknown } | undefined;
    this.customMessages.push({
      appid,
      touser: String(json.touser ?? ''),
      msgtype: String(json.msgtype ?? ''),
      ...(typeof text?.content === 'string' ? { content: text.content } : {}),
      body: json,
      at: this.#state.now(),
    });
    if (this.customMessages.length > 1000) this.customMessages.splice(0, this.customMessages.length - 1000);
  }

  /** `/__simulator/component/<action>` for tests in other processes. */
  async control(action: string, input: Record<string, unknown>): Promise<unknown> {
    const c = String(input.componentAppid ?? '');
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    switch (action) {
      case 'push_verify_ticket':
        return this.pushVerifyTicket(c, str(input.eventUrl));
      case 'authorize':
        return this.authorize(c, String(input.authorizerAppid ?? ''), {
          eventUrl: str(input.eventUrl),
          authUrl: str(input.authUrl),
          appType: input.appType === 'mini_program' ? 'mini_program' : undefined,
        });
      case 'unauthorize':
        return (await this.unauthorize(c, String(input.authorizerAppid ?? ''), { eventUrl: str(input.eventUrl) })) ?? { ok: true };
      case 'release_test':
        return this.runReleaseTest(c, String(input.messageUrl ?? ''));
      case 'custom_messages':
        return this.customMessages;
      default:
        throw new Error(`unknown component control route ${action}`);
    }
  }

  // ---------------------------------------------------------------- internals

  #componentToken(body: Record<string, unknown>): ComponentAnswer {
    const appid = String(body.component_appid ?? '');
    const c = this.components.get(appid);
    if (!c) return wx(40013, 'invalid appid');
    if (body.component_appsecret !== c.componentAppsecret) return wx(40125, 'invalid appsecret');
    const ticket = body.component_verify_ticket;
    const valid = (this.#tickets.get(appid) ?? []).some((t) => t.ticket === ticket && t.expiresAt > this.#state.now());
    if (!valid) return wx(61006, 'component ticket is invalid');
    const previous = this.#currentToken.get(appid);
    if (previous) this.#tokens.get(previous)!.revoked = true;
    const token = `SIM_COMPONENT_${appid}_${randomBytes(12).toString('hex')}`;
    this.#tokens.set(token, { componentAppid: appid, expiresAt: this.#state.now() + this.#state.tokenTtlSeconds * 1000, revoked: false });
    this.#currentToken.set(appid, token);
    const counters = this.#state.counters;
    counters.componentTokenRequests[appid] = (counters.componentTokenRequests[appid] ?? 0) + 1;
    return ok({ component_access_token: token, expires_in: this.#state.tokenTtlSeconds });
  }

  #startPushTicket(body: Record<string, unknown>): ComponentAnswer {
    const appid = String(body.component_appid ?? '');
    const c = this.components.get(appid);
    if (!c) return wx(40013, 'invalid appid');
    if (body.component_secret !== c.componentAppsecret) return wx(40125, 'invalid appsecret');
    // WeChat answers first and pushes a moment later.
    if (this.#eventUrls.has(appid)) setTimeout(() => void this.pushVerifyTicket(appid).catch(() => undefined), 10);
    return ok({ errcode: 0, errmsg: 'ok' });
  }

  #componentCall(path: string, componentAppid: string, q: URLSearchParams, body: Record<string, unknown>): ComponentAnswer {
    const now = this.#state.now();
    const authorizer = (appid: unknown) => this.#authorizers.get(`${componentAppid}/${String(appid)}`);
    switch (path) {
      case '/cgi-bin/component/api_create_preauthcode': {
        const code = `preauthcode@@@SIM_${randomBytes(18).toString('base64url')}`;
        this.#preAuthCodes.set(code, { componentAppid, expiresAt: now + 1800_000 });
        return ok({ pre_auth_code: code, expires_in: 1800 });
      }
      case '/cgi-bin/component/api_query_auth': {
        const code = this.#authCodes.get(String(body.authorization_code));
        if (!code || code.componentAppid !== componentAppid) return wx(61009, 'invalid code');
        if (code.used) return wx(61009, 'code has been used');
        if (code.expiresAt <= now) return wx(61010, 'code is expired');
        const a = authorizer(code.authorizerAppid);
        if (!a) return wx(61003, 'component is not authorized by this account');
        code.used = true;
        const issued = this.#state.issueToken(code.authorizerAppid);
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
        const issued = this.#state.issueToken(String(body.authorizer_appid));
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
            ...(mp ? { MiniProgramInfo: { network: { RequestDomain: ['https://example.com'] }, categories: [{ first: '工具', second: '效率' }], visit_status: 0 } } : {}),
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
        const all = [...this.#authorizers].filter(([k]) => k.startsWith(`${componentAppid}/`));
        const list = all.slice(offset, offset + count).map(([k, a]) => ({ authorizer_appid: k.slice(componentAppid.length + 1), refresh_token: a.refreshToken, auth_time: a.authTime }));
        return ok({ total_count: all.length, list });
      }
      case '/cgi-bin/component/clear_quota':
        return ok({ errcode: 0, errmsg: 'ok' });
      case '/sns/oauth2/component/access_token':
        return this.#oauthExchange(q, componentAppid);
      case '/sns/oauth2/component/refresh_token':
        return this.#oauthRefresh(q, componentAppid);
    }
    return wx(404, `simulator: ${path} is not simulated`, 404);
  }

  #oauthExchange(q: URLSearchParams, componentAppid: string | undefined): ComponentAnswer {
    if (q.get('grant_type') !== 'authorization_code') return wx(40002, 'invalid grant_type');
    const code = this.#oauthCodes.get(q.get('code') ?? '');
    const appid = q.get('appid') ?? '';
    if (!code || code.appid !== appid || code.componentAppid !== componentAppid) return wx(40029, 'invalid code');
    if (code.used) return wx(40163, 'code been used');
    if (code.expiresAt <= this.#state.now()) return wx(40029, 'invalid code (expired)');
    if (componentAppid === undefined) {
      const app = this.#state.apps.get(appid);
      if (!app || app.secret !== q.get('secret')) return wx(40125, 'invalid appsecret');
    }
    code.used = true;
    const refresh = `SIM_SNSR_${randomBytes(12).toString('hex')}`;
    this.#snsRefresh.set(refresh, { appid, openid: code.openid, scope: code.scope, componentAppid });
    return ok(this.#snsToken(appid, code.openid, code.scope, refresh));
  }

  #oauthRefresh(q: URLSearchParams, componentAppid: string | undefined): ComponentAnswer {
    if (q.get('grant_type') !== 'refresh_token') return wx(40002, 'invalid grant_type');
    const refresh = q.get('refresh_token') ?? '';
    const r = this.#snsRefresh.get(refresh);
    if (!r || r.appid !== q.get('appid') || r.componentAppid !== componentAppid) return wx(40030, 'invalid refresh_token');
    return ok(this.#snsToken(r.appid, r.openid, r.scope, refresh));
  }

  #snsToken(appid: string, openid: string, scope: string, refresh: string) {
    const token = `SIM_SNS_${randomBytes(12).toString('hex')}`;
    this.#snsTokens.set(token, { appid, openid, expiresAt: this.#state.now() + 7200_000 });
    return { access_token: token, expires_in: 7200, refresh_token: refresh, openid, scope, is_snapshotuser: 0 };
  }

  #issueAuthCode(componentAppid: string, authorizerAppid: string): string {
    const code = `queryauthcode@@@SIM_${randomBytes(24).toString('base64url')}`;
    this.#authCodes.set(code, { componentAppid, authorizerAppid, used: false, expiresAt: this.#state.now() + 3600_000 });
    return code;
  }

  #ensureApp(appid: string, appType: 'official_account' | 'mini_program'): void {
    // Known to the access_token check, so the authorizer's tokens work on every catalog endpoint.
    if (this.#state.apps.has(appid)) return;
    this.#state.apps.set(appid, { appid, appType, secret: randomBytes(16).toString('hex') });
    this.#addedApps.add(appid);
  }

  #component(componentAppid: string): SimulatorComponent {
    const c = this.components.get(componentAppid);
    if (!c) throw new Error(`simulator: no component ${JSON.stringify(componentAppid)} (register it in startSimulator({ components }))`);
    return c;
  }

  /** The event URL to push to; remembered per component, like the URL set in WeChat's console. */
  #eventUrl(componentAppid: string, given: string | undefined): string | undefined {
    if (given) this.#eventUrls.set(componentAppid, given);
    return given ?? this.#eventUrls.get(componentAppid);
  }

  async #push(c: SimulatorComponent, url: string, inner: Record<string, string | number>, options: PushOptions = {}): Promise<PushResult> {
    const crypto = createCrypto({ token: c.token, encodingAESKey: c.encodingAESKey, receiveId: c.componentAppid });
    const encrypt = crypto.encrypt(buildXml(inner));
    const timestamp = String(this.#seconds());
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

  #seconds(): number {
    return Math.floor(this.#state.now() / 1000);
  }
}

function readReply(crypto: ReturnType<typeof createCrypto>, body: string): Record<string, unknown> | undefined {
  if (!body || body === 'success') return undefined;
  const outer = parseMessage(body) as Record<string, unknown>;
  const sealed = outer.Encrypt;
  if (typeof sealed !== 'string') throw new Error('the reply is not encrypted');
  if (!crypto.verify(String(outer.MsgSignature), String(outer.TimeStamp), String(outer.Nonce), sealed)) throw new Error('the reply signature does not verify');
  return parseMessage(crypto.decrypt(sealed).message) as Record<string, unknown>;
}

function describeReply(reply: Record<string, unknown> | undefined, raw: string): string {
  if (!reply) return JSON.stringify(raw.slice(0, 60));
  return `${String(reply.MsgType)} ${JSON.stringify(reply.Content ?? '')}`;
}

function ok(body: unknown): ComponentAnswer {
  return { body };
}

function wx(errcode: number, errmsg: string, status = 200): ComponentAnswer {
  return { status, body: { errcode, errmsg: `${errmsg} rid: sim-${Date.now().toString(16)}` } };
}
