// The hub as web-OAuth springboard: an official account registers only one or two OAuth domains,
// so the hub hosts the redirect URI for it and forwards each user to the business server that
// started the flow.
//   GET /oauth2/start?appid&scope&return&state&exp&sig   signed by the business server with the hub
//        secret (a browser cannot send the Authorization header, so the URL itself is the proof);
//        `return` must be on the allow-list; 302 to WeChat with a one-time hub state.
//   GET /oauth2/callback?code&state   one-time state; code exchanged here with the app's secret
//        (and /sns/userinfo for snsapi_userinfo); 302 to `return` with `hub_ticket=<random id>`.
//   GET /oauth2/ticket/<id>           Authorization: Bearer <hub secret>; one use, 60 s:
//        { openid, unionid?, scope, userInfo?, state }. Tokens and profiles never go through the browser.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as OAuth from '../../generated/official-account/oauth.js';
import { isAppid } from '../core/appid.js';
import { WxConfigError } from '../core/errors.js';
import type { Logger } from '../core/runtime.js';
import { createClient } from '../official/create-client.js';
import { oauthAuthorizeUrl, type OAuthScope } from '../official/oauth.js';
import type { Storage } from '../storage/types.js';
import type { FetchLike } from '../transport/types.js';
import { error, failure, json } from './answers.js';

export interface HubOAuthOptions {
  /** The hub's public https URL of `/oauth2/callback` (on the account's OAuth domain). */
  callbackUrl: string;
  /** Business servers the user may be sent back to: origin plus path prefix, e.g. `https://shop.example.com/wx/`. */
  returnUrls: string[];
  /** How long a started flow may take (default 600 s). */
  stateTtlSeconds?: number;
}

/** What the business server gets for a ticket. */
export interface HubOAuthUser {
  appid: string;
  openid: string;
  unionid?: string;
  scope: string;
  /** For snsapi_userinfo. */
  userInfo?: OAuth.GetUserInfoResult;
  /** The state the business server passed to the start URL. */
  state: string;
}

/** Query parameter carrying the ticket on the redirect back to the business server. */
export const HUB_OAUTH_TICKET_PARAM = 'hub_ticket';
const TICKET_TTL_MS = 60_000;
/** A signed start URL is valid at most this long. */
export const MAX_START_URL_SECONDS = 3600;
const MAX_CALLER_STATE = 512;

export interface StartParams {
  appid: string;
  scope: OAuthScope;
  returnUrl: string;
  state: string;
  /** Unix seconds. */
  exp: number;
}

/** The start URL's signature: HMAC-SHA256, keyed by a key derived from the hub secret. */
export function signOAuthStart(secret: string, p: StartParams): string {
  const key = createHmac('sha256', secret).update('wxkit hub oauth start v1').digest();
  const canonical = JSON.stringify(['v1', p.appid, p.scope, p.returnUrl, p.state, p.exp]);
  return createHmac('sha256', key).update(canonical).digest('base64url');
}

/** A return URL parsed and normalized, or undefined when it is not an absolute http(s) URL without credentials. */
function parseReturnUrl(raw: string): URL | undefined {
  // No backslashes, whitespace or control characters: browsers and parsers disagree about them.
  if (typeof raw !== 'string' || !raw || raw.length > 2048 || /[\\\s\x00-\x1f\x7f]/.test(raw)) return undefined;
  if (!/^https?:\/\/[^/]/i.test(raw)) return undefined; // absolute only: no `//evil`, no `/path`
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || !url.hostname) return undefined;
  return url;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Checks the allow-list entries; returns them as origin + path prefix. */
export function parseReturnUrls(entries: unknown, where = 'createHub: oauth.returnUrls'): { origin: string; prefix: string }[] {
  if (!Array.isArray(entries) || !entries.length) throw new WxConfigError(`${where} must list at least one return URL`);
  return entries.map((entry, i) => {
    const url = parseReturnUrl(entry as string);
    if (!url || url.search || url.hash || (typeof entry === 'string' && entry.includes('?')))
      throw new WxConfigError(`${where}[${i}] must be an absolute http(s) URL (origin and path prefix) without query, fragment or credentials`);
    if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) throw new WxConfigError(`${where}[${i}] must be https (http only for loopback)`);
    return { origin: url.origin, prefix: url.pathname };
  });
}

