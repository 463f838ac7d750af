// redisStorage against a real Redis (WXKIT_REDIS_URL): the Storage contract, the owner-only lock,
// the SeenStore, and one process's 200 concurrent cold calls making one token request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { createClient, redisSeenStore, redisStorage, maskRedisUrl, WxStorageError, type RedisStorage } from '../../src/index.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { assertRedisReachable, deleteKeys, freePort, noticeIfNoRedis, REDIS_URL, uniquePrefix } from '../fixtures/tokens/helpers.js';

noticeIfNoRedis('test/redis/storage.test.ts');

describe.skipIf(!REDIS_URL)('redisStorage (real Redis)', () => {
  const url = REDIS_URL!;
  const prefix = uniquePrefix('storage');
  let storage: RedisStorage;
  let sim: Simulator;

  beforeAll(async () => {
    await assertRedisReachable(url);
    storage = redisStorage({ url, keyPrefix: prefix });
    sim = await startSimulator();
  });
  afterAll(async () => {
    await storage?.close();
    await sim?.close();
    await deleteKeys(url, prefix);
  });

  it('gets, sets with a TTL, deletes', async () => {
    expect(await storage.get('k1')).toBeUndefined();
    await storage.set('k1', 'v1', 60_000);
    expect(await storage.get('k1')).toBe('v1');
    await storage.set('k2', 'v2', 30);
    await new Promise((r) => setTimeout(r, 80));
    expect(await storage.get('k2')).toBeUndefined();
    await storage.delete('k1');
    expect(await storage.get('k1')).toBeUndefined();
  });

  it('deleteIf removes only the expected value (compare-and-swap)', async () => {
    await storage.set('cas', 'fresh', 60_000);
    expect(await storage.deleteIf!('cas', 'stale')).toBe(false);
    expect(await storage.get('cas')).toBe('fresh');
    expect(await storage.deleteIf!('cas', 'fresh')).toBe(true);
    expect(await storage.get('cas')).toBeUndefined();
  });

  it('locks with SET NX PX; only the owner releases, and a lapsed holder cannot free its successor', async () => {
    const first = await storage.lock!('L', 50);
    expect(first).toBeTypeOf('function');
    expect(await storage.lock!('L', 5_000)).toBeUndefined();
    await new Promise((r) => setTimeout(r, 80)); // first's TTL lapses
    const second = await storage.lock!('L', 5_000);
    expect(second).toBeTypeOf('function');
    await first!(); // must not release second's lock
    expect(await storage.lock!('L', 5_000)).toBeUndefined();
    await second!();
    await second!(); // safe twice
    const third = await storage.lock!('L', 5_000);
    expect(third).toBeTypeOf('function');
    await third!();
  });

  it('keeps keys under wxkit:<appid>:… with the TTL WeChat gave', async () => {
    const appid = 'wx0000000000000001';
    const client = createClient({ appType: 'official_account', appid, appsecret: 'demo-official-account-secret', baseUrl: sim.url, storage });
    await client.getAccessToken();
    const { Redis } = await import('ioredis');
    const r = new Redis(url);
    try {
      const ttl = await r.pttl(`${prefix}wxkit:${appid}:access_token`);
      expect(ttl).toBeGreaterThan(7_000_000);
      expect(ttl).toBeLessThanOrEqual(7_200_000);
    } finally {
      r.disconnect();
    }
  });

  it('200 concurrent cold calls in one process make one token request', async () => {
    sim.reset();
    const appid = 'wx0000000000000001';
    const cold = redisStorage({ url, keyPrefix: `${prefix}cold:` });
    try {
      const client = createClient({ appType: 'official_account', appid, appsecret: 'demo-official-account-secret', baseUrl: sim.url, storage: cold });
      const results = await Promise.all(Array.from({ length: 200 }, () => Material.getMaterialCount(client)));
      expect(results).toHaveLength(200);
      expect(sim.counters().tokenRequests[appid]).toBe(1);
    } finally {
      await cold.close();
    }
  });

  it('redisSeenStore marks a key once (SET NX EX), alone or sharing a storage connection', async () => {
    const own = redisSeenStore({ url, keyPrefix: prefix });
    const shared = redisSeenStore(storage);
    try {
      const key = `msg:${Date.now()}`;
      const firsts = await Promise.all(Array.from({ length: 20 }, () => own.seen(key, 60)));
      expect(firsts.filter((seen) => !seen)).toHaveLength(1);
      expect(await shared.seen(key, 60)).toBe(true);
      expect(await shared.seen(`${key}:other`, 60)).toBe(false);
    } finally {
      await own.close();
      await shared.close();
    }
    expect(await storage.get('anything')).toBeUndefined(); // shared close left the storage open
  });

  it('fails fast with a WxStorageError naming the URL without its password when nothing listens', async () => {
    const port = await freePort();
    const dead = redisStorage({ url: `redis://:hunter2-password@127.0.0.1:${port}/3` });
    try {
      const error = await dead.get('x').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WxStorageError);
      expect((error as Error).message).toContain(`redis://:***@127.0.0.1:${port}/3`);
      expect((error as Error).message).not.toContain('hunter2');
      expect((error as Error).message).toMatch(/ECONNREFUSED/);
    } finally {
      await dead.close();
    }
  });
});

describe('maskRedisUrl', () => {
  it('masks the password and keeps the rest', () => {
    expect(maskRedisUrl('redis://:s3cret@10.0.0.5:6380/2')).toBe('redis://:***@10.0.0.5:6380/2');
    expect(maskRedisUrl('rediss://user:s3cret@host/0')).toBe('rediss://user:***@host/0');
    expect(maskRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });
});
