// Timing helpers: run a call n times at a given concurrency, median of runs, forced GC between runs.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Runs `call` n times with at most `concurrency` in flight; returns elapsed milliseconds. */
export async function timeCalls(call: () => Promise<unknown>, n: number, concurrency: number): Promise<number> {
  let started = 0;
  const lane = async () => {
    while (started < n) {
      started++;
      await call();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  return performance.now() - t0;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

let gcFn: (() => void) | undefined;

/**
 * Collects garbage so one variant's leftovers are not collected on the next one's clock.
 * `npm run bench` runs without --expose-gc, so the flag is switched on at runtime.
 */
export function collectGarbage(): void {
  if (!gcFn) {
    const g = (globalThis as { gc?: () => void }).gc;
    if (g) gcFn = g;
    else {
      setFlagsFromString('--expose-gc');
      gcFn = runInNewContext('gc') as () => void;
    }
  }
  gcFn();
}

/** Settles timers and sockets between runs. */
export function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
