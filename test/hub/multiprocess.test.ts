// A real hub process (`wxkit hub --config …`, the CLI) and 4 real client processes × 200 concurrent
// cold calls → one token request at WeChat; a 40001 seen by all of them → exactly one more.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { startWorkers, stopChild, type Workers } from '../fixtures/tokens/helpers.js';

const APPID = 'wx0000000000000001';
const SECRET = 'multi-process-hub-secret-0123456789';
const PROCESSES = 4;
const CALLS = 200;
const BIN = fileURLToPath(new URL('../../bin/wxkit.js', import.meta.url));

describe('token requests across processes through a hub process', () => {
  let sim: Simulator;
  let hub: ChildProcess | undefined;
  let hubLog = '';
  let hubUrl: string;
  let workers: Workers | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'wxkit-hub-'));

  beforeAll(async () => {
    sim = await startSimulator();
    const config = join(dir, 'hub.yaml');
    writeFileSync(
      config,
      [
        'listen: { host: 127.0.0.1, port: 0 }',
        'secretEnv: WXKIT_TEST_HUB_SECRET',
        `baseUrl: ${sim.url}`,
        'storage: { type: memory }',
        'apps:',
        `  - appid: ${APPID}`,
        '    appType: official_account',
        '    appsecretEnv: WXKIT_TEST_APPSECRET',
        'refresh: { marginSeconds: 600, retrySeconds: 5 }',
      ].join('\n'),
    );
    hub = spawn(process.execPath, [BIN, 'hub', '--config', config], {
      env: { ...process.env, WXKIT_TEST_HUB_SECRET: SECRET, WXKIT_TEST_APPSECRET: 'demo-official-account-secret' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    hubUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`hub did not start:\n${hubLog}`)), 30_000);
      const onData = (d: Buffer) => {
        hubLog += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(hubLog);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      hub!.stdout!.on('data', onData);
      hub!.stderr!.on('data', onData);
      hub!.once('exit', (code) => reject(new Error(`hub exited (${code}):\n${hubLog}`)));
    });
    workers = await startWorkers(PROCESSES, {
      WXKIT_WORKER_MODE: 'hub',
      WXKIT_SIM_URL: sim.url,
      WXKIT_APPID: APPID,
      WXKIT_HUB_URL: hubUrl,
      WXKIT_HUB_SECRET: SECRET,
    });
  }, 60_000);

  afterAll(async () => {
    await workers?.close();
    if (hub) await stopChild(hub);
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints where it listens and never a secret', () => {
    expect(hubUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(hubLog).not.toContain(SECRET);
    expect(hubLog).not.toContain('demo-official-account-secret');
  });

  it(`${PROCESSES} processes × ${CALLS} cold calls → 1 token request`, async () => {
    const results = await workers!.burst(CALLS);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CALLS);
    expect(sim.counters().tokenRequests[APPID]).toBe(1);
  });

  it('a 40001 seen by every process → exactly one more token request', async () => {
    sim.invalidateToken(APPID);
    const results = await workers!.burst(CALLS);
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(results.reduce((n, r) => n + r.ok, 0)).toBe(PROCESSES * CALLS);
    expect(sim.counters().tokenRequests[APPID]).toBe(2);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => hub!.once('exit', (code) => resolve(code)));
    hub!.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
