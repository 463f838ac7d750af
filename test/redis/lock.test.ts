// redisStorage's refresh lock when a holder dies: the key carries a short lease that the holder
// renews while it is alive (never past the ttl it asked for), so a SIGKILLed holder's lock lapses
// within a lease instead of after the whole ttl.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStorage, type RedisStorage } from '../../src/storage/redis.js';
import { TokenManager } from '../../src/auth/token-manager.js';
import { assertRedisReachable, deleteKeys, noticeIfNoRedis, REDIS_URL, uniquePrefix } from '../fixtures/tokens/helpers.js';
import { pollUntil, sleep, spawnHolder, type Holder } from '../storage/spawn.js';

noticeIfNoRedis('test/redis/lock.test.ts');

/** What TokenManager asks for by default: the TTL a waiter used to sit out after a crash. */
const OLD_TTL_MS = 15_000;

describe.skipIf(!REDIS_URL)('redisStorage lock: leases and crashed holders (real Redis)', () => {
  const url = REDIS_URL!;
  const prefix = uniquePrefix('lock');
  const children: Holder[] = [];
  let storage: RedisStorage;
  let other: RedisStorage;
  let raw: Redis;

  beforeAll(async () => {
    await assertRedisReachable(url);
    storage = redisStorage({ url, keyPrefix: prefix });
    other = redisStorage({ url, keyPrefix: prefix });
    raw = new Redis(url);
  });
  afterAll(async () => {
    await Promise.all(children.map((c) => c.kill()));
    await storage?.close();
    await other?.close();
    raw?.disconnect();
    await deleteKeys(url, prefix);
  });

  const holder = (action: string, key: string, ttlMs = OLD_TTL_MS) => {
    const h = spawnHolder({
      WXKIT_HOLDER_STORE: 'redis',
      WXKIT_HOLDER_REDIS_URL: url,
      WXKIT_HOLDER_PREFIX: prefix,
      WXKIT_HOLDER_KEY: key,
      WXKIT_HOLDER_TTL_MS: String(ttlMs),
      WXKIT_HOLDER_ACTION: action,
    });
    children.push(h);
    return h;
  };

  it('takes over from a SIGKILLed holder without sitting out its 15 s TTL', async () => {
    const h = holder('hold', 'crash');
    await h.waitFor(/locked/);
    expect(await storage.lock!('crash', OLD_TTL_MS)).toBeUndefined();
    await h.kill('SIGKILL');
    const { value: unlock, ms } = await pollUntil(() => storage.lock!('crash', OLD_TTL_MS), 10_000);
    console.log(`[redis lock] takeover after SIGKILL: ${Math.round(ms)} ms`);
    expect(unlock, 'the dead holder still blocks the lock').toBeTypeOf('function');
    expect(ms).toBeLessThan(OLD_TTL_MS / 2);
    await unlock!();
  });

  it('a waiting TokenManager fetches soon after the refreshing process is SIGKILLed', async () => {
    const key = 'wxkit:wx1:access_token';
    const h = holder('hold', `${key}:lock`);
    await h.waitFor(/locked/);
    let fetches = 0;
    const tm = new TokenManager({ key, storage, lockTtlMs: OLD_TTL_MS, fetch: async () => (fetches++, { value: 'T-after-crash', expiresIn: 7200 }) });
    const got = tm.get();
    await sleep(300);
    expect(fetches).toBe(0);
    await h.kill('SIGKILL');
    const t0 = performance.now();
    expect(await got).toBe('T-after-crash');
    const ms = performance.now() - t0;
    console.log(`[redis lock] TokenManager refreshed ${Math.round(ms)} ms after the holder was killed`);
    expect(ms).toBeLessThan(OLD_TTL_MS / 2);
    expect(fetches).toBe(1);
  });

  it('holds a short lease and renews it while alive, well past one lease', async () => {
    const unlock = await storage.lock!('renew', OLD_TTL_MS);
    expect(unlock).toBeTypeOf('function');
    const ttl = await raw.pttl(`${prefix}renew`);
    expect(ttl, 'the lock is not a short lease').toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(5_000);
    await sleep(Math.max(4_000, ttl * 1.6));
    expect(await other.lock!('renew', OLD_TTL_MS), 'a live holder lost its lock').toBeUndefined();
    expect(await raw.pttl(`${prefix}renew`)).toBeGreaterThan(0);
    await unlock!();
    expect(await raw.exists(`${prefix}renew`)).toBe(0);
    const next = await other.lock!('renew', OLD_TTL_MS);
    expect(next).toBeTypeOf('function');
    await next!();
  });

  it('renews no longer than the ttl it asked for, and a lapsed holder leaves its successor alone', async () => {
    const unlock = await storage.lock!('cap', 1_000);
    expect(await other.lock!('cap', OLD_TTL_MS)).toBeUndefined();
    const { value: next, ms } = await pollUntil(() => other.lock!('cap', OLD_TTL_MS), 5_000);
    expect(next).toBeTypeOf('function');
    expect(ms).toBeLessThan(4_000);
    const successor = await raw.get(`${prefix}cap`);
    await sleep(1_200); // a stray renewal of the first holder would show here
    expect(await raw.get(`${prefix}cap`)).toBe(successor);
    await unlock!();
    expect(await raw.get(`${prefix}cap`)).toBe(successor);
    await next!();
  });

  it('a process that unlocks, or abandons the lock and closes, exits on its own', async () => {
    for (const action of ['release', 'abandon']) {
      const h = holder(action, `exit-${action}`);
      await h.waitFor(action === 'release' ? /released/ : /abandoned/);
      const code = await Promise.race([h.exited, sleep(8_000).then(() => 'still running')]);
      expect(code, action).toBe(0);
    }
  });
});
