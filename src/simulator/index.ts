// `wxkit/simulator`: a local WeChat for demos, tests and benchmarks. No account, no network.
import { createServer, type Server } from 'node:http';
import { listeningUrl } from '../transport/node-server.js';
import { ComponentSimulator } from './platform-api.js';
import {
  DEMO_COMPONENTS,
  type AuthorizeOptions,
  type AuthorizeResult,
  type CustomMessage,
  type OAuthRedirect,
  type PushOptions,
  type PushResult,
  type ReleaseTestResult,
  type SimulatorComponent,
  type UnauthorizeOptions,
} from './platform/platform-types.js';
import { createRequestListener } from './catalog-routes.js';
import { SimulatorState, type Counters, type Fault, type SimulatorApp } from './state.js';
import { WorkSimulator, type WorkSimulatorApi } from './work/work-simulator.js';
import { PaySimulator, type PaySimulatorApi } from './pay/pay-simulator.js';
import type { SimulatorMerchant } from './pay/pay-types.js';
import type { SimulatorWorkOptions } from './work/work-types.js';

export type { Counters, Fault, SimulatorApp } from './state.js';
export { DEMO_COMPONENTS, RELEASE_TEST_APPIDS } from './platform/platform-types.js';
export type {
  AuthorizeOptions,
  AuthorizeResult,
  CustomMessage,
  OAuthRedirect,
  PushOptions,
  PushResult,
  ReleaseTestResult,
  ReleaseTestStep,
  SimulatorComponent,
  UnauthorizeOptions,
} from './platform/platform-types.js';
export { codePng } from './png.js';
export { DEMO_WORK } from './work/work-types.js';
export type {
  InstallOptions,
  InstallResult,
  SimulatorProvider,
  SimulatorSuite,
  SimulatorWorkApp,
  SimulatorWorkOptions,
  WorkCounters,
  WorkPushResult,
} from './work/work-types.js';
export type { WorkSimulatorApi } from './work/work-simulator.js';
export { DEMO_MERCHANTS } from './pay/pay-types.js';
export type {
  PayCounters,
  PayFault,
  PayNotifyResult,
  PayOrderOptions,
  PayOrderResult,
  SimulatorMerchant,
  SimulatorOrder,
  SimulatorPayCredentials,
  SimulatorPayKeys,
  SimulatorRefund,
} from './pay/pay-types.js';
export type { PaySimulatorApi } from './pay/pay-simulator.js';

export interface SimulatorOptions {
  apps?: SimulatorApp[];
  /** Third-party platforms (components) the simulator knows; DEMO_COMPONENTS by default. */
  components?: SimulatorComponent[];
  /** Default 127.0.0.1: the simulator never listens on other interfaces unless told to. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** expires_in of issued tokens (default 7200). */
  tokenTtlSeconds?: number;
  now?: () => number;
  /** WeCom corps' apps, suites and providers the simulator knows (qyapi); DEMO_WORK by default. */
  work?: SimulatorWorkOptions;
  /** WeChat Pay merchants the simulator knows (api.mch.weixin.qq.com); DEMO_MERCHANTS by default. */
  merchants?: SimulatorMerchant[];
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
  // Third-party platform (component) side.
  readonly components: readonly SimulatorComponent[];
  /** Push a new component_verify_ticket, encrypted, to the component's event URL (remembered once given). */
  pushVerifyTicket(componentAppid: string, eventUrl?: string, options?: PushOptions): Promise<PushResult & { ticket: string }>;
  /**
   * An account authorizes the component: issues an auth code, pushes `authorized` (or
   * `updateauthorized`) to the event URL and, given the component's auth page URL, checks its
   * pre_auth_code and follows the redirect with auth_code as the user's browser would.
   */
  authorize(componentAppid: string, authorizerAppid: string, options?: AuthorizeOptions): Promise<AuthorizeResult>;
  /**
   * The account cancels the authorization: its refresh token and tokens stop working, and
   * `unauthorized` is pushed (unless `push: false`, a lost push).
   */
  unauthorize(componentAppid: string, authorizerAppid: string, options?: UnauthorizeOptions): Promise<PushResult | undefined>;
  /**
   * WeChat's 全网发布 script against a message URL (`$APPID$` is replaced by the test account's
   * appid, otherwise the appid is appended as a path segment): event, text, then QUERY_AUTH_CODE.
   */
  runReleaseTest(componentAppid: string, messageUrl: string, options?: { timeoutMs?: number }): Promise<ReleaseTestResult>;
  /** A user opens an OAuth authorize URL and agrees: the code and the redirect location WeChat would send. */
  oauthAuthorize(authorizeUrl: string, options?: { openid?: string }): OAuthRedirect;
  /** Customer-service messages sent through /cgi-bin/message/custom/send, oldest first. */
  customMessages(appid?: string): CustomMessage[];
  /** WeCom (企业微信, qyapi): apps, suites, installs, pushes, token faults and counters. */
  readonly work: WorkSimulatorApi;
  /** WeChat Pay (api.mch): merchants and their keys, orders, payments and notifications, faults. */
  readonly pay: PaySimulatorApi;
  close(): Promise<void>;
}

