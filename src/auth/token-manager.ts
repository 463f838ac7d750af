// A cached credential (access_token, ticket, component token) with one rule above all: however many
// callers and processes ask at once, WeChat's token endpoint is called once. In-process callers
// share one promise; processes share the store's lock, and those that lose the race re-read the
// store instead of fetching. A fetched token invalidates the previous one at WeChat after a short
// overlap, so a stampede does not just waste quota: it breaks every other holder of the token.
import { WxStorageError, WxValidationError } from '../core/errors.js';
import type { Storage } from '../storage/types.js';

export interface FetchedToken {
  value: string;
  /** Seconds, as WeChat reports it. */
  expiresIn: number;
}

export interface TokenManagerOptions {
  /** Storage key, e.g. `wxkit:wx123:access_token`. */
  key: string;
  storage: Storage;
  fetch: () => Promise<FetchedToken>;
  /** Refresh this long before expiry (default 5 minutes). */
  refreshMarginMs?: number;
  /** How long a live holder may keep the cross-process refresh lock (default 15 s); a crashed one loses it within the storage's lease. */
  lockTtlMs?: number;
  /** How often a process waiting on another's refresh re-reads the store (default 50 ms). */
  pollMs?: number;
  now?: () => number;
  /** Called after every successful fetch, e.g. for events or metrics. */
  onRefresh?: (token: FetchedToken) => void;
  /**
   * Called when a refresh started ahead of expiry fails. The caller already got the still-valid
   * token, so nobody else would hear of it; the next `get()` tries again.
   */
  onBackgroundError?: (error: unknown) => void;
  /**
   * Called when WeChat's answer was usable but odd (a token without a usable `expires_in`, kept
   * for the documented lifetime instead). Never given a token.
   */
  onWarning?: (message: string) => void;
}

/**
 * WeChat documents 7,200 s for every token and ticket it issues. A token that comes without a
 * usable `expires_in` is kept that long: throwing it away would make every call fetch again, and
 * each fetch retires the token every other holder is using. If it dies sooner, the 40001 / 42001
 * it then causes replaces it once, as any stale token is replaced.
 */
export const DOCUMENTED_TOKEN_LIFETIME_S = 7_200;

interface Stored {
  v: string;
  /** Unix ms at which WeChat stops accepting it. */
  e: number;
}

export class TokenManager {
  readonly key: string;
  #opts: Required<Omit<TokenManagerOptions, 'onRefresh' | 'onBackgroundError' | 'onWarning'>> &
    Pick<TokenManagerOptions, 'onRefresh' | 'onBackgroundError' | 'onWarning'>;
  #inflight: Promise<string> | undefined;
  #background: Promise<unknown> | undefined;
  /** The last record read, by its stored text: every API call reads the token, so parse once. */
  #parsed: { raw: string; record: Stored | undefined } | undefined;

