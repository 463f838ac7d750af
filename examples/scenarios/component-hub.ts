// Scenario 4 — component, hub + hub clients: the hub's component receives WeChat's pushes and keeps
// the component token and every authorizer's tokens fresh; business servers read them from the
// hub (`createComponent({ componentAppid, hub })`) and never call WeChat's token endpoints.
//
//   npx tsx examples/scenarios/component-hub.ts
//
// In your app, import from 'wxkit', 'wxkit/component', … instead of the relative paths.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Material } from '../../generated/official-account/index.js';
import { componentHubPlugin, createComponent, toNodeHandler, type WxComponent } from '../../src/component/index.js';
import { createHub, hubStorage, memoryStorage } from '../../src/index.js';
import { DEMO_COMPONENTS, startSimulator } from '../../src/simulator/index.js';

const platform = DEMO_COMPONENTS[0]!;
const authorizer = 'wx00000000000000a1';
const sim = await startSimulator();
const secret = 'example-hub-secret-please-change-me';

// --- on the hub node -------------------------------------------------------------------------
let onHub: WxComponent | undefined;
const hub = createHub({
  secret,
  components: [{ appid: platform.componentAppid, appsecret: platform.componentAppsecret, token: platform.token, encodingAESKey: platform.encodingAESKey }],
  componentPlugin: componentHubPlugin({ onComponent: (c) => void (onHub = c) }),
  storage: memoryStorage(), // redisStorage({ url }) lets several hub replicas share the tokens
  baseUrl: sim.url, // omit in production
  logger: { warn: (m) => console.log(`hub: ${m}`) },
});
const server = await hub.listen({ port: 0 });
// The hub's component also serves the event URL (WeChat pushes tickets and authorizations there).
const events = createServer(toNodeHandler(onHub!.eventHandler()));
await new Promise<void>((resolve) => events.listen(0, '127.0.0.1', resolve));
const eventUrl = `http://127.0.0.1:${(events.address() as AddressInfo).port}/wechat/events`;

try {
  await sim.pushVerifyTicket(platform.componentAppid, eventUrl);
  await sim.authorize(platform.componentAppid, authorizer);
  console.log(`hub listening on ${server.url}; it holds component ${platform.componentAppid} and authorizer ${authorizer}`);

  // --- on each business server --------------------------------------------------------------
  const component = createComponent({ componentAppid: platform.componentAppid, hub: hubStorage({ url: server.url, secret }), baseUrl: sim.url });
  const { preAuthCode } = await component.createPreAuthCode();
  console.log(`pre_auth_code from a hub client: ${preAuthCode.slice(0, 24)}…`);
  await Promise.all(Array.from({ length: 200 }, () => Material.getMaterialCount(component.authorizer(authorizer))));
  console.log(
    `200 authorizer calls through the hub → ${sim.counters().componentTokenRequests[platform.componentAppid]} component token request(s), ` +
      `${sim.counters().calls['/cgi-bin/component/api_authorizer_token'] ?? 0} authorizer token request(s)`,
  );
  sim.invalidateToken(authorizer);
  await Promise.all(Array.from({ length: 50 }, () => Material.getMaterialCount(component.authorizer(authorizer))));
  console.log(`after a 40001 → ${sim.counters().calls['/cgi-bin/component/api_authorizer_token']} authorizer token request(s), made by the hub`);
} finally {
  events.closeAllConnections();
  events.close();
  await hub.close();
  await sim.close();
}
