// An authorizer that cancelled its authorization while the `unauthorized` push never arrived: the
// first call that finds out (api_authorizer_token refused, WeChat's authorizer list without it)
// marks it revoked in the store; from then on its calls fail at once, with no request to WeChat,
// in this process and in any other on the same store, until it authorizes again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { componentHubPlugin, createComponent, type ComponentErrorEvent, type WxComponent } from '../../src/component/index.js';
import type { AuthorizerRevokedEvent } from '../../src/component/index.js';
import { createHub, hubStorage, memoryStorage, WxApiError, WxStorageError, type Storage } from '../../src/index.js';
import { DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { deliverTicket, serveComponent } from './helpers.js';

const C = DEMO_COMPONENTS[0]!;
const OA = 'wx00000000000000a5';
const TOKEN_PATH = '/cgi-bin/component/api_authorizer_token';
const LIST_PATH = '/cgi-bin/component/api_get_authorizer_list';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim.close());

function make(storage: Storage): WxComponent {
  return createComponent({
    componentAppid: C.componentAppid,
    componentAppsecret: C.componentAppsecret,
    token: C.token,
    encodingAESKey: C.encodingAESKey,
    storage,
    baseUrl: sim.url,
    retry: { retries: 0 },
  });
}

/** Every request the simulator answered so far, whatever the path. */
const requests = () => Object.values(sim.counters().calls).reduce((n, c) => n + c, 0);
const calls = (path: string) => sim.counters().calls[path] ?? 0;
const refreshKey = (appid: string) => `wxkit:${C.componentAppid}:authorizer:${appid}:refresh_token`;

/** Authorizes OA by hand (no push), so the component has its refresh token and a working client. */
async function authorized(component: WxComponent): Promise<void> {
  const { authCode } = await sim.authorize(C.componentAppid, OA, { push: false });
  await component.handleAuthCode(authCode);
  await Material.getMaterialCount(component.authorizer(OA));
}

describe('a revoked authorizer whose unauthorized push was lost', () => {
  const storage = memoryStorage();
  let component: WxComponent;
  const revoked: AuthorizerRevokedEvent[] = [];
  const errors: ComponentErrorEvent[] = [];
  let refreshToken: string | undefined;

  beforeAll(async () => {
    sim.reset();
    component = make(storage);
    component.on('authorizer_revoked', (e) => void revoked.push(e));
    component.on('error', (e) => void errors.push(e));
    await deliverTicket(sim, component);
    await authorized(component);
    refreshToken = await storage.get(refreshKey(OA));
    expect(refreshToken).toMatch(/^refreshtoken@@@/);
    await sim.unauthorize(C.componentAppid, OA, { push: false });
  });

  it('the first call finds out with one token request and one list scan, and says to authorize again', async () => {
    const tokenBefore = calls(TOKEN_PATH);
    const listBefore = calls(LIST_PATH);
    const error = await Material.getMaterialCount(component.authorizer(OA)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect(error).toMatchObject({ errcode: 61023 });
    expect((error as Error).message).toMatch(/authorizer wx00000000000000a5 revoked its authorization of component wx00000000000000c1/);
    expect((error as Error).message).toMatch(/must authorize again/);
    expect(calls(TOKEN_PATH) - tokenBefore).toBe(1);
    expect(calls(LIST_PATH) - listBefore).toBe(1);
  });

  it('20 more calls: the same error, and not one request to WeChat', async () => {
    const before = requests();
    for (let i = 0; i < 20; i++) {
      const error = await Material.getMaterialCount(component.authorizer(OA)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WxApiError);
      expect(error).toMatchObject({ errcode: 61023 });
      expect((error as Error).message).toMatch(/must authorize again/);
    }
    // Concurrent callers too.
    const burst = await Promise.all(Array.from({ length: 20 }, () => Material.getMaterialCount(component.authorizer(OA)).catch((e: unknown) => e)));
    expect(burst.every((e) => e instanceof WxApiError && e.errcode === 61023)).toBe(true);
    expect(requests()).toBe(before);
  });

  it('is no longer listed, is marked revoked, and was announced once, without secrets', async () => {
    expect(await component.listAuthorizers()).toEqual([]);
    expect(await component.getAuthorizer(OA)).toBeUndefined();
    expect(await component.isRevoked(OA)).toBe(true);
    expect(await component.isRevoked('wx00000000000000a6')).toBe(false);
    expect(revoked).toHaveLength(1);
    expect(revoked[0]).toMatchObject({ componentAppid: C.componentAppid, authorizerAppid: OA, errcode: 61023, authorizer: { authorizerAppid: OA } });
    expect(revoked[0]!.revokedAt).toBeTypeOf('number');
    expect(JSON.stringify(revoked)).not.toContain(refreshToken!);
    expect(await storage.get(refreshKey(OA))).toBeUndefined();
    expect(errors).toEqual([]);
  });

  it('the mark is in the store: another process on it asks WeChat nothing either', async () => {
    const other = make(storage);
    expect(await other.isRevoked(OA)).toBe(true);
    const before = requests();
    const error = await Material.getMaterialCount(other.authorizer(OA)).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 61023 });
    expect((error as Error).message).toMatch(/must authorize again/);
    expect((error as Error).message).not.toContain(refreshToken!);
    await expect(other.refreshAuthorizerInfo(OA)).rejects.toMatchObject({ errcode: 61023 });
    expect(requests()).toBe(before);
  });

  it('authorizing again (the code exchanged with api_query_auth) clears the mark', async () => {
    await authorized(component);
    expect(await component.isRevoked(OA)).toBe(false);
    expect((await component.listAuthorizers()).map((a) => a.authorizerAppid)).toEqual([OA]);
    sim.invalidateToken(OA); // the next call refreshes with the new refresh token
    const before = calls(TOKEN_PATH);
    await Material.getMaterialCount(component.authorizer(OA));
    expect(calls(TOKEN_PATH) - before).toBe(1);
  });
});

