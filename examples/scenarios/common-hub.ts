// Scenario 2 — common app, hub + hub clients: one hub keeps the access_token and tickets fresh
// (proactively, before they expire); business servers read them from the hub and never call
// WeChat's token endpoint. On a 40001 a client reports the dead token and the hub replaces it once.
//
//   npx tsx examples/scenarios/common-hub.ts
//
// The same hub from the command line:  npx wxkit hub --config hub.yaml   (see docs/scenarios.md)
// In your app, import from 'wxkit' and 'wxkit/official-account' instead of the relative paths.
import { Material } from '../../generated/official-account/index.js';
import { createClient, createHub, hubClientOptions, hubStorage, jsapiConfig, memoryStorage } from '../../src/index.js';
import { DEMO_APPS, startSimulator } from '../../src/simulator/index.js';

const app = DEMO_APPS[0]!;
const sim = await startSimulator();
const secret = 'example-hub-secret-please-change-me';

// --- on the hub node -------------------------------------------------------------------------
const hub = createHub({
  secret,
  apps: [{ appid: app.appid, appType: 'official_account', appsecret: app.secret, tickets: ['jsapi'] }],
  storage: memoryStorage(), // redisStorage({ url }) lets several hub replicas share the tokens
  baseUrl: sim.url, // omit in production (https://api.weixin.qq.com)
  refresh: { marginSeconds: 600, retrySeconds: 30 },
});
const server = await hub.listen({ port: 0 }); // 127.0.0.1 unless you pass host
await hub.ready();
console.log(`hub listening on ${server.url}; WeChat token requests so far: ${sim.counters().tokenRequests[app.appid]}`);

// --- on each business server ----------------------------------------------------------------
const tokens = hubStorage({ url: server.url, secret });
const client = createClient({ appType: 'official_account', appid: app.appid, baseUrl: sim.url, ...hubClientOptions(tokens, app.appid) });

try {
  await Promise.all(Array.from({ length: 200 }, () => Material.getMaterialCount(client)));
  console.log(`200 cold calls through the hub → ${sim.counters().tokenRequests[app.appid]} token request(s) in total`);

  sim.invalidateToken(app.appid);
  await Promise.all(Array.from({ length: 200 }, () => Material.getMaterialCount(client)));
  console.log(`after a 40001 → ${sim.counters().tokenRequests[app.appid]} token request(s) in total`);

  const config = await jsapiConfig(client, { url: 'https://example.com/page', jsApiList: ['updateAppMessageShareData'] });
  console.log('wx.config for the page:', config);
} finally {
  await hub.close();
  await sim.close();
}
