// Builders for signed callback requests, shared by the handler, adapter and fuzz tests.

import { createCrypto, sha1Signature } from '../../src/callbacks/msg-crypt.js';
import { buildXml } from '../../src/core/xml-build.js';

export const TOKEN = 'wxkitTestToken';
export const AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
export const APPID = 'wx1234567890abcdef';
export const NOW_MS = 1_700_000_000_000;
export const NOW_S = String(NOW_MS / 1000);
export const BASE = 'http://wx.test/callback';

export const crypto = createCrypto({ token: TOKEN, encodingAESKey: AES_KEY, receiveId: APPID });

export function textXml(content: string, msgId = '6054768590064713728', from = 'openid_user'): string {
  return (
    `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName>` +
    `<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType>` +
    `<Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId></xml>`
  );
}

export function eventXml(event: string, eventKey = 'KEY', createTime = 1700000000): string {
  return (
    `<xml><ToUserName><![CDATA[gh_account]]></ToUserName><FromUserName><![CDATA[openid_user]]></FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[${event}]]></Event>` +
    `<EventKey><![CDATA[${eventKey}]]></EventKey></xml>`
  );
}

export function plainQuery(timestamp = NOW_S, nonce = '12345', token = TOKEN): URLSearchParams {
  return new URLSearchParams({ signature: sha1Signature([token, timestamp, nonce]), timestamp, nonce, openid: 'openid_user' });
}

export function plainPost(body: string | Uint8Array, query = plainQuery()): Request {
  return new Request(`${BASE}?${query}`, { method: 'POST', body: body as BodyInit, headers: { 'content-type': 'text/xml' } });
}

export interface SafeOptions {
  timestamp?: string;
  nonce?: string;
  format?: 'xml' | 'json';
  /** Extra plaintext fields next to Encrypt (compatible mode). */
  compatible?: boolean;
  receiveCrypto?: typeof crypto;
}

/** An encrypted push: returns the envelope body and the query WeChat would sign it with. */
export function sealPush(plaintext: string, options: SafeOptions = {}): { body: string; query: URLSearchParams } {
  const timestamp = options.timestamp ?? NOW_S;
  const nonce = options.nonce ?? '67890';
  const encrypt = (options.receiveCrypto ?? crypto).encrypt(plaintext);
  const query = new URLSearchParams({
    signature: sha1Signature([TOKEN, timestamp, nonce]),
    timestamp,
    nonce,
    openid: 'openid_user',
    encrypt_type: 'aes',
    msg_signature: crypto.signature(timestamp, nonce, encrypt),
  });
  const body =
    options.format === 'json'
      ? JSON.stringify({ ToUserName: 'gh_account', Encrypt: encrypt })
      : buildXml({ ToUserName: 'gh_account', ...(options.compatible ? { MsgType: 'text', Content: 'plain copy' } : {}), Encrypt: encrypt });
  return { body, query };
}

export function safePost(plaintext: string, options: SafeOptions = {}): Request {
  const { body, query } = sealPush(plaintext, options);
  return new Request(`${BASE}?${query}`, { method: 'POST', body });
}

/** Open an encrypted XML/JSON reply: verify its signature and return the decrypted reply text. */
export function openReply(body: string, format: 'xml' | 'json' = 'xml'): string {
  const get = (name: string): string => {
    if (format === 'json') return String((JSON.parse(body) as Record<string, unknown>)[name]);
    const match = new RegExp(`<${name}>(?:<!\\[CDATA\\[)?(.*?)(?:\\]\\]>)?</${name}>`).exec(body);
    if (!match) throw new Error(`reply has no ${name}`);
    return match[1]!;
  };
  const encrypt = get('Encrypt');
  if (!crypto.verify(get('MsgSignature'), get('TimeStamp'), get('Nonce'), encrypt)) throw new Error('bad reply signature');
  return crypto.decrypt(encrypt).message;
}

/** Deterministic PRNG (mulberry32) so fuzz failures reproduce from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
