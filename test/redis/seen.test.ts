// The callback handler on redisSeenStore against a real Redis (WXKIT_REDIS_URL): a push stays
// marked for as long as its timestamp is accepted, and distinct pushes that share sender, second
// and event are not taken for each other, across instances sharing the store.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisSeenStore, type RedisSeenStore } from '../../src/storage/redis.js';
import { createMessageHandler, type MessageContext, type MessageHandlerOptions, type WxMessage } from '../../src/callbacks/index.js';
import { AES_KEY, APPID, NOW_MS, TOKEN, eventXml, safePost, textXml } from '../server/helpers.js';
import { assertRedisReachable, deleteKeys, noticeIfNoRedis, REDIS_URL, uniquePrefix } from '../fixtures/tokens/helpers.js';

noticeIfNoRedis('test/redis/seen.test.ts');

describe.skipIf(!REDIS_URL)('callback dedupe on redisSeenStore (real Redis)', () => {
  const url = REDIS_URL!;
  const prefix = uniquePrefix('seen');
  const stores: RedisSeenStore[] = [];
  let raw: Redis;

  beforeAll(async () => {
    await assertRedisReachable(url);
    raw = new Redis(url);
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    raw?.disconnect();
    await deleteKeys(url, prefix);
  });

  /** One "instance": its own handler and its own connection to the shared Redis. */
  function instance(overrides: Partial<MessageHandlerOptions> = {}) {
    const store = redisSeenStore({ url, keyPrefix: prefix });
    stores.push(store);
    const calls: Array<{ message: WxMessage; ctx: MessageContext }> = [];
    const errors: unknown[] = [];
    const handle = createMessageHandler({
      token: TOKEN,
      encodingAESKey: AES_KEY,
      appid: APPID,
      now: () => NOW_MS,
      dedupe: store,
      onMessage: (message, ctx) => void calls.push({ message, ctx }),
      onError: (error) => void errors.push(error),
      ...overrides,
    });
    return { handle, calls, errors };
  }

  it('keeps a push marked for 2 × the timestamp window + 60 s', async () => {
    const a = instance();
    await a.handle(safePost(textXml(`ttl ${prefix}`)));
    expect(a.calls).toHaveLength(1);
    const ttl = await raw.ttl(`${prefix}wxkit:seen:${a.calls[0]!.ctx.dedupeKey}`);
    expect(ttl).toBeGreaterThan(2 * 300);
    expect(ttl).toBeLessThanOrEqual(2 * 300 + 60);

    const b = instance({ timestampWindowSeconds: 1000 });
    await b.handle(safePost(textXml(`ttl wide ${prefix}`)));
    expect(await raw.ttl(`${prefix}wxkit:seen:${b.calls[0]!.ctx.dedupeKey}`)).toBeGreaterThan(2 * 1000);
    expect(a.errors).toEqual([]);
  });

  it('a replay on another instance is dropped; a different CLICK in the same second is not', async () => {
    const one = instance();
    const two = instance();
    const key = `MENU_${prefix}`;
    const captured = safePost(eventXml('CLICK', `${key}_A`));
    await one.handle(captured.clone());
    const replayed = await two.handle(captured.clone());
    expect(await replayed.text()).toBe('success');
    expect(two.calls).toHaveLength(0);
    await two.handle(safePost(eventXml('CLICK', `${key}_B`), { nonce: 'other' }));
    expect(two.calls.map((c) => (c.message as { EventKey?: string }).EventKey)).toEqual([`${key}_B`]);
    expect([...one.errors, ...two.errors]).toEqual([]);
  });
});
