// Token requests counted at the simulator: wxkit against what peers do.
//   1 process, N concurrent cold calls       baseline: a naive client, every cold call fetches
//   4 processes through Redis / through a hub baseline: per-process caches (no shared store)
//   after an injected 40001 (Redis / hub)    baseline: per-process caches after the same 40001
// Rows through Redis need WXKIT_REDIS_URL; without it they are left out with a notice.
//
//   npx tsx bench/tokens.ts [--quick]
// This file is also the child process of the multi-process rows (run with --child).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Material } from '../generated/official-account/index.js';
import { createClient, createHub, hubClientOptions, hubStorage, redisStorage, type RedisStorage } from '../src/index.js';
import { createWorkClient } from '../src/work/index.js';
import { DEMO_APPS, startSimulator, type Simulator } from '../src/simulator/index.js';
import type { Row } from './lib/row.js';

export type { Row };

const APP = DEMO_APPS[0]!;
const UNIT = 'token requests';

export async function benchTokens(opts: { quick: boolean }): Promise<Row[]> {
  const single = opts.quick ? 200 : 1000;
  const processes = 4;
  const perProcess = opts.quick ? 50 : 200;
  const redisUrl = process.env.WXKIT_REDIS_URL || undefined;
  const rows: Row[] = [];
  // ratio = value / baseline: below 1 is better than the baseline.
  const row = (name: string, value: number, baseline: number, baselineLabel: string, note?: string): void => {
    rows.push({ name, value, baseline, ratio: baseline ? value / baseline : value, goal: '1', unit: UNIT, baselineLabel, ...(note ? { note } : {}) });
  };
  const NAIVE = 'naive client: every cold call fetches';
  const PER_PROCESS = 'per-process caches, no shared store';
  const AFTER = 'extra token requests after the 40001';

  // 1. One process, N concurrent cold calls.
  {
    const sim = await startSimulator();
    try {
      await naiveColdCalls(sim, single);
      const baseline = tokens(sim);
      sim.reset();
      const client = createClient({ appType: 'official_account', appid: APP.appid, appsecret: APP.secret, baseUrl: sim.url });
      await Promise.all(Array.from({ length: single }, () => Material.getMaterialCount(client)));
      row(`${single.toLocaleString('en')} concurrent cold calls, 1 process`, tokens(sim), baseline, NAIVE);
    } finally {
      await sim.close();
    }
  }

  // 1b. WeCom: one createWorkClient, N concurrent cold calls, then a 42001 (WeCom expired the token).
  {
    const sim = await startSimulator();
    try {
      const app = sim.work.apps[0]!;
      const gettoken = () => Object.values(sim.work.counters().tokenRequests).reduce((a, b) => a + b, 0);
      const work = createWorkClient({
        corpid: app.corpid,
        agentid: app.agentid,
        corpsecret: app.secret,
        baseUrl: sim.url,
        timeoutMs: 60_000,
        deadlineMs: 120_000,
      });
      const call = () => work.request({ path: '/cgi-bin/agent/get', query: { agentid: app.agentid } });
      await Promise.all(Array.from({ length: single }, call));
      row(`WeCom: ${single.toLocaleString('en')} concurrent cold calls, 1 createWorkClient`, gettoken(), single, NAIVE);
      const before = gettoken();
      sim.work.expireToken(app.corpid, app.agentid);
      await Promise.all(Array.from({ length: 50 }, call));
      row('WeCom: a 42001 seen by 50 concurrent calls', gettoken() - before, 50, 'every call fetching again', AFTER);
    } finally {
      await sim.close();
    }
  }

  // The multi-process baseline: each process with its own cache, as every peer does by default.
  const sim = await startSimulator();
  try {
    const baseline = await measureProcesses(sim, processes, perProcess, { mode: 'memory' });
    const label = `${processes} processes × ${perProcess} cold calls`;

    if (redisUrl) {
      const prefix = `wxkit-bench:${process.pid}:${randomBytes(4).toString('hex')}:`;
      const redis = await measureProcesses(sim, processes, perProcess, { mode: 'redis', redisUrl, prefix });
      row(`${label} through Redis`, redis.cold, baseline.cold, PER_PROCESS);
      row(`40001 seen by ${processes} processes, through Redis`, redis.after40001, baseline.after40001, PER_PROCESS, AFTER);
      const cleanup = redisStorage({ url: redisUrl, keyPrefix: prefix });
      await cleanup.delete(`wxkit:${APP.appid}:access_token`).finally(() => cleanup.close());
    } else {
      console.warn('[bench/tokens] WXKIT_REDIS_URL is not set: leaving out the rows through Redis');
    }

    const secret = `bench-hub-${randomBytes(12).toString('hex')}`;
    sim.reset();
    const hub = createHub({
      secret,
      apps: [{ appid: APP.appid, appType: 'official_account', appsecret: APP.secret }],
      baseUrl: sim.url,
      logger: { warn: () => undefined },
    });
    try {
      const server = await hub.listen();
      const viaHub = await measureProcesses(sim, processes, perProcess, { mode: 'hub', hubUrl: server.url, hubSecret: secret }, false);
      row(`${label} through a hub`, viaHub.cold, baseline.cold, PER_PROCESS, "the hub's own startup fetch included");
      row(`40001 seen by ${processes} processes, through a hub`, viaHub.after40001, baseline.after40001, PER_PROCESS, AFTER);
    } finally {
      await hub.close();
    }
  } finally {
    await sim.close();
  }
  return rows;
}

