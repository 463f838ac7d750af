// Forced refreshes (POST /refresh/…) are coalesced and rate-limited per token: a client that keeps
// reporting the current token, or a crowd reporting it at once, costs WeChat one fetch per
// interval, not one per report (each fetch would retire the token the whole fleet is using).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHub, memoryStorage, TokenManager, WxConfigError, type Hub, type HubOptions } from '../../src/index.js';
import type { HubTokenProvider } from '../../src/hub/types.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

const OA = 'wx0000000000000001';
const MP = 'wx0000000000000002';
const SECRET = 'forced-refresh-secret-0123456789';
const APPS = [
  { appid: OA, appType: 'official_account' as const, appsecret: 'demo-official-account-secret' },
  { appid: MP, appType: 'mini_program' as const, appsecret: 'demo-mini-program-secret' },
];

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

/** A hub on the simulator with a clock the test moves. */
function hubAt(options: Partial<HubOptions> = {}): { hub: Hub; clock: { t: number }; warnings: string[] } {
  const clock = { t: Date.now() };
  const warnings: string[] = [];
  const hub = createHub({
    secret: SECRET,
    apps: APPS,
    storage: memoryStorage(),
    baseUrl: sim.url,
    refresh: false,
    logger: { warn: (m) => void warnings.push(m) },
    now: () => clock.t,
    ...options,
  });
  return { hub, clock, warnings };
}

async function call(hub: Hub, path: string, body?: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const init: RequestInit = body
    ? { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }
    : { headers: { authorization: `Bearer ${SECRET}` } };
  const res = await hub.handler(new Request(`http://hub${path}`, init));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const current = async (hub: Hub, appid = OA) => (await call(hub, `/client/access_token?appid=${appid}`)).body.access_token as string;
const report = async (hub: Hub, token: string, appid = OA) =>
  (await call(hub, '/refresh/access_token', { appid, access_token: token })).body.access_token as string;
const fetches = (appid = OA) => sim.counters().tokenRequests[appid] ?? 0;

describe('forced refresh of a common app', () => {
  it('50 sequential reports quoting the current token → one WeChat fetch', async () => {
    sim.reset();
    const { hub, warnings } = hubAt();
    let token = await current(hub);
    expect(fetches()).toBe(1);
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      token = await report(hub, token);
      seen.add(token);
    }
    expect(fetches()).toBe(2);
    expect(seen.size).toBe(1);
    expect(await current(hub)).toBe(token);
    // Said once (not 49 times), without the token.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/access_token app wx0000000000000001: forced refresh refused/);
    expect(warnings.join('\n')).not.toContain(token);
  });

  it('the same token reported again after the interval is refreshed (default 5 s)', async () => {
    sim.reset();
    const { hub, clock } = hubAt();
    const first = await current(hub);
    const second = await report(hub, first);
    expect(second).not.toBe(first);
    expect(fetches()).toBe(2);
    clock.t += 4_900;
    expect(await report(hub, second)).toBe(second);
    expect(fetches()).toBe(2);
    clock.t += 100;
    const third = await report(hub, second);
    expect(third).not.toBe(second);
    expect(fetches()).toBe(3);
    // The dead one reported late: the current one, nothing fetched, and no new interval started.
    expect(await report(hub, first)).toBe(third);
    expect(fetches()).toBe(3);
  });

  it('50 concurrent reports of the current token → one fetch, one answer', async () => {
    sim.reset();
    const { hub } = hubAt();
    const stale = await current(hub);
    const answers = await Promise.all(Array.from({ length: 50 }, () => report(hub, stale)));
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).not.toBe(stale);
    expect(fetches()).toBe(2);
  });

  it('each app has its own interval', async () => {
    sim.reset();
    const { hub } = hubAt();
    await report(hub, await current(hub, OA), OA);
    await report(hub, await current(hub, MP), MP);
    expect([fetches(OA), fetches(MP)]).toEqual([2, 2]);
  });

  it('forcedRefreshIntervalSeconds sets the interval; 0 lifts the limit (reports still coalesce)', async () => {
    sim.reset();
    const { hub, clock } = hubAt({ forcedRefreshIntervalSeconds: 60 });
    let token = await report(hub, await current(hub));
    clock.t += 59_000;
    expect(await report(hub, token)).toBe(token);
    clock.t += 1_000;
    token = await report(hub, token);
    expect(fetches()).toBe(3);

    sim.reset();
    const open = hubAt({ forcedRefreshIntervalSeconds: 0 }).hub;
    token = await current(open);
    for (let i = 0; i < 3; i++) token = await report(open, token);
    expect(fetches()).toBe(4);

    expect(() => hubAt({ forcedRefreshIntervalSeconds: -1 })).toThrow(WxConfigError);
    expect(() => hubAt({ forcedRefreshIntervalSeconds: Number.NaN })).toThrow(/forcedRefreshIntervalSeconds/);
  });
});

