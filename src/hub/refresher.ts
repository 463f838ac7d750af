// The proactive refresher: asks each provider for its token shortly before it enters the refresh
// margin, so the refresh happens here and no client request ever waits on WeChat. It relies on the
// provider refreshing inside its margin (TokenManager does, in the background, keeping the old
// token until the new one is stored): the refresher only makes sure someone asks in time, and
// retries at `retryMs` while the token is still not renewed. Timers are unref'd.
import type { Logger } from '../core/runtime.js';
import type { HubTokenProvider } from './types.js';

export interface RefresherOptions {
  /** Refresh this long before expiry; give providers the same margin (default 10 minutes). */
  marginMs?: number;
  /** Wait this long before trying again after a failure (default 30 s). */
  retryMs?: number;
  /** How often to ask a provider that cannot tell its expiry (default: half the margin). */
  unknownExpiryPollMs?: number;
  logger?: Logger;
  now?: () => number;
}

export interface Refresher {
  /** Keep `provider` fresh under `id` (replaces a previous entry with the same id). */
  add(id: string, provider: HubTokenProvider): void;
  remove(id: string): void;
  has(id: string): boolean;
  /** Start the timers; each entry is asked at once, then ahead of its expiry. */
  start(): void;
  /** Stop every timer; entries stay registered. */
  stop(): void;
  /** Ask every entry now and wait: warms the store at startup, and lets tests observe one round. */
  refreshAll(): Promise<void>;
  readonly running: boolean;
}

interface Entry {
  provider: HubTokenProvider;
  timer?: ReturnType<typeof setTimeout>;
  /** Consecutive checks that found the token still inside its margin. */
  pending: number;
  ticking?: Promise<void>;
}

export function createRefresher(options: RefresherOptions = {}): Refresher {
  const marginMs = options.marginMs ?? 600_000;
  const retryMs = Math.max(10, options.retryMs ?? 30_000);
  const unknownPollMs = options.unknownExpiryPollMs ?? Math.max(1000, marginMs / 2);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? { warn: (m: string) => console.warn(m) };
  const entries = new Map<string, Entry>();
  let running = false;

  const schedule = (id: string, entry: Entry, delayMs: number) => {
    clearTimeout(entry.timer);
    if (!running || entries.get(id) !== entry) return;
    entry.timer = setTimeout(() => void tick(id, entry), Math.max(0, Math.min(delayMs, 2 ** 31 - 1)));
    entry.timer.unref?.();
  };

  const tick = (id: string, entry: Entry): Promise<void> => (entry.ticking ??= check(id, entry).finally(() => (entry.ticking = undefined)));

  async function check(id: string, entry: Entry): Promise<void> {
    let delay: number;
    try {
      const token = await entry.provider.get();
      const expiresAt = await entry.provider.expiresAt?.(token);
      if (expiresAt === undefined) {
        entry.pending = 0;
        delay = unknownPollMs;
      } else if (expiresAt - marginMs > now()) {
        entry.pending = 0;
        delay = expiresAt - marginMs - now() + 1;
      } else {
        // Inside the margin: the provider has started its refresh. Look again shortly, then at the
        // retry interval if the refresh keeps failing.
        entry.pending++;
        if (entry.pending > 2)
          logger.warn(
            `[wxkit hub] ${id} is still not renewed ${Math.round((expiresAt - now()) / 1000)} s before expiry; retrying in ${Math.round(retryMs / 1000)} s`,
          );
        delay = entry.pending === 1 ? Math.min(retryMs, 1000) : retryMs;
      }
    } catch (error) {
      logger.warn(`[wxkit hub] refreshing ${id} failed: ${(error as Error)?.message ?? String(error)}; retrying in ${Math.round(retryMs / 1000)} s`);
      delay = retryMs;
    }
    schedule(id, entry, delay);
  }

  return {
    add(id, provider) {
      const previous = entries.get(id);
      if (previous) clearTimeout(previous.timer);
      const entry: Entry = { provider, pending: 0 };
      entries.set(id, entry);
      if (running) void tick(id, entry);
    },
    remove(id) {
      const entry = entries.get(id);
      if (entry) clearTimeout(entry.timer);
      entries.delete(id);
    },
    has: (id) => entries.has(id),
    start() {
      if (running) return;
      running = true;
      for (const [id, entry] of entries) void tick(id, entry);
    },
    stop() {
      running = false;
      for (const entry of entries.values()) clearTimeout(entry.timer);
    },
    async refreshAll() {
      await Promise.all([...entries].map(([id, entry]) => tick(id, entry)));
    },
    get running() {
      return running;
    },
  };
}
