// createWorkClient(): one WeCom (企业微信) app, its access_token kept per (corpid, secret). Each
// self-built app and each built-in app (contacts, customer contact, …) has a secret of its own and
// so a token of its own: two secrets of one corp must never share a cached token. The key names the
// corpid, the agent when given, and a digest of the secret (never the secret itself). The
// client also keeps the app's two JS-SDK tickets (corp jsapi, agent_config) the same way.
import { createHash } from 'node:crypto';
import { keyInQuery } from '../auth/schemes.js';
import { cachedBy, clientFor, type Client } from '../core/client.js';
import { execute } from '../core/call.js';
import { WxConfigError } from '../core/errors.js';
import { Runtime, runtimeSettings, type RuntimeSettingsOptions, type TokenProvider } from '../core/runtime.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import { getToken, WORK_HOST } from './endpoints.js';
import { checkTicketType, noCardTicket, registerWorkClient, workTicketManager, type WorkTicketType } from './tickets.js';

export { WORK_HOST };

export interface WorkClientOptions extends RuntimeSettingsOptions {
  /** The corp id (`ww…` or `wx…`). */
  corpid: string;
  /**
   * The secret of the app (agent) or built-in app whose API this client calls. For a 代开发 app
   * (agent-developed) it is the permanent code the suite received for the corp.
   */
  corpsecret?: string;
  /** The app's agentid; names the token in storage and is what JS-SDK agentConfig signs for. */
  agentid?: number | string;
  storage?: Storage;
  refreshMarginMs?: number;
  /** Supply tokens from elsewhere (a hub, a suite's corp token) instead of fetching them. */
  accessToken?: TokenProvider;
  /** Supply the JS-SDK tickets from elsewhere (a hub) instead of fetching them with the token. */
  ticket?: (type: WorkTicketType) => TokenProvider;
}

const CORPID = /^[A-Za-z0-9_-]{1,64}$/;
const AGENTID = /^\d{1,12}$/;

/**
 * A client for one WeCom app: its access_token from `gettoken` (fetched once however many callers
 * ask, refreshed ahead of expiry, replaced once after 40014 / 42001), and its JS-SDK tickets.
 * Generated WeCom functions and `client.request()` take it.
 *
 * @example
 * ```ts
 * import { createWorkClient } from 'wxkit/work';
 *
 * const app = createWorkClient({ corpid: 'ww…', agentid: 1000002, corpsecret: process.env.WECOM_SECRET! });
 * const me = await app.request({ path: '/cgi-bin/user/get', query: { userid: 'zhangsan' } });
 * ```
 * @throws {WxConfigError} for a malformed corpid or agentid, or neither corpsecret nor accessToken
 */
export function createWorkClient(options: WorkClientOptions): Client<'work'> {
  if (typeof options?.corpid !== 'string' || !CORPID.test(options.corpid)) {
    throw new WxConfigError(`createWorkClient: corpid must be letters and digits, got ${JSON.stringify(options?.corpid)}`);
  }
  if (!options.accessToken && (typeof options.corpsecret !== 'string' || !options.corpsecret)) {
    throw new WxConfigError(`createWorkClient: corp ${options.corpid} needs a corpsecret (or an accessToken provider)`);
  }
  const agentid = options.agentid === undefined || options.agentid === '' ? undefined : String(options.agentid);
  if (agentid !== undefined && !AGENTID.test(agentid)) {
    throw new WxConfigError(`createWorkClient: agentid must be the app's number, got ${JSON.stringify(options.agentid)}`);
  }
  const { corpid, corpsecret } = options;
  const storage = options.storage ?? memoryStorage();
  // Tickets are per app like the token: the same identity names both in storage.
  const identity = workIdentity(corpid, corpsecret ?? '', agentid);
  let rt: Runtime;
  const accessToken =
    options.accessToken ??
    new TokenManager({
      key: `${identity}:access_token`,
      storage,
      refreshMarginMs: options.refreshMarginMs,
      fetch: () => fetchWorkToken(rt, corpid, corpsecret!),
      onBackgroundError: (error) =>
        rt.logger.warn(`[wxkit] refreshing the WeCom access_token of ${corpid} ahead of expiry failed: ${(error as Error)?.message ?? String(error)}`),
      onWarning: (message) => rt.logger.warn(message),
    });
  const ticket = cachedBy(
    (type: WorkTicketType): TokenProvider =>
      options.ticket?.(type) ?? workTicketManager(() => rt, type, { key: `${identity}:ticket:${type}`, storage, refreshMarginMs: options.refreshMarginMs }),
  );
  rt = new Runtime({
    appType: 'work',
    appid: corpid,
    ...runtimeSettings(options),
    accessToken,
    tickets: (type) => (type === 'jsapi' ? ticket('jsapi') : noCardTicket),
  });
  registerWorkClient(rt, {
    corpid,
    agentid: async () => agentid,
    ticket: (type) => {
      checkTicketType(type);
      return ticket(type);
    },
  });
  return clientFor(rt, 'work', { auth: 'access_token', host: WORK_HOST });
}

/**
 * Storage key of a WeCom token: `wxkit:work:<corpid>:a-<agentid>:s-<digest>:access_token` or,
 * without an agent, `wxkit:work:<corpid>:s-<digest>:access_token`, where the digest is the first 16
 * hex of sha256(secret). The token belongs to the secret: the digest keeps two secrets apart (two
 * apps, an agentid given to the wrong secret, a rotated secret) without writing either into Redis
 * or a file name; the agentid makes the key readable.
 */
export function workTokenKey(corpid: string, corpsecret: string, agentid?: number | string): string {
  return `${workIdentity(corpid, corpsecret, agentid)}:access_token`;
}

function workIdentity(corpid: string, corpsecret: string, agentid?: number | string): string {
  const secret = `s-${createHash('sha256').update(corpsecret).digest('hex').slice(0, 16)}`;
  return agentid !== undefined && agentid !== '' ? `wxkit:work:${corpid}:a-${agentid}:${secret}` : `wxkit:work:${corpid}:${secret}`;
}

async function fetchWorkToken(rt: Runtime, corpid: string, corpsecret: string): Promise<FetchedToken> {
  const { data } = await execute<{ access_token: string; expires_in: number }>(rt, getToken, { corpid, corpsecret }, {});
  return { value: data.access_token, expiresIn: data.expires_in };
}

export interface WebhookOptions extends RuntimeSettingsOptions {
  /** The robot's key, from its webhook URL (`…/cgi-bin/webhook/send?key=…`). Redacted like any credential. */
  key: string;
}

/**
 * A WeCom group robot (群机器人): no token, the webhook key in the query. Generated `auth: key`
 * endpoints (send, upload_media) take it like any client; so does `request()`.
 */
export function createWebhook(options: WebhookOptions): Client<'work'> {
  if (typeof options?.key !== 'string' || !/^[A-Za-z0-9-]{8,128}$/.test(options.key)) {
    throw new WxConfigError("createWebhook: key must be the key from the robot's webhook URL");
  }
  const rt = new Runtime({ appType: 'work', appid: 'webhook', ...runtimeSettings(options), auth: { key: keyInQuery(options.key) } });
  return clientFor(rt, 'work', { auth: 'key', host: WORK_HOST });
}