  constructor(options: TokenManagerOptions) {
    this.key = options.key;
    this.#opts = {
      ...options,
      refreshMarginMs: options.refreshMarginMs ?? 300_000,
      lockTtlMs: options.lockTtlMs ?? 15_000,
      pollMs: options.pollMs ?? 50,
      now: options.now ?? Date.now,
    };
  }

  /**
   * The stored token, read synchronously, when the store allows that (memory storage) and the
   * token is not due for a refresh; otherwise undefined, and `get()` is the way. Every API call
   * asks for its token, so the common case should not wait for anything.
   */
  peek(): string | undefined {
    const raw = this.#opts.storage.peek?.(this.key);
    if (!raw) return undefined;
    const stored = this.#record(raw);
    return stored && this.#fresh(stored) ? stored.v : undefined;
  }

  /** A token valid now. Fetches only when none is stored or the stored one is about to expire. */
  async get(): Promise<string> {
    const stored = (await this.#read())?.record;
    if (stored && this.#fresh(stored)) return stored.v;
    if (stored && this.#isUsable(stored)) {
      // Still good for a while: hand it out and refresh behind the caller's back.
      this.#background ??= this.#refresh(stored.v)
        .catch((error: unknown) => this.#opts.onBackgroundError?.(error))
        .finally(() => (this.#background = undefined));
      return stored.v;
    }
    return this.#refresh(stored?.v);
  }

  /** Unix ms at which `token` expires, when it is the stored one; lets a hub answer `expires_in`. */
  async expiresAt(token: string): Promise<number | undefined> {
    const stored = (await this.#read())?.record;
    return stored?.v === token ? stored.e : undefined;
  }

  /**
   * WeChat rejected `stale`. Forget it, but only if the store still holds exactly that token: a
   * burst of failures seen by many callers removes one token and causes one refresh.
   */
  async invalidate(stale: string): Promise<void> {
    const read = await this.#read();
    if (read?.record?.v !== stale) return;
    // Compare against the exact stored text, not a re-serialisation of it, which another writer
    // (another version, another field order) could have spelled differently.
    if (this.#opts.storage.deleteIf) await this.#opts.storage.deleteIf(this.key, read.raw);
    else await this.#opts.storage.delete(this.key);
  }

  /** Forces the next `get()` to fetch. */
  async clear(): Promise<void> {
    await this.#opts.storage.delete(this.key);
  }

  #refresh(seen: string | undefined): Promise<string> {
    this.#inflight ??= this.#refreshOnce(seen).finally(() => (this.#inflight = undefined));
    return this.#inflight;
  }

  async #refreshOnce(seen: string | undefined): Promise<string> {
    const { storage, lockTtlMs, pollMs } = this.#opts;
    if (!storage.lock) return this.#fetchAndStore();
    // A live holder gives the lock up by lockTtlMs at the latest, and a crashed one loses it within
    // the storage's short lease (a few seconds): after that the lock is free and we take it ourselves.
    const deadline = this.#opts.now() + lockTtlMs + 5_000;
    for (;;) {
      const unlock = await storage.lock(`${this.key}:lock`, lockTtlMs);
      if (unlock) {
        try {
          // Someone may have refreshed between our read and our lock.
          const fresh = (await this.#read())?.record;
          if (fresh && fresh.v !== seen && this.#isUsable(fresh)) return fresh.v;
          return await this.#fetchAndStore();
        } finally {
          await unlock().catch(() => undefined);
        }
      }
      await sleep(pollMs);
      const fresh = (await this.#read())?.record;
      if (fresh && fresh.v !== seen && this.#isUsable(fresh)) return fresh.v;
      if (this.#opts.now() > deadline) {
        throw new WxStorageError(`gave up waiting for another process to refresh ${this.key}`, storage.name);
      }
    }
  }

  /**
   * Stores a token obtained some other way (the third-party platform gets an authorizer's first
   * token from api_query_auth), in the same record every reader of this key expects.
   */
  async put(token: FetchedToken): Promise<void> {
    const checked = this.#checked(token);
    const record: Stored = { v: checked.value, e: this.#opts.now() + checked.expiresIn * 1000 };
    await this.#opts.storage.set(this.key, JSON.stringify(record), checked.expiresIn * 1000);
  }

  async #fetchAndStore(): Promise<string> {
    const token = this.#checked(await this.#opts.fetch());
    await this.put(token);
    this.#opts.onRefresh?.(token);
    return token.value;
  }

  /** No token is an error; a token without a usable lifetime gets the documented one, with a warning. */
  #checked(token: FetchedToken): FetchedToken {
    if (typeof token?.value !== 'string' || !token.value) {
      throw new WxValidationError('response', [`${this.key}: expected a token, got ${token?.value === undefined ? 'none' : typeof token.value}`]);
    }
    if (Number.isFinite(token.expiresIn) && token.expiresIn > 0) return token;
    this.#opts.onWarning?.(
      `[wxkit] ${this.key}: WeChat's answer has expires_in ${JSON.stringify(token.expiresIn) ?? 'undefined'}; keeping the token for the documented ${DOCUMENTED_TOKEN_LIFETIME_S} s`,
    );
    return { value: token.value, expiresIn: DOCUMENTED_TOKEN_LIFETIME_S };
  }

  /** Not due for a refresh yet: more than the refresh margin left. */
  #fresh(s: Stored): boolean {
    return s.e - this.#opts.now() > this.#opts.refreshMarginMs;
  }

  /** Good enough to hand out: more than 30 s (or half the margin) left. */
  #isUsable(s: Stored): boolean {
    return s.e - this.#opts.now() > Math.min(30_000, this.#opts.refreshMarginMs / 2);
  }

  async #read(): Promise<{ raw: string; record: Stored | undefined } | undefined> {
    const raw = await this.#opts.storage.get(this.key);
    if (!raw) return undefined;
    this.#record(raw);
    return this.#parsed;
  }

  /** The record stored as `raw`, parsed once per distinct text. */
  #record(raw: string): Stored | undefined {
    if (this.#parsed?.raw !== raw) this.#parsed = { raw, record: parseRecord(raw) };
    return this.#parsed.record;
  }
}

function parseRecord(raw: string): Stored | undefined {
  try {
    const s = JSON.parse(raw) as Stored;
    return typeof s.v === 'string' && typeof s.e === 'number' ? s : undefined;
  } catch {
    return undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
