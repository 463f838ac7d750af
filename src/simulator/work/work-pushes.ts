// WeCom → your servers: encrypted, signed pushes as WeCom sends them. Instruction pushes go to a
// suite's instruction URL encrypted with the suite id as receiveid; app pushes go to an app's
// receive URL encrypted with the corpid. WeCom signs only msg_signature (no `signature`, no
// `encrypt_type`), over token, timestamp, nonce and Encrypt.
import { createCrypto } from '../../callbacks/msg-crypt.js';
import { buildXml, type XmlBuildObject } from '../../core/xml-build.js';
import type { WorkSimState } from './work-state.js';
import type { InstallOptions, InstallResult, SimulatorSuite, WorkPushResult } from './work-types.js';

export async function pushSigned(
  crypto: { token: string; encodingAESKey: string; receiveId: string },
  url: string,
  inner: XmlBuildObject,
  outer: { ToUserName: string; AgentID: string | number },
  seconds: number,
): Promise<WorkPushResult> {
  const c = createCrypto(crypto);
  const encrypt = c.encrypt(buildXml(inner));
  const timestamp = String(seconds);
  const nonce = String(Math.floor(Math.random() * 1e9));
  const target = new URL(url);
  target.searchParams.set('msg_signature', c.signature(timestamp, nonce, encrypt));
  target.searchParams.set('timestamp', timestamp);
  target.searchParams.set('nonce', nonce);
  const response = await fetch(target, {
    method: 'POST',
    headers: { 'content-type': 'text/xml' },
    body: buildXml({ ToUserName: outer.ToUserName, Encrypt: encrypt, AgentID: outer.AgentID }),
  });
  return { status: response.status, body: await response.text() };
}

/** WeCom's GET check of a callback URL: the echostr comes encrypted; a good server answers its plaintext. */
export async function verifyUrl(
  crypto: { token: string; encodingAESKey: string; receiveId: string },
  url: string,
  seconds: number,
): Promise<WorkPushResult & { echo: string }> {
  const c = createCrypto(crypto);
  const echo = String(1e15 + Math.floor(Math.random() * 1e15));
  const echostr = c.encrypt(echo);
  const timestamp = String(seconds);
  const nonce = String(Math.floor(Math.random() * 1e9));
  const target = new URL(url);
  target.searchParams.set('msg_signature', c.signature(timestamp, nonce, echostr));
  target.searchParams.set('timestamp', timestamp);
  target.searchParams.set('nonce', nonce);
  target.searchParams.set('echostr', echostr);
  const response = await fetch(target);
  return { status: response.status, body: await response.text(), echo };
}

export function suiteOf(w: WorkSimState, suiteId: string): SimulatorSuite {
  const s = w.suites.get(suiteId);
  if (!s) throw new Error(`simulator: unknown suite ${suiteId}`);
  return s;
}

export function eventUrlOf(w: WorkSimState, suiteId: string, url?: string): string {
  if (url) w.eventUrls.set(suiteId, url);
  const known = w.eventUrls.get(suiteId);
  if (!known) throw new Error(`simulator: no instruction URL known for suite ${suiteId}; pass one`);
  return known;
}

/** POSTs an instruction (InfoType) push for `suiteId`. */
export function pushInstruction(w: WorkSimState, suiteId: string, inner: XmlBuildObject, url?: string): Promise<WorkPushResult> {
  const s = suiteOf(w, suiteId);
  return pushSigned(
    { token: s.token, encodingAESKey: s.encodingAESKey, receiveId: suiteId },
    eventUrlOf(w, suiteId, url),
    inner,
    { ToUserName: suiteId, AgentID: '' },
    w.seconds(),
  );
}

export async function pushSuiteTicket(w: WorkSimState, suiteId: string, url?: string): Promise<WorkPushResult & { ticket: string }> {
  suiteOf(w, suiteId);
  const ticket = w.code('SIMTICKET_');
  const list = (w.suiteTickets.get(suiteId) ?? []).filter((t) => t.expiresAt > w.now());
  // Valid 30 minutes, as WeCom says; the previous ones stay valid until then.
  list.push({ ticket, expiresAt: w.now() + 30 * 60_000 });
  w.suiteTickets.set(suiteId, list.slice(-10));
  const result = await pushInstruction(w, suiteId, { SuiteId: suiteId, InfoType: 'suite_ticket', TimeStamp: w.seconds(), SuiteTicket: ticket }, url);
  return { ...result, ticket };
}