/** The normalized URL when `raw` is on the allow-list: same origin and, by whole path segments, under a prefix. */
export function allowedReturnUrl(raw: string, allow: { origin: string; prefix: string }[]): URL | undefined {
  const url = parseReturnUrl(raw);
  if (!url) return undefined;
  const path = url.pathname;
  const ok = allow.some(({ origin, prefix }) => url.origin === origin && (path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`)));
  return ok ? url : undefined;
}

export interface SpringboardContext {
  secret: string;
  /** Official accounts with their appsecret. */
  apps: { appid: string; appsecret: string }[];
  storage: Storage;
  baseUrl?: string;
  hosts?: Record<string, string>;
  fetch?: FetchLike;
  logger: Logger;
  now: () => number;
}

export type Springboard = (path: string) => ((request: Request) => Promise<Response>) | undefined;

interface StateRecord {
  appid: string;
  scope: OAuthScope;
  returnUrl: string;
  state: string;
  expiresAt: number;
}

interface TicketRecord extends HubOAuthUser {
  expiresAt: number;
}

const STATE_KEY = 'wxkit:hub:oauth:state:';
const TICKET_KEY = 'wxkit:hub:oauth:ticket:';

function page(status: number, message: string): Response {
  return new Response(`<!doctype html><meta charset="utf-8"><title>Sign-in</title><p>${message}</p>`, {
    status,
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' },
  });
}

function redirect(location: string): Response {
  return new Response(null, { status: 302, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
}

export function createOAuthSpringboard(options: HubOAuthOptions, ctx: SpringboardContext): Springboard {
  if (typeof options?.callbackUrl !== 'string' || !/^https?:\/\/[^/]/i.test(options.callbackUrl)) {
    throw new WxConfigError('createHub: oauth.callbackUrl must be the absolute URL of the hub’s /oauth2/callback');
  }
  const allow = parseReturnUrls(options.returnUrls);
  const ttl = options.stateTtlSeconds ?? 600;
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) throw new WxConfigError('createHub: oauth.stateTtlSeconds must be a positive number');
  const stateTtlMs = ttl * 1000;
  const { storage, now, secret } = ctx;
  const secretDigest = createHash('sha256').update(secret, 'utf8').digest();
  const clients = new Map(
    ctx.apps.map((app) => [
      app.appid,
      createClient({
        appType: 'official_account',
        appid: app.appid,
        appsecret: app.appsecret,
        storage,
        baseUrl: ctx.baseUrl,
        hosts: ctx.hosts,
        fetch: ctx.fetch,
        logger: ctx.logger,
      }),
    ]),
  );

  /** Reads and deletes: of two concurrent takers only one gets the value (when the store has deleteIf). */
  async function take(key: string): Promise<string | undefined> {
    const value = await storage.get(key);
    if (value === undefined) return undefined;
    if (storage.deleteIf) return (await storage.deleteIf(key, value)) ? value : undefined;
    await storage.delete(key);
    return value;
  }

  async function start(request: Request): Promise<Response> {
    if (request.method !== 'GET') return page(405, 'Method not allowed.');
    const q = new URL(request.url).searchParams;
    const appid = q.get('appid') ?? '';
    const scope = q.get('scope') ?? '';
    const rawReturn = q.get('return') ?? '';
    const state = q.get('state') ?? '';
    const exp = Number(q.get('exp') ?? Number.NaN);
    const sig = q.get('sig') ?? '';
    if (!isAppid(appid) || (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo') || state.length > MAX_CALLER_STATE || !Number.isInteger(exp)) {
      return page(400, 'Bad sign-in link.');
    }
    const expected = Buffer.from(signOAuthStart(secret, { appid, scope, returnUrl: rawReturn, state, exp }));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return page(403, 'This sign-in link is not valid.');
    const t = now();
    if (exp * 1000 <= t) return page(400, 'This sign-in link has expired.');
    if (exp * 1000 > t + MAX_START_URL_SECONDS * 1000) return page(400, 'Bad sign-in link.');
    const returnUrl = allowedReturnUrl(rawReturn, allow);
    if (!returnUrl) return page(400, 'This return address is not allowed.');
    if (!clients.has(appid)) return page(404, 'This account does not sign in through this hub.');
    const hubState = randomBytes(24).toString('hex');
    const record: StateRecord = { appid, scope, returnUrl: returnUrl.href, state, expiresAt: t + stateTtlMs };
    await storage.set(STATE_KEY + hubState, JSON.stringify(record), stateTtlMs);
    return redirect(oauthAuthorizeUrl({ appid, redirectUri: options.callbackUrl, scope, state: hubState }));
  }

  async function callback(request: Request): Promise<Response> {
    if (request.method !== 'GET') return page(405, 'Method not allowed.');
    const q = new URL(request.url).searchParams;
    const hubState = q.get('state') ?? '';
    const code = q.get('code') ?? '';
    if (!/^[0-9a-f]{48}$/.test(hubState)) return page(400, 'This sign-in has expired or was already used; please start again.');
    const text = await take(STATE_KEY + hubState);
    const record = text === undefined ? undefined : (JSON.parse(text) as StateRecord);
    if (!record || record.expiresAt <= now()) return page(400, 'This sign-in has expired or was already used; please start again.');
    if (!code) return page(403, 'Sign-in was refused.');
    const client = clients.get(record.appid);
    if (!client) return page(404, 'This account does not sign in through this hub.');
    let user: HubOAuthUser;
    try {
      const token = await OAuth.getAccessToken(client, { code });
      user = { appid: record.appid, openid: token.openid, scope: token.scope, state: record.state };
      if (token.unionid) user.unionid = token.unionid;
      if (token.scope.includes('snsapi_userinfo')) {
        user.userInfo = await OAuth.getUserInfo(client, { access_token: token.access_token, openid: token.openid });
        if (!user.unionid && user.userInfo.unionid) user.unionid = user.userInfo.unionid;
      }
    } catch (e) {
      ctx.logger.warn(`[wxkit hub] oauth callback for ${record.appid} failed: ${(e as Error)?.message ?? String(e)}`);
      return page(502, 'Sign-in with WeChat failed; please try again.');
    }
    const ticket = randomBytes(24).toString('base64url');
    await storage.set(TICKET_KEY + ticket, JSON.stringify({ ...user, expiresAt: now() + TICKET_TTL_MS } satisfies TicketRecord), TICKET_TTL_MS);
    const target = new URL(record.returnUrl);
    target.searchParams.set(HUB_OAUTH_TICKET_PARAM, ticket);
    return redirect(target.href);
  }

  async function redeem(request: Request, id: string): Promise<Response> {
    const match = /^Bearer\s+(.+)$/i.exec(request.headers.get('authorization') ?? '');
    const given = createHash('sha256')
      .update(match?.[1]?.trim() ?? '', 'utf8')
      .digest();
    if (!timingSafeEqual(given, secretDigest) || !match) return error(401, 'unauthorized', 'missing or wrong hub secret (send Authorization: Bearer <secret>)');
    if (request.method !== 'GET') return error(405, 'method_not_allowed', 'use GET /oauth2/ticket/<ticket>');
    if (!/^[\w-]{32}$/.test(id)) return error(404, 'unknown_ticket', 'unknown, used or expired ticket');
    const text = await take(TICKET_KEY + id);
    const record = text === undefined ? undefined : (JSON.parse(text) as TicketRecord);
    if (!record || record.expiresAt <= now()) return error(404, 'unknown_ticket', 'unknown, used or expired ticket');
    const { expiresAt: _, ...user } = record;
    return json(200, user);
  }

  const guard =
    (f: (request: Request) => Promise<Response>) =>
    async (request: Request): Promise<Response> => {
      try {
        return await f(request);
      } catch (e) {
        return failure(e, ctx.logger);
      }
    };
  return (path) => {
    if (path === '/oauth2/start') return guard(start);
    if (path === '/oauth2/callback') return guard(callback);
    const m = /^\/oauth2\/ticket\/([^/]*)$/.exec(path);
    if (m) return guard((request) => redeem(request, m[1]!));
    return undefined;
  };
}
