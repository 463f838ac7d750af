// End to end against the simulator playing WeChat's third-party platform side, on real node:http
// servers: no ticket → ticket → authorization → authorizer calls → restart → 全网发布 → OAuth →
// unauthorized; then the refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomService, Material } from '../../generated/official-account/index.js';
import * as MiniProgram from '../../generated/mini-program/index.js';
import { Component, createComponent, type AuthorizationEvent, type ComponentEventName, type WxComponent } from '../../src/component/index.js';
import { fileStorage, memoryStorage, WxApiError, WxConfigError } from '../../src/index.js';
import { DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { deliverTicket, serveComponent, tempDir, type Served } from './helpers.js';

const C = DEMO_COMPONENTS[0]!;
const OA = 'wx00000000000000a1';
const MP = 'wx00000000000000b2';
// A second platform that happens to share token and key with the first: only the appid inside
// the ciphertext (receiveId) tells their pushes apart.
const OTHER = { ...C, componentAppid: 'wx00000000000000c2', componentAppsecret: 'other-secret' };

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ components: [C, OTHER] });
});
afterAll(() => sim.close());

function make(storage = memoryStorage()): WxComponent {
  return createComponent({
    componentAppid: C.componentAppid,
    componentAppsecret: C.componentAppsecret,
    token: C.token,
    encodingAESKey: C.encodingAESKey,
    storage,
    baseUrl: sim.url,
    retry: { retries: 0 },
    validation: 'strict',
  });
}

function record(component: WxComponent): { seen: string[]; authorized: AuthorizationEvent[] } {
  const seen: string[] = [];
  const authorized: AuthorizationEvent[] = [];
  const names: ComponentEventName[] = [
    'component_verify_ticket',
    'authorized',
    'updateauthorized',
    'unauthorized',
    'component_access_token',
    'authorizer_access_token',
    'authorizer_ticket',
  ];
  for (const name of names) component.on(name, () => void seen.push(name));
  component.on('authorized', (e) => void authorized.push(e));
  component.on('error', (e) => void seen.push(`error:${e.stage}:${(e.error as Error).message}`));
  return { seen, authorized };
}

