// The hub in-process: auth, routes, answers, compare-and-swap refresh, tickets, the component
// registry, and hubStorage's behaviour when the hub is down and back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import {
  createClient,
  createHub,
  hubClientOptions,
  hubStorage,
  jsapiConfig,
  memoryStorage,
  TokenManager,
  WxConfigError,
  WxStorageError,
  type Hub,
  type HubServer,
} from '../../src/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { freePort } from '../fixtures/tokens/helpers.js';

const OA = 'wx0000000000000001';
const MP = 'wx0000000000000002';
const SECRET = 'hub-test-secret-0123456789abcdef';
const APPS = [
  { appid: OA, appType: 'official_account' as const, appsecret: 'demo-official-account-secret' },
  { appid: MP, appType: 'mini_program' as const, appsecret: 'demo-mini-program-secret' },
];
const quiet = { warn: () => undefined };

describe('hub routes', () => {
  let sim: Simulator;
  let hub: Hub;
  let server: HubServer;
  /** `null`: no Authorization header at all. */
  const get = (path: string, secret: string | null = SECRET) =>
    fetch(`${server.url}${path}`, { headers: secret === null ? {} : { authorization: `Bearer ${secret}` } });
  const post = (path: string, body: unknown, secret = SECRET) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  // Moved forward where a test needs the hub's forced-refresh interval to have passed.
  let skewMs = 0;

  beforeAll(async () => {
    sim = await startSimulator();
    hub = createHub({ secret: SECRET, apps: APPS, baseUrl: sim.url, logger: quiet, now: () => Date.now() + skewMs });
    await hub.ready();
    server = await hub.listen();
  });
  afterAll(async () => {
    await hub?.close();
    await sim?.close();
  });

  it('listens on loopback and answers health without a secret, revealing nothing', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await get('/health', null);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('refuses a body over 64 KiB with 413 before reading it all, and refreshes nothing', async () => {
    const res = await post('/refresh/access_token', { appid: OA, access_token: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(sim.counters().tokenRequests[OA]).toBe(1);
  });

  it('warmed both apps at startup: one token request each', () => {
    expect(sim.counters().tokenRequests).toEqual({ [OA]: 1, [MP]: 1 });
  });

  it('401 without the secret or with a wrong one, on every route', async () => {
    for (const path of [
      '/client/access_token?appid=' + OA,
      '/client/ticket?appid=' + OA + '&type=jsapi',
      '/client/component_access_token?appid=' + OA,
      '/nope',
    ]) {
      for (const secret of [null, '', 'wrong', SECRET.slice(0, -1), `${SECRET}x`]) {
        const res = await get(path, secret);
        expect(res.status, `${path} with ${secret}`).toBe(401);
        const body = (await res.json()) as { error: string; message: string };
        expect(body.error).toBe('unauthorized');
        expect(JSON.stringify(body)).not.toContain(SECRET);
      }
    }
    const res = await post('/refresh/access_token', { appid: OA, access_token: 'x' }, 'wrong');
    expect(res.status).toBe(401);
    expect(sim.counters().tokenRequests[OA]).toBe(1);
  });

  it('serves access_token with expires_in and timestamp', async () => {
    const res = await get(`/client/access_token?appid=${OA}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number; timestamp: number };
    expect(body.access_token).toMatch(/^SIM_/);
    expect(body.expires_in).toBeGreaterThan(7000);
    expect(body.expires_in).toBeLessThanOrEqual(7200);
    expect(Math.abs(body.timestamp - Date.now() / 1000)).toBeLessThan(5);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('404 with a clear message for an unknown appid, an unknown authorizer, an unregistered component', async () => {
    let res = await get('/client/access_token?appid=wx9999999999999999');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toBe('app wx9999999999999999 is not served by this hub');
    res = await get(`/client/access_token?appid=wxcomponent00001&authorizer_appid=wxauthorizer0001`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { message: string }).message).toMatch(/component wxcomponent00001 is not served/);
    res = await get('/client/component_access_token?appid=wxcomponent00001');
    expect(res.status).toBe(404);
    res = await post('/refresh/access_token', { appid: 'wx9999999999999999', access_token: 'x' });
    expect(res.status).toBe(404);
  });

  it('400 for missing parameters, 405 for the wrong method', async () => {
    expect((await get('/client/access_token')).status).toBe(400);
    expect((await get(`/client/ticket?appid=${OA}&type=nope`)).status).toBe(400);
    expect((await post('/refresh/access_token', { appid: OA })).status).toBe(400);
    expect((await get('/refresh/access_token')).status).toBe(405);
  });

  it('serves jsapi and wx_card tickets; mini programs have none', async () => {
    const res = await get(`/client/ticket?appid=${OA}&type=jsapi`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ ticket: expect.stringMatching(/^SIM_jsapi_/), type: 'jsapi', expires_in: expect.any(Number), timestamp: expect.any(Number) });
    await get(`/client/ticket?appid=${OA}&type=jsapi`);
    expect(sim.counters().ticketRequests[OA]).toBe(1);
    expect(hub.refresher.has(`jsapi ticket app ${OA}`)).toBe(true); // kept fresh from now on
    const mp = await get(`/client/ticket?appid=${MP}&type=jsapi`);
    expect(mp.status).toBe(404);
  });

  it('refreshes by compare-and-swap: a burst reporting the same stale token → one WeChat request', async () => {
    const before = sim.counters().tokenRequests[OA]!;
    const stale = ((await (await get(`/client/access_token?appid=${OA}`)).json()) as { access_token: string }).access_token;
    sim.invalidateToken(OA);
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/refresh/access_token', { appid: OA, access_token: stale })));
    const tokens = await Promise.all(answers.map(async (r) => ((await r.json()) as { access_token: string }).access_token));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(stale);
    expect(sim.counters().tokenRequests[OA]).toBe(before + 1);
    // Reported again later (a slow client): the hub answers the current token, no refresh.
    const late = await post('/refresh/access_token', { appid: OA, access_token: stale });
    expect(((await late.json()) as { access_token: string }).access_token).toBe(tokens[0]);
    // Form-encoded bodies work too (elixir_wechat clients).
    const form = await fetch(`${server.url}/refresh/access_token`, {
      method: 'POST',
      headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ appid: OA, access_token: stale }),
    });
    expect(((await form.json()) as { access_token: string }).access_token).toBe(tokens[0]);
    expect(sim.counters().tokenRequests[OA]).toBe(before + 1);
  });

  it('hub clients: 200 concurrent cold calls → no token request of their own; 40001 → one hub refresh', async () => {
    const before = sim.counters().tokenRequests[OA]!;
    const hubClient = hubStorage({ url: server.url, secret: SECRET });
    const client = createClient({ appType: 'official_account', appid: OA, baseUrl: sim.url, ...hubClientOptions(hubClient, OA) });
    await Promise.all(Array.from({ length: 200 }, () => Material.getMaterialCount(client)));
    expect(sim.counters().tokenRequests[OA]).toBe(before);
    skewMs += 5_000; // the previous test's forced refresh is now older than the hub's limit
    sim.invalidateToken(OA);
    await Promise.all(Array.from({ length: 200 }, () => Material.getMaterialCount(client)));
    expect(sim.counters().tokenRequests[OA]).toBe(before + 1);
    // Tickets through the hub, for JS-SDK pages.
    const config = await jsapiConfig(client, { url: 'https://example.com/', jsApiList: [] });
    expect(config.appId).toBe(OA);
    expect(sim.counters().ticketRequests[OA]).toBe(1);
  });

  it('reports WeChat failures as 502 with the errcode, without secrets', async () => {
    const broken = createHub({
      secret: SECRET,
      apps: [{ appid: OA, appType: 'official_account', appsecret: 'wrong-secret' }],
      baseUrl: sim.url,
      refresh: false,
      storage: memoryStorage(),
    });
    const res = await broken.handler(new Request(`http://hub/client/access_token?appid=${OA}`, { headers: { authorization: `Bearer ${SECRET}` } }));
    expect(res.status).toBe(502);
    const body = (await res.json()) as { error: string; errcode: number; message: string };
    expect(body).toMatchObject({ error: 'wechat_error', errcode: 40125 });
    expect(body.message).not.toContain('wrong-secret');
  });
});

describe('hub registry (component plug-in point)', () => {
  it('routes component and authorizer tokens to what is registered', async () => {
    const storage = memoryStorage();
    let n = 0;
    const manager = (key: string) => new TokenManager({ key, storage, fetch: async () => ({ value: `${key}#${++n}`, expiresIn: 7200 }) });
    const hub = createHub({
      secret: SECRET,
      storage,
      refresh: false,
      components: [{ appid: 'wxcomponent00001', appsecret: 'component-secret' }],
      componentPlugin(component, registrar) {
        registrar.registerComponent({ appid: component.appid, componentAccessToken: manager(`c:${component.appid}`) });
        registrar.registerApp({ appid: component.appid, authorizerAppid: 'wxauthorizer0001', accessToken: manager('a:1') });
      },
    });
    await hub.ready();
    const call = (path: string, init: RequestInit = {}) =>
      hub.handler(new Request(`http://hub${path}`, { ...init, headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' } }));
    const component = (await (await call('/client/component_access_token?appid=wxcomponent00001')).json()) as { access_token: string; expires_in: number };
    expect(component.access_token).toBe('c:wxcomponent00001#1');
    expect(component.expires_in).toBeGreaterThan(7000);
    const authorizer = (await (await call('/client/access_token?appid=wxcomponent00001&authorizer_appid=wxauthorizer0001')).json()) as { access_token: string };
    expect(authorizer.access_token).toBe('a:1#2');
    const refreshed = await call('/refresh/component_access_token', {
      method: 'POST',
      body: JSON.stringify({ appid: 'wxcomponent00001', access_token: 'c:wxcomponent00001#1' }),
    });
    expect(((await refreshed.json()) as { access_token: string }).access_token).toBe('c:wxcomponent00001#3');
    expect((await call('/client/access_token?appid=wxcomponent00001&authorizer_appid=wxauthorizer0002')).status).toBe(404);
    // The component's hub client side.
    const server = await hub.listen();
    try {
      const hc = hubStorage({ url: server.url, secret: SECRET });
      expect(await hc.componentAccessToken('wxcomponent00001').get()).toBe('c:wxcomponent00001#3');
      expect(await hc.accessToken('wxcomponent00001', 'wxauthorizer0001').get()).toBe('a:1#2');
    } finally {
      await hub.close();
    }
  });

  it('refuses component apps without the component plug-in', () => {
    expect(() => createHub({ secret: SECRET, components: [{ appid: 'wxcomponent00001', appsecret: 's' }] })).toThrow(/third-party platform module/);
  });

  it('refuses a short secret', () => {
    expect(() => createHub({ secret: 'short', apps: APPS })).toThrow(WxConfigError);
  });
});

describe('hubStorage when the hub is down', () => {
  it('fails with a typed error after bounded retries, and recovers once the hub is back', async () => {
    const sim = await startSimulator();
    const port = await freePort();
    const hc = hubStorage({ url: `http://127.0.0.1:${port}`, secret: SECRET, retries: 2, retryDelayMs: 20 });
    const client = createClient({ appType: 'official_account', appid: OA, baseUrl: sim.url, ...hubClientOptions(hc, OA) });
    let hub: Hub | undefined;
    try {
      const error = await Material.getMaterialCount(client).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WxStorageError);
      expect((error as Error).message).toContain(`hub (http://127.0.0.1:${port})`);
      expect((error as Error).message).toMatch(/cannot reach the hub after 3 attempts/);
      expect((error as Error).message).not.toContain(SECRET);
      expect(sim.counters().tokenRequests[OA]).toBeUndefined(); // the client never went to WeChat itself

      hub = createHub({ secret: SECRET, apps: APPS, baseUrl: sim.url, logger: quiet });
      await hub.listen({ port });
      await Promise.all(Array.from({ length: 50 }, () => Material.getMaterialCount(client)));
      expect(sim.counters().tokenRequests[OA]).toBe(1);
    } finally {
      await hub?.close();
      await sim.close();
    }
  });

  it('names a wrong secret (401) without retrying', async () => {
    const hub = createHub({ secret: SECRET, apps: APPS, refresh: false, baseUrl: 'http://127.0.0.1:9' });
    const server = await hub.listen();
    try {
      const hc = hubStorage({ url: server.url, secret: 'not-the-secret', retries: 5, retryDelayMs: 1000 });
      const error = await hc
        .accessToken(OA)
        .get()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WxStorageError);
      expect((error as Error).message).toMatch(/HTTP 401 \(check the hub secret\)/);
      const unknown = await hubStorage({ url: server.url, secret: SECRET })
        .accessToken('wx9999999999999999')
        .get()
        .catch((e: unknown) => e);
      expect((unknown as Error).message).toMatch(/HTTP 404.*app wx9999999999999999 is not served by this hub/);
    } finally {
      await hub.close();
    }
  });
});
