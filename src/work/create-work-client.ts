// createWorkClient(): one WeCom (企业微信) app, its access_token kept per (corpid, secret). Each
// self-built app and each built-in app (contacts, customer contact, …) has a secret of its own and
// so a token of its own: two secrets of one corp must never share a cached token. The key names the
// corpid and the agent when given, else a digest of the secret (never the secret itself).
import { createHash } from 'node:crypto';
import { keyInQuery } from '../auth/schemes.js';
import { clientFor, type Client } from '../core/client.js';
import { execute } from '../core/call.js';
import { WxConfigError } from '../core/errors.js';
import { Runtime, runtimeSettings, type RuntimeSettingsOptions, type TokenProvider } from '../core/runtime.js';
import { memoryStorage } from '../storage/memory.js';
import type { Storage } from '../storage/types.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import type { EndpointDescriptor } from '../core/types.js';

export const WORK_HOST = 'qyapi.weixin.qq.com';

export interface WorkClientOptions extends RuntimeSettingsOptions {
  /** The corp id (`ww…` or `wx…`). */
  corpid: string;
  /** The secret of the app (agent) or built-in app whose API this client calls. */
  corpsecret?: string;
  /** The app's agentid; names the token in storage and is what JS-SDK agentConfig signs for. */
  agentid?: number | string;
  storage?: Storage;
  refreshMarginMs?: number;
  /** Supply tokens from elsewhere (a hub, a suite's corp token) instead of fetching them. */
  accessToken?: TokenProvider;
}

/**
 * `GET /cgi-bin/gettoken?corpid=&corpsecret=`: the one request that fetches a WeCom access_token.
 * It is an ordinary descriptor, so the fetch has the call loop's retries, deadline and errors.
 */
const getToken: EndpointDescriptor = {
  id: 'Work.getToken',
  method: 'GET',
  host: WORK_HOST,
  path: '/cgi-bin/gettoken',
  auth: 'none',
  appTypes: ['work'],
  idempotent: true,
  query: ['corpid', 'corpsecret'],
  required: ['corpid', 'corpsecret'],
};

const CORPID = /^[A-Za-z0-9_-]{1,64}$/;

export function createWorkClient(options: WorkClientOptions): Client<'work'> {
  if (typeof options?.corpid !== 'string' || !CORPID.test(options.corpid)) {
    throw new WxConfigError(`createWorkClient: corpid must be letters and digits, got ${JSON.stringify(options?.corpid)}`);
  }
  if (!options.accessToken && (typeof options.corpsecret !== 'string' || !options.corpsecret)) {
    throw new WxConfigError(`createWorkClient: corp ${options.corpid} needs a corpsecret (or an accessToken provider)`);
  }
  const { corpid, corpsecret } = options;
  let rt: Runtime;
  const accessToken =
    options.accessToken ??
    new TokenManager({
      key: workTokenKey(corpid, corpsecret!, options.agentid),
      storage: options.storage ?? memoryStorage(),
      refreshMarginMs: options.refreshMarginMs,
      fetch: () => fetchWorkToken(rt, corpid, corpsecret!),
      onBackgroundError: (error) => rt.logger.warn(`[wxkit] refreshing the WeCom access_token of ${corpid} ahead of expiry failed: ${(error as Error)?.message ?? String(error)}`),
      onWarning: (message) => rt.logger.warn(message),
    });
  rt = new Runtime({ appType: 'work', appid: corpid, ...runtimeSettings(options), accessToken });
  return clientFor(rt, 'work');
}

/**
 * Storage key of a WeCom token: `wxkit:work:<corpid>:<agentid>` or, without an agent,
 * `wxkit:work:<corpid>:s-<first 16 hex of sha256(secret)>`. A digest keeps two secrets apart
 * without writing either into Redis or a file name.
 */
export function workTokenKey(corpid: string, corpsecret: string, agentid?: number | string): string {
  const who = agentid !== undefined && agentid !== '' ? `a-${agentid}` : `s-${createHash('sha256').update(corpsecret).digest('hex').slice(0, 16)}`;
  return `wxkit:work:${corpid}:${who}:access_token`;
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
    throw new WxConfigError('createWebhook: key must be the key from the robot\'s webhook URL');
  }
  const rt = new Runtime({ appType: 'work', appid: 'webhook', ...runtimeSettings(options), auth: { key: keyInQuery(options.key) } });
  return clientFor(rt, 'work', { auth: 'key' });
}
