// Delivery de-duplication. WeChat re-sends a push up to three times when it gets no answer within
// 5 s, so the same message can reach onMessage more than once unless deliveries are remembered.

import { createHash } from 'node:crypto';
import type { WxMessage } from './message-types.js';

export interface SeenStore {
  /** True if `key` was already marked and not expired; otherwise marks it for `ttlSeconds` and returns false, atomically. */
  seen(key: string, ttlSeconds: number): Promise<boolean>;
}

export interface MemorySeenStoreOptions {
  /** Most keys kept; the oldest are dropped first. Default 10 000. */
  max?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/**
 * In-process store: fine for a single instance. Behind a load balancer retries can land on another
 * instance, so use a shared store there. Both checks happen in one synchronous step, so two
 * concurrent deliveries of the same key cannot both see `false`.
 */
export function memorySeenStore(options: MemorySeenStoreOptions = {}): SeenStore {
  const max = Math.max(1, options.max ?? 10_000);
  const now = options.now ?? Date.now;
  // Map iteration order is insertion order, which doubles as the eviction order.
  const expiries = new Map<string, number>();
  return {
    async seen(key, ttlSeconds) {
      const t = now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > t) return true;
      expiries.delete(key);
      expiries.set(key, t + ttlSeconds * 1000);
      while (expiries.size > max) {
        const oldest = expiries.keys().next().value as string;
        expiries.delete(oldest);
      }
      return false;
    },
  };
}

/**
 * Messages carry a MsgId; events do not, and WeChat's advice is FromUserName + CreateTime, to which
 * the event name is added (a subscribe and a SCAN can share a second). Anything with neither falls
 * back to a hash of the plaintext, which retries repeat byte for byte.
 */
export function dedupeKey(message: WxMessage, plaintext: string): string {
  const m = message as Record<string, unknown>;
  const account = str(m['ToUserName']) ?? str(m['AppId']) ?? str(m['SuiteId']) ?? '';
  const msgId = str(m['MsgId']);
  // JSON arrays keep the parts unambiguous whatever characters the values contain.
  if (msgId !== undefined) return `wx:msg:${JSON.stringify([account, msgId])}`;
  const created = str(m['CreateTime']);
  if (created !== undefined) {
    const what = str(m['Event']) ?? str(m['InfoType']) ?? str(m['MsgType']) ?? '';
    return `wx:evt:${JSON.stringify([account, str(m['FromUserName']) ?? '', created, what])}`;
  }
  return `wx:sha1:${createHash('sha1').update(plaintext).digest('hex')}`;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
