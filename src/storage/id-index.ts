// Two small records the platform stores (the third-party platform's authorizers and a WeCom suite's
// corps) both keep: a list of ids under one key, changed under the store's lock so two processes
// never lose each other's additions, and a one-hour memo of which id an auth code gave, so the
// push and the redirect of one authorization exchange the code once.
import { createHash } from 'node:crypto';
import { WxStorageError } from '../core/errors.js';
import type { Storage } from './types.js';

export class IdIndex {
  readonly #storage: Storage;
  readonly #key: string;
  readonly #lockKey: string;
  readonly #what: string;

  /** `what` names the index in errors ("the corp index of suite ww…"). */
  constructor(storage: Storage, key: string, lockKey: string, what: string) {
    this.#storage = storage;
    this.#key = key;
    this.#lockKey = lockKey;
    this.#what = what;
  }

  async list(): Promise<string[]> {
    const raw = await this.#storage.get(this.#key);
    if (!raw) return [];
    try {
      const list = JSON.parse(raw) as unknown;
      return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
    } catch {
      return [];
    }
  }

  add(id: string): Promise<void> {
    return this.#update((list) => (list.includes(id) ? list : [...list, id]));
  }

  remove(id: string): Promise<void> {
    return this.#update((list) => list.filter((x) => x !== id));
  }

  async #update(change: (list: string[]) => string[]): Promise<void> {
    const unlock = await this.#lock();
    try {
      const before = await this.list();
      const after = change(before);
      if (after.length !== before.length || after.some((id, i) => id !== before[i])) await this.#storage.set(this.#key, JSON.stringify(after));
    } finally {
      await unlock?.().catch(() => undefined);
    }
  }

  async #lock(): Promise<(() => Promise<void>) | undefined> {
    const storage = this.#storage;
    if (!storage.lock) return undefined;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const unlock = await storage.lock(this.#lockKey, 5_000);
      if (unlock) return unlock;
      if (Date.now() > deadline) throw new WxStorageError(`gave up waiting for the lock of ${this.#what}`, storage.name);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Which id an auth code gave, kept an hour under a digest of the code (never the code itself). */
export class AuthCodeMemo {
  readonly #storage: Storage;
  readonly #keyOf: (digest: string) => string;

  constructor(storage: Storage, keyOf: (digest: string) => string) {
    this.#storage = storage;
    this.#keyOf = keyOf;
  }

  async mark(code: string, id: string): Promise<void> {
    await this.#storage.set(this.#keyOf(digest(code)), id, 3600_000);
  }

  async get(code: string): Promise<string | undefined> {
    return (await this.#storage.get(this.#keyOf(digest(code)))) || undefined;
  }
}

function digest(code: string): string {
  return createHash('sha256').update(code).digest('hex').slice(0, 32);
}
