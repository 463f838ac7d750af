// `wxkit/simulator`: a local WeChat for demos, tests and benchmarks. No account, no network.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequestListener } from './server.js';
import { SimulatorState, type Counters, type Fault, type SimulatorApp } from './state.js';

export type { Counters, Fault, SimulatorApp } from './state.js';
export { codePng } from './png.js';

export interface SimulatorOptions {
  apps?: SimulatorApp[];
  /** Default 127.0.0.1: the simulator never listens on other interfaces unless told to. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** expires_in of issued tokens (default 7200). */
  tokenTtlSeconds?: number;
  now?: () => number;
}

export interface Simulator {
  /** e.g. http://127.0.0.1:53211 — pass it as a client's baseUrl. */
  readonly url: string;
  readonly apps: readonly SimulatorApp[];
  counters(): Counters;
  /** Queue a fault: an errcode, an HTTP status or a delay for the next matching request(s). */
  inject(fault: Fault): void;
  /** Make the app's current token fail with 40001. */
  invalidateToken(appid: string): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEMO_APPS: SimulatorApp[] = [
  { appid: 'wx0000000000000001', secret: 'demo-official-account-secret', appType: 'official_account' },
  { appid: 'wx0000000000000002', secret: 'demo-mini-program-secret', appType: 'mini_program' },
];

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const apps = options.apps ?? DEMO_APPS;
  const state = new SimulatorState(apps, options.tokenTtlSeconds ?? 7200, options.now ?? Date.now);
  const server: Server = createServer(createRequestListener(state));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    apps,
    counters: () => structuredClone(state.counters),
    inject: (fault) => state.addFault(fault),
    invalidateToken: (appid) => state.invalidate(appid),
    reset: () => state.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
