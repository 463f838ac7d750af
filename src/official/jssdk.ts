// JS-SDK: the `wx.config` signature over the jsapi ticket, and the card (wx_card) signatures.
// Tickets come from `client.getTicket()`, so they are cached, shared and refreshed like tokens
// (or served by the hub); a page never triggers a ticket request of its own.
import { createHash, randomBytes } from 'node:crypto';
import type { Client } from '../core/client.js';
import { WxConfigError } from '../core/errors.js';

export interface JsapiSignInput {
  /** The jsapi ticket (`client.getTicket('jsapi')`). */
  ticket: string;
  nonceStr: string;
  /** Unix seconds. */
  timestamp: number | string;
  /** The full URL of the page calling wx.config; anything from `#` on is dropped. */
  url: string;
}

/**
 * `sha1("jsapi_ticket=…&noncestr=…&timestamp=…&url=…")`, hex. Values are used raw (no URL encoding),
 * exactly as the page will report its own `location.href.split('#')[0]`.
 */
export function signJsapi(input: JsapiSignInput): string {
  for (const field of ['ticket', 'nonceStr', 'url'] as const) {
    if (typeof input?.[field] !== 'string' || input[field] === '') throw new WxConfigError(`signJsapi: ${field} must be a non-empty string`);
  }
  const timestamp = String(input.timestamp);
  if (!/^\d+$/.test(timestamp)) throw new WxConfigError(`signJsapi: timestamp must be Unix seconds, got ${JSON.stringify(input.timestamp)}`);
  const string1 = `jsapi_ticket=${input.ticket}&noncestr=${input.nonceStr}&timestamp=${timestamp}&url=${pageUrl(input.url)}`;
  return sha1(string1);
}

export interface JsapiConfigOptions {
  /** The page URL exactly as the browser sees it (protocol, host, path, query); the #fragment is ignored. */
  url: string;
  jsApiList: string[];
  openTagList?: string[];
  debug?: boolean;
  /** Fixed values for tests; random / now by default. */
  nonceStr?: string;
  timestamp?: number;
}

/** The object to pass to `wx.config(...)` on the page. */
export interface JsapiConfig {
  appId: string;
  timestamp: number;
  nonceStr: string;
  signature: string;
  jsApiList: string[];
  openTagList: string[];
  debug: boolean;
}

/** Builds the whole `wx.config` object for a page, signing with the app's cached jsapi ticket. */
export async function jsapiConfig(client: Client, options: JsapiConfigOptions): Promise<JsapiConfig> {
  if (!Array.isArray(options?.jsApiList)) throw new WxConfigError('jsapiConfig: jsApiList must be an array of JS-SDK API names');
  const url = pageUrl(options.url);
  if (!/^https?:\/\//i.test(url)) {
    throw new WxConfigError(`jsapiConfig: url must be the page's absolute http(s) URL (location.href), got ${JSON.stringify(options.url)}`);
  }
  const ticket = await client.getTicket('jsapi');
  const nonceStr = options.nonceStr ?? randomNonce();
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    appId: client.appid,
    timestamp,
    nonceStr,
    signature: signJsapi({ ticket, nonceStr, timestamp, url }),
    jsApiList: options.jsApiList,
    openTagList: options.openTagList ?? [],
    debug: options.debug ?? false,
  };
}

/**
 * The card signature (wx.addCard `cardExt`, wx.chooseCard): the values that take part, sorted as
 * strings and concatenated, then SHA-1. Empty or undefined values are left out.
 */
export function signCard(values: ReadonlyArray<string | number | undefined>): string {
  const parts = values.filter((v): v is string | number => v !== undefined && v !== '').map(String);
  parts.sort();
  return sha1(parts.join(''));
}

export interface CardExtOptions {
  cardId: string;
  /** Required for cards with custom codes. */
  code?: string;
  /** Required for cards bound to one user (bind_openid). */
  openid?: string;
  outerStr?: string;
  /** Unix seconds; for cards whose validity starts when received. */
  fixedBeginTimestamp?: number;
  nonceStr?: string;
  timestamp?: number;
}

/**
 * `{ cardId, cardExt }` for one entry of `wx.addCard({ cardList })`: cardExt is the JSON string
 * WeChat expects, signed with the wx_card ticket over api_ticket, timestamp, card_id, code,
 * openid and nonce_str.
 */
export async function cardExt(client: Client, options: CardExtOptions): Promise<{ cardId: string; cardExt: string }> {
  if (typeof options?.cardId !== 'string' || !options.cardId) throw new WxConfigError('cardExt: cardId is required');
  const ticket = await client.getTicket('wx_card');
  const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce_str = options.nonceStr ?? randomNonce();
  const signature = signCard([ticket, timestamp, options.cardId, options.code, options.openid, nonce_str]);
  const ext: Record<string, string> = { timestamp, nonce_str, signature };
  if (options.code) ext.code = options.code;
  if (options.openid) ext.openid = options.openid;
  if (options.outerStr) ext.outer_str = options.outerStr;
  if (options.fixedBeginTimestamp !== undefined) ext.fixed_begintimestamp = String(options.fixedBeginTimestamp);
  return { cardId: options.cardId, cardExt: JSON.stringify(ext) };
}

function pageUrl(url: string): string {
  if (typeof url !== 'string' || url === '') throw new WxConfigError('JS-SDK: url must be a non-empty string');
  const hash = url.indexOf('#');
  return hash < 0 ? url : url.slice(0, hash);
}

function randomNonce(): string {
  // 16 characters of [A-Za-z0-9]; WeChat accepts up to 32.
  return randomBytes(12).toString('base64').replace(/[+/=]/g, '').padEnd(16, 'x').slice(0, 16);
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}