describe('a component from first ticket to unauthorized', () => {
  const tmp = tempDir();
  let served: Served;
  let component: WxComponent;
  let log: ReturnType<typeof record>;

  beforeAll(async () => {
    sim.reset();
    component = make(fileStorage({ dir: tmp.dir }));
    log = record(component);
    served = await serveComponent(component);
  });
  afterAll(async () => {
    await served.close();
    tmp.remove();
  });

  it('starts with no ticket: a clear error, and nothing sent to WeChat', async () => {
    const error = await component.getComponentAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxConfigError);
    expect((error as Error).message).toMatch(/no component_verify_ticket has arrived yet for component wx00000000000000c1/);
    await expect(Component.createPreAuthCode(component.client, { component_appid: C.componentAppid })).rejects.toBeInstanceOf(WxConfigError);
    expect(sim.counters().calls['/cgi-bin/component/api_component_token']).toBeUndefined();
  });

  it('stores the ticket the moment it is pushed, and fetches the component token with it once', async () => {
    const push = await sim.pushVerifyTicket(C.componentAppid, served.eventUrl);
    expect(push).toMatchObject({ status: 200, body: 'success' });
    expect(await component.getVerifyTicket()).toMatchObject({ ticket: push.ticket });
    const tokens = await Promise.all(Array.from({ length: 20 }, () => component.getComponentAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(sim.counters().componentTokenRequests[C.componentAppid]).toBe(1);
    expect(log.seen).toContain('component_verify_ticket');
    expect(log.seen).toContain('component_access_token');
  });

  it('authorizes an official account: the event and the redirect exchange the code once', async () => {
    const authUrl = await component.authUrl({ redirectUri: served.redirectUri });
    expect(authUrl).toMatch(/^https:\/\/mp\.weixin\.qq\.com\/cgi-bin\/componentloginpage\?component_appid=wx00000000000000c1&pre_auth_code=/);
    const result = await sim.authorize(C.componentAppid, OA, { authUrl });
    expect(result.push).toMatchObject({ status: 200 });
    expect(result.redirect).toMatchObject({ status: 200, body: expect.stringContaining('Authorized') });
    expect(sim.counters().calls['/cgi-bin/component/api_query_auth']).toBe(1);
    expect(log.authorized).toHaveLength(1);
    expect(log.authorized[0]).toMatchObject({ authorizerAppid: OA, source: 'event', authorizer: { appType: 'official_account', funcInfo: [1, 2, 3, 11, 15] } });
    expect((await component.listAuthorizers()).map((a) => a.authorizerAppid)).toEqual([OA]);
    // A pre_auth_code is good for one authorization.
    await expect(sim.authorize(C.componentAppid, OA, { authUrl })).rejects.toThrow(/unknown pre_auth_code/);
  });

  it('calls official-account endpoints as the authorizer, refreshing with the stored refresh_token', async () => {
    const oa = component.authorizer(OA);
    const list = await Material.batchGetMaterial(oa, { type: 'image', offset: 0, count: 20 });
    expect(list.item_count).toBeTypeOf('number');
    await CustomService.sendMessage(oa, { touser: 'oUser0001', msgtype: 'text', text: { content: 'hello from the platform' } });
    expect(sim.customMessages(OA)).toMatchObject([{ touser: 'oUser0001', content: 'hello from the platform' }]);
    // The token came with the authorization; no refresh yet.
    expect(sim.counters().calls['/cgi-bin/component/api_authorizer_token']).toBeUndefined();

    sim.invalidateToken(OA); // WeChat now answers 40001 for it
    const replay = await Promise.all(Array.from({ length: 10 }, () => Material.getMaterialCount(oa).withResponse()));
    expect(replay.every((r) => r.response.attempts <= 2)).toBe(true);
    expect(sim.counters().calls['/cgi-bin/component/api_authorizer_token']).toBe(1);
    expect(log.seen).toContain('authorizer_access_token');

    const config = await component.jsapiConfig(OA, { url: 'https://shop.example.com/page?x=1', jsApiList: ['chooseImage'] });
    expect(config.appId).toBe(OA);
    expect(log.seen).toContain('authorizer_ticket');
  });

  it('picks up at once after a restart: same store, no new ticket push', async () => {
    const restarted = make(fileStorage({ dir: tmp.dir }));
    await restarted.storage.delete(`wxkit:${C.componentAppid}:component_access_token`); // force a token fetch
    const { preAuthCode } = await restarted.createPreAuthCode();
    expect(preAuthCode).toMatch(/^preauthcode@@@/);
    expect(sim.counters().componentTokenRequests[C.componentAppid]).toBe(2);
    expect(await Material.getMaterialCount(restarted.authorizer(OA))).toMatchObject({ image_count: expect.any(Number) });
  });

  it('passes the 全网发布 script, answering before the user handler', async () => {
    const result = await sim.runReleaseTest(C.componentAppid, served.messageUrl);
    expect(result.steps).toEqual([
      { name: 'event', passed: true, detail: 'replied LOCATIONfrom_callback' },
      { name: 'text', passed: true, detail: 'replied TESTCOMPONENT_MSG_TYPE_TEXT_callback' },
      expect.objectContaining({ name: 'api', passed: true }),
    ]);
    expect(result.passed).toBe(true);
    // The test account is answered, not stored.
    expect((await component.listAuthorizers()).map((a) => a.authorizerAppid)).toEqual([OA]);
  });

  it('runs web OAuth for the authorizer through the component', async () => {
    const first = await fetch(served.oauthUrl(OA), { redirect: 'manual' });
    expect(first.status).toBe(302);
    const authorize = first.headers.get('location')!;
    expect(authorize).toMatch(
      /^https:\/\/open\.weixin\.qq\.com\/connect\/oauth2\/authorize\?appid=wx00000000000000a1&redirect_uri=.+&response_type=code&scope=snsapi_userinfo&state=wxkit&component_appid=wx00000000000000c1#wechat_redirect$/,
    );
    const { location, openid } = sim.oauthAuthorize(authorize);
    const back = await fetch(location);
    expect(await back.json()).toEqual({ openid, nickname: '微信用户', authorizerAppid: OA });
    // The code is single-use, and refresh works with the user's refresh_token.
    const code = new URL(location).searchParams.get('code')!;
    await expect(component.oauthExchange(OA, code)).rejects.toMatchObject({ errcode: 40163 });
  });

  it('removes the authorizer on unauthorized: its calls then fail with a clear error', async () => {
    const push = await sim.unauthorize(C.componentAppid, OA);
    expect(push).toMatchObject({ status: 200 });
    expect(log.seen).toContain('unauthorized');
    expect(await component.getAuthorizer(OA)).toBeUndefined();
    expect(await component.listAuthorizers()).toEqual([]);
    expect(await component.storage.get(`wxkit:${C.componentAppid}:authorizer:${OA}:refresh_token`)).toBeUndefined();
    const error = await Material.getMaterialCount(component.authorizer(OA)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxConfigError);
    expect((error as Error).message).toMatch(/authorizer wx00000000000000a1 has not authorized component wx00000000000000c1/);
    expect(log.seen.filter((s) => s.startsWith('error:'))).toEqual([]);
  });
});

describe('mini program authorizers', () => {
  it('learns the type from the authorization and types the client', async () => {
    sim.reset();
    const component = make();
    const served = await serveComponent(component);
    try {
      await sim.pushVerifyTicket(C.componentAppid, served.eventUrl);
      const result = await sim.authorize(C.componentAppid, MP, { appType: 'mini_program' });
      expect(result.push?.status).toBe(200);
      expect(await component.getAuthorizer(MP)).toMatchObject({ appType: 'mini_program', userName: expect.stringMatching(/^gh_/) });
      const mp = component.authorizer(MP);
      expect(mp.appType).toBe('mini_program');
      const img = await MiniProgram.WxaCode.getUnlimitedQrCode(mp, { scene: 'a=1' });
      expect(img.contentType).toBe('image/png');
      // Known to be a mini program: an official-account endpoint is refused locally.
      await expect(Material.getMaterialCount(mp)).rejects.toThrow(/is for official_account apps; this client is mini_program/);
    } finally {
      await served.close();
    }
  });

  it('an authorizer of unknown type may call either kind; WeChat refuses the wrong one', async () => {
    sim.reset();
    const receiver = make();
    const served = await serveComponent(receiver);
    try {
      await sim.pushVerifyTicket(C.componentAppid, served.eventUrl);
      await sim.authorize(C.componentAppid, MP, { appType: 'mini_program' });
    } finally {
      await served.close();
    }
    // Another node whose store lost the authorizer: recovered from WeChat's authorizer list.
    const other = make();
    await other.saveVerifyTicket((await receiver.getVerifyTicket())!.ticket);
    const mp = other.authorizer(MP);
    const img = await MiniProgram.WxaCode.getUnlimitedQrCode(mp, { scene: 'b=2' });
    expect(img.data.length).toBeGreaterThan(100);
    expect(sim.counters().calls['/cgi-bin/component/api_get_authorizer_list']).toBe(1);
    expect(await other.storage.get(`wxkit:${C.componentAppid}:authorizer:${MP}:refresh_token`)).toMatch(/^refreshtoken@@@/);
    await expect(Material.getMaterialCount(mp)).rejects.toMatchObject({ errcode: 48001 });
  });
});

describe('refusals', () => {
  it('a push with a wrong signature is refused and stores nothing', async () => {
    sim.reset();
    const component = make();
    const served = await serveComponent(component);
    try {
      const push = await sim.pushVerifyTicket(C.componentAppid, served.eventUrl, { tamper: 'signature' });
      expect(push).toMatchObject({ status: 401, body: 'invalid signature' });
      expect(await component.getVerifyTicket()).toBeUndefined();
    } finally {
      await served.close();
    }
  });

  it("another component's ticket is refused (receiveId) and stores nothing", async () => {
    sim.reset();
    const component = make();
    const served = await serveComponent(component);
    try {
      const push = await sim.pushVerifyTicket(OTHER.componentAppid, served.eventUrl);
      expect(push).toMatchObject({ status: 403, body: 'message addressed to another app' });
      expect(await component.getVerifyTicket()).toBeUndefined();
      expect(await component.storage.get(`wxkit:${OTHER.componentAppid}:component_verify_ticket`)).toBeUndefined();
    } finally {
      await served.close();
    }
  });

  it('an unknown authorizer fails with a typed error naming it', async () => {
    sim.reset();
    const component = make();
    await deliverTicket(sim, component);
    const error = await Material.getMaterialCount(component.authorizer('wx0000000000000999')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxConfigError);
    expect((error as Error).message).toMatch(/authorizer wx0000000000000999 has not authorized component wx00000000000000c1/);
    expect(() => component.authorizer('not an appid!')).toThrow(WxConfigError);
  });

  it('a wrong appsecret is WeChat error 40125 on the component token', async () => {
    sim.reset();
    const component = createComponent({
      componentAppid: C.componentAppid,
      componentAppsecret: 'wrong',
      storage: memoryStorage(),
      baseUrl: sim.url,
      retry: { retries: 0 },
    });
    await component.saveVerifyTicket('ticket@@@whatever');
    const error = await component.getComponentAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect(error).toMatchObject({ errcode: 40125 });
  });
});
