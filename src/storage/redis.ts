// Redis storage: the store a fleet shares. Tokens live under `wxkit:<appid>:...` with the TTL WeChat
// gave them; the refresh lock is `SET key owner NX PX lease`, renewed while its holder lives and released only by its owner (a Lua
// compare-and-delete), so N processes × M concurrent cold calls fetch once and the rest re-read.
//
// ioredis is loaded on first use, so `import 'wxkit'` costs nothing for apps that never use Redis.
// Failure policy: no offline queue and one connection attempt at a time. While Redis is down every
// call fails at once with a WxStorageError naming the URL (password masked); ioredis keeps
// reconnecting in the background and calls succeed again as soon as it is back.
import { randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { WxConfigError, WxStorageError } from '../core/errors.js';
import type { Storage, Unlock } from './types.js';

/**
 * `url`: wxkit opens and owns the connection, with the fail-fast policy above. `client`: your ioredis
 * instance, used as it is configured (with its offline queue, calls wait for a reconnect instead of
 * failing fast); wxkit only adds an 'error' listener and wraps failures in WxStorageError.
 */
export type RedisStorageOptions = ({ url: string; client?: undefined } | { client: Redis; url?: undefined }) & {
  /**
   * Prepended to every key, e.g. `staging:`. Keys are already namespaced per app
   * (`wxkit:<appid>:access_token`); use this to separate environments sharing one Redis.
   */
  keyPrefix?: string;
  /** How long a call waits for a connection being opened (default 2000 ms). */
  connectTimeoutMs?: number;
  /** How long a command may take before it fails (default 2000 ms). */
  commandTimeoutMs?: number;
  /** Extra ioredis options when wxkit creates the connection from `url`. */
  redisOptions?: Omit<RedisOptions, 'lazyConnect' | 'enableOfflineQueue'>;
};

export interface RedisStorage extends Storage {
  /** Closes the connection if wxkit opened it (a `client` you passed in is left to you). */
  close(): Promise<void>;
}

/** Atomic "delete if the value is still mine": used for compare-and-swap invalidation and unlock. */
const DELETE_IF_EQUAL = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Atomic "extend my lock's lease to ARGV[2] ms if it is still mine": a lapsed holder never extends its successor's. */
const PEXPIRE_IF_EQUAL = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/**
 * The lock key lives this long past its holder's last renewal. A holder renews it every third of a
 * lease while it runs, so a holder that is SIGKILLed or loses its connection frees the lock within
 * one lease rather than after the whole `ttlMs`, while a live holder survives two failed renewals
 * in a row.
 */
const LOCK_LEASE_MS = 2_500;

const kConnection: unique symbol = Symbol('wxkit.redisConnection');
interface Shared {
  conn: RedisConnection;
  prefix: string;
}

/**
 * Token storage on Redis (ioredis), shared by every process that points at the same server:
 * `redisStorage({ url: 'redis://:password@10.0.0.5:6379/0' })` or `redisStorage({ client })`.
 */
export function redisStorage(options: RedisStorageOptions): RedisStorage {
  const conn = new RedisConnection(options);
  const prefix = options.keyPrefix ?? '';
  const k = (key: string) => prefix + key;
  const storage: RedisStorage & { [kConnection]: Shared } = {
    name: conn.name,
    [kConnection]: { conn, prefix },
    async get(key) {
      const value = await conn.run(`GET ${key}`, (r) => r.get(k(key)));
      return value ?? undefined;
    },
    async set(key, value, ttlMs) {
      await conn.run(`SET ${key}`, (r) => (ttlMs === undefined ? r.set(k(key), value) : r.set(k(key), value, 'PX', Math.max(1, Math.ceil(ttlMs)))));
    },
    async delete(key) {
      await conn.run(`DEL ${key}`, (r) => r.del(k(key)));
    },
    async deleteIf(key, expected) {
      const n = await conn.run(`delete-if ${key}`, (r) => r.eval(DELETE_IF_EQUAL, 1, k(key), expected));
      return Number(n) === 1;
    },
    async lock(key, ttlMs): Promise<Unlock | undefined> {
      // `ttlMs` is the longest a live holder keeps the lock; the key itself only ever carries a short
      // lease, renewed while this process is alive, so a crashed holder does not stall the fleet.
      const owner = `${process.pid}:${randomBytes(12).toString('hex')}`;
      const maxHoldMs = Math.max(1, Math.ceil(ttlMs));
      const leaseMs = Math.min(maxHoldMs, LOCK_LEASE_MS);
      // Measured before the SET, so the lock can never outlive `ttlMs` counted from the server's side.
      const capAt = Date.now() + maxHoldMs;
      const ok = await conn.run(`lock ${key}`, (r) => r.set(k(key), owner, 'PX', leaseMs, 'NX'));
      if (ok !== 'OK') return undefined;

      let released = false;
      let renewing = false;
      let renewedAt = Date.now();
      let timer: ReturnType<typeof setInterval> | undefined;
      const stop = () => {
        if (timer) clearInterval(timer);
        timer = undefined;
      };
      const renew = async () => {
        if (renewing || !timer) return;
        const now = Date.now();
        // Past the cap, or no renewal got through for a whole lease (Redis unreachable, storage
        // closed): the key has lapsed on the server, so there is nothing left to renew.
        if (now >= capAt || now - renewedAt >= leaseMs) return stop();
        renewing = true;
        try {
          const extendMs = Math.max(1, Math.min(leaseMs, capAt - now));
          const n = await conn.run(`renew lock ${key}`, (r) => r.eval(PEXPIRE_IF_EQUAL, 1, k(key), owner, extendMs));
          if (Number(n) === 1) renewedAt = now;
          else stop(); // someone else holds it now: our lease ran out
        } catch {
          // A slow or failed round trip: the next tick tries again while the lease still covers us.
        } finally {
          renewing = false;
        }
      };
      if (leaseMs < maxHoldMs) {
        timer = setInterval(() => void renew(), Math.max(10, Math.floor(leaseMs / 3)));
        // A held lock must not keep the process alive on its own.
        timer.unref();
      }
      return async () => {
        if (released) return;
        released = true;
        stop();
        // Only the owner releases: a holder whose lease ran out must not delete its successor's lock.
        await conn.run(`unlock ${key}`, (r) => r.eval(DELETE_IF_EQUAL, 1, k(key), owner));
      };
    },
    close: () => conn.close(),
  };
  return storage;
}

/** Callback de-duplication across instances (`SeenStore` of `wxkit/server`). */
export interface RedisSeenStore {
  /**
   * True if `key` was already marked and has not expired; otherwise marks it for `ttlSeconds`
   * (rounded up, never shortened) and returns false (SET NX EX, atomic). The handler passes its
   * retention, 2 × timestampWindowSeconds + 60 s by default. Redis expires keys itself, so this
   * store never answers `'full'`; run it with `maxmemory-policy noeviction`, since an evicting
   * policy could drop a live key and let a replay through.
   */
  seen(key: string, ttlSeconds: number): Promise<boolean>;
  /** Unmarks `key`: a Pay notification whose handling failed must be handled when WeChat sends it again. */
  forget(key: string): Promise<void>;
  /** Closes the connection if this store opened it. */
  close(): Promise<void>;
}

/**
 * A SeenStore on Redis, so a push WeChat retries to another instance is still handled once.
 * Pass connection options, or an existing `redisStorage(...)` to share its connection.
 */
export function redisSeenStore(source: RedisStorageOptions | RedisStorage, options: { keyPrefix?: string } = {}): RedisSeenStore {
  const shared = (source as { [kConnection]?: Shared })[kConnection];
  const conn = shared?.conn ?? new RedisConnection(source as RedisStorageOptions);
  const prefix = `${options.keyPrefix ?? shared?.prefix ?? (source as RedisStorageOptions).keyPrefix ?? ''}wxkit:seen:`;
  return {
    async seen(key, ttlSeconds) {
      const ttl = Math.max(1, Math.ceil(ttlSeconds));
      const ok = await conn.run('SET NX (dedupe)', (r) => r.set(prefix + key, '1', 'EX', ttl, 'NX'));
      return ok !== 'OK';
    },
    async forget(key) {
      await conn.run('DEL (dedupe)', (r) => r.del(prefix + key));
    },
    async close() {
      if (!shared) await conn.close();
    },
  };
}

/** `redis://user:secret@host:6379/0` → `redis://user:***@host:6379/0`; never echoes a password. */
export function maskRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable url)';
  }
}

