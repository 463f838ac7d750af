import { http, HttpResponse } from 'msw';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Material } from '../../generated/official-account/index.js';
import { fileStorage, memoryStorage, TokenManager, type Storage } from '../../src/index.js';
import { deferred, drainMicrotasks, server, testClient, tokenEndpoint, WX } from '../helpers.js';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

function countEndpoint(tokenOk: (t: string | null) => boolean) {
  const seen: (string | null)[] = [];
  server.use(
    http.get(`${WX}/cgi-bin/material/get_materialcount`, ({ request }) => {
      const token = new URL(request.url).searchParams.get('access_token');
      seen.push(token);
      if (!tokenOk(token)) return HttpResponse.json({ errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' });
      return HttpResponse.json({ voice_count: 1, video_count: 2, image_count: 3, news_count: 4 });
    }),
  );
  return seen;
}

describe('access_token single-flight', () => {
  it('1,000 concurrent cold calls make exactly one token request', async () => {
    const gate = deferred();
    const tokens = tokenEndpoint({ gate: gate.promise });
    const seen = countEndpoint(() => true);
    const client = testClient();
    const calls = Promise.all(Array.from({ length: 1000 }, () => Material.getMaterialCount(client)));
    // Hold the token request open until every caller has asked for a token, then let it answer.
    await tokens.requested;
    await drainMicrotasks();
    gate.resolve();
    const results = await calls;
    expect(tokens.count).toBe(1);
    expect(results.every((r) => r.image_count === 3)).toBe(true);
    expect(new Set(seen)).toEqual(new Set(['T1']));
  });

  it('after 40001 the failed token is replaced once and every call replays once', async () => {
    const tokens = tokenEndpoint();
    const client = testClient();
    let valid = 'T1';
    const seen = countEndpoint((t) => t === valid);
    await Material.getMaterialCount(client);
    valid = 'T2'; // WeChat now only accepts a token we have not fetched yet
    const results = await Promise.all(Array.from({ length: 50 }, () => Material.getMaterialCount(client).withResponse()));
    expect(tokens.count).toBe(2);
    expect(results.every((r) => r.response.attempts === 2)).toBe(true);
    expect(seen.filter((t) => t === 'T1').length).toBe(51);
  });

  it('replays only once: a second 40001 surfaces as WxApiError', async () => {
    const tokens = tokenEndpoint();
    countEndpoint(() => false);
    await expect(Material.getMaterialCount(testClient())).rejects.toMatchObject({ name: 'WxApiError', errcode: 40001, category: 'token' });
    expect(tokens.count).toBe(2);
  });
});

describe('TokenManager', () => {
  it('invalidate is compare-and-swap: a stale report does not drop a fresher token', async () => {
    const storage = memoryStorage();
    let n = 0;
    const tm = new TokenManager({ key: 'k', storage, fetch: async () => ({ value: `T${++n}`, expiresIn: 7200 }) });
    expect(await tm.get()).toBe('T1');
    await tm.invalidate('T1');
    expect(await tm.get()).toBe('T2');
    await tm.invalidate('T1'); // a late report about the old token
    expect(await tm.get()).toBe('T2');
    expect(n).toBe(2);
  });

  it('refreshes ahead of expiry, in the background while the old token is still good', async () => {
    let now = 1_000_000;
    let n = 0;
    const refreshed = deferred();
    const tm = new TokenManager({
      key: 'k',
      storage: memoryStorage({ now: () => now }),
      now: () => now,
      refreshMarginMs: 300_000,
      fetch: async () => ({ value: `T${++n}`, expiresIn: 7200 }),
      onRefresh: (t) => t.value === 'T2' && refreshed.resolve(),
    });
    expect(await tm.get()).toBe('T1');
    now += 7200_000 - 200_000; // 200 s left: inside the margin, still valid
    expect(await tm.get()).toBe('T1');
    await refreshed.promise; // the background refresh stored T2...
    await drainMicrotasks(); // ...and finished (lock released, in-flight promise cleared)
    expect(n).toBe(2);
    expect(await tm.get()).toBe('T2');
    now += 7200_000; // T2 has expired entirely: callers wait for a new one
    expect(await tm.get()).toBe('T3');
  });

  it('invalidate matches the stored text, however another writer spelled the record', async () => {
    const storage = memoryStorage();
    // Pretty-printed by another writer: a re-serialisation of the parsed record would not match it.
    await storage.set('k', JSON.stringify({ v: 'OLD', e: Date.now() + 7200_000 }, null, 2));
    let n = 0;
    const tm = new TokenManager({ key: 'k', storage, fetch: async () => ({ value: `T${++n}`, expiresIn: 7200 }) });
    expect(await tm.get()).toBe('OLD');
    await tm.invalidate('OLD');
    expect(await tm.get()).toBe('T1');
  });

  it('a failed refresh ahead of expiry is reported, and the still-valid token keeps working', async () => {
    let now = 1_000_000;
    let n = 0;
    const errors: unknown[] = [];
    const failed = deferred();
    const tm = new TokenManager({
      key: 'k',
      storage: memoryStorage({ now: () => now }),
      now: () => now,
      onBackgroundError: (e) => {
        errors.push(e);
        failed.resolve();
      },
      fetch: async () => {
        if (++n === 2) throw new Error('WeChat busy');
        return { value: `T${n}`, expiresIn: 7200 };
      },
    });
    expect(await tm.get()).toBe('T1');
    now += 7200_000 - 200_000;
    expect(await tm.get()).toBe('T1');
    await failed.promise; // the background refresh has failed and been reported
    await drainMicrotasks();
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('WeChat busy');
    expect(await tm.expiresAt('T1')).toBe(1_000_000 + 7200_000);
  });

  it('peek reads an in-process store synchronously, and only what get() would hand out without refreshing', async () => {
    let now = 1_000_000;
    const storage = memoryStorage({ now: () => now });
    const tm = new TokenManager({ key: 'k', storage, now: () => now, refreshMarginMs: 300_000, fetch: async () => ({ value: 'T1', expiresIn: 7200 }) });
    expect(tm.peek()).toBeUndefined(); // nothing stored: get() must fetch
    expect(await tm.get()).toBe('T1');
    expect(tm.peek()).toBe('T1');
    // A change to the store shows at once: peek holds no copy of its own.
    await storage.delete('k');
    expect(tm.peek()).toBeUndefined();
    await tm.put({ value: 'T2', expiresIn: 7200 });
    expect(tm.peek()).toBe('T2');
    now += 7200_000 - 200_000; // inside the refresh margin: get() decides (refresh ahead)
    expect(tm.peek()).toBeUndefined();
    // A store that lives elsewhere (no peek) always goes through get().
    const { peek: _, ...remote } = memoryStorage();
    const far = new TokenManager({ key: 'k', storage: remote as Storage, fetch: async () => ({ value: 'R1', expiresIn: 7200 }) });
    expect(await far.get()).toBe('R1');
    expect(far.peek()).toBeUndefined();
  });

  it('a call whose token is at hand sends without waiting for the store; one that is not still fetches once', async () => {
    let reads = 0;
    const inner = memoryStorage();
    const counting: Storage = { ...inner, name: 'counting', get: (key) => (reads++, inner.get(key)), peek: (key) => inner.peek!(key) };
    const seen = countEndpoint(() => true);
    const tokens = tokenEndpoint();
    const client = testClient({ storage: counting });
    await Material.getMaterialCount(client); // cold: get() reads the store, fetches, stores
    const coldReads = reads;
    await Promise.all(Array.from({ length: 20 }, () => Material.getMaterialCount(client)));
    expect(reads).toBe(coldReads); // the 20 warm calls peeked
    expect(tokens.count).toBe(1);
    expect(seen).toHaveLength(21);
    expect(new Set(seen)).toEqual(new Set(['T1']));
  });

  it('put stores a token obtained elsewhere, which get() then hands out without fetching', async () => {
    let n = 0;
    const tm = new TokenManager({ key: 'k', storage: memoryStorage(), fetch: async () => ({ value: `T${++n}`, expiresIn: 7200 }) });
    await tm.put({ value: 'FROM_QUERY_AUTH', expiresIn: 7200 });
    expect(await tm.get()).toBe('FROM_QUERY_AUTH');
    expect(n).toBe(0);
    expect(await tm.expiresAt('someone else')).toBeUndefined();
  });

  it('a fetched token without a usable lifetime is kept for the documented 7,200 s, with a warning, not refetched per call', async () => {
    const storage = memoryStorage();
    const warnings: string[] = [];
    let fetches = 0;
    const tm = new TokenManager({
      key: 'wxkit:wx1:access_token',
      storage,
      fetch: async () => ({ value: `SECRET_TOKEN_${++fetches}`, expiresIn: undefined as unknown as number }),
      onWarning: (m) => warnings.push(m),
    });
    for (let i = 0; i < 50; i++) expect(await tm.get()).toBe('SECRET_TOKEN_1');
    expect(fetches).toBe(1);
    expect(warnings).toEqual(["[wxkit] wxkit:wx1:access_token: WeChat's answer has expires_in undefined; keeping the token for the documented 7200 s"]);
    const expiresAt = await tm.expiresAt('SECRET_TOKEN_1');
    expect(expiresAt! - Date.now()).toBeGreaterThan(7_190_000);
  });

  it('an answer without a token is refused, naming the key and nothing secret', async () => {
    const storage = memoryStorage();
    const tm = new TokenManager({ key: 'wxkit:wx1:access_token', storage, fetch: async () => ({ value: '', expiresIn: 7200 }) });
    const e = await tm.get().catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'WxValidationError', where: 'response' });
    expect((e as Error).message).toContain('wxkit:wx1:access_token: expected a token');
    expect(await storage.get('wxkit:wx1:access_token')).toBeUndefined();
  });

  it('a failed fetch rejects every waiter and the next call tries again', async () => {
    let n = 0;
    const tm = new TokenManager({
      key: 'k',
      storage: memoryStorage(),
      fetch: async () => {
        n++;
        if (n === 1) throw new Error('boom');
        return { value: 'ok', expiresIn: 7200 };
      },
    });
    const first = await Promise.allSettled([tm.get(), tm.get(), tm.get()]);
    expect(first.every((r) => r.status === 'rejected')).toBe(true);
    expect(await tm.get()).toBe('ok');
    expect(n).toBe(2);
  });
});

