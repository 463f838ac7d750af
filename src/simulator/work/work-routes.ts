// The simulator playing qyapi.weixin.qq.com: gettoken per (corpid, secret) with token
// enforcement, the JS-SDK tickets, the suite endpoints with their real checks (suite secret and
// ticket, pre_auth_code, one-use auth codes, permanent codes) and the provider token. A request
// is WeCom's when its path is WeCom-only or it carries a token the simulator issued for WeCom;
// catalogued qyapi endpoints are then answered from the catalog like any other (`{ entry }`).
import { findByRoute, type RegistryEntry } from '../../registry/index.js';
import { missingFields, ok, wx, type ComponentAnswer } from '../answers.js';
import type { Install, WorkSimState } from './work-state.js';

export const WORK_HOST = 'qyapi.weixin.qq.com';

/** An answer, or the catalog entry the ordinary catalog route should answer (its token already checked). */
export type WorkAnswer = ComponentAnswer | { entry: RegistryEntry };

const SUITE_PATHS = new Set([
  '/cgi-bin/service/get_pre_auth_code',
  '/cgi-bin/service/set_session_info',
  '/cgi-bin/service/get_permanent_code',
  '/cgi-bin/service/v2/get_permanent_code',
  '/cgi-bin/service/get_auth_info',
  '/cgi-bin/service/v2/get_auth_info',
  '/cgi-bin/service/get_corp_token',
]);

export function workRoute(w: WorkSimState, method: string, url: URL, json: Record<string, unknown> | undefined): WorkAnswer | undefined {
  const path = url.pathname;
  const q = url.searchParams;
  const body = json ?? {};
  const token = q.get('access_token');
  const isWorkToken = token?.startsWith('SIMWORK_') ?? false;
  const claimed =
    path.startsWith('/cgi-bin/webhook/') ||
    path === '/cgi-bin/gettoken' ||
    path === '/cgi-bin/get_jsapi_ticket' ||
    (path === '/cgi-bin/ticket/get' && q.get('type') === 'agent_config') ||
    path.startsWith('/cgi-bin/service/') ||
    isWorkToken ||
    q.has('suite_access_token') ||
    q.has('provider_access_token');
  if (!claimed) return undefined;
  w.counters.calls[path] = (w.counters.calls[path] ?? 0) + 1;

  if (path.startsWith('/cgi-bin/webhook/')) {
    // A group robot: no token, the webhook key in the query (WeCom answers 93000 without a valid one).
    if (!/^[A-Za-z0-9-]{8,128}$/.test(q.get('key') ?? '')) return wx(93000, 'invalid webhook url, please check the key');
    w.count('webhookCalls', `${q.get('key')}:${path.slice('/cgi-bin/webhook/'.length)}`);
    if (path === '/cgi-bin/webhook/upload_media' && method === 'POST' && !findByRoute(method, path, WORK_HOST).length) {
      // Until the catalog describes it: the robot's media upload (multipart `media`; type file or voice).
      const type = q.get('type');
      if (type !== 'file' && type !== 'voice') return wx(40004, 'invalid media type');
      return ok({ errcode: 0, errmsg: 'ok', type, media_id: w.code('SIMROBOTMEDIA_'), created_at: String(w.seconds()) });
    }
    return catalog(method, url, json, 'key');
  }
  if (path === '/cgi-bin/gettoken' && method === 'GET') return gettoken(w, q.get('corpid'), q.get('corpsecret'));
  if (path === '/cgi-bin/service/get_suite_token' && method === 'POST') return suiteToken(w, body);
  if (path === '/cgi-bin/service/get_provider_token' && method === 'POST') return providerToken(w, body);

  // A provider token in `access_token` (get_login_info): checked as the provider's.
  const asProvider = token && findByRoute(method, path, WORK_HOST).some((e) => e.auth === 'provider_access_token_as_access_token');
  if (asProvider) {
    const check = w.check(token, 'provider');
    if (check.errcode) return wx(check.errcode, check.errmsg!);
    return catalog(method, url, json, 'provider_access_token_as_access_token');
  }
  if (q.has('provider_access_token')) {
    const check = w.check(q.get('provider_access_token'), 'provider');
    if (check.errcode) return wx(check.errcode, check.errmsg!);
    return catalog(method, url, json, 'provider_access_token');
  }
  if (path.startsWith('/cgi-bin/service/') || q.has('suite_access_token')) {
    const check = w.check(q.get('suite_access_token'), 'suite');
    if (check.errcode) return wx(check.errcode, check.errmsg!);
    const suiteId = check.info!.owner;
    if (SUITE_PATHS.has(path)) return suiteCall(w, path, suiteId, body);
    return catalog(method, url, json, 'suite_access_token');
  }

  const check = w.check(token, 'corp');
  if (check.errcode) return wx(check.errcode, check.errmsg!);
  const info = check.info!;
  if (path === '/cgi-bin/get_jsapi_ticket') {
    w.count('ticketRequests', `${info.owner}:jsapi`);
    return ok({ errcode: 0, errmsg: 'ok', ...w.ticket(`${info.key}:jsapi`) });
  }
  if (path === '/cgi-bin/ticket/get') {
    w.count('ticketRequests', `${info.owner}:agent_config`);
    return ok({ errcode: 0, errmsg: 'ok', ...w.ticket(`${info.key}:agent_config`) });
  }
  return catalog(method, url, json, 'access_token') ?? builtin(path, q, info.owner);
}

