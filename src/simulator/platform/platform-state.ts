// What the platform simulator remembers: registered components, the tickets, tokens and codes it
// issued, its authorizers and the customer-service messages it saw. Forgotten on reset.
import { randomBytes } from 'node:crypto';
import type { SimulatorState } from '../state.js';
import type { CustomMessage, SimulatorComponent } from './platform-types.js';

export interface Authorizer {
  appType: 'official_account' | 'mini_program';
  refreshToken: string;
  authTime: number;
  funcInfo: number[];
  options: Record<string, string>;
}

interface Expiring {
  expiresAt: number;
}

export class PlatformState {
  readonly components = new Map<string, SimulatorComponent>();
  readonly customMessages: CustomMessage[] = [];
  /** The simulator's common state: apps, their access tokens, the clock, the counters. */
  readonly state: SimulatorState;
  readonly tickets = new Map<string, { ticket: string; expiresAt: number }[]>();
  readonly eventUrls = new Map<string, string>();
  readonly tokens = new Map<string, Expiring & { componentAppid: string; revoked: boolean }>();
  readonly currentToken = new Map<string, string>();
  readonly preAuthCodes = new Map<string, Expiring & { componentAppid: string }>();
  readonly authCodes = new Map<string, Expiring & { componentAppid: string; authorizerAppid: string; used: boolean }>();
  /** Keyed `<componentAppid>/<authorizerAppid>`. */
  readonly authorizers = new Map<string, Authorizer>();
  readonly oauthCodes = new Map<string, Expiring & { appid: string; componentAppid?: string; openid: string; scope: string; used: boolean }>();
  readonly snsTokens = new Map<string, Expiring & { appid: string; openid: string }>();
  readonly snsRefresh = new Map<string, { appid: string; openid: string; scope: string; componentAppid?: string }>();
  readonly #initial: SimulatorComponent[];
  /** Authorizers added to the state's apps by this simulator, forgotten on reset. */
  #addedApps = new Set<string>();

  constructor(state: SimulatorState, components: SimulatorComponent[]) {
    this.state = state;
    this.#initial = components;
    for (const c of components) this.register(c);
  }

  register(c: SimulatorComponent): void {
    this.components.set(c.componentAppid, { ...c });
    if (c.eventUrl) this.eventUrls.set(c.componentAppid, c.eventUrl);
  }

  reset(): void {
    for (const m of [
      this.tickets,
      this.eventUrls,
      this.tokens,
      this.currentToken,
      this.preAuthCodes,
      this.authCodes,
      this.authorizers,
      this.oauthCodes,
      this.snsTokens,
      this.snsRefresh,
    ]) {
      m.clear();
    }
    this.components.clear();
    this.customMessages.length = 0;
    for (const appid of this.#addedApps) this.state.apps.delete(appid);
    this.#addedApps.clear();
    for (const c of this.#initial) this.register(c);
  }

  component(componentAppid: string): SimulatorComponent {
    const c = this.components.get(componentAppid);
    if (!c) throw new Error(`simulator: no component ${JSON.stringify(componentAppid)} (register it in startSimulator({ components }))`);
    return c;
  }

  /** The event URL to push to; remembered per component, like the URL set in WeChat's console. */
  eventUrl(componentAppid: string, given: string | undefined): string | undefined {
    if (given) this.eventUrls.set(componentAppid, given);
    return given ?? this.eventUrls.get(componentAppid);
  }

  issueAuthCode(componentAppid: string, authorizerAppid: string): string {
    const code = `queryauthcode@@@SIM_${randomBytes(24).toString('base64url')}`;
    this.authCodes.set(code, { componentAppid, authorizerAppid, used: false, expiresAt: this.state.now() + 3600_000 });
    return code;
  }

  ensureApp(appid: string, appType: 'official_account' | 'mini_program'): void {
    // Known to the access_token check, so the authorizer's tokens work on every catalog endpoint.
    if (this.state.apps.has(appid)) return;
    this.state.apps.set(appid, { appid, appType, secret: randomBytes(16).toString('hex') });
    this.#addedApps.add(appid);
  }

  seconds(): number {
    return Math.floor(this.state.now() / 1000);
  }
}