describe('fileStorage', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'wxkit-file-'));
    dirs.push(d);
    return d;
  };

  it('never returns a half-written value under concurrent writes and reads', async () => {
    const storage = fileStorage({ dir: dir() });
    const big = (i: number) => JSON.stringify({ i, pad: 'x'.repeat(64 * 1024) });
    await storage.set('k', big(0));
    const reads: (string | undefined)[] = [];
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await storage.set('k', big(i));
        reads.push(await storage.get('k'));
      }),
    );
    for (const r of reads) expect(() => JSON.parse(r!)).not.toThrow();
  });

  it('ignores temp files left by a crash, and expires values by TTL', async () => {
    const d = dir();
    let now = 0;
    const storage = fileStorage({ dir: d, now: () => now });
    writeFileSync(join(d, 'k.json.123.abcd.tmp'), '{"value":"hal');
    await storage.set('k', 'v', 1000);
    expect(await storage.get('k')).toBe('v');
    now = 1001;
    expect(await storage.get('k')).toBeUndefined();
    expect(readdirSync(d).filter((f) => f.endsWith('.json'))).toEqual(['k.json']);
  });

  it('deleteIf removes only the expected value; lock has one holder', async () => {
    const storage = fileStorage({ dir: dir() });
    await storage.set('k', 'new');
    expect(await storage.deleteIf!('k', 'old')).toBe(false);
    expect(await storage.get('k')).toBe('new');
    expect(await storage.deleteIf!('k', 'new')).toBe(true);
    expect(await storage.get('k')).toBeUndefined();
    const unlock = await storage.lock!('k', 10_000);
    expect(unlock).toBeTypeOf('function');
    expect(await storage.lock!('k', 10_000)).toBeUndefined();
    await unlock!();
    expect(await storage.lock!('k', 10_000)).toBeTypeOf('function');
  });

  it('two clients sharing a file store make one token request', async () => {
    const gate = deferred();
    const tokens = tokenEndpoint({ gate: gate.promise });
    countEndpoint(() => true);
    const files = fileStorage({ dir: dir() });
    // Seen from outside: the moment one client finds the refresh lock taken by the other.
    const contended = deferred();
    const storage: Storage = {
      ...files,
      lock: async (key, ttlMs) => {
        const unlock = await files.lock!(key, ttlMs);
        if (!unlock) contended.resolve();
        return unlock;
      },
    };
    const a = testClient({ storage });
    const b = testClient({ storage });
    const calls = Promise.all([
      ...Array.from({ length: 20 }, () => Material.getMaterialCount(a)),
      ...Array.from({ length: 20 }, () => Material.getMaterialCount(b)),
    ]);
    // The token request stays open until one client fetches and the other waits on its lock.
    await Promise.all([tokens.requested, contended.promise]);
    gate.resolve();
    await calls;
    expect(tokens.count).toBe(1);
  });
});
