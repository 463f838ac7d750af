// When a failed call may be sent again. WeChat answers almost everything with HTTP 200 and an
// errcode, so "retry on failure" must be decided by meaning: a message send that timed out may
// have been delivered, and sending it again would message the user twice.
import { WxApiError, WxHttpError, WxNetworkError, WxPayError, WxTimeoutError } from './errors.js';

export interface RetryOptions {
  /**
   * Extra attempts for idempotent endpoints (default 3: a read survives three transient failures
   * in a row; the call's deadline still bounds the total). Non-idempotent calls get none.
   */
  retries: number;
  /** First backoff in ms (default 200), doubled each time with jitter, capped by maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, baseDelayMs: 200, maxDelayMs: 3_000 };

/** Transient failures: WeChat's "system busy", 5xx, 429, a dropped connection, a timeout. */
export function isTransient(error: unknown): boolean {
  if (error instanceof WxApiError) return error.errcode === -1;
  if (error instanceof WxHttpError) return error.status >= 500 || error.status === 429;
  // Pay: a 5xx / 429, or v2's SYSTEMERROR / v3's SYSTEM_ERROR ("try again with the same request").
  if (error instanceof WxPayError) return error.status >= 500 || error.status === 429 || error.code === 'SYSTEMERROR' || error.code === 'SYSTEM_ERROR';
  return error instanceof WxNetworkError || error instanceof WxTimeoutError;
}

export function shouldRetry(error: unknown, idempotent: boolean, attempt: number, opts: RetryOptions): boolean {
  return idempotent && attempt <= opts.retries && isTransient(error);
}

export function backoff(attempt: number, opts: RetryOptions): number {
  const exp = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + Math.random() * (exp / 2));
}