export const DEMO_APPS: SimulatorApp[] = [
  { appid: 'wx0000000000000001', secret: 'demo-official-account-secret', appType: 'official_account' },
  { appid: 'wx0000000000000002', secret: 'demo-mini-program-secret', appType: 'mini_program' },
  { appid: 'wx0000000000000003', secret: 'demo-channels-shop-secret', appType: 'channels' },
];

/**
 * Starts the local WeChat on a loopback port: it issues and enforces tokens, answers every
 * catalogued endpoint from its example, plays the third-party platform, WeCom (qyapi: apps,
 * suites, installs) and WeChat Pay (`sim.pay`: demo merchants, signed v3 and v2 answers, orders and
 * notifications), and injects faults.
 *
 * @example
 * ```ts
 * import { createClient } from 'wxkit';
 * import { Material } from 'wxkit/official-account';
 * import { startSimulator } from 'wxkit/simulator';
 *
 * const sim = await startSimulator();
 * const [app] = sim.apps;
 * const oa = createClient({ appType: 'official_account', appid: app.appid, appsecret: app.secret, baseUrl: sim.url });
 * await Material.getMaterialCount(oa);
 * await sim.close();
 * ```
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const apps = options.apps ?? DEMO_APPS;
  const state = new SimulatorState(apps, options.tokenTtlSeconds ?? 7200, options.now ?? Date.now);
  const components = options.components ?? DEMO_COMPONENTS;
  const platform = new ComponentSimulator(state, components);
  const work = new WorkSimulator(options.work, options.tokenTtlSeconds ?? 7200, options.now ?? Date.now);
  const pay = new PaySimulator(options.merchants, options.now ?? Date.now);
  state.onReset = () => {
    platform.reset();
    work.reset();
    pay.reset();
  };
  const server: Server = createServer(createRequestListener(state, platform, work, pay));
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  pay.url = listeningUrl(server).url;
  return {
    url: pay.url,
    apps,
    counters: () => structuredClone(state.counters),
    inject: (fault) => state.addFault(fault),
    invalidateToken: (appid) => state.invalidate(appid),
    reset: () => state.reset(),
    components,
    pushVerifyTicket: (c, url, o) => platform.pushVerifyTicket(c, url, o),
    authorize: (c, a, o) => platform.authorize(c, a, o),
    unauthorize: (c, a, o) => platform.unauthorize(c, a, o),
    runReleaseTest: (c, url, o) => platform.runReleaseTest(c, url, o),
    oauthAuthorize: (url, o) => platform.oauthAuthorize(url, o),
    customMessages: (appid) => structuredClone(platform.customMessages.filter((m) => appid === undefined || m.appid === appid)),
    work,
    pay,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
