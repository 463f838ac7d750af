// The front door of the WeCom simulator: what `sim.work` offers tests and demos, and the
// `/__simulator/work/<action>` control routes for other processes.
import type { XmlBuildObject } from '../../core/xml-build.js';
import { type WorkAnswer, workRoute } from './work-routes.js';
import { cancelAuth, changeAuth, install, pushSigned, pushSuiteTicket, resetPermanentCode, suiteOf, verifyUrl } from './work-pushes.js';
import { WorkSimState } from './work-state.js';
import {
  DEMO_WORK,
  type InstallOptions,
  type InstallResult,
  type SimulatorSuite,
  type SimulatorWorkApp,
  type SimulatorWorkOptions,
  type WorkCounters,
  type WorkPushResult,
} from './work-types.js';

export interface WorkSimulatorApi {
  readonly apps: readonly SimulatorWorkApp[];
  readonly suites: readonly SimulatorSuite[];
  counters(): WorkCounters;
  /** The app's current token answers 40014 from now on (`agentid` omitted: every app of the corp). */
  invalidateToken(corpid: string, agentid?: number): void;
  /** The app's current token answers 42001 from now on; the next gettoken issues a new one. */
  expireToken(corpid: string, agentid?: number): void;
  /** The suite's current suite_access_token answers 40082 (`expire`: 42009) from now on. */
  invalidateSuiteToken(suiteId: string, how?: 'revoke' | 'expire'): void;
  /** The provider's current provider_access_token answers 40082 (`expire`: 42001) from now on. */
  invalidateProviderToken(corpid: string, how?: 'revoke' | 'expire'): void;
  /** Push a new suite_ticket (valid 30 minutes) to the suite's instruction URL (remembered once given). */
  pushSuiteTicket(suiteId: string, eventUrl?: string): Promise<WorkPushResult & { ticket: string }>;
  /** A corp installs the suite: an install (permanent code), an auth code, create_auth and/or the redirect. */
  install(suiteId: string, corpid: string, options?: InstallOptions): Promise<InstallResult>;
  /** The corp removes the app: its tokens stop working and cancel_auth is pushed (unless `push: false`). */
  cancelAuth(suiteId: string, corpid: string, options?: { eventUrl?: string; push?: boolean }): Promise<WorkPushResult | undefined>;
  changeAuth(suiteId: string, corpid: string, options?: { eventUrl?: string }): Promise<WorkPushResult>;
  resetPermanentCode(suiteId: string, corpid: string, options?: { eventUrl?: string }): Promise<WorkPushResult>;
  /** POST an app push (a message or event as WeCom would send it) to an app's receive URL. */
  pushAppMessage(url: string, options: { corpid: string; agentid?: number; message: XmlBuildObject }): Promise<WorkPushResult>;
  /** WeCom's GET check of a callback URL (encrypted echostr); `ok` when the plaintext came back. */
  verifyUrl(url: string, who: { suiteId: string } | { corpid: string; agentid?: number }): Promise<{ ok: boolean; status: number }>;
}

export class WorkSimulator implements WorkSimulatorApi {
  readonly #w: WorkSimState;

