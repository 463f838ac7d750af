// What a client tells the outside about its calls: hooks for metrics and tracing, and one debug line
// per request when WXKIT_DEBUG is set (or the logger has `debug`). Both see the URL redacted and
// never a credential. A hook that throws is reported and ignored: observing must not break calls.
import { redact, type WxError } from './errors.js';

export interface CallInfo {
  /**
   * Numbers the calls of this process (1, 2, …): every attempt of one call (replays, retries)
   * carries the same one, so `callId` + `attempt` pairs an onRequest with its onResponse or onError.
   */
  callId: number;
  /** `Namespace.method`, or `request METHOD /path` for raw requests. */
  endpoint: string;
  method: string;
  /** Credentials replaced by `***`. */
  url: string;
  /** The host the attempt went to (a backup host after a failover). */
  host: string;
  /** 1 for the first try; a replay or a retry adds one. */
  attempt: number;
}

export interface ResponseEventInfo extends CallInfo {
  status: number;
  durationMs: number;
}

export interface ErrorEventInfo extends CallInfo {
  error: unknown;
  durationMs: number;
  /** What the client does next: replay with a fresh token, retry after `retryInMs`, or give up. */
  next: 'replay' | 'retry' | 'fail';
  retryInMs?: number;
}

/** Called for every attempt of every call, token fetches included. */
export interface Hooks {
  onRequest?(info: CallInfo): void;
  onResponse?(info: ResponseEventInfo): void;
  onError?(info: ErrorEventInfo): void;
}

export interface Logger {
  warn(message: string): void;
  /** One line per request, token fetch, replay and retry. */
  debug?(message: string): void;
}

/** console.warn, plus console.error debug lines when the WXKIT_DEBUG environment variable is set. */
export function defaultLogger(): Logger {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const debug = env?.WXKIT_DEBUG && env.WXKIT_DEBUG !== '0' && env.WXKIT_DEBUG !== 'false';
  return {
    warn: (m) => console.warn(m),
    ...(debug ? { debug: (m: string) => console.error(m) } : {}),
  };
}

let calls = 0;

/** The next call's id; taken only when someone observes (hooks or a debug logger). */
export function nextCallId(): number {
  return ++calls;
}

export function callInfo(callId: number, endpoint: string, method: string, url: URL, attempt: number): CallInfo {
  return { callId, endpoint, method, url: redact(url.href), host: url.host, attempt };
}

export function describeOutcome(error: unknown): string {
  const e = error as WxError & { errcode?: number; status?: number; code?: string };
  if (e?.name === 'WxApiError') return `WxApiError errcode ${e.errcode}`;
  if (e?.name === 'WxPayError') return `WxPayError ${e.code}${e.status && e.status !== 200 ? ` HTTP ${e.status}` : ''}`;
  if (e?.name === 'WxHttpError') return `WxHttpError HTTP ${e.status}`;
  return e instanceof Error ? `${e.name}: ${redact(e.message)}` : String(error);
}

/** Runs a hook; one that throws is logged once per call site and never reaches the caller. */
export function safely(logger: Logger, what: string, run: () => void): void {
  try {
    run();
  } catch (error) {
    logger.warn(`[wxkit] the ${what} hook threw: ${describeOutcome(error)}`);
  }
}
