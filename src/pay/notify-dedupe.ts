// De-duplication of Pay notifications by their id. Unlike message pushes, a payment notification
// must be handled at least once: when the handler fails, WeChat is answered with an error so that
// it notifies again, and the retry must then not be taken for a duplicate. The store therefore
// needs `forget` as well as the callback handler's atomic check-and-mark.
import type { SeenResult, SeenStore } from '../callbacks/dedupe.js';

export interface NotificationSeenStore extends SeenStore {
  /** Unmarks `key` (the handling failed and WeChat will send it again). */
  forget(key: string): Promise<void>;
}

/**
 * WeChat notifies again for up to 24 h 4 min (15 s, 15 s, 30 s, 3 m, 10 m, 20 m, 30 m, 30 m, 30 m,
 * 60 m, 3 h, 3 h, 3 h, 6 h, 6 h), so ids are remembered a little longer than that by default.
 */
export const NOTIFICATION_RETENTION_SECONDS = 25 * 3600;

/**
 * In-process store; behind several instances use a shared one (redisSeenStore has `forget`). Full
 * (`max` live ids) means a new id is refused with `'full'` rather than an old one forgotten.
 */
export function memoryNotificationStore(options: { max?: number; now?: () => number } = {}): NotificationSeenStore {
  const max = Math.max(1, options.max ?? 100_000);
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  return {
    async seen(key, ttlSeconds): Promise<SeenResult> {
      const t = now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > t) return true;
      expiries.delete(key);
      // Same TTL for every key of one handler: insertion order is expiry order.
      for (const [oldest, at] of expiries) {
        if (at > t) break;
        expiries.delete(oldest);
      }
      if (expiries.size >= max) return 'full';
      expiries.set(key, t + ttlSeconds * 1000);
      return false;
    },
    async forget(key) {
      expiries.delete(key);
    },
  };
}
