// How the hub answers: JSON that is never cached, and failures mapped to HTTP statuses (WeChat's
// errors and unreachability as 502, storage as 503) without leaking internals.
import { WxApiError, WxError, WxHttpError, WxNetworkError, WxStorageError, WxTimeoutError } from '../core/errors.js';
import type { Logger } from '../core/runtime.js';

export function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

export function error(status: number, code: string, message: string): Response {
  return json(status, { error: code, message });
}

export function failure(e: unknown, logger: Logger): Response {
  if (e instanceof WxApiError) {
    return json(502, { error: 'wechat_error', errcode: e.errcode, message: e.message });
  }
  if (e instanceof WxNetworkError || e instanceof WxTimeoutError || e instanceof WxHttpError) {
    return json(502, { error: 'wechat_unreachable', message: e.message });
  }
  if (e instanceof WxStorageError) return json(503, { error: 'storage_error', message: e.message });
  if (e instanceof WxError) return json(500, { error: 'hub_error', message: e.message });
  logger.warn(`[wxkit hub] unexpected error: ${(e as Error)?.stack ?? String(e)}`);
  return json(500, { error: 'hub_error', message: 'internal error' });
}