describe('clearing and other answers', () => {
  async function revokedComponent(): Promise<{ component: WxComponent; storage: Storage }> {
    sim.reset();
    const storage = memoryStorage();
    const component = make(storage);
    await deliverTicket(sim, component);
    await authorized(component);
    await sim.unauthorize(C.componentAppid, OA, { push: false });
    await expect(Material.getMaterialCount(component.authorizer(OA))).rejects.toMatchObject({ errcode: 61023 });
    expect(await component.isRevoked(OA)).toBe(true);
    return { component, storage };
  }

  it('an authorized push clears the mark', async () => {
    const { component } = await revokedComponent();
    const served = await serveComponent(component);
    try {
      const result = await sim.authorize(C.componentAppid, OA, { eventUrl: served.eventUrl });
      expect(result.push?.status).toBe(200);
    } finally {
      await served.close();
    }
    expect(await component.isRevoked(OA)).toBe(false);
    expect(await Material.getMaterialCount(component.authorizer(OA))).toMatchObject({ image_count: expect.any(Number) });
  });

  it("recoverAuthorizers() clears the mark of an authorizer WeChat's list has again", async () => {
    const { component, storage } = await revokedComponent();
    await sim.authorize(C.componentAppid, OA, { push: false }); // authorized again, that push lost too
    const { restored } = await component.recoverAuthorizers();
    expect(restored).toEqual([OA]);
    expect(await component.isRevoked(OA)).toBe(false);
    expect(await storage.get(refreshKey(OA))).toMatch(/^refreshtoken@@@/);
    sim.invalidateToken(OA);
    expect(await Material.getMaterialCount(component.authorizer(OA))).toMatchObject({ image_count: expect.any(Number) });
  });

  it('61003 (not authorized by this account) from api_authorizer_token marks it revoked too', async () => {
    sim.reset();
    const component = make(memoryStorage());
    await deliverTicket(sim, component);
    await authorized(component);
    await sim.unauthorize(C.componentAppid, OA, { push: false });
    sim.inject({ path: TOKEN_PATH, errcode: 61003 });
    const error = await Material.getMaterialCount(component.authorizer(OA)).catch((e: unknown) => e);
    expect(error).toMatchObject({ errcode: 61003 });
    expect((error as Error).message).toMatch(/must authorize again/);
    expect(await component.isRevoked(OA)).toBe(true);
    const before = requests();
    await expect(Material.getMaterialCount(component.authorizer(OA))).rejects.toMatchObject({ errcode: 61003 });
    expect(requests()).toBe(before);
  });

  it('61003 from api_get_authorizer_info (refreshAuthorizerInfo) marks it revoked', async () => {
    sim.reset();
    const component = make(memoryStorage());
    const revoked: AuthorizerRevokedEvent[] = [];
    component.on('authorizer_revoked', (e) => void revoked.push(e));
    await deliverTicket(sim, component);
    await authorized(component);
    await sim.unauthorize(C.componentAppid, OA, { push: false });
    const error = await component.refreshAuthorizerInfo(OA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxApiError);
    expect(error).toMatchObject({ errcode: 61003, endpoint: 'Component.getAuthorizerInfo' });
    expect((error as Error).message).toMatch(/must authorize again/);
    expect(revoked).toMatchObject([{ authorizerAppid: OA, errcode: 61003 }]);
    const before = requests();
    await expect(Material.getMaterialCount(component.authorizer(OA))).rejects.toMatchObject({ errcode: 61003 });
    await expect(component.refreshAuthorizerInfo(OA)).rejects.toMatchObject({ errcode: 61003 });
    expect(requests()).toBe(before);
  });

  it('a refused refresh token is not a revocation when the list has a newer one', async () => {
    sim.reset();
    const storage = memoryStorage();
    const component = make(storage);
    await deliverTicket(sim, component);
    await authorized(component);
    await storage.set(refreshKey(OA), 'refreshtoken@@@an-old-one'); // e.g. restored from an old backup
    sim.invalidateToken(OA);
    expect(await Material.getMaterialCount(component.authorizer(OA))).toMatchObject({ image_count: expect.any(Number) });
    expect(await component.isRevoked(OA)).toBe(false);
    expect(await storage.get(refreshKey(OA))).not.toBe('refreshtoken@@@an-old-one');
  });

  it('removeAuthorizer() forgets the mark with the rest', async () => {
    const { component, storage } = await revokedComponent();
    await component.removeAuthorizer(OA);
    expect(await component.isRevoked(OA)).toBe(false);
    expect(await storage.get(`wxkit:${C.componentAppid}:authorizer:${OA}:revoked`)).toBeUndefined();
  });
});

