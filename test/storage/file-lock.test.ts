// fileStorage's cross-process lock when a holder dies: a SIGKILLed holder on this host is noticed at
// once (its pid is gone), a holder elsewhere is trusted only while it keeps renewing its short lease,
// and a live holder keeps the lock by renewing it, up to the ttl it asked for.
import { existsSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileStorage } from '../../src/storage/file.js';
import { TokenManager } from '../../src/auth/token-manager.js';
import { pollUntil, sleep, spawnHolder, type Holder } from './spawn.js';

/** What TokenManager asks for by default: the TTL a waiter used to sit out after a crash. */
const OLD_TTL_MS = 15_000;

const dirs: string[] = [];
const children: Holder[] = [];
afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'wxkit-file-lock-'));
  dirs.push(d);
  return d;
};
const holder = (d: string, action: string, ttlMs = OLD_TTL_MS, key = 'refresh') => {
  const h = spawnHolder({
    WXKIT_HOLDER_STORE: 'file',
    WXKIT_HOLDER_DIR: d,
    WXKIT_HOLDER_KEY: key,
    WXKIT_HOLDER_TTL_MS: String(ttlMs),
    WXKIT_HOLDER_ACTION: action,
  });
  children.push(h);
  return h;
};

describe('fileStorage lock: crashed holders', () => {
  it('takes over from a SIGKILLed holder on this host without sitting out its 15 s TTL', async () => {
    const d = dir();
    const h = holder(d, 'hold');
    await h.waitFor(/locked/);
    const storage = fileStorage({ dir: d });
    expect(await storage.lock!('refresh', OLD_TTL_MS)).toBeUndefined(); // alive: it holds the lock

    await h.kill('SIGKILL');
    const { value: unlock, ms } = await pollUntil(() => storage.lock!('refresh', OLD_TTL_MS), 10_000);
    console.log(`[file lock] takeover after SIGKILL: ${Math.round(ms)} ms`);
    expect(unlock, 'the dead holder still blocks the lock').toBeTypeOf('function');
    expect(ms).toBeLessThan(OLD_TTL_MS / 2);
    await unlock!();
    expect(existsSync(join(d, 'refresh.json.lock'))).toBe(false);
  });

  it('a waiting TokenManager fetches soon after the refreshing process is SIGKILLed', async () => {
    const d = dir();
    const h = holder(d, 'hold', OLD_TTL_MS, 'wxkit:wx1:access_token:lock');
    await h.waitFor(/locked/);
    let fetches = 0;
    const tm = new TokenManager({
      key: 'wxkit:wx1:access_token',
      storage: fileStorage({ dir: d }),
      lockTtlMs: OLD_TTL_MS,
      fetch: async () => (fetches++, { value: 'T-after-crash', expiresIn: 7200 }),
    });
    const got = tm.get();
    await sleep(300); // the manager is now waiting on the child's lock
    expect(fetches).toBe(0);
    await h.kill('SIGKILL');
    const t0 = performance.now();
    expect(await got).toBe('T-after-crash');
    const ms = performance.now() - t0;
    console.log(`[file lock] TokenManager refreshed ${Math.round(ms)} ms after the holder was killed`);
    expect(ms).toBeLessThan(OLD_TTL_MS / 2);
    expect(fetches).toBe(1);
  });

  it("when processes race for a dead holder's lock, exactly one wins", async () => {
    const d = dir();
    const h = holder(d, 'hold');
    await h.waitFor(/locked/);
    const racers = Array.from({ length: 4 }, () => holder(d, 'race'));
    await sleep(1500); // let them load and start polling
    await h.kill('SIGKILL');
    const winner = await Promise.race(racers.map((r) => r.waitFor(/got \d+/, 10_000)));
    // The winner renews its lease; nobody else may get in for well past a lease.
    await sleep(4000);
    const winners = racers.filter((r) => /got \d+/.test(r.output()));
    expect(
      winners.map((r) => r.output().trim()),
      'more than one process holds the lock',
    ).toEqual([winner]);
    await Promise.all(racers.map((r) => r.kill()));
  });

  it('a process that ends while holding the lock still exits (the renewal timer does not keep it alive)', async () => {
    const h = holder(dir(), 'abandon');
    await h.waitFor(/abandoned/);
    const code = await Promise.race([h.exited, sleep(8000).then(() => 'still running')]);
    expect(code).toBe(0);
  });
});

describe('fileStorage lock: leases', () => {
  it('honours a lock from another host only while its lease is renewed', async () => {
    const d = dir();
    const path = join(d, 'refresh.json.lock');
    writeFileSync(path, JSON.stringify({ owner: 'elsewhere', pid: 4242, host: 'another-host.invalid', at: Date.now(), leaseMs: 2500 }));
    const storage = fileStorage({ dir: d });
    // Its pid means nothing here, so only its lease can tell whether it is alive: fresh, so keep off.
    expect(await storage.lock!('refresh', OLD_TTL_MS)).toBeUndefined();
    const old = (Date.now() - 10_000) / 1000;
    utimesSync(path, old, old); // not renewed for longer than its lease: its holder is gone
    const unlock = await storage.lock!('refresh', OLD_TTL_MS);
    expect(unlock).toBeTypeOf('function');
    await unlock!();
  });

  it('a live holder renews its lease, so it keeps the lock well past one lease', async () => {
    const d = dir();
    const a = fileStorage({ dir: d });
    const b = fileStorage({ dir: d });
    const unlock = await a.lock!('refresh', OLD_TTL_MS);
    expect(unlock).toBeTypeOf('function');
    const path = join(d, 'refresh.json.lock');
    const first = statSync(path).mtimeMs;
    await sleep(4000);
    expect(statSync(path).mtimeMs, 'the lock file was never renewed').toBeGreaterThan(first);
    expect(await b.lock!('refresh', OLD_TTL_MS)).toBeUndefined();
    await unlock!();
    await unlock!(); // safe twice
    const next = await b.lock!('refresh', OLD_TTL_MS);
    expect(next).toBeTypeOf('function');
    await next!();
  });

  it('a holder keeps the lock no longer than the ttl it asked for', async () => {
    const d = dir();
    const a = fileStorage({ dir: d });
    const b = fileStorage({ dir: d });
    const unlock = await a.lock!('refresh', 1000);
    expect(await b.lock!('refresh', OLD_TTL_MS)).toBeUndefined();
    const { value: next, ms } = await pollUntil(() => b.lock!('refresh', OLD_TTL_MS), 5000);
    expect(next).toBeTypeOf('function');
    expect(ms).toBeLessThan(4000);
    await unlock!(); // lapsed: must not remove b's lock
    expect(await a.lock!('refresh', OLD_TTL_MS)).toBeUndefined();
    await next!();
  });
});
