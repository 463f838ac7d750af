// Redis goes away and comes back: calls fail fast with a WxStorageError that names the URL but not
// the password, nobody fetches a token meanwhile, and once Redis is back calls recover on their own
// with at most one token request (the restarted Redis kept nothing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { createClient, redisStorage, WxStorageError, type RedisStorage } from '../../src/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { freePort, hasRedisServer, noticeIfNoRedis, REDIS_URL, startRedisServer, type RedisServer } from '../fixtures/tokens/helpers.js';

noticeIfNoRedis('test/redis/down.test.ts');
const canRun = Boolean(REDIS_URL) && hasRedisServer();
if (REDIS_URL && !canRun) console.warn('[wxkit tests] test/redis/down.test.ts: no redis-server binary on PATH, skipping the down-and-back test');

const APPID = 'wx0000000000000001';
const PASSWORD = 'Very-Secret-Redis-Pass';

describe.skipIf(!canRun)('Redis down and back (a private redis-server)', () => {
  let sim: Simulator;
  let server: RedisServer | undefined;
  let storage: RedisStorage;
  let port: number;

  beforeAll(async () => {
    sim = await startSimulator();
    port = await freePort();
    server = await startRedisServer(port, PASSWORD);
    storage = redisStorage({ url: server.url });
  });
  afterAll(async () => {
    await storage?.close();
    await server?.stop();
    await sim?.close();
  });

  it('fails with a clear typed error while down, then recovers without a token storm', async () => {
    const client = createClient({ appType: 'official_account', appid: APPID, appsecret: 'demo-official-account-secret', baseUrl: sim.url, storage });
    await Promise.all(Array.from({ length: 50 }, () => Material.getMaterialCount(client)));
    expect(sim.counters().tokenRequests[APPID]).toBe(1);

    await server!.stop();
    const down = await Promise.allSettled(Array.from({ length: 50 }, () => Material.getMaterialCount(client)));
    const errors = down.map((r) => (r.status === 'rejected' ? (r.reason as Error) : undefined));
    expect(errors.every((e) => e instanceof WxStorageError)).toBe(true);
    const message = errors[0]!.message;
    expect(message).toContain(`redis://:***@127.0.0.1:${port}/0`);
    expect(message).not.toContain(PASSWORD);
    expect(message).toMatch(/cannot reach Redis|failed/);
    expect(sim.counters().tokenRequests[APPID]).toBe(1); // nobody fetched while the store was down

    server = await startRedisServer(port, PASSWORD);
    // ioredis reconnects in the background; calls succeed again without any help.
    let recovered = false;
    for (let i = 0; i < 100 && !recovered; i++) {
      try {
        await Material.getMaterialCount(client);
        recovered = true;
      } catch (e) {
        expect(e).toBeInstanceOf(WxStorageError);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(recovered).toBe(true);
    const after = await Promise.allSettled(Array.from({ length: 100 }, () => Material.getMaterialCount(client)));
    expect(after.filter((r) => r.status === 'rejected')).toEqual([]);
    // The restarted Redis is empty: one fetch refills it, however many calls arrive.
    expect(sim.counters().tokenRequests[APPID]).toBeLessThanOrEqual(2);
  });
});