describe('a revoked authorizer on a hub', () => {
  it('is dropped from the hub once found out; hub clients then get 404 without the hub asking WeChat', async () => {
    sim.reset();
    const SECRET = 'hub-secret-revoked-0123456789';
    let onHub: WxComponent | undefined;
    const hub = createHub({
      secret: SECRET,
      storage: memoryStorage(),
      baseUrl: sim.url,
      refresh: false,
      logger: { warn: () => undefined },
      components: [{ appid: C.componentAppid, appsecret: C.componentAppsecret, token: C.token, encodingAESKey: C.encodingAESKey }],
      componentPlugin: componentHubPlugin({ onComponent: (c) => void (onHub = c) }),
    });
    await hub.ready();
    const server = await hub.listen();
    try {
      await deliverTicket(sim, onHub!);
      const { authCode } = await sim.authorize(C.componentAppid, OA, { push: false });
      await onHub!.handleAuthCode(authCode);
      const client = createComponent({
        componentAppid: C.componentAppid,
        hub: hubStorage({ url: server.url, secret: SECRET, retries: 0 }),
        baseUrl: sim.url,
        retry: { retries: 0 },
      });
      await Material.getMaterialCount(client.authorizer(OA));
      await sim.unauthorize(C.componentAppid, OA, { push: false });

      // The client's 40001 makes the hub refresh: WeChat refuses, the hub's component marks it.
      await expect(Material.getMaterialCount(client.authorizer(OA))).rejects.toThrow(/must authorize again/);
      expect(await onHub!.isRevoked(OA)).toBe(true);
      const before = requests();
      for (let i = 0; i < 10; i++) {
        const error = await Material.getMaterialCount(client.authorizer(OA)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WxStorageError);
        expect((error as Error).message).toMatch(/HTTP 404: authorizer wx00000000000000a5 of component wx00000000000000c1 is not served by this hub/);
      }
      expect(requests()).toBe(before);
    } finally {
      await hub.close();
    }
  });
});
