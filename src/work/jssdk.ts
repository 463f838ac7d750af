// WeCom JS-SDK: `wx.config` is signed with the corp's jsapi_ticket and `wx.agentConfig` with the
// app's agent_config ticket, both over the same string as the official account's
// (`jsapi_ticket=…&noncestr=…&timestamp=…&url=…`, SHA-1). Tickets come cached from the client
// (its TokenManagers, or a hub), so a page load never causes a ticket request of its own.
import { randomBytes } from 'node:crypto';
import type { Client } from '../core/client.js';
import { WxConfigError } from '../core/errors.js';
import { runtimeOf } from '../core/runtime.js';
import { signJsapi } from '../official/jssdk.js';
import { workClientInfo, type WorkClientInfo, type WorkTicketType } from './tickets.js';

export interface WorkJsapiOptions {
  /** The page URL as the browser sees it; the #fragment is ignored. */
  url: string;
  jsApiList: string[];
  /** Fixed values for tests; random / now by default. */
  nonceStr?: string;
  timestamp?: number;
}

/** The object for `wx.config({ beta: true, … })` on a WeCom page. */
export interface WorkJsapiConfig {
  beta: true;
  debug: boolean;
  /** The corp id. */
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
  jsApiList: string[];
}

/** The object for `wx.agentConfig(…)`. */
export interface WorkAgentConfig {
  corpid: string;
  agentid: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
  jsApiList: string[];
}

/**
 * `wx.config` for a page of this corp, signed with the corp's jsapi_ticket.
 *
 * @throws {WxConfigError} for a client that is not a WeCom app client, or a bad url / jsApiList
 */
export async function workJsapiConfig(client: Client<'work'>, options: WorkJsapiOptions & { debug?: boolean }): Promise<WorkJsapiConfig> {
  const info = infoOf(client, 'workJsapiConfig');
  const signed = await sign(info, 'jsapi', options, 'workJsapiConfig');
  return { beta: true, debug: options.debug ?? false, appId: info.corpid, ...signed };
}

/**
 * `wx.agentConfig` for a page of this app, signed with the app's agent_config ticket. The agentid
 * is the client's (createWorkClient's `agentid`, or the app a suite was authorized with); pass
 * `agentid` to name it when the client does not know it.
 */
export async function workAgentConfig(client: Client<'work'>, options: WorkJsapiOptions & { agentid?: number | string }): Promise<WorkAgentConfig> {
  const info = infoOf(client, 'workAgentConfig');
  const agentid = options.agentid !== undefined ? String(options.agentid) : await info.agentid();
  if (!agentid || !/^\d{1,12}$/.test(agentid)) {
    throw new WxConfigError(`workAgentConfig: the client of corp ${info.corpid} has no agentid; create it with { agentid } or pass agentid`);
  }
  const signed = await sign(info, 'agent_config', options, 'workAgentConfig');
  return { corpid: info.corpid, agentid, ...signed };
}

function infoOf(client: Client<'work'>, what: string): WorkClientInfo {
  const info = workClientInfo(runtimeOf(client));
  if (!info) throw new WxConfigError(`${what}: expected a WeCom app client (createWorkClient or suite.corp())`);
  return info;
}

async function sign(info: WorkClientInfo, type: WorkTicketType, options: WorkJsapiOptions, what: string) {
  if (!Array.isArray(options?.jsApiList)) throw new WxConfigError(`${what}: jsApiList must be an array of JS-SDK API names`);
  if (typeof options.url !== 'string' || !/^https?:\/\//i.test(options.url)) {
    throw new WxConfigError(`${what}: url must be the page's absolute http(s) URL (location.href), got ${JSON.stringify(options.url)}`);
  }
  const ticket = await info.ticket(type).get();
  const nonceStr = options.nonceStr ?? randomBytes(12).toString('base64url').slice(0, 16);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return { timestamp, nonceStr, signature: signJsapi({ ticket, nonceStr, timestamp, url: options.url }), jsApiList: options.jsApiList };
}
