// Starts bench/lib/fake-wechat.ts in a child process. On a 2-core machine the client under test
// and the server each get a core and their own event loop, heap and GC; in one event loop the
// server's work would be billed to whichever client is being measured, and a worker thread would
// still share the process (GC helper threads, RSS, libuv pool). A process is the closest stand-in
// for a remote server that loopback allows.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The access_token the server hands out (bare baselines send it without asking). */
export const TOKEN = 'BENCH_ACCESS_TOKEN_0123456789';

export interface FakeWechat {
  /** `http://127.0.0.1:<port>` */
  url: string;
  stats(): Promise<{ token: number; api: number; other: number }>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./fake-wechat.ts', import.meta.url)), [TOKEN], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    const early = (code: number | null) => reject(new Error(`fake WeChat server exited (${code}) before listening`));
    child.once('exit', early);
    child.on('message', (m: { type: string; port?: number }) => {
      if (m.type !== 'ready') return;
      child.off('exit', early);
      resolve(m.port!);
    });
  });
  let next = 0;
  const ask = (type: 'stats' | 'reset') =>
    new Promise<{ token: number; api: number; other: number }>((resolve) => {
      const id = ++next;
      const on = (m: { type: string; id?: number; counts?: { token: number; api: number; other: number } }) => {
        if (m.type === 'stats' && m.id === id) {
          child.off('message', on);
          resolve(m.counts!);
        }
      };
      child.on('message', on);
      child.send({ type, id });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ask('stats'),
    reset: async () => void (await ask('reset')),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
