// Shared test helpers: an msw server standing in for api.weixin.qq.com with a real token
// endpoint (counted), so runtime tests see WeChat's behaviour without a network.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createClient, type Client, type ClientOptions } from '../src/index.js';

export const WX = 'https://api.weixin.qq.com';
export const APPID = 'wx00000000000000aa';
export const SECRET = 'test-secret-never-printed';

export const server = setupServer();

export interface TokenEndpoint {
  /** Token requests seen. */
  count: number;
  /** The token the endpoint handed out last. */
  current: string | undefined;
  expiresIn: number;
  /** Settles when the first valid token request arrives (it then waits for `gate`, if one was given). */
  requested: Promise<void>;
}

/** A promise with its resolve function: a test waits for an event or opens a gate instead of sleeping. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Waits until every promise chain that needs no timer or I/O has run to its end: setImmediate
 * callbacks run only once the microtask queue is empty. A deterministic "let it settle", not a sleep.
 */
export function drainMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Installs a /cgi-bin/token handler that issues T1, T2, ... and counts requests. With `gate`, every
 * valid request is held until the gate settles, so a test decides how long a refresh stays in flight.
 */
export function tokenEndpoint(opts: { expiresIn?: number; delayMs?: number; gate?: Promise<unknown> } = {}): TokenEndpoint {
  const requested = deferred();
  const state: TokenEndpoint = { count: 0, current: undefined, expiresIn: opts.expiresIn ?? 7200, requested: requested.promise };
  server.use(
    http.get(`${WX}/cgi-bin/token`, async ({ request }) => {
      const url = new URL(request.url);
      if (url.searchParams.get('appid') !== APPID || url.searchParams.get('secret') !== SECRET) {
        return HttpResponse.json({ errcode: 40125, errmsg: 'invalid appsecret rid: 6561f0aa-1c2d3e4f-00000001' });
      }
      state.count++;
      requested.resolve();
      if (opts.gate) await opts.gate;
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      state.current = `T${state.count}`;
      return HttpResponse.json({ access_token: state.current, expires_in: state.expiresIn });
    }),
  );
  return state;
}

export function testClient(extra: Partial<ClientOptions<'official_account'>> = {}): Client<'official_account'> {
  return createClient({ appType: 'official_account', appid: APPID, appsecret: SECRET, retry: { baseDelayMs: 1, maxDelayMs: 2 }, ...extra });
}
