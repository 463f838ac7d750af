// The suite's events: a small typed emitter like the component's. Listener failures become
// `error` events; an `error` nobody listens to is one console line without secrets. No event
// carries a secret: tokens, tickets and permanent codes stay in storage.
import { redact } from '../core/errors.js';
import type { UnknownMessage } from '../callbacks/message-types.js';
import type { CancelAuthInfo, ChangeAuthInfo, CreateAuthInfo, ResetPermanentCodeInfo, SuiteInfo } from '../callbacks/work-message-types.js';
import type { SuiteCorpRecord } from './suite-store.js';

export interface SuiteTicketEvent {
  suiteId: string;
  /** TimeStamp of the push (Unix seconds). */
  timestamp: number;
}

export interface CreateAuthEvent {
  suiteId: string;
  corpid: string;
  corp: SuiteCorpRecord;
  /** `event`: the create_auth push; `redirect`: the install link's redirect_uri; `code`: handleAuthCode(). */
  source: 'event' | 'redirect' | 'code';
  message?: CreateAuthInfo;
}

export interface ChangeAuthEvent {
  suiteId: string;
  corpid: string;
  /** The record after re-reading get_auth_info (the previous one if that failed). */
  corp: SuiteCorpRecord | undefined;
  message: ChangeAuthInfo;
}

export interface CancelAuthEvent {
  suiteId: string;
  corpid: string;
  /** What was stored before it was removed. WeCom asks providers to delete the corp's data now. */
  corp: SuiteCorpRecord | undefined;
  message: CancelAuthInfo;
}

export interface ResetPermanentCodeEvent {
  suiteId: string;
  corpid: string;
  corp: SuiteCorpRecord;
  message: ResetPermanentCodeInfo;
}

export interface SuiteTokenEvent {
  suiteId: string;
  /** `suite`: the suite_access_token; `corp`: a corp's access_token (corpid set). */
  kind: 'suite' | 'corp';
  corpid?: string;
  expiresIn: number;
}

export type SuiteErrorStage = 'event' | 'data' | 'redirect' | 'authorization' | 'listener' | 'refresh';

export interface SuiteErrorEvent {
  suiteId: string;
  stage: SuiteErrorStage;
  error: unknown;
  corpid?: string;
}

export interface SuiteEvents {
  suite_ticket: SuiteTicketEvent;
  create_auth: CreateAuthEvent;
  change_auth: ChangeAuthEvent;
  cancel_auth: CancelAuthEvent;
  reset_permanent_code: ResetPermanentCodeEvent;
  /** Other InfoType pushes (change_contact, change_external_contact, …), after the SuiteId check. */
  info: { suiteId: string; message: SuiteInfo | UnknownMessage };
  token: SuiteTokenEvent;
  error: SuiteErrorEvent;
}

export type SuiteEventName = keyof SuiteEvents;
export type SuiteListener<E extends SuiteEventName> = (payload: SuiteEvents[E]) => void | Promise<void>;

export class SuiteEmitter {
  readonly #suiteId: string;
  readonly #listeners = new Map<SuiteEventName, Set<SuiteListener<never>>>();

  constructor(suiteId: string) {
    this.#suiteId = suiteId;
  }

  on<E extends SuiteEventName>(event: E, listener: SuiteListener<E>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as SuiteListener<never>);
    return () => this.off(event, listener);
  }

  off<E extends SuiteEventName>(event: E, listener: SuiteListener<E>): void {
    this.#listeners.get(event)?.delete(listener as SuiteListener<never>);
  }

  /** Calls every listener and resolves when all settled; never rejects. */
  async emit<E extends SuiteEventName>(event: E, payload: SuiteEvents[E]): Promise<void> {
    const set = this.#listeners.get(event);
    if (!set?.size) {
      if (event === 'error') this.#fallback(payload as SuiteErrorEvent);
      return;
    }
    await Promise.all(
      [...set].map(async (listener) => {
        try {
          await (listener as SuiteListener<E>)(payload);
        } catch (error) {
          if (event === 'error') this.#fallback({ suiteId: this.#suiteId, stage: 'listener', error });
          else await this.emit('error', { suiteId: this.#suiteId, stage: 'listener', error });
        }
      }),
    );
  }

  report(stage: SuiteErrorStage, error: unknown, corpid?: string): Promise<void> {
    return this.emit('error', { suiteId: this.#suiteId, stage, error, ...(corpid ? { corpid } : {}) });
  }

  #fallback(e: SuiteErrorEvent): void {
    const text = e.error instanceof Error ? `${e.error.name}: ${e.error.message}` : `non-error thrown: ${typeof e.error}`;
    const who = e.corpid ? ` (corp ${e.corpid})` : '';
    console.error(`[wxkit suite ${e.suiteId}] ${e.stage} error${who}: ${redact(text).replace(/\s+/g, ' ').slice(0, 300)}`);
  }
}
