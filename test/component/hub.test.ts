// The component on a hub: the hub's component (created by componentHubPlugin) receives the
// pushes and keeps the tokens; a hub-client component reads the component token and the
// authorizers' tokens from the hub and never asks WeChat for one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { componentHubPlugin, createComponent, type WxComponent } from '../../src/component/index.js';
import { createHub, hubStorage, memoryStorage, WxStorageError, type Hub, type HubServer } from '../../src/index.js';
import { DEMO_COMPONENTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { serveComponent, type Served } from './helpers.js';

const C = DEMO_COMPONENTS[0]!;
const OA = 'wx00000000000000a3';
const SECRET = 'hub-secret-0123456789';

let sim: Simulator;
let hub: Hub;
let server: HubServer;
let onHub: WxComponent;
let served: Served;

beforeAll(async () => {
  sim = await startSimulator();
  let created: WxComponent | undefined;
  hub = createHub({
    secret: SECRET,
    storage: memoryStorage(),
    baseUrl: sim.url,
    refresh: false,
    logger: { warn: () => undefined },
    components: [{ appid: C.componentAppid, appsecret: C.componentAppsecret, token: C.token, encodingAESKey: C.encodingAESKey }],
    componentPlugin: componentHubPlugin({ onComponent: (c) => void (created = c) }),
  });
  await hub.ready();
  onHub = created!;
  served = await serveComponent(onHub); // the hub's component receives WeChat's pushes
  server = await hub.listen();
});
afterAll(async () => {
  await served.close();
  await hub.close();
  await sim.close();
});

describe('component hub and component hub client', () => {
  it('serves the component token and a new authorizer to hub clients', async () => {
    await sim.pushVerifyTicket(C.componentAppid, served.eventUrl);
    await sim.authorize(C.componentAppid, OA);
    const client = createComponent({
      componentAppid: C.componentAppid,
      hub: hubStorage({ url: server.url, secret: SECRET }),
      baseUrl: sim.url,
      retry: { retries: 0 },
    });

    const { preAuthCode } = await client.createPreAuthCode();
    expect(preAuthCode).toMatch(/^preauthcode@@@/);
    expect(await client.getComponentAccessToken()).toBe(await onHub.getComponentAccessToken());
    expect(sim.counters().componentTokenRequests[C.componentAppid]).toBe(1);

    const oa = client.authorizer(OA);
    await Material.getMaterialCount(oa);
    expect(sim.counters().calls['/cgi-bin/component/api_authorizer_token']).toBeUndefined();

    // A token WeChat refuses is reported to the hub, which refreshes it once.
    sim.invalidateToken(OA);
    const results = await Promise.all(Array.from({ length: 5 }, () => Material.getMaterialCount(oa).withResponse()));
    expect(results.every((r) => r.response.attempts <= 2)).toBe(true);
    expect(sim.counters().calls['/cgi-bin/component/api_authorizer_token']).toBe(1);
  });

  it('drops an unauthorized authorizer: hub clients get a clear 404', async () => {
    await sim.unauthorize(C.componentAppid, OA);
    const client = createComponent({ componentAppid: C.componentAppid, hub: hubStorage({ url: server.url, secret: SECRET, retries: 0 }), baseUrl: sim.url });
    const error = await Material.getMaterialCount(client.authorizer(OA)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxStorageError);
    expect((error as Error).message).toMatch(/HTTP 404: authorizer wx00000000000000a3 of component wx00000000000000c1 is not served by this hub/);
  });
});
