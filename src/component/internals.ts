// What the handlers and the hub integration need from a component beyond its public API.
import type { Client } from '../core/client.js';
import type { TicketType } from '../core/runtime.js';
import type { TokenProvider } from '../core/runtime.js';
import type { AuthorizedInfo, UpdateAuthorizedInfo } from '../callbacks/message-types.js';
import type { AppType } from '../core/types.js';
import type { WxComponent } from './types.js';
import type { ComponentEmitter } from './events.js';
import type { AuthorizerAppType, AuthorizerRecord, ComponentStore } from './store.js';

/** Internals shared with the handlers and the hub integration; not part of the public API. */
export const kInternals: unique symbol = Symbol('wxkit.component.internals');

export interface ComponentInternals {
  store: ComponentStore;
  emitter: ComponentEmitter;
  componentToken: TokenProvider;
  authorizerToken(appid: string): TokenProvider;
  authorizerTicket(appid: string, type: TicketType): TokenProvider;
  knownType(appid: string): AuthorizerAppType | undefined;
  /** For handlers: exchange with the push that carried the code. */
  exchange(code: string, source: 'event' | 'redirect', message?: AuthorizedInfo | UpdateAuthorizedInfo): Promise<AuthorizerRecord>;
  unauthorized(appid: string): Promise<AuthorizerRecord | undefined>;
  fixedTokenClient(appid: string, token: string, appType: AuthorizerAppType): Client<AppType>;
  crypto(): { token: string; encodingAESKey: string };
}

export type ComponentWithInternals = WxComponent & { readonly [kInternals]: ComponentInternals };