class RedisConnection {
  readonly name: string;
  #client: Redis | undefined;
  #loading: Promise<Redis> | undefined;
  #owned: boolean;
  #url: string | undefined;
  #secret: string | undefined;
  #options: RedisStorageOptions;
  #lastError: Error | undefined;
  #waiting: Promise<void> | undefined;
  #closed = false;

  constructor(options: RedisStorageOptions) {
    if (!options || (typeof options.url !== 'string' && !options.client)) {
      throw new WxConfigError('redisStorage: pass { url: "redis://..." } or { client: <ioredis instance> }');
    }
    this.#options = options;
    this.#owned = !options.client;
    if (options.client) {
      this.#client = options.client;
      const o = options.client.options ?? {};
      this.name = `redis storage (redis://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}/${o.db ?? 0})`;
      // An 'error' listener keeps ioredis from printing "Unhandled error event"; failures reach the
      // caller as WxStorageError instead.
      options.client.on('error', (e: Error) => (this.#lastError = e));
    } else {
      const url = options.url!;
      if (!/^rediss?:\/\//.test(url)) throw new WxConfigError(`redisStorage: url must start with redis:// or rediss://, got ${maskRedisUrl(url)}`);
      this.#url = url;
      try {
        this.#secret = decodeURIComponent(new URL(url).password) || undefined;
      } catch {
        this.#secret = undefined;
      }
      this.name = `redis storage (${maskRedisUrl(url)})`;
    }
  }

  async run<T>(what: string, op: (client: Redis) => Promise<T>): Promise<T> {
    if (this.#closed) throw new WxStorageError(`${what}: storage is closed`, this.name);
    const client = await this.#ready();
    try {
      return await op(client);
    } catch (e) {
      throw new WxStorageError(`${what} failed: ${this.#describe(e)}`, this.name, this.#scrubbed(e));
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const client = this.#client;
    if (!client || !this.#owned) return;
    if (client.status === 'ready') await client.quit().catch(() => client.disconnect());
    else client.disconnect();
  }

  async #ready(): Promise<Redis> {
    const client = this.#client ?? (await (this.#loading ??= this.#create()));
    if (!this.#owned || client.status === 'ready') return client;
    if (client.status === 'reconnecting' || client.status === 'close') {
      // Redis is known to be down: fail now rather than queue; ioredis keeps reconnecting.
      throw new WxStorageError(`cannot reach Redis: ${this.#describe(this.#lastError ?? 'connection lost')}`, this.name);
    }
    await (this.#waiting ??= this.#waitReady(client).finally(() => (this.#waiting = undefined)));
    return client;
  }

  async #create(): Promise<Redis> {
    const mod = await import('ioredis').catch((e: unknown) => {
      // ioredis is an optional peer dependency: only Redis users install it.
      if ((e as { code?: unknown })?.code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes("'ioredis'")) {
        throw new WxConfigError('redisStorage needs the ioredis package: npm install ioredis', { cause: e });
      }
      throw e;
    });
    const RedisCtor = (mod.Redis ?? mod.default) as unknown as typeof Redis;
    const client = new RedisCtor(this.#url!, {
      connectTimeout: this.#options.connectTimeoutMs ?? 2000,
      commandTimeout: this.#options.commandTimeoutMs ?? 2000,
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 5), 1000),
      ...this.#options.redisOptions,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    client.on('error', (e: Error) => (this.#lastError = e));
    this.#client = client;
    return client;
  }

  #waitReady(client: Redis): Promise<void> {
    if (client.status === 'wait' || client.status === 'end') client.connect().catch(() => undefined);
    const timeoutMs = this.#options.connectTimeoutMs ?? 2000;
    return new Promise<void>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('reconnecting', onFail);
        client.off('end', onFail);
      };
      const onReady = () => (cleanup(), resolve());
      const onFail = () => {
        cleanup();
        reject(new WxStorageError(`cannot reach Redis: ${this.#describe(this.#lastError ?? 'connection closed')}`, this.name));
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new WxStorageError(`cannot reach Redis: no connection within ${timeoutMs} ms`, this.name));
      }, timeoutMs);
      client.on('ready', onReady);
      client.on('reconnecting', onFail);
      client.on('end', onFail);
    });
  }

  #describe(e: unknown): string {
    const code = (e as { code?: unknown })?.code;
    const message = e instanceof Error ? e.message : String(e);
    return this.#scrub(typeof code === 'string' && !message.includes(code) ? `${code} ${message}` : message);
  }

  #scrub(text: string): string {
    return this.#secret && this.#secret.length >= 3 ? text.split(this.#secret).join('***') : text;
  }

  #scrubbed(e: unknown): unknown {
    if (!this.#secret || !(e instanceof Error) || !e.message.includes(this.#secret)) return e;
    return new Error(this.#scrub(e.message));
  }
}
