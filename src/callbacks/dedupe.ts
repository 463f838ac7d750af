// Delivery de-duplication. WeChat re-sends a push up to three times when it gets no answer within
// 5 s, and anyone who captured a signed request can send it again while its timestamp is accepted,
// so the same push can reach onMessage more than once unless deliveries are remembered.

import { createHash } from 'node:crypto';
import type { WxMessage } from './message-types.js';

/**
 * `true`: already marked and not expired (a retry or replay). `false`: it was not, and is now
 * marked. `'full'`: it was not, and could not be marked; the caller must not handle the push now.
 */
export type SeenResult = boolean | 'full';

export interface SeenStore {
  /** Checks and marks `key` for `ttlSeconds` in one atomic step (see SeenResult). */
  seen(key: string, ttlSeconds: number): Promise<SeenResult>;
}

export interface MemorySeenStoreOptions {
  /**
   * Most live keys kept; once that many are unexpired, new keys are refused (`'full'`), never
   * made room for by forgetting one. Default 100 000: about 150 pushes/s sustained at the
   * handler's default 660 s retention. Above that, use a shared store such as redisSeenStore.
   */
  max?: number;
  /** Clock in milliseconds, for tests. The handler's default store gets the handler's clock. */
  now?: () => number;
}

/**
 * In-process store: fine for a single instance. Behind a load balancer retries can land on another
 * instance, so use a shared store there. The check and the mark happen in one synchronous step, so
 * two concurrent deliveries of the same key cannot both see `false`.
 */
export function memorySeenStore(options: MemorySeenStoreOptions = {}): SeenStore {
  const max = Math.max(1, options.max ?? 100_000);
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  // No key expires before this instant, so while it is in the future a full map has nothing to
  // sweep and the refusal costs O(1) instead of a scan per push.
  let earliest = Infinity;

  const sweepAll = (t: number): void => {
    earliest = Infinity;
    for (const [key, expiry] of expiries) {
      if (expiry <= t) expiries.delete(key);
      else if (expiry < earliest) earliest = expiry;
    }
  };

  return {
    async seen(key, ttlSeconds) {
      const t = now();
      const expiry = expiries.get(key);
      if (expiry !== undefined) {
        if (expiry > t) return true;
        expiries.delete(key);
      }
      // Insertion order is expiry order while every key has the same TTL (one handler), so
      // popping from the front keeps a steady load swept for amortised O(1).
      for (const [oldest, at] of expiries) {
        if (at > t) break;
        expiries.delete(oldest);
      }
      if (expiries.size >= max && earliest <= t) sweepAll(t); // mixed TTLs: expired keys behind a live one
      // Forgetting a live key would let its replay run onMessage again; refusing only delays a push.
      if (expiries.size >= max) return 'full';
      const until = t + ttlSeconds * 1000;
      expiries.set(key, until);
      if (until < earliest) earliest = until;
      return false;
    },
  };
}

/**
 * The key is the account plus a SHA-256 of the whole decrypted plaintext. No id field is used,
 * deliberately, MsgId included:
 * - WeChat's retries repeat the plaintext byte for byte (only the envelope, nonce and AES prefix
 *   change), so the digest recognises every retry and every replay of a captured request.
 * - Any two pushes that differ in any field get different keys, so a distinct push is never
 *   dropped: not two CLICKs with different EventKeys in one second, not two job-finished events
 *   with different MsgIDs, not third-party platform or WeCom pushes whose ids have names nothing
 *   here knows. A list of id fields is always one push type short; the digest is not.
 * - A MsgId key would also drop a distinct push that reused a MsgId (mini program ids are free
 *   text), and in plaintext mode, where the signature does not cover the body, it would let a
 *   forged body mark a real message's MsgId as seen in advance.
 * Two pushes identical to the byte are indistinguishable from a retry by any key and count as one.
 * If WeChat ever re-serialised a retry, the cost would be handling it twice, not losing it.
 * The account stays readable in the key for operators looking at a shared store.
 */
export function dedupeKey(message: WxMessage, plaintext: string): string {
  const m = message as Record<string, unknown>;
  const account = str(m['ToUserName']) ?? str(m['AppId']) ?? str(m['SuiteId']) ?? str(m['aibotid']) ?? '';
  // A JSON array keeps the two parts unambiguous whatever characters the account contains.
  return `wx:push:${JSON.stringify([account, createHash('sha256').update(plaintext).digest('hex')])}`;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