  constructor(options: SimulatorWorkOptions | undefined, tokenTtlSeconds: number, now: () => number) {
    this.#w = new WorkSimState(
      { apps: options?.apps ?? DEMO_WORK.apps, suites: options?.suites ?? DEMO_WORK.suites, providers: options?.providers ?? DEMO_WORK.providers },
      tokenTtlSeconds,
      now,
    );
  }

  get apps(): readonly SimulatorWorkApp[] {
    return this.#w.apps;
  }

  get suites(): readonly SimulatorSuite[] {
    return [...this.#w.suites.values()];
  }

  route(method: string, url: URL, json: Record<string, unknown> | undefined): WorkAnswer | undefined {
    return workRoute(this.#w, method, url, json);
  }

  reset(): void {
    this.#w.reset();
  }

  counters(): WorkCounters {
    return structuredClone(this.#w.counters);
  }

  invalidateToken(corpid: string, agentid?: number): void {
    this.#w.spoil(agentid === undefined ? corpid : `${corpid}:${agentid}`, 'revoke');
  }

  expireToken(corpid: string, agentid?: number): void {
    this.#w.spoil(agentid === undefined ? corpid : `${corpid}:${agentid}`, 'expire');
  }

  invalidateSuiteToken(suiteId: string, how: 'revoke' | 'expire' = 'revoke'): void {
    this.#w.spoil(`suite:${suiteId}`, how);
  }

  invalidateProviderToken(corpid: string, how: 'revoke' | 'expire' = 'revoke'): void {
    this.#w.spoil(`provider:${corpid}`, how);
  }

  pushSuiteTicket(suiteId: string, eventUrl?: string) {
    return pushSuiteTicket(this.#w, suiteId, eventUrl);
  }

  install(suiteId: string, corpid: string, options?: InstallOptions) {
    return install(this.#w, suiteId, corpid, options);
  }

  cancelAuth(suiteId: string, corpid: string, options?: { eventUrl?: string; push?: boolean }) {
    return cancelAuth(this.#w, suiteId, corpid, options);
  }

  changeAuth(suiteId: string, corpid: string, options?: { eventUrl?: string }) {
    return changeAuth(this.#w, suiteId, corpid, options);
  }

  resetPermanentCode(suiteId: string, corpid: string, options?: { eventUrl?: string }) {
    return resetPermanentCode(this.#w, suiteId, corpid, options);
  }

  pushAppMessage(url: string, options: { corpid: string; agentid?: number; message: XmlBuildObject }): Promise<WorkPushResult> {
    const app = this.#app(options.corpid, options.agentid);
    const inner: XmlBuildObject = {
      ToUserName: options.corpid,
      FromUserName: 'zhangsan',
      CreateTime: this.#w.seconds(),
      ...options.message,
      ...(app.agentid !== undefined ? { AgentID: app.agentid } : {}),
    };
    return pushSigned(
      { token: app.token!, encodingAESKey: app.encodingAESKey!, receiveId: options.corpid },
      url,
      inner,
      { ToUserName: options.corpid, AgentID: app.agentid ?? '' },
      this.#w.seconds(),
    );
  }

  async verifyUrl(url: string, who: { suiteId: string } | { corpid: string; agentid?: number }): Promise<{ ok: boolean; status: number }> {
    const keys =
      'suiteId' in who
        ? { ...pick(suiteOf(this.#w, who.suiteId)), receiveId: who.suiteId }
        : { ...pick(this.#app(who.corpid, who.agentid)), receiveId: who.corpid };
    const r = await verifyUrl(keys, url, this.#w.seconds());
    return { ok: r.status === 200 && r.body === r.echo, status: r.status };
  }

  #app(corpid: string, agentid?: number): SimulatorWorkApp {
    const app = this.#w.apps.find((a) => a.corpid === corpid && (agentid === undefined || a.agentid === agentid) && a.token && a.encodingAESKey);
    if (!app) throw new Error(`simulator: no WeCom app of ${corpid} with callback settings (token, encodingAESKey)`);
    return app;
  }

  /** `/__simulator/work/<action>`. */
  async control(action: string, input: Record<string, unknown>): Promise<unknown> {
    const s = (v: unknown) => (typeof v === 'string' ? v : undefined);
    const suiteId = String(input.suiteId ?? '');
    const corpid = String(input.corpid ?? '');
    switch (action) {
      case 'counters':
        return this.counters();
      case 'push_suite_ticket':
        return this.pushSuiteTicket(suiteId, s(input.eventUrl));
      case 'install':
        return this.install(suiteId, corpid, { eventUrl: s(input.eventUrl), installUrl: s(input.installUrl) });
      case 'cancel_auth':
        return (await this.cancelAuth(suiteId, corpid, { eventUrl: s(input.eventUrl) })) ?? { ok: true };
      case 'invalidate':
        this.invalidateToken(corpid, typeof input.agentid === 'number' ? input.agentid : undefined);
        return { ok: true };
      case 'expire':
        this.expireToken(corpid, typeof input.agentid === 'number' ? input.agentid : undefined);
        return { ok: true };
      case 'invalidate_suite_token':
        this.invalidateSuiteToken(suiteId, input.how === 'expire' ? 'expire' : 'revoke');
        return { ok: true };
      default:
        throw new Error(`unknown work control route ${action}`);
    }
  }
}

function pick(k: { token?: string; encodingAESKey?: string }): { token: string; encodingAESKey: string } {
  return { token: k.token ?? '', encodingAESKey: k.encodingAESKey ?? '' };
}
