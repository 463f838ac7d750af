// Spawning the lock-holder child (./lock-holder.ts) and reading what it prints, for the file and
// Redis lock tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const HOLDER = fileURLToPath(new URL('./lock-holder.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Holder {
  child: ChildProcess;
  /** Everything printed so far (stdout and stderr). */
  output(): string;
  /** Resolves when a line matching `pattern` has been printed; rejects if the child exits first or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the exit code (or signal) once the child has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export function spawnHolder(env: Record<string, string>): Holder {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return {
    child,
    output: () => out,
    exited,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise<string>((resolve, reject) => {
        const done = () => {
          listeners.delete(check);
          clearTimeout(timer);
        };
        const check = () => {
          const m = out.match(pattern);
          if (m) {
            done();
            resolve(m[0]);
          }
        };
        const timer = setTimeout(() => (done(), reject(new Error(`child printed no ${pattern} within ${timeoutMs} ms:\n${out}`))), timeoutMs);
        listeners.add(check);
        check();
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          // Let the last output arrive before deciding.
          setTimeout(() => {
            check();
            if (listeners.has(check)) done(), reject(new Error(`child exited (${String(code)}) before printing ${pattern}:\n${out}`));
          }, 50);
        });
      });
    },
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Tries `take` every `everyMs` until it yields a value or `limitMs` passes; returns the value and how long it took. */
export async function pollUntil<T>(take: () => Promise<T | undefined>, limitMs: number, everyMs = 50): Promise<{ value: T | undefined; ms: number }> {
  const t0 = performance.now();
  for (;;) {
    const value = await take();
    const ms = performance.now() - t0;
    if (value !== undefined || ms > limitMs) return { value, ms };
    await sleep(everyMs);
  }
}

/** A pid that is certainly not running: a child that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}