export async function install(w: WorkSimState, suiteId: string, corpid: string, options: InstallOptions = {}): Promise<InstallResult> {
  const s = suiteOf(w, suiteId);
  if (!/^[A-Za-z0-9_-]{4,64}$/.test(corpid)) throw new Error(`simulator: invalid corpid ${JSON.stringify(corpid)}`);
  let redirectUri: string | undefined;
  let state: string | undefined;
  if (options.installUrl !== undefined) {
    const page = new URL(options.installUrl);
    if (page.origin !== 'https://open.work.weixin.qq.com' || page.pathname !== '/3rdapp/install') throw new Error('simulator: not a WeCom install link');
    const q = page.searchParams;
    if (q.get('suite_id') !== suiteId) throw new Error('simulator: the install link is for another suite');
    const pre = w.preAuthCodes.get(q.get('pre_auth_code') ?? '');
    if (!pre || pre.suiteId !== suiteId) throw new Error('simulator: the install page refuses an unknown pre_auth_code');
    if (pre.expiresAt <= w.now()) throw new Error('simulator: the install page refuses an expired pre_auth_code');
    w.preAuthCodes.delete(q.get('pre_auth_code')!);
    redirectUri = q.get('redirect_uri') ?? undefined;
    if (!redirectUri) throw new Error('simulator: the install link has no redirect_uri');
    state = q.get('state') || undefined;
  }
  const key = `${suiteId}/${corpid}`;
  const existing = w.installs.get(key);
  const agentid = options.agentid ?? existing?.agentid ?? w.nextAgentid();
  w.installs.set(key, {
    suiteId,
    corpid,
    corpName: options.corpName ?? existing?.corpName ?? `Corp ${corpid}`,
    agentid,
    permanentCode: existing?.permanentCode ?? w.code('SIMPERM_'),
    customized: s.customized === true || suiteId.startsWith('dk'),
    ...(state ? { state } : {}),
  });
  const authCode = w.code('SIMAUTH_');
  w.authCodes.set(authCode, { suiteId, corpid, expiresAt: w.now() + 600_000, used: false, reset: false });
  const result: InstallResult = { authCode, agentid };
  if (options.push ?? options.installUrl === undefined) {
    result.push = await pushInstruction(
      w,
      suiteId,
      { SuiteId: suiteId, AuthCode: authCode, InfoType: 'create_auth', TimeStamp: w.seconds(), ...(state ? { State: state } : {}) },
      options.eventUrl,
    );
  }
  if (redirectUri) {
    const target = new URL(redirectUri);
    target.searchParams.set('auth_code', authCode);
    target.searchParams.set('expires_in', '600');
    if (state) target.searchParams.set('state', state);
    const response = await fetch(target, { redirect: 'manual' });
    result.redirect = { url: target.toString(), status: response.status, body: await response.text() };
  }
  return result;
}

export async function cancelAuth(
  w: WorkSimState,
  suiteId: string,
  corpid: string,
  options: { eventUrl?: string; push?: boolean } = {},
): Promise<WorkPushResult | undefined> {
  suiteOf(w, suiteId);
  w.installs.delete(`${suiteId}/${corpid}`);
  w.spoil(`${suiteId}/${corpid}`, 'revoke');
  w.spoil(`${corpid}:dk-${suiteId}`, 'revoke');
  if (options.push === false) return undefined;
  return pushInstruction(w, suiteId, { SuiteId: suiteId, InfoType: 'cancel_auth', TimeStamp: w.seconds(), AuthCorpId: corpid }, options.eventUrl);
}

export async function changeAuth(w: WorkSimState, suiteId: string, corpid: string, options: { eventUrl?: string } = {}): Promise<WorkPushResult> {
  return pushInstruction(w, suiteId, { SuiteId: suiteId, InfoType: 'change_auth', TimeStamp: w.seconds(), AuthCorpId: corpid }, options.eventUrl);
}

/** 代开发: the provider reset the app's secret; the next get_permanent_code with this code gives a new one. */
export async function resetPermanentCode(w: WorkSimState, suiteId: string, corpid: string, options: { eventUrl?: string } = {}): Promise<WorkPushResult> {
  if (!w.installs.has(`${suiteId}/${corpid}`)) throw new Error(`simulator: corp ${corpid} has not installed ${suiteId}`);
  const authCode = w.code('SIMAUTH_');
  w.authCodes.set(authCode, { suiteId, corpid, expiresAt: w.now() + 600_000, used: false, reset: true });
  return pushInstruction(w, suiteId, { SuiteId: suiteId, AuthCode: authCode, InfoType: 'reset_permanent_code', TimeStamp: w.seconds() }, options.eventUrl);
}
