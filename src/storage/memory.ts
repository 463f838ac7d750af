import type { Storage, Unlock } from './types.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Process-local storage; the default. Locks here only coordinate callers in this process. */
export function memoryStorage(options: { now?: () => number } = {}): Storage {
  const now = options.now ?? Date.now;
  const map = new Map<string, Entry>();
  const read = (key: string): string | undefined => {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.expiresAt <= now()) {
      map.delete(key);
      return undefined;
    }
    return e.value;
  };
  return {
    name: 'memory storage',
    async get(key) {
      return read(key);
    },
    peek: read,
    async set(key, value, ttlMs) {
      map.set(key, { value, expiresAt: ttlMs === undefined ? Infinity : now() + ttlMs });
    },
    async delete(key) {
      map.delete(key);
    },
    async deleteIf(key, expected) {
      if (read(key) !== expected) return false;
      map.delete(key);
      return true;
    },
    async lock(key, ttlMs): Promise<Unlock | undefined> {
      if (read(key) !== undefined) return undefined;
      const owner = `${process.pid}:${Math.random()}`;
      map.set(key, { value: owner, expiresAt: now() + ttlMs });
      return async () => {
        if (read(key) === owner) map.delete(key);
      };
    },
  };
}
