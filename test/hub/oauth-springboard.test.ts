// The hub as web-OAuth springboard, end to end against the simulator: signed start → WeChat's
// authorize URL → the code redirect → callback → the business server's return URL with a ticket →
// redeem. One-use state and ticket, the return allow-list (no open redirect), expiry, signatures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHub,
  hubOAuthStartUrl,
  hubOAuthTicketOf,
  hubStorage,
  parseHubConfig,
  redeemHubOAuthTicket,
  type Hub,
  type HubServer,
  type HubStorage,
} from '../../src/hub/index.js';
import { signOAuthStart } from '../../src/hub/oauth-springboard.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

const OA = 'wx0000000000000001';
const SECRET = 'hub-test-secret-0123456789abcdef';
const APPS = [{ appid: OA, appType: 'official_account' as const, appsecret: 'demo-official-account-secret' }];
const CALLBACK = 'https://hub.example.com/oauth2/callback';
const RETURN = 'https://shop.example.com/wx/';
const quiet = { warn: () => undefined };

describe('hub OAuth springboard', () => {
  let sim: Simulator;
  let hub: Hub;
  let server: HubServer;
  let client: HubStorage;
  let skewMs = 0;
  const now = () => Date.now() + skewMs;

  beforeAll(async () => {
    sim = await startSimulator();
    hub = createHub({
      secret: SECRET,
      apps: APPS,
      baseUrl: sim.url,
      logger: quiet,
      refresh: false,
      now,
      oauth: { callbackUrl: CALLBACK, returnUrls: [RETURN, 'https://m.example.com/login'], stateTtlSeconds: 120 },
    });
    await hub.ready();
    server = await hub.listen();
    client = hubStorage({ url: server.url, secret: SECRET, now });
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  const open = (url: string) => fetch(url, { redirect: 'manual' });
  /** The WeChat code redirect, pointed at the hub actually listening on loopback. */
  const toHub = (location: string) => {
    const u = new URL(location);
    expect(u.origin + u.pathname).toBe(CALLBACK);
    return `${server.url}/oauth2/callback${u.search}`;
  };

  async function begin(scope: 'snsapi_base' | 'snsapi_userinfo', returnUrl = `${RETURN}done?x=1`, state = 'session-nonce-1') {
    const start = await open(hubOAuthStartUrl(client, { appid: OA, scope, returnUrl, state }));
    expect(start.status).toBe(302);
    const authorize = start.headers.get('location')!;
    const a = new URL(authorize);
    expect(a.origin + a.pathname).toBe('https://open.weixin.qq.com/connect/oauth2/authorize');
    expect(a.searchParams.get('appid')).toBe(OA);
    expect(a.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(a.searchParams.get('scope')).toBe(scope);
    const hubState = a.searchParams.get('state')!;
    expect(hubState).toMatch(/^[0-9a-f]{48}$/);
    if (state) expect(authorize).not.toContain(state);
    expect(authorize).not.toContain(SECRET);
    return { authorize, hubState };
  }

  it('snsapi_base: start → WeChat → callback → return with a ticket → openid, once', async () => {
    const { authorize } = await begin('snsapi_base');
    const wx = sim.oauthAuthorize(authorize, { openid: 'oUSER1' });
    const back = await open(toHub(wx.location));
    expect(back.status).toBe(302);
    const location = back.headers.get('location')!;
    const u = new URL(location);
    expect(u.origin + u.pathname).toBe(`${RETURN}done`);
    expect(u.searchParams.get('x')).toBe('1');
    expect([...u.searchParams.keys()].sort()).toEqual(['hub_ticket', 'x']);
    expect(location).not.toContain(wx.code);
    expect(location).not.toContain('oUSER1');
    const ticket = hubOAuthTicketOf(location)!;
    const user = await redeemHubOAuthTicket(client, ticket);
    expect(user).toEqual({ appid: OA, openid: 'oUSER1', scope: 'snsapi_base', state: 'session-nonce-1' });
    await expect(redeemHubOAuthTicket(client, ticket)).rejects.toThrow(/404/);
    // Replaying WeChat's redirect (same state): refused, and the code is not exchanged again.
    const replay = await open(toHub(wx.location));
    expect(replay.status).toBe(400);
    expect(replay.headers.get('location')).toBeNull();
  });

  it('snsapi_userinfo: the ticket carries the profile, never the URL', async () => {
    const { authorize } = await begin('snsapi_userinfo', RETURN, '');
    const wx = sim.oauthAuthorize(authorize, { openid: 'oUSER2' });
    const back = await open(toHub(wx.location));
    expect(back.status).toBe(302);
    const location = back.headers.get('location')!;
    expect(location).not.toMatch(/SIM_SNS|nickname|oUSER2/);
    const user = await redeemHubOAuthTicket(client, hubOAuthTicketOf(location)!);
    expect(user).toMatchObject({ openid: 'oUSER2', scope: 'snsapi_userinfo', state: '', userInfo: { openid: 'oUSER2', nickname: '微信用户' } });
  });

  it('redeeming needs the hub secret', async () => {
    const { authorize } = await begin('snsapi_base');
    const back = await open(toHub(sim.oauthAuthorize(authorize).location));
    const ticket = hubOAuthTicketOf(back.headers.get('location')!)!;
    for (const headers of [{}, { authorization: 'Bearer wrong-secret-0123456789' }] as Record<string, string>[]) {
      expect((await fetch(`${server.url}/oauth2/ticket/${ticket}`, { headers })).status).toBe(401);
    }
    // A refused attempt does not burn the ticket.
    expect((await redeemHubOAuthTicket(client, ticket)).openid).toBeTruthy();
  });

  it('refuses return URLs off the allow-list (no open redirect)', async () => {
    for (const returnUrl of [
      'https://evil.example.com/wx/',
      'https://shop.example.com.evil.com/wx/',
      'https://shop.example.com@evil.com/wx/',
      'https://user:pw@shop.example.com/wx/',
      'http://shop.example.com/wx/',
      'https://shop.example.com:8443/wx/',
      'https://shop.example.com/wxadmin',
      'https://shop.example.com/other',
      'https://shop.example.com/wx/../admin',
      'https://shop.example.com/wx/%2e%2e/admin',
      'https://m.example.com/login-evil',
      'https:\\\\evil.com/wx/',
      'https://shop.example.com\\@evil.com/wx/',
      '//evil.com/wx/',
      '/wx/',
      'javascript:alert(1)//https://shop.example.com/wx/',
    ]) {
      const res = await open(hubOAuthStartUrlUnchecked(returnUrl));
      expect(res.status, returnUrl).toBe(400);
      expect(res.headers.get('location'), returnUrl).toBeNull();
    }
    // On the list: the exact path of a no-slash prefix, and below it.
    for (const ok of ['https://m.example.com/login', 'https://m.example.com/login/cb', 'https://SHOP.example.com/wx/a?b=c']) {
      expect((await open(hubOAuthStartUrlUnchecked(ok))).status, ok).toBe(302);
    }
  });

  it('refuses a start URL with a bad, missing or tampered signature, or expired', async () => {
    const good = new URL(hubOAuthStartUrl(client, { appid: OA, returnUrl: RETURN, state: 's' }));
    const tampered = new URL(good);
    tampered.searchParams.set('return', 'https://evil.example.com/');
    expect((await open(tampered.toString())).status).toBe(403);
    const noSig = new URL(good);
    noSig.searchParams.delete('sig');
    expect((await open(noSig.toString())).status).toBe(403);
    const otherState = new URL(good);
    otherState.searchParams.set('state', 't');
    expect((await open(otherState.toString())).status).toBe(403);
    const other = hubStorage({ url: server.url, secret: 'another-secret-0123456789abcdef' });
    expect((await open(hubOAuthStartUrl(other, { appid: OA, returnUrl: RETURN }))).status).toBe(403);
    skewMs = 301_000;
    try {
      expect((await open(good.toString())).status).toBe(400);
    } finally {
      skewMs = 0;
    }
  });

  it('refuses an expired hub state (injected clock) and an unknown one', async () => {
    const { authorize } = await begin('snsapi_base');
    const wx = sim.oauthAuthorize(authorize);
    skewMs = 121_000;
    try {
      expect((await open(toHub(wx.location))).status).toBe(400);
    } finally {
      skewMs = 0;
    }
    expect((await open(`${server.url}/oauth2/callback?code=x&state=${'0'.repeat(48)}`)).status).toBe(400);
    expect((await open(`${server.url}/oauth2/callback?code=x&state=../../etc`)).status).toBe(400);
  });

  it('a ticket expires after 60 s', async () => {
    const { authorize } = await begin('snsapi_base');
    const back = await open(toHub(sim.oauthAuthorize(authorize).location));
    const ticket = hubOAuthTicketOf(back.headers.get('location')!)!;
    skewMs = 61_000;
    try {
      await expect(redeemHubOAuthTicket(client, ticket)).rejects.toThrow(/404/);
    } finally {
      skewMs = 0;
    }
  });

  it('unknown apps and bad parameters are refused', async () => {
    expect((await open(hubOAuthStartUrl(client, { appid: 'wx9999999999999999', returnUrl: RETURN }))).status).toBe(404);
    expect((await open(`${server.url}/oauth2/start?appid=${OA}&scope=snsapi_base&return=${encodeURIComponent(RETURN)}`)).status).toBe(400);
    expect((await fetch(`${server.url}/oauth2/start`, { method: 'POST', redirect: 'manual' })).status).toBe(405);
  });

  it('config rejects a bad oauth section and a hub without oauth has no springboard', async () => {
    const base = { secret: SECRET, apps: [{ appid: OA, appsecret: 'x' }] };
    expect(parseHubConfig({ ...base, oauth: { callbackUrl: CALLBACK, returnUrls: [RETURN] } }).oauth).toEqual({ callbackUrl: CALLBACK, returnUrls: [RETURN] });
    expect(() => parseHubConfig({ ...base, oauth: { callbackUrl: CALLBACK, returnUrls: ['http://shop.example.com/'] } })).toThrow(/https/);
    expect(() => parseHubConfig({ ...base, oauth: { callbackUrl: CALLBACK, returnUrls: ['https://shop.example.com/?a=1'] } })).toThrow(/query/);
    expect(() => parseHubConfig({ ...base, oauth: { callbackUrl: CALLBACK, returnUrls: [] } })).toThrow();
    expect(() => createHub({ secret: SECRET, apps: APPS, refresh: false, oauth: { callbackUrl: CALLBACK, returnUrls: ['//evil'] } })).toThrow(/returnUrls/);
    const plain = createHub({ secret: SECRET, apps: APPS, refresh: false, logger: quiet });
    const res = await plain.handler(new Request('http://127.0.0.1/oauth2/start'));
    expect(res.status).toBe(401);
  });

  /** A correctly signed start URL for any return string (the client helper refuses the worst ones itself). */
  function hubOAuthStartUrlUnchecked(returnUrl: string): string {
    const exp = Math.floor(Date.now() / 1000) + 300;
    const p = { appid: OA, scope: 'snsapi_base' as const, returnUrl, state: '', exp };
    const q = new URLSearchParams({ appid: OA, scope: p.scope, return: returnUrl, state: '', exp: String(exp), sig: signOAuthStart(SECRET, p) });
    return `${server.url}/oauth2/start?${q}`;
  }
});