/** The catalogued qyapi endpoint at this route, once its parameters are checked. */
function catalog(method: string, url: URL, json: Record<string, unknown> | undefined, auth: string): WorkAnswer | undefined {
  const entry = findByRoute(method, url.pathname, WORK_HOST).find((e) => e.auth === auth) ?? findByRoute(method, url.pathname, WORK_HOST)[0];
  if (!entry) return auth === 'access_token' ? undefined : wx(404, `simulator: no catalog endpoint at ${method} ${url.pathname}`, 404);
  const missing = missingFields(entry, url, json);
  if (missing.length) return wx(40035, `invalid args: missing ${missing.join(', ')}`);
  return { entry };
}

/** A few everyday answers until the WeCom catalog describes them (its examples then take over). */
function builtin(path: string, q: URLSearchParams, corpid: string): WorkAnswer {
  switch (path) {
    case '/cgi-bin/user/get': {
      const userid = q.get('userid');
      if (!userid) return wx(40035, 'invalid args: missing userid');
      return ok({ errcode: 0, errmsg: 'ok', userid, name: `Member ${userid}`, department: [1], main_department: 1, status: 1 });
    }
    case '/cgi-bin/department/list':
      return ok({ errcode: 0, errmsg: 'ok', department: [{ id: 1, name: `Corp ${corpid}`, parentid: 0, order: 100000000 }] });
    case '/cgi-bin/message/send':
      return ok({ errcode: 0, errmsg: 'ok', invaliduser: '', msgid: `SIMMSG_${Date.now().toString(16)}` });
    default:
      return wx(404, `simulator: no catalog endpoint at ${path} on ${WORK_HOST}`, 404);
  }
}

function gettoken(w: WorkSimState, corpid: string | null, secret: string | null): WorkAnswer {
  if (!corpid) return wx(41002, 'corpid missing');
  if (!secret) return wx(41004, 'corpsecret missing');
  const app = w.apps.find((a) => a.corpid === corpid && a.secret === secret);
  // 代开发: the permanent code of an install is that app's secret.
  const install = app ? undefined : [...w.installs.values()].find((i) => i.corpid === corpid && i.customized && i.permanentCode === secret);
  if (!app && !install) {
    const known = w.apps.some((a) => a.corpid === corpid) || [...w.installs.values()].some((i) => i.corpid === corpid);
    return known ? wx(40001, 'invalid secret') : wx(40013, 'invalid corpid');
  }
  const agentid = app ? app.agentid : install!.agentid;
  const who = app ? (app.agentid !== undefined ? String(app.agentid) : `secret-${w.apps.indexOf(app)}`) : `dk-${install!.suiteId}`;
  w.count('tokenRequests', `${corpid}:${agentid ?? 'secret'}`);
  const t = w.issue(`${corpid}:${who}`, corpid, 'corp', agentid);
  return ok({ errcode: 0, errmsg: 'ok', access_token: t.token, expires_in: t.expiresIn });
}

function suiteToken(w: WorkSimState, body: Record<string, unknown>): WorkAnswer {
  const suiteId = String(body.suite_id ?? '');
  const suite = w.suites.get(suiteId);
  if (!suite) return wx(40083, 'invalid suiteid');
  if (body.suite_secret !== suite.suiteSecret) return wx(40080, 'invalid suite_secret');
  const valid = (w.suiteTickets.get(suiteId) ?? []).some((t) => t.ticket === body.suite_ticket && t.expiresAt > w.now());
  if (!valid) return wx(40085, 'invalid suite_ticket');
  w.count('suiteTokenRequests', suiteId);
  const t = w.issue(`suite:${suiteId}`, suiteId, 'suite');
  // WeCom's get_suite_token answers without errcode when it succeeds.
  return ok({ suite_access_token: t.token, expires_in: t.expiresIn });
}

