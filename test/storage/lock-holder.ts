// A child process for the lock tests: takes a storage lock and then does what the parent asked.
//   WXKIT_HOLDER_STORE   file | redis
//   WXKIT_HOLDER_DIR     (file) the storage directory
//   WXKIT_HOLDER_REDIS_URL, WXKIT_HOLDER_PREFIX   (redis)
//   WXKIT_HOLDER_KEY, WXKIT_HOLDER_TTL_MS
//   WXKIT_HOLDER_ACTION
//     hold     take the lock (retrying), print "locked", stay alive until killed
//     race     like hold, but print "got <pid>" when it wins; keeps trying until killed
//     release  take the lock, unlock, close, print "released", then let the event loop drain
//     abandon  take the lock, never unlock, close the connection, print "abandoned", drain
// The drain cases check that nothing the lock left behind (a renewal timer) keeps a process alive.
import { fileStorage } from '../../src/storage/file.js';
import { redisStorage } from '../../src/storage/redis.js';
import type { Storage } from '../../src/storage/types.js';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`lock-holder: ${name} is not set`);
  return v;
};

const key = env('WXKIT_HOLDER_KEY');
const ttlMs = Number(env('WXKIT_HOLDER_TTL_MS'));
const action = env('WXKIT_HOLDER_ACTION');
const redis = env('WXKIT_HOLDER_STORE') === 'redis' ? redisStorage({ url: env('WXKIT_HOLDER_REDIS_URL'), keyPrefix: env('WXKIT_HOLDER_PREFIX') }) : undefined;
const storage: Storage = redis ?? fileStorage({ dir: env('WXKIT_HOLDER_DIR') });

async function take(giveUpAfterMs: number) {
  const until = Date.now() + giveUpAfterMs;
  for (;;) {
    const unlock = await storage.lock!(key, ttlMs);
    if (unlock || Date.now() > until) return unlock;
    await new Promise((r) => setTimeout(r, 20));
  }
}

if (action === 'race') {
  // Keep the process alive while racing; the parent kills it.
  setInterval(() => undefined, 60_000);
  const unlock = await take(60_000);
  if (unlock) console.log(`got ${process.pid}`);
} else {
  const unlock = await take(10_000);
  if (!unlock) {
    console.log('busy');
    process.exit(2);
  }
  if (action === 'hold') {
    setInterval(() => undefined, 60_000);
    console.log('locked');
  } else if (action === 'release') {
    await unlock();
    await redis?.close();
    console.log('released');
  } else if (action === 'abandon') {
    await redis?.close();
    console.log('abandoned');
  } else {
    throw new Error(`lock-holder: unknown action ${action}`);
  }
}