function tokens(sim: Simulator): number {
  return sim.counters().tokenRequests[APP.appid] ?? 0;
}

/** What a client without single-flight does: every call that finds no token fetches one. */
async function naiveColdCalls(sim: Simulator, n: number): Promise<void> {
  let token: string | undefined;
  await Promise.all(
    Array.from({ length: n }, async () => {
      if (!token) {
        const res = await fetch(`${sim.url}/cgi-bin/token?grant_type=client_credential&appid=${APP.appid}&secret=${APP.secret}`);
        token = ((await res.json()) as { access_token: string }).access_token;
      }
      await fetch(`${sim.url}/cgi-bin/material/get_materialcount?access_token=${token}`).then((r) => r.arrayBuffer());
    }),
  );
}

interface ChildSetup {
  mode: 'memory' | 'redis' | 'hub';
  redisUrl?: string;
  prefix?: string;
  hubUrl?: string;
  hubSecret?: string;
}

/** Cold burst, then an injected 40001 and another burst; token requests of each phase. */
async function measureProcesses(sim: Simulator, count: number, calls: number, setup: ChildSetup, reset = true): Promise<{ cold: number; after40001: number }> {
  if (reset) sim.reset();
  const children = await Promise.all(Array.from({ length: count }, () => startChild(sim, setup)));
  try {
    const start = tokens(sim);
    await Promise.all(children.map((c) => c.burst(calls)));
    const cold = tokens(sim) - start;
    sim.invalidateToken(APP.appid);
    const before = tokens(sim);
    await Promise.all(children.map((c) => c.burst(calls)));
    // A hub counts its own warm-up as the one cold request.
    return { cold: setup.mode === 'hub' ? cold + start : cold, after40001: tokens(sim) - before };
  } finally {
    await Promise.all(children.map((c) => c.close()));
  }
}

interface Child {
  burst(calls: number): Promise<void>;
  close(): Promise<void>;
}

async function startChild(sim: Simulator, setup: ChildSetup): Promise<Child> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, WXKIT_BENCH_CHILD: JSON.stringify({ ...setup, simUrl: sim.url }) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = (cmd: string) =>
    new Promise<void>((resolve, reject) => {
      const onMessage = (m: { cmd?: string }) => {
        if (m?.cmd !== cmd) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve();
      };
      const onExit = (code: number | null) => reject(new Error(`bench child exited (${code})`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  await next('ready');
  return {
    async burst(calls) {
      const done = next('done');
      child.send({ cmd: 'burst', calls });
      await done;
    },
    async close() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send({ cmd: 'exit' });
      await exited;
    },
  };
}

async function runChild(): Promise<void> {
  const setup = JSON.parse(process.env.WXKIT_BENCH_CHILD!) as ChildSetup & { simUrl: string };
  let storage: RedisStorage | undefined;
  const client =
    setup.mode === 'hub'
      ? createClient({
          appType: 'official_account',
          appid: APP.appid,
          baseUrl: setup.simUrl,
          ...hubClientOptions(hubStorage({ url: setup.hubUrl!, secret: setup.hubSecret! }), APP.appid),
        })
      : createClient({
          appType: 'official_account',
          appid: APP.appid,
          appsecret: APP.secret,
          baseUrl: setup.simUrl,
          retry: { retries: 0 },
          storage: setup.mode === 'redis' ? (storage = redisStorage({ url: setup.redisUrl!, keyPrefix: setup.prefix })) : undefined,
        });
  process.on('message', async (m: { cmd: string; calls?: number }) => {
    if (m.cmd === 'burst') {
      // Failures are expected in the baseline (processes revoke each other's tokens); only the
      // token requests are measured.
      await Promise.allSettled(Array.from({ length: m.calls ?? 1 }, () => Material.getMaterialCount(client)));
      process.send!({ cmd: 'done' });
    } else if (m.cmd === 'exit') {
      await storage?.close();
      process.exit(0);
    }
  });
  process.send!({ cmd: 'ready' });
}

if (process.argv.includes('--child')) {
  await runChild();
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchTokens({ quick: process.argv.includes('--quick') });
  console.table(rows.map((r) => ({ name: r.name, value: r.value, baseline: r.baseline, ratio: Number(r.ratio.toFixed(4)), goal: r.goal, unit: r.unit })));
}
