// The one storage interface every token store implements: memory, file, Redis, the hub.
// Values are opaque strings (the token manager serialises its own records).

/** Releases a lock; safe to call twice. */
export type Unlock = () => Promise<void>;

export interface Storage {
  /** Shown in error messages, e.g. `file storage (/var/lib/wxkit)`; never contains credentials. */
  readonly name: string;
  get(key: string): Promise<string | undefined>;
  /**
   * The same read, synchronously, for stores held in this process (memory storage). A call that
   * finds a fresh token this way skips a wait; stores across a network or a disk leave it out.
   */
  peek?(key: string): string | undefined;
  /** `ttlMs` undefined means keep until deleted. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * Delete only if the stored value is still `expected`: how a failed token is invalidated
   * without throwing away a fresher one that another caller stored meanwhile.
   */
  deleteIf?(key: string, expected: string): Promise<boolean>;
  /**
   * Try to take a lock shared by every process using this store. Resolves to an unlock function,
   * or undefined when someone else holds it. Stores without it are process-local.
   *
   * `ttlMs` is the longest a live holder keeps the lock, so that even a hung holder frees it. It
   * is not how long a crashed holder blocks everyone else: file and Redis storage hold a short
   * lease (about 2.5 s) that the holder renews in the background until it unlocks or `ttlMs` runs
   * out, so a holder that dies frees the lock within one lease (file storage on the same host sees
   * the dead pid and frees it at once). Unlock also stops the renewal.
   */
  lock?(key: string, ttlMs: number): Promise<Unlock | undefined>;
}
