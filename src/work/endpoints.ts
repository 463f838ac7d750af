// The WeCom endpoints the runtime itself calls (tokens, tickets, the suite's authorization flow).
// They are plain descriptors, so each goes through the one call loop with its retries, deadline,
// replay after a refused token and error mapping. Generated WeCom modules (the catalog) describe
// the rest of the API; these few are here because tokens must work before any catalog exists.
import type { EndpointDescriptor } from '../core/types.js';

export const WORK_HOST = 'qyapi.weixin.qq.com';

function work(d: Omit<EndpointDescriptor, 'host' | 'appTypes'>): EndpointDescriptor {
  return { host: WORK_HOST, appTypes: ['work'], ...d };
}

/** `GET /cgi-bin/gettoken?corpid=&corpsecret=`: a self-built (or 代开发) app's access_token. */
export const getToken = work({
  id: 'Work.getToken',
  method: 'GET',
  path: '/cgi-bin/gettoken',
  auth: 'none',
  idempotent: true,
  query: ['corpid', 'corpsecret'],
  required: ['corpid', 'corpsecret'],
});

/** 企业的 jsapi_ticket: signs `wx.config`. */
export const getJsapiTicket = work({
  id: 'Work.getJsapiTicket',
  method: 'GET',
  path: '/cgi-bin/get_jsapi_ticket',
  auth: 'access_token',
  idempotent: true,
});

/** 应用的 jsapi_ticket: signs `wx.agentConfig`. */
export const getAgentConfigTicket = work({
  id: 'Work.getAgentConfigTicket',
  method: 'GET',
  path: '/cgi-bin/ticket/get',
  auth: 'access_token',
  idempotent: true,
  consts: { type: 'agent_config' },
});

// ---------------------------------------------------------------- third-party apps (suites)

/** suite_id + suite_secret + the pushed suite_ticket → suite_access_token. The body carries the credentials. */
export const getSuiteToken = work({
  id: 'WorkSuite.getSuiteToken',
  method: 'POST',
  path: '/cgi-bin/service/get_suite_token',
  auth: 'none',
  idempotent: true,
  body: ['suite_id', 'suite_secret', 'suite_ticket'],
  required: ['suite_id', 'suite_secret', 'suite_ticket'],
});

export const getPreAuthCode = work({
  id: 'WorkSuite.getPreAuthCode',
  method: 'GET',
  path: '/cgi-bin/service/get_pre_auth_code',
  auth: 'suite_access_token',
  idempotent: false,
});

export const setSessionInfo = work({
  id: 'WorkSuite.setSessionInfo',
  method: 'POST',
  path: '/cgi-bin/service/set_session_info',
  auth: 'suite_access_token',
  idempotent: true,
  body: ['pre_auth_code', 'session_info'],
  required: ['pre_auth_code', 'session_info'],
});

/** The temporary auth code (one use) → the corp's permanent code, corp and agent details, and (v1) a first access_token. */
export const getPermanentCode = work({
  id: 'WorkSuite.getPermanentCode',
  method: 'POST',
  path: '/cgi-bin/service/get_permanent_code',
  auth: 'suite_access_token',
  // An auth code is spent by the first answer: a retry after a lost answer would only get 40078.
  idempotent: false,
  body: ['auth_code'],
  required: ['auth_code'],
});

export const getAuthInfo = work({
  id: 'WorkSuite.getAuthInfo',
  method: 'POST',
  path: '/cgi-bin/service/get_auth_info',
  auth: 'suite_access_token',
  idempotent: true,
  body: ['auth_corpid', 'permanent_code'],
  required: ['auth_corpid', 'permanent_code'],
});

/** auth_corpid + permanent_code → that corp's access_token for this suite. */
export const getCorpToken = work({
  id: 'WorkSuite.getCorpToken',
  method: 'POST',
  path: '/cgi-bin/service/get_corp_token',
  auth: 'suite_access_token',
  idempotent: true,
  body: ['auth_corpid', 'permanent_code'],
  required: ['auth_corpid', 'permanent_code'],
});

/** The service provider's own token (corpid + provider_secret). */
export const getProviderToken = work({
  id: 'WorkProvider.getProviderToken',
  method: 'POST',
  path: '/cgi-bin/service/get_provider_token',
  auth: 'none',
  idempotent: true,
  body: ['corpid', 'provider_secret'],
  required: ['corpid', 'provider_secret'],
});
