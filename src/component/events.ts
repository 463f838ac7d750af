// The component's events: a tiny typed emitter. Listeners may be async; their failures (and
// rejections) are reported as `error` events, and an `error` with no listener is written to
// console.error as one line without secrets instead of being thrown (unlike Node's EventEmitter,
// which would crash the process from inside a WeChat push).
import { redact } from '../core/errors.js';
import type { AuthorizedInfo, FastRegisterInfo, UnauthorizedInfo, UnknownMessage, UpdateAuthorizedInfo } from '../callbacks/message-types.js';
import type { AuthorizerRecord } from './store.js';

export interface VerifyTicketEvent {
  componentAppid: string;
  ticket: string;
  /** Unix seconds, as WeChat sent it. */
  createTime: number;
}

export interface AuthorizationEvent {
  componentAppid: string;
  authorizerAppid: string;
  /** What is stored now for the authorizer. */
  authorizer: AuthorizerRecord;
  /** `event`: from the push to the event URL; `redirect`: from the auth page's redirect. */
  source: 'event' | 'redirect';
  /** The push, when `source` is `event`. */
  message?: AuthorizedInfo | UpdateAuthorizedInfo;
}

export interface UnauthorizedEvent {
  componentAppid: string;
  authorizerAppid: string;
  /** What was stored before it was removed, if anything. */
  authorizer: AuthorizerRecord | undefined;
  message: UnauthorizedInfo;
}

/**
 * An authorizer found to have cancelled its authorization without the `unauthorized` push having
 * arrived: WeChat refused its refresh token and its authorizer list no longer has it. It is now
 * stored as revoked (`component.isRevoked()`), gone from `listAuthorizers()`, and its calls fail
 * without a request until it authorizes again. Handle it as you handle `unauthorized`.
 */
export interface AuthorizerRevokedEvent {
  componentAppid: string;
  authorizerAppid: string;
  /** What was stored before it was removed, if anything. */
  authorizer: AuthorizerRecord | undefined;
  /** WeChat's answer that showed it: 61023 (refresh_token is invalid), 61003 (not authorized) or 40030. */
  errcode: number;
  errmsg: string;
  /** Unix ms. */
  revokedAt: number;
}

export interface ComponentTokenEvent {
  componentAppid: string;
  componentAccessToken: string;
  expiresIn: number;
}

export interface AuthorizerTokenEvent {
  componentAppid: string;
  authorizerAppid: string;
  authorizerAccessToken: string;
  authorizerRefreshToken: string;
  expiresIn: number;
}

export interface AuthorizerTicketEvent {
  componentAppid: string;
  authorizerAppid: string;
  type: 'jsapi' | 'wx_card';
  ticket: string;
  expiresIn: number;
}

/** `refresh`: renewing a token or ticket ahead of expiry failed (the current one still works). */
export type ComponentErrorStage = 'event' | 'message' | 'autotest' | 'redirect' | 'oauth' | 'authorization' | 'listener' | 'refresh';

export interface ComponentErrorEvent {
  componentAppid: string;
  stage: ComponentErrorStage;
  error: unknown;
  authorizerAppid?: string;
}

export interface ComponentEvents {
  component_verify_ticket: VerifyTicketEvent;
  authorized: AuthorizationEvent;
  updateauthorized: AuthorizationEvent;
  unauthorized: UnauthorizedEvent;
  /** Found out from WeChat's answers, the `unauthorized` push having never arrived. */
  authorizer_revoked: AuthorizerRevokedEvent;
  /** Any other InfoType pushed to the event URL (notify_third_fasteregister, …), as parsed. */
  info: FastRegisterInfo | UnknownMessage;
  component_access_token: ComponentTokenEvent;
  authorizer_access_token: AuthorizerTokenEvent;
  authorizer_ticket: AuthorizerTicketEvent;
  error: ComponentErrorEvent;
}

export type ComponentEventName = keyof ComponentEvents;
export type ComponentListener<E extends ComponentEventName> = (payload: ComponentEvents[E]) => void | Promise<void>;

export class ComponentEmitter {
  readonly #componentAppid: string;
  #listeners = new Map<ComponentEventName, Set<ComponentListener<never>>>();

  constructor(componentAppid: string) {
    this.#componentAppid = componentAppid;
  }

  on<E extends ComponentEventName>(event: E, listener: ComponentListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as ComponentListener<never>);
    return () => this.off(event, listener);
  }

  off<E extends ComponentEventName>(event: E, listener: ComponentListener<E>): void {
    this.#listeners.get(event)?.delete(listener as ComponentListener<never>);
  }

  listenerCount(event: ComponentEventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Calls every listener; resolves when all settled. Never rejects. */
  async emit<E extends ComponentEventName>(event: E, payload: ComponentEvents[E]): Promise<void> {
    const set = this.#listeners.get(event);
    if (!set?.size) {
      if (event === 'error') this.#fallback(payload as ComponentErrorEvent);
      return;
    }
    const runs = [...set].map(async (listener) => {
      try {
        await (listener as ComponentListener<E>)(payload);
      } catch (error) {
        if (event === 'error') this.#fallback({ componentAppid: this.#componentAppid, stage: 'listener', error });
        else await this.emit('error', { componentAppid: this.#componentAppid, stage: 'listener', error });
      }
    });
    await Promise.all(runs);
  }

  report(stage: ComponentErrorStage, error: unknown, authorizerAppid?: string): Promise<void> {
    return this.emit('error', { componentAppid: this.#componentAppid, stage, error, ...(authorizerAppid ? { authorizerAppid } : {}) });
  }

  #fallback(e: ComponentErrorEvent): void {
    const text = e.error instanceof Error ? `${e.error.name}: ${e.error.message}` : `non-error thrown: ${typeof e.error}`;
    const who = e.authorizerAppid ? ` (authorizer ${e.authorizerAppid})` : '';
    console.error(`[wxkit component ${e.componentAppid}] ${e.stage} error${who}: ${redact(text).replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}