function providerToken(w: WorkSimState, body: Record<string, unknown>): WorkAnswer {
  const corpid = String(body.corpid ?? '');
  const secret = w.providers.get(corpid);
  if (secret === undefined) return wx(40013, 'invalid corpid');
  if (body.provider_secret !== secret) return wx(40001, 'invalid provider_secret');
  w.count('providerTokenRequests', corpid);
  const t = w.issue(`provider:${corpid}`, corpid, 'provider');
  return ok({ provider_access_token: t.token, expires_in: t.expiresIn });
}

function suiteCall(w: WorkSimState, path: string, suiteId: string, body: Record<string, unknown>): WorkAnswer {
  switch (path) {
    case '/cgi-bin/service/get_pre_auth_code': {
      const code = w.code('SIMPRE_');
      w.preAuthCodes.set(code, { suiteId, expiresAt: w.now() + 1_200_000, authType: 0 });
      return ok({ errcode: 0, errmsg: 'ok', pre_auth_code: code, expires_in: 1200 });
    }
    case '/cgi-bin/service/set_session_info': {
      const pre = w.preAuthCodes.get(String(body.pre_auth_code ?? ''));
      if (!pre || pre.suiteId !== suiteId || pre.expiresAt <= w.now()) return wx(40077, 'invalid pre_auth_code');
      const session = (body.session_info ?? {}) as { auth_type?: unknown };
      pre.authType = session.auth_type === 1 ? 1 : 0;
      return ok({ errcode: 0, errmsg: 'ok' });
    }
    case '/cgi-bin/service/get_permanent_code':
    case '/cgi-bin/service/v2/get_permanent_code': {
      const code = String(body.auth_code ?? '');
      const auth = w.authCodes.get(code);
      if (!auth || auth.suiteId !== suiteId || auth.used || auth.expiresAt <= w.now()) return wx(40078, 'invalid auth_code');
      auth.used = true;
      const install = w.installs.get(`${suiteId}/${auth.corpid}`);
      if (!install) return wx(40078, 'invalid auth_code');
      if (auth.reset) {
        install.permanentCode = w.code('SIMPERM_');
        w.spoil(`${install.corpid}:dk-${suiteId}`, 'revoke');
      }
      const answer: Record<string, unknown> = {
        errcode: 0,
        errmsg: 'ok',
        permanent_code: install.permanentCode,
        ...describe(install),
        ...(install.state ? { state: install.state } : {}),
      };
      if (path === '/cgi-bin/service/get_permanent_code' && !install.customized) {
        const t = w.issue(`${suiteId}/${install.corpid}`, install.corpid, 'corp', install.agentid);
        Object.assign(answer, { access_token: t.token, expires_in: t.expiresIn });
      }
      return ok(answer);
    }
    case '/cgi-bin/service/get_auth_info':
    case '/cgi-bin/service/v2/get_auth_info': {
      const install = byPermanentCode(w, suiteId, body);
      if (!install) return wx(40084, 'invalid permanent_code');
      return ok({ errcode: 0, errmsg: 'ok', ...describe(install) });
    }
    case '/cgi-bin/service/get_corp_token': {
      const install = byPermanentCode(w, suiteId, body);
      if (!install || install.customized) return wx(40084, 'invalid permanent_code');
      w.count('corpTokenRequests', `${suiteId}/${install.corpid}`);
      const t = w.issue(`${suiteId}/${install.corpid}`, install.corpid, 'corp', install.agentid);
      // Like get_suite_token, get_corp_token answers without errcode when it succeeds.
      return ok({ access_token: t.token, expires_in: t.expiresIn });
    }
  }
  return undefined;
}

function byPermanentCode(w: WorkSimState, suiteId: string, body: Record<string, unknown>): Install | undefined {
  const install = w.installs.get(`${suiteId}/${String(body.auth_corpid ?? '')}`);
  return install && install.permanentCode === body.permanent_code ? install : undefined;
}

function describe(i: Install): Record<string, unknown> {
  return {
    auth_corp_info: { corpid: i.corpid, corp_name: i.corpName, corp_type: 'verified', corp_user_max: 200 },
    auth_info: {
      agent: [
        {
          agentid: i.agentid,
          name: `App of ${i.suiteId}`,
          auth_mode: 0,
          is_customized_app: i.customized,
          privilege: { level: 1, allow_party: [1], allow_user: [], allow_tag: [] },
        },
      ],
    },
  };
}
