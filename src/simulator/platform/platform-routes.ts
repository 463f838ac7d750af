// The platform's HTTP side: which requests it answers (component token, push-ticket request, the
// component endpoints behind a component_access_token check, simulator-issued OAuth), and what it
// notes from ordinary catalog calls (customer-service messages, for the 全网发布 test).
import { randomBytes } from 'node:crypto';
import { findByRoute } from '../../registry/index.js';
import { missingFields, ok, wx, type ComponentAnswer } from '../answers.js';
import { componentCall } from './endpoints.js';
import { oauthRoute } from './oauth-routes.js';
import { pushVerifyTicket } from './pushes.js';
import type { PlatformState } from './platform-state.js';

/** Handles component endpoints and simulator-issued OAuth codes / user tokens. */
export function route(p: PlatformState, method: string, url: URL, json: Record<string, unknown> | undefined): ComponentAnswer {
  const path = url.pathname;
  const q = url.searchParams;
  const body = json ?? {};
  if (path === '/cgi-bin/component/api_component_token' && method === 'POST') return componentToken(p, body);
  if (path === '/cgi-bin/component/api_start_push_ticket' && method === 'POST') return startPushTicket(p, body);
  const entries = findByRoute(method, path);
  // The platform's own endpoints: under /cgi-bin/component/ or any catalogued route that takes the
  // component_access_token (as such, or in `access_token` as code templates and fast registration do).
  const entry = entries.find((e) => e.auth === 'component_access_token' || e.auth === 'component_access_token_as_access_token');
  if (entry || path.startsWith('/sns/oauth2/component/') || (path.startsWith('/cgi-bin/component/') && !entries.length)) {
    if (!entry) return wx(404, `simulator: no catalog endpoint at ${method} ${path}`, 404);
    const inAccessToken = entry.auth === 'component_access_token_as_access_token';
    const token = q.get(inAccessToken ? 'access_token' : 'component_access_token');
    if (!token) return wx(41001, `${inAccessToken ? 'access_token' : 'component_access_token'} missing`);
    const issued = p.tokens.get(token);
    if (!issued || issued.revoked) return wx(40001, 'invalid credential, component_access_token is invalid or not latest');
    if (issued.expiresAt <= p.state.now()) return wx(42001, 'component_access_token expired');
    const missing = missingFields(entry, url, json);
    if (missing.length) return wx(40035, `invalid args: missing ${missing.join(', ')}`);
    const takesAppid = 'component_appid' in entry.params.query || 'component_appid' in entry.params.body;
    const named = String(q.get('component_appid') ?? body.component_appid);
    if (takesAppid && named !== issued.componentAppid) return wx(61011, 'component_appid does not match the component_access_token');
    // Endpoints without simulated behaviour answer their catalog example (undefined: the catalog route).
    return componentCall(p, path, issued.componentAppid, q, body);
  }
  return oauthRoute(p, path, q);
}

/** Called for catalog endpoints that passed the access_token check: records customer-service messages. */
export function observe(p: PlatformState, path: string, appid: string, json: Record<string, unknown> | undefined): void {
  if (path !== '/cgi-bin/message/custom/send' || !json) return;
  const text = json.text as { content?: unknown } | undefined;
  p.customMessages.push({
    appid,
    touser: String(json.touser ?? ''),
    msgtype: String(json.msgtype ?? ''),
    ...(typeof text?.content === 'string' ? { content: text.content } : {}),
    body: json,
    at: p.state.now(),
  });
  if (p.customMessages.length > 1000) p.customMessages.splice(0, p.customMessages.length - 1000);
}

function componentToken(p: PlatformState, body: Record<string, unknown>): ComponentAnswer {
  const appid = String(body.component_appid ?? '');
  const c = p.components.get(appid);
  if (!c) return wx(40013, 'invalid appid');
  if (body.component_appsecret !== c.componentAppsecret) return wx(40125, 'invalid appsecret');
  const ticket = body.component_verify_ticket;
  const valid = (p.tickets.get(appid) ?? []).some((t) => t.ticket === ticket && t.expiresAt > p.state.now());
  if (!valid) return wx(61006, 'component ticket is invalid');
  const previous = p.currentToken.get(appid);
  if (previous) p.tokens.get(previous)!.revoked = true;
  const token = `SIM_COMPONENT_${appid}_${randomBytes(12).toString('hex')}`;
  p.tokens.set(token, { componentAppid: appid, expiresAt: p.state.now() + p.state.tokenTtlSeconds * 1000, revoked: false });
  p.currentToken.set(appid, token);
  const counters = p.state.counters;
  counters.componentTokenRequests[appid] = (counters.componentTokenRequests[appid] ?? 0) + 1;
  return ok({ component_access_token: token, expires_in: p.state.tokenTtlSeconds });
}

function startPushTicket(p: PlatformState, body: Record<string, unknown>): ComponentAnswer {
  const appid = String(body.component_appid ?? '');
  const c = p.components.get(appid);
  if (!c) return wx(40013, 'invalid appid');
  if (body.component_secret !== c.componentAppsecret) return wx(40125, 'invalid appsecret');
  // WeChat answers first and pushes a moment later.
  if (p.eventUrls.has(appid)) setTimeout(() => void pushVerifyTicket(p, appid).catch(() => undefined), 10);
  return ok({ errcode: 0, errmsg: 'ok' });
}
