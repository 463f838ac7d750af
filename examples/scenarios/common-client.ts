// Scenario 1 — common app, client role: every server refreshes by itself from a shared store.
// Two "servers" (two clients with their own TokenManagers) share Redis when WXKIT_REDIS_URL is set,
// a directory otherwise; 2 × 100 concurrent cold calls make one token request, and a token that
// WeChat rejects (40001) is replaced once, not once per server.
//
//   npx tsx examples/scenarios/common-client.ts
//   WXKIT_REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/scenarios/common-client.ts
//
// In your app, import from 'wxkit' and 'wxkit/official-account' instead of the relative paths.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Material } from '../../generated/official-account/index.js';
import { createClient, fileStorage, redisStorage, type Storage } from '../../src/index.js';
import { DEMO_APPS, startSimulator } from '../../src/simulator/index.js';

const app = DEMO_APPS[0]!; // an official account known to the simulator
const sim = await startSimulator();
const dir = mkdtempSync(join(tmpdir(), 'wxkit-example-'));

// Each server builds its own storage object; what they share is the Redis server or the directory.
const redisUrl = process.env.WXKIT_REDIS_URL;
const keyPrefix = `example:${process.pid}:`; // keeps this demo's keys apart; omit in production
const makeStorage = (): Storage & { close?(): Promise<void> } => (redisUrl ? redisStorage({ url: redisUrl, keyPrefix }) : fileStorage({ dir }));
const storages = [makeStorage(), makeStorage()];
console.log(`shared store: ${storages[0]!.name}`);

const servers = storages.map((storage) => createClient({ appType: 'official_account', appid: app.appid, appsecret: app.secret, storage, baseUrl: sim.url }));

try {
  await Promise.all(servers.flatMap((client) => Array.from({ length: 100 }, () => Material.getMaterialCount(client))));
  console.log(`200 cold calls from 2 servers → ${sim.counters().tokenRequests[app.appid]} token request(s)`);

  sim.invalidateToken(app.appid); // WeChat now answers 40001 for the current token
  const counts = await Promise.all(servers.map((client) => Material.getMaterialCount(client)));
  console.log(`after a 40001 on both servers → ${sim.counters().tokenRequests[app.appid]} token request(s) in total`);
  console.log('material counts:', counts[0]);
} finally {
  for (const s of storages) {
    if (redisUrl) for (const key of ['access_token', 'access_token:lock']) await s.delete(`wxkit:${app.appid}:${key}`);
    await s.close?.();
  }
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
}
