// Scenario 3 — component (third-party platform), client role: every server refreshes by itself
// from a shared store. The verify ticket WeChat pushed to one server is at once usable by all;
// 2 servers × 100 cold calls make one component-token request and, for an authorizer, no token
// request at all (its token came with the authorization), and a 40001 is repaired once.
//
//   npx tsx examples/scenarios/component-client.ts
//   WXKIT_REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/scenarios/component-client.ts
//
// In your app, import from 'wxkit', 'wxkit/component', … instead of the relative paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Material } from '../../generated/official-account/index.js';
import { createComponent, toNodeHandler, type WxComponent } from '../../src/component/index.js';
import { fileStorage, redisStorage, type Storage } from '../../src/index.js';
import { DEMO_COMPONENTS, startSimulator } from '../../src/simulator/index.js';

const platform = DEMO_COMPONENTS[0]!;
const authorizer = 'wx00000000000000a1';
const sim = await startSimulator();
const dir = mkdtempSync(join(tmpdir(), 'wxkit-example-'));
const redisUrl = process.env.WXKIT_REDIS_URL;
const keyPrefix = `example:${process.pid}:`; // keeps this demo's keys apart; omit in production
const makeStorage = (): Storage & { close?(): Promise<void> } => (redisUrl ? redisStorage({ url: redisUrl, keyPrefix }) : fileStorage({ dir }));
const storages = [makeStorage(), makeStorage()];
console.log(`shared store: ${storages[0]!.name}`);

// Two servers, each with its own component object over the shared store.
const servers: WxComponent[] = storages.map((storage) => createComponent({ ...platform, storage, baseUrl: sim.url }));

// Server 0 owns the public event URL (behind a load balancer, any of them could).
const http = createServer(toNodeHandler(servers[0]!.eventHandler()));
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const eventUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/wechat/events`;

try {
  await sim.pushVerifyTicket(platform.componentAppid, eventUrl);
  await sim.authorize(platform.componentAppid, authorizer);
  console.log(`server 1 sees the ticket pushed to server 0: ${Boolean(await servers[1]!.getVerifyTicket())}`);

  await Promise.all(servers.flatMap((s) => Array.from({ length: 100 }, () => s.createPreAuthCode())));
  console.log(`200 pre_auth_codes from 2 servers → ${sim.counters().componentTokenRequests[platform.componentAppid]} component token request(s)`);

  await Promise.all(servers.flatMap((s) => Array.from({ length: 100 }, () => Material.getMaterialCount(s.authorizer(authorizer)))));
  console.log(`200 authorizer calls → ${sim.counters().calls['/cgi-bin/component/api_authorizer_token'] ?? 0} authorizer token request(s)`);

  sim.invalidateToken(authorizer); // WeChat now answers 40001 for the authorizer's token
  await Promise.all(servers.map((s) => Material.getMaterialCount(s.authorizer(authorizer))));
  console.log(`after a 40001 on both servers → ${sim.counters().calls['/cgi-bin/component/api_authorizer_token']} authorizer token request(s)`);

  // A restart: a fresh object over the same store works at once, no new ticket push needed.
  const restarted = createComponent({ ...platform, storage: storages[1]!, baseUrl: sim.url });
  console.log(
    'authorizers after a restart:',
    (await restarted.listAuthorizers()).map((a) => `${a.authorizerAppid} (${a.appType})`),
  );
} finally {
  http.closeAllConnections();
  http.close();
  for (const s of storages) await s.close?.();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
