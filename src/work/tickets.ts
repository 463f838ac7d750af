// WeCom's two JS-SDK tickets, kept like tokens (one TokenManager each, per corp + app): the corp's
// jsapi_ticket for `wx.config` and the app's agent_config ticket for `wx.agentConfig`. They are
// fetched with the client's own access_token, so a hub client or a suite's corp client gets them
// the same way as a self-built app. What a WeCom client is (corp, agent, tickets) is recorded per
// runtime here rather than on the Client object, whose shape is shared with every app type.
import { execute } from '../core/call.js';
import { WxConfigError } from '../core/errors.js';
import type { Runtime, TokenProvider } from '../core/runtime.js';
import { TokenManager, type FetchedToken } from '../auth/token-manager.js';
import type { Storage } from '../storage/types.js';
import { getAgentConfigTicket, getJsapiTicket } from './endpoints.js';

/** `jsapi`: the corp's ticket (wx.config); `agent_config`: the app's ticket (wx.agentConfig). */
export type WorkTicketType = 'jsapi' | 'agent_config';

export interface WorkClientInfo {
  corpid: string;
  /** The app's agentid when known; a suite's corp client learns it from the authorization record. */
  agentid(): Promise<string | undefined>;
  ticket(type: WorkTicketType): TokenProvider;
}

const infos = new WeakMap<Runtime, WorkClientInfo>();

export function registerWorkClient(rt: Runtime, info: WorkClientInfo): void {
  infos.set(rt, info);
}

export function workClientInfo(rt: Runtime): WorkClientInfo | undefined {
  return infos.get(rt);
}

export function workTicketManager(
  runtime: () => Runtime,
  type: WorkTicketType,
  options: { key: string; storage: Storage; refreshMarginMs?: number; now?: () => number },
): TokenManager {
  return new TokenManager({
    ...options,
    fetch: () => fetchWorkTicket(runtime(), type),
    onBackgroundError: (error) =>
      runtime().logger.warn(`[wxkit] refreshing ${options.key} ahead of expiry failed: ${(error as Error)?.message ?? String(error)}`),
    onWarning: (message) => runtime().logger.warn(message),
  });
}

async function fetchWorkTicket(rt: Runtime, type: WorkTicketType): Promise<FetchedToken> {
  const d = type === 'jsapi' ? getJsapiTicket : getAgentConfigTicket;
  const { data } = await execute<{ ticket: string; expires_in: number }>(rt, d, {}, {});
  return { value: data.ticket, expiresIn: data.expires_in };
}

/** WeCom has no card tickets: `client.getTicket('wx_card')` on a WeCom client says so. */
export const noCardTicket: TokenProvider = {
  get: () => Promise.reject(new WxConfigError("WeCom has no wx_card ticket; use getTicket('jsapi') or workAgentConfig() for the app's ticket")),
  invalidate: async () => undefined,
};

/** Checked before a ticket type reaches storage keys or requests. */
export function checkTicketType(type: unknown): asserts type is WorkTicketType {
  if (type !== 'jsapi' && type !== 'agent_config') {
    throw new WxConfigError(`WeCom ticket type must be 'jsapi' or 'agent_config', got ${JSON.stringify(type)}`);
  }
}
