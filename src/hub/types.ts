// What the hub serves, as a registry of providers. Common apps are built in (src/hub/common-apps.ts);
// the third-party platform registers its component token and its authorizers' tokens through the
// same interface, so the routes never need to know where a token comes from.
import type { TicketType } from '../core/runtime.js';
import type { TokenProvider } from '../core/runtime.js';

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

/** Where the component module plugs in. */
export interface HubRegistrar {
  registerApp(app: HubAppRegistration): void;
  registerComponent(component: HubComponentRegistration): void;
  unregisterApp(appid: string, authorizerAppid?: string): void;
  unregisterComponent(appid: string): void;
}

/** Seconds the hub answers as `expires_in` when a provider cannot tell its expiry. */
export const DEFAULT_UNKNOWN_EXPIRY_SECONDS = 300;