describe('forced refresh through the registry (component and authorizer tokens)', () => {
  /** A provider with no single-flight of its own: every concurrent get() on an empty slot fetches. */
  function naive(name: string) {
    let value: string | undefined;
    let n = 0;
    const provider: HubTokenProvider & { fetches(): number } = {
      async get() {
        if (value === undefined) {
          const next = `${name}#${++n}`;
          await new Promise((r) => setTimeout(r, 5));
          value = next;
        }
        return value;
      },
      async invalidate(stale) {
        if (stale === value) value = undefined;
      },
      fetches: () => n,
    };
    return provider;
  }

  it('coalesces concurrent reports even when the provider does not, and limits repeats', async () => {
    const component = naive('component');
    const authorizer = naive('authorizer');
    const clock = { t: Date.now() };
    const hub = createHub({
      secret: SECRET,
      storage: memoryStorage(),
      refresh: false,
      now: () => clock.t,
      logger: { warn: () => undefined },
      components: [{ appid: 'wxcomponent00001', appsecret: 'component-secret' }],
      componentPlugin(app, registrar) {
        registrar.registerComponent({ appid: app.appid, componentAccessToken: component });
        registrar.registerApp({ appid: app.appid, authorizerAppid: 'wxauthorizer0001', accessToken: authorizer });
      },
    });
    await hub.ready();
    const ctoken = (await call(hub, '/client/component_access_token?appid=wxcomponent00001')).body.access_token as string;
    const answers = await Promise.all(
      Array.from({ length: 30 }, () => call(hub, '/refresh/component_access_token', { appid: 'wxcomponent00001', access_token: ctoken })),
    );
    expect(new Set(answers.map((a) => a.body.access_token))).toEqual(new Set(['component#2']));
    expect(component.fetches()).toBe(2);
    for (let i = 0; i < 10; i++) await call(hub, '/refresh/component_access_token', { appid: 'wxcomponent00001', access_token: 'component#2' });
    expect(component.fetches()).toBe(2);

    const ids = { appid: 'wxcomponent00001', authorizer_appid: 'wxauthorizer0001' };
    const atoken = (await call(hub, '/client/access_token?appid=wxcomponent00001&authorizer_appid=wxauthorizer0001')).body.access_token as string;
    let t = atoken;
    for (let i = 0; i < 20; i++) t = (await call(hub, '/refresh/access_token', { ...ids, access_token: t })).body.access_token as string;
    expect(t).toBe('authorizer#2');
    expect(authorizer.fetches()).toBe(2);
  });

  it('a failed forced fetch is shared by the reports waiting on it', async () => {
    const storage = memoryStorage();
    let n = 0;
    const manager = new TokenManager({
      key: 'wxkit:failing',
      storage,
      fetch: async () => {
        n++;
        if (n === 1) return { value: 'failing#1', expiresIn: 7200 };
        await new Promise((r) => setTimeout(r, 5));
        throw new Error('WeChat is down');
      },
    });
    const hub = createHub({
      secret: SECRET,
      storage,
      refresh: false,
      logger: { warn: () => undefined },
      components: [{ appid: 'wxcomponent00002', appsecret: 'component-secret' }],
      componentPlugin(app, registrar) {
        registrar.registerComponent({ appid: app.appid, componentAccessToken: manager });
      },
    });
    await hub.ready();
    const stale = (await call(hub, '/client/component_access_token?appid=wxcomponent00002')).body.access_token as string;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => call(hub, '/refresh/component_access_token', { appid: 'wxcomponent00002', access_token: stale })),
    );
    expect(answers.every((a) => a.status === 500)).toBe(true);
    expect(n).toBe(2);
  });
});
