// The service provider's token (createProvider): one get_provider_token however many cold callers,
// exactly one more after 40082 or an expired token, its own key per provider, the wire exactly as
// WeCom documents it (POST body corpid + provider_secret, then ?provider_access_token=), and no
// secret in errors.
import { http, HttpResponse, passthrough } from 'msw';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { WxApiError, WxConfigError } from '../../src/core/errors.js';
import { memoryStorage } from '../../src/storage/memory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createProvider } from '../../src/work/index.js';
import { server } from '../helpers.js';
import { recordingStorage } from './helpers.js';

const PROVIDER = { corpid: 'wwprovidertest0001', providerSecret: 'provider-secret-never-shown' };
const OTHER = { corpid: 'wwprovidertest0002', providerSecret: 'other-provider-secret' };
const QY = 'https://qyapi.weixin.qq.com';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ work: { apps: [], suites: [], providers: [PROVIDER, OTHER] } });
  server.listen({ onUnhandledRequest: 'error' });
});
// The simulator (loopback) passes through msw; anything else unhandled fails the test.
const simulatorPassthrough = () => http.all(`${sim.url}/*`, () => passthrough());
beforeEach(() => server.use(simulatorPassthrough()));
afterEach(() => server.resetHandlers());
afterAll(async () => {
  server.close();
  await sim.close();
});
beforeEach(() => sim.reset());

const loginInfo = (p: ReturnType<typeof createProvider>) =>
  p.client.request<{ usertype: number }>({ method: 'POST', path: '/cgi-bin/service/get_login_info', body: { auth_code: 'x' } });

describe('provider token against the simulator', () => {
  it('200 concurrent cold callers make one get_provider_token; a revoked (40082) or expired token exactly one more', async () => {
    const provider = createProvider({ ...PROVIDER, baseUrl: sim.url });
    const tokens = await Promise.all(Array.from({ length: 200 }, () => provider.getProviderAccessToken()));
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).toMatch(/^SIMPROVIDER_/);
    expect(sim.work.counters().providerTokenRequests).toEqual({ [PROVIDER.corpid]: 1 });

    sim.work.invalidateProviderToken(PROVIDER.corpid);
    // get_login_info is not catalogued in the simulator yet: a 404-ish answer after the token check is
    // fine here; what matters is that the refused token is replaced once, not per caller.
    await Promise.all(Array.from({ length: 50 }, () => loginInfo(provider).catch(() => undefined)));
    expect(sim.work.counters().providerTokenRequests).toEqual({ [PROVIDER.corpid]: 2 });
    const now = await provider.getProviderAccessToken();
    expect(now).not.toBe(tokens[0]);

    sim.work.invalidateProviderToken(PROVIDER.corpid, 'expire');
    await Promise.all(Array.from({ length: 50 }, () => loginInfo(provider).catch(() => undefined)));
    expect(sim.work.counters().providerTokenRequests).toEqual({ [PROVIDER.corpid]: 3 });
  });

  it('two providers on one store keep their own tokens; a second process reuses the stored one', async () => {
    const { storage, writes } = recordingStorage();
    const a = createProvider({ ...PROVIDER, baseUrl: sim.url, storage });
    const b = createProvider({ ...OTHER, baseUrl: sim.url, storage });
    const [ta, tb] = await Promise.all([a.getProviderAccessToken(), b.getProviderAccessToken()]);
    expect(ta).not.toBe(tb);
    expect(writes.map((w) => w.key).sort()).toEqual([
      `wxkit:provider:${PROVIDER.corpid}:provider_access_token`,
      `wxkit:provider:${OTHER.corpid}:provider_access_token`,
    ]);
    expect(writes.some((w) => w.key.includes(PROVIDER.providerSecret) || w.value.includes(PROVIDER.providerSecret))).toBe(false);
    const again = createProvider({ ...PROVIDER, baseUrl: sim.url, storage });
    expect(await again.getProviderAccessToken()).toBe(ta);
    expect(sim.work.counters().providerTokenRequests).toEqual({ [PROVIDER.corpid]: 1, [OTHER.corpid]: 1 });
  });

  it('a wrong secret is a WxApiError that never shows the secret', async () => {
    const provider = createProvider({ corpid: PROVIDER.corpid, providerSecret: 'wrong-provider-secret-1', baseUrl: sim.url, retry: { retries: 0 } });
    const error = await provider.getProviderAccessToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect(inspect(error, { depth: null }) + JSON.stringify(error)).not.toContain('wrong-provider-secret-1');
  });

  it('refuses bad options', () => {
    expect(() => createProvider({ corpid: 'no', providerSecret: 's' })).toThrow(WxConfigError);
    expect(() => createProvider({ corpid: PROVIDER.corpid, providerSecret: '' })).toThrow(WxConfigError);
  });
});

describe('provider token on the wire (msw)', () => {
  it('POSTs corpid + provider_secret once, sends ?provider_access_token=, and replays once after 40082', async () => {
    const tokenBodies: unknown[] = [];
    const seen: Array<string | null> = [];
    let issued = 0;
    let valid = 'PT1';
    server.use(
      http.post(`${QY}/cgi-bin/service/get_provider_token`, async ({ request }) => {
        tokenBodies.push(await request.json());
        expect(new URL(request.url).search).toBe('');
        issued++;
        return HttpResponse.json({ provider_access_token: `PT${issued}`, expires_in: 7200 });
      }),
      http.post(`${QY}/cgi-bin/service/get_login_info`, ({ request }) => {
        const token = new URL(request.url).searchParams.get('provider_access_token');
        seen.push(token);
        if (token !== valid) return HttpResponse.json({ errcode: 40082, errmsg: 'invalid provider_access_token' });
        return HttpResponse.json({ errcode: 0, errmsg: 'ok', usertype: 1 });
      }),
    );
    const provider = createProvider({ ...PROVIDER, storage: memoryStorage() });
    const results = await Promise.all(Array.from({ length: 20 }, () => loginInfo(provider)));
    expect(results.every((r) => r.usertype === 1)).toBe(true);
    expect(tokenBodies).toEqual([{ corpid: PROVIDER.corpid, provider_secret: PROVIDER.providerSecret }]);
    expect(new Set(seen)).toEqual(new Set(['PT1']));

    valid = 'PT2'; // WeCom now refuses PT1 with 40082
    seen.length = 0;
    const again = await Promise.all(Array.from({ length: 20 }, () => loginInfo(provider)));
    expect(again.every((r) => r.usertype === 1)).toBe(true);
    expect(issued).toBe(2);
    // Each caller sent the old token at most once, then the new one.
    expect(seen.filter((t) => t === 'PT1').length).toBeLessThanOrEqual(20);
    expect(seen.filter((t) => t === 'PT2').length).toBe(20);
  });

  it('a token refused twice is not replayed a second time', async () => {
    let issued = 0;
    let calls = 0;
    server.use(
      http.post(`${QY}/cgi-bin/service/get_provider_token`, () => HttpResponse.json({ provider_access_token: `PT${++issued}`, expires_in: 7200 })),
      http.post(`${QY}/cgi-bin/service/get_login_info`, () => {
        calls++;
        return HttpResponse.json({ errcode: 40082, errmsg: 'invalid provider_access_token' });
      }),
    );
    const provider = createProvider({ ...PROVIDER, retry: { retries: 0 } });
    const error = await loginInfo(provider).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect((error as WxApiError).errcode).toBe(40082);
    expect([calls, issued]).toEqual([2, 2]);
  });
});
