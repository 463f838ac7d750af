// URL builders, configuration errors, the emitter's error fallback, and one event URL for several
// components.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OAuth } from '../../generated/official-account/index.js';
import { Component, bindComponentUrl, componentEventsHandler, componentLoginPageUrl, createComponent, oauthAuthorizeUrl } from '../../src/component/index.js';
import { createClient, memoryStorage, WxConfigError, WxCryptoError } from '../../src/index.js';
import { createCrypto } from '../../src/callbacks/index.js';
import { DEMO_APPS, DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { deliverTicket } from './helpers.js';

const C = DEMO_COMPONENTS[0]!;

describe('authorization page URLs', () => {
  const base = { componentAppid: 'wx00000000000000c1', preAuthCode: 'preauthcode@@@a+b/c', redirectUri: 'https://platform.example.com/auth/back?x=1' };

  it('PC page: parameters in WeChat order, redirect_uri encoded', () => {
    expect(componentLoginPageUrl({ ...base, authType: 1 })).toBe(
      'https://mp.weixin.qq.com/cgi-bin/componentloginpage?component_appid=wx00000000000000c1&pre_auth_code=preauthcode%40%40%40a%2Bb%2Fc&redirect_uri=https%3A%2F%2Fplatform.example.com%2Fauth%2Fback%3Fx%3D1&auth_type=1',
    );
  });

  it('mobile link with biz_appid', () => {
    expect(bindComponentUrl({ ...base, bizAppid: 'wx00000000000000a1' })).toBe(
      'https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&no_scan=1&component_appid=wx00000000000000c1&pre_auth_code=preauthcode%40%40%40a%2Bb%2Fc&redirect_uri=https%3A%2F%2Fplatform.example.com%2Fauth%2Fback%3Fx%3D1&auth_type=3&biz_appid=wx00000000000000a1#wechat_redirect',
    );
  });

  it('refuses bad input with WxConfigError', () => {
    expect(() => componentLoginPageUrl({ ...base, authType: 4 as 1 })).toThrow(WxConfigError);
    expect(() => componentLoginPageUrl({ ...base, redirectUri: '/relative' })).toThrow(/absolute http/);
    expect(() => bindComponentUrl({ ...base, preAuthCode: '' })).toThrow(/preAuthCode/);
  });
});

describe('OAuth authorize URL', () => {
  it('plain official account and on behalf of a component', () => {
    expect(oauthAuthorizeUrl({ appid: 'wx00000000000000a1', redirectUri: 'https://a.example.com/cb', state: 'abc' })).toBe(
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx00000000000000a1&redirect_uri=https%3A%2F%2Fa.example.com%2Fcb&response_type=code&scope=snsapi_base&state=abc#wechat_redirect',
    );
    expect(
      oauthAuthorizeUrl({
        appid: 'wx00000000000000a1',
        redirectUri: 'https://a.example.com/cb',
        scope: 'snsapi_userinfo',
        componentAppid: 'wx00000000000000c1',
      }),
    ).toMatch(/&scope=snsapi_userinfo&state=&component_appid=wx00000000000000c1#wechat_redirect$/);
  });

  it('refuses a state WeChat would not echo', () => {
    expect(() => oauthAuthorizeUrl({ appid: 'wx00000000000000a1', redirectUri: 'https://a.example.com/cb', state: 'a b' })).toThrow(WxConfigError);
    expect(() => oauthAuthorizeUrl({ appid: 'wx00000000000000a1', redirectUri: 'https://a.example.com/cb', scope: 'snsapi_login' as 'snsapi_base' })).toThrow(
      /scope/,
    );
  });
});

describe('createComponent configuration', () => {
  it('names what is missing', () => {
    expect(() => createComponent({ componentAppid: 'bad appid', storage: memoryStorage() })).toThrow(/componentAppid/);
    expect(() => createComponent({ componentAppid: C.componentAppid, storage: memoryStorage() })).toThrow(/componentAppsecret/);
    expect(() => createComponent({ componentAppid: C.componentAppid, componentAppsecret: 's' })).toThrow(/needs a storage/);
    expect(() =>
      createComponent({ componentAppid: C.componentAppid, componentAppsecret: 's', storage: memoryStorage(), token: 't', encodingAESKey: 'short' }),
    ).toThrow(WxCryptoError);
    const noKeys = createComponent({ componentAppid: C.componentAppid, componentAppsecret: 's', storage: memoryStorage() });
    expect(() => noKeys.eventHandler()).toThrow(/token and encodingAESKey/);
  });

  it('an authorizer client is refused by Component endpoints at run time', async () => {
    const component = createComponent({ componentAppid: C.componentAppid, componentAppsecret: 's', storage: memoryStorage() });
    await expect(Component.createPreAuthCode(component.authorizer('wx00000000000000a1'), { component_appid: C.componentAppid })).rejects.toThrow(
      /Component.createPreAuthCode is for component apps/,
    );
  });

  it('reports errors without a listener on console.error, one line, no secrets', async () => {
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const component = createComponent({ ...C, storage: memoryStorage(), baseUrl: 'http://127.0.0.1:9' });
      const handler = component.authRedirectHandler();
      const response = await handler(new Request('http://platform.example.com/back?auth_code=queryauthcode@@@x'));
      expect(response.status).toBe(502);
      expect(spy).toHaveBeenCalledTimes(1);
      const line = String(spy.mock.calls[0]![0]);
      expect(line).toMatch(/^\[wxkit component wx00000000000000c1\] redirect error: WxConfigError: no component_verify_ticket/);
      expect(line).not.toContain(C.componentAppsecret);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('one event URL for several components', () => {
  let sim: Simulator;
  const OTHER = {
    componentAppid: 'wx00000000000000c2',
    componentAppsecret: 'other',
    token: 'otherToken',
    encodingAESKey: 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut',
  };
  beforeAll(async () => {
    sim = await startSimulator({ components: [C, OTHER] });
  });
  afterAll(() => sim.close());

  it('routes each push by its AppId and refuses unknown components', async () => {
    const a = createComponent({ ...C, storage: memoryStorage(), baseUrl: sim.url });
    const b = createComponent({ ...OTHER, storage: memoryStorage(), baseUrl: sim.url });
    const handler = componentEventsHandler([a, b]);
    const { createServer } = await import('node:http');
    const { toNodeHandler } = await import('../../src/component/index.js');
    const server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
    try {
      const ta = await sim.pushVerifyTicket(C.componentAppid, url);
      const tb = await sim.pushVerifyTicket(OTHER.componentAppid, url);
      expect([ta.status, tb.status]).toEqual([200, 200]);
      expect((await a.getVerifyTicket())?.ticket).toBe(ta.ticket);
      expect((await b.getVerifyTicket())?.ticket).toBe(tb.ticket);
      const crypto = createCrypto({ token: 't', encodingAESKey: C.encodingAESKey, receiveId: 'wx00000000000000c9' });
      const res = await fetch(url, { method: 'POST', body: `<xml><AppId>wx00000000000000c9</AppId><Encrypt>${crypto.encrypt('<xml/>')}</Encrypt></xml>` });
      expect(res.status).toBe(403);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('handlers against the simulator', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(() => sim.close());

  it('answers 500 when the store fails, so WeChat pushes the ticket again', async () => {
    const { WxStorageError } = await import('../../src/index.js');
    const inner = memoryStorage();
    let down = true;
    const flaky = {
      ...inner,
      name: 'flaky storage',
      async set(key: string, value: string, ttl?: number) {
        if (down) throw new WxStorageError('connection refused', 'flaky storage');
        return inner.set(key, value, ttl);
      },
    };
    const component = createComponent({ ...C, storage: flaky, baseUrl: sim.url });
    const stages: string[] = [];
    component.on('error', (e) => void stages.push(`${e.stage}: ${(e.error as Error).message}`));
    const { createServer } = await import('node:http');
    const { toNodeHandler } = await import('../../src/component/index.js');
    const server = createServer(toNodeHandler(component.eventHandler()));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/events`;
    try {
      expect((await sim.pushVerifyTicket(C.componentAppid, url)).status).toBe(500);
      expect(stages).toEqual(['event: flaky storage: connection refused']);
      down = false;
      const again = await sim.pushVerifyTicket(C.componentAppid, url);
      expect(again.status).toBe(200);
      expect((await component.getVerifyTicket())?.ticket).toBe(again.ticket);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('plain official-account OAuth: URL, code exchange, user info', async () => {
    const app = DEMO_APPS[0]!;
    const client = createClient({ appType: 'official_account', appid: app.appid, appsecret: app.secret, baseUrl: sim.url, validation: 'strict' });
    const { code, openid } = sim.oauthAuthorize(
      oauthAuthorizeUrl({ appid: app.appid, redirectUri: 'https://example.com/cb', scope: 'snsapi_userinfo', state: 's1' }),
    );
    const token = await OAuth.getAccessToken(client, { code });
    expect(token).toMatchObject({ openid, scope: 'snsapi_userinfo' });
    expect(await OAuth.getUserInfo(client, { access_token: token.access_token, openid })).toMatchObject({ openid, nickname: '微信用户' });
    expect(await OAuth.checkAccessToken(client, { access_token: token.access_token, openid })).toMatchObject({});
    const refreshed = await OAuth.refreshAccessToken(client, { appid: app.appid, refresh_token: token.refresh_token });
    expect(refreshed.access_token).not.toBe(token.access_token);
    await expect(OAuth.getAccessToken(client, { code })).rejects.toMatchObject({ errcode: 40163 });
  });

  it('the auth page links to the PC page, or to the mobile link inside WeChat', async () => {
    const component = createComponent({ ...C, storage: memoryStorage(), baseUrl: sim.url });
    await deliverTicket(sim, component);
    const page = component.authPageHandler({ redirectUri: 'https://platform.example.com/back', authType: 1 });
    const pc = await (await page(new Request('https://platform.example.com/auth'))).text();
    expect(pc).toMatch(
      /href="https:\/\/mp\.weixin\.qq\.com\/cgi-bin\/componentloginpage\?component_appid=wx00000000000000c1&amp;pre_auth_code=preauthcode%40%40%40/,
    );
    const mobile = await page(new Request('https://platform.example.com/auth', { headers: { 'user-agent': 'Mozilla/5.0 MicroMessenger/8.0.40' } }));
    expect(await mobile.text()).toContain('https://open.weixin.qq.com/wxaopen/safe/bindcomponent?action=bindcomponent&amp;no_scan=1&amp;');
  });
});
