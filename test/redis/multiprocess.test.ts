// 4 real processes × 200 concurrent cold calls sharing one Redis → exactly one token request;
// an injected 40001 seen by all of them → exactly one more.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { assertRedisReachable, deleteKeys, noticeIfNoRedis, REDIS_URL, startWorkers, uniquePrefix, type Workers } from '../fixtures/tokens/helpers.js';

noticeIfNoRedis('test/redis/multiprocess.test.ts');

const APPID = 'wx0000000000000001';
const PROCESSES = 4;
const CALLS = 200;

describe.skipIf(!REDIS_URL)('token requests across processes through Redis', () => {
  const url = REDIS_URL!;
  const prefix = uniquePrefix('multiprocess');
  let sim: Simulator;
  let workers: Workers | undefined;

  beforeAll(async () => {
    await assertRedisReachable(url);
    sim = await startSimulator();
    workers = await startWorkers(PROCESSES, {
      WXKIT_WORKER_MODE: 'redis',
      WXKIT_SIM_URL: sim.url,
      WXKIT_APPID: APPID,
      WXKIT_APPSECRET: 'demo-official-account-secret',
      WXKIT_WORKER_REDIS_URL: url,
      WXKIT_WORKER_KEY_PREFIX: prefix,
    });
  }, 60_000);
  afterAll(async () => {
    await workers?.close();
    await sim?.close();
    await deleteKeys(url, prefix);
  });

  it(`${PROCESSES} processes × ${CALLS} cold calls → 1 token request`, async () => {
    const results = await workers!.burst(CALLS);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CALLS);
    expect(new Set(results.map((r) => r.pid)).size).toBe(PROCESSES);
    expect(sim.counters().tokenRequests[APPID]).toBe(1);
  });

  it('a 40001 seen by every process → exactly one more token request, and every call succeeds', async () => {
    sim.invalidateToken(APPID);
    const results = await workers!.burst(CALLS);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CALLS);
    expect(sim.counters().tokenRequests[APPID]).toBe(2);
  });
});
