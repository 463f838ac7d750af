// What the hub serves, as a registry of providers. Common apps are built in (src/hub/common-apps.ts);
// the third-party platform registers its component token and its authorizers' tokens through the
// same interface, so the routes never need to know where a token comes from.
import type { TicketType } from '../core/runtime.js';
import type { TokenProvider } from '../core/runtime.js';
import type { WorkTicketType } from '../work/tickets.js';

/**
 * A TokenProvider the hub can also ask when the token it handed out stops being valid, to answer
 * `expires_in` truthfully. Without `expiresAt`, the hub answers a short `expires_in`
 * (DEFAULT_UNKNOWN_EXPIRY_SECONDS) so its clients ask again soon.
 */
export interface HubTokenProvider extends TokenProvider {
  /** Unix ms at which `token` expires, if known. */
  expiresAt?(token: string): Promise<number | undefined>;
}

/** The tokens of one app the hub serves: a common app, or an authorizer of a component. */
export interface HubAppProviders {
  accessToken: HubTokenProvider;
  /** jsapi / wx_card tickets; absent when the app has none (mini programs). */
  ticket?(type: TicketType): HubTokenProvider;
}

export interface HubAppRegistration extends HubAppProviders {
  appid: string;
  /** Set for an authorizer served on behalf of the component `appid`. */
  authorizerAppid?: string;
  /** Tickets to keep fresh from the start (others are kept fresh once a client asked for them). */
  tickets?: TicketType[];
}

export interface HubComponentRegistration {
  /** The component (third-party platform) appid. */
  appid: string;
  componentAccessToken: HubTokenProvider;
}

/**
 * A WeCom corp's token as the hub serves it: a self-built app's (named by its agentid, or a label
 * for a built-in app without one) or a suite's corp token (named by the suite id). Exactly one of
 * `agentid` and `suiteId` is set; the pair is what `hubStorage().workAccessToken(corpid, …)` asks for.
 */
export interface HubWorkAppRegistration {
  corpid: string;
  agentid?: string;
  suiteId?: string;
  accessToken: HubTokenProvider;
  /** The corp's jsapi ticket (wx.config) and the app's agent_config ticket (wx.agentConfig). */
  ticket?(type: WorkTicketType): HubTokenProvider;
  /** Tickets to keep fresh from the start (others are kept fresh once a client asked for them). */
  tickets?: WorkTicketType[];
}

/** A WeCom suite (third-party app) on the hub: its suite_access_token and its instruction URL. */
export interface HubSuiteRegistration {
  suiteId: string;
  suiteAccessToken: HubTokenProvider;
  /**
   * The suite's instruction URL (suite_ticket and authorization pushes), served without the hub
   * secret at `/callback/work/suite/<suiteId>`: WeCom authenticates it by the message signature.
   */
  callback?(request: Request): Promise<Response>;
  /** A corp not registered (yet): installed through another process on the same store? */
  findCorp?(corpid: string): Promise<HubWorkAppRegistration | undefined>;
}

/** Which WeCom app of a corp a route names (the server side of `HubWorkApp`). */
export type HubWorkAppId = { agentid: string; suiteId?: undefined } | { suiteId: string; agentid?: undefined };

/** Where the component module (and the WeCom apps and suites) plug in. */
export interface HubRegistrar {
  registerApp(app: HubAppRegistration): void;
  registerComponent(component: HubComponentRegistration): void;
  unregisterApp(appid: string, authorizerAppid?: string): void;
  unregisterComponent(appid: string): void;
  registerWorkApp(app: HubWorkAppRegistration): void;
  unregisterWorkApp(corpid: string, app: HubWorkAppId): void;
  registerSuite(suite: HubSuiteRegistration): void;
  unregisterSuite(suiteId: string): void;
}

/** Seconds the hub answers as `expires_in` when a provider cannot tell its expiry. */
export const DEFAULT_UNKNOWN_EXPIRY_SECONDS = 300;
