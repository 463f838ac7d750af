// Authenticators: each auth scheme of the catalog is one of these on the runtime. It sees the final
// request, so a scheme can set a query parameter (tokens, the webhook key, appid + secret), add
// body fields, or sign method, URL and body into a header (Pay).
import { WxConfigError } from '../core/errors.js';
import type { WireRequest } from '../protocols/types.js';
import type { TokenProvider } from '../core/runtime.js';

export interface Authenticator {
  /**
   * Adds the credential to `req`. Returns the token it used when a refused token can be replaced.
   * May answer synchronously when it needs no I/O (a cached token), so the call does not wait.
   */
  apply(req: WireRequest): string | undefined | Promise<string | undefined>;
  /** The token returned by `apply` was refused: forget exactly that one. Present on replayable schemes. */
  invalidate?(stale: string): Promise<void>;
}

/** A cached token sent as `?<name>=<token>`, replaced once when the server refuses it. */
export function tokenInQuery(name: string, provider: TokenProvider): Authenticator {
  const use = (req: WireRequest, token: string): string => {
    req.url.searchParams.set(name, token);
    return token;
  };
  return {
    apply(req) {
      const cached = provider.peek?.();
      if (cached !== undefined) return use(req, cached);
      return provider.get().then((token) => use(req, token));
    },
    invalidate: (stale) => provider.invalidate(stale),
  };
}

/** `?appid=&secret=` for the few endpoints that take the app's own secret (jscode2session, OAuth). */
export function appsecretInQuery(appid: string, secret: () => string | undefined, param = 'secret'): Authenticator {
  return {
    async apply(req) {
      const value = secret();
      if (!value) throw new WxConfigError(`this endpoint needs the app secret, and client ${appid} has none`);
      req.url.searchParams.set('appid', appid);
      req.url.searchParams.set(param, value);
      return undefined;
    },
  };
}

/** A fixed key in the query: WeCom's group-robot webhooks (`/cgi-bin/webhook/send?key=…`). */
export function keyInQuery(key: string, param = 'key'): Authenticator {
  if (typeof key !== 'string' || !key) throw new WxConfigError('a webhook key is required');
  return {
    async apply(req) {
      req.url.searchParams.set(param, key);
      return undefined;
    },
  };
}
