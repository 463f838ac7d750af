// The parameters a page or an app needs to open WeChat's payment sheet after an order was placed
// (调起支付). The server signs them; the client passes them through unchanged.
//
//   v3 JSAPI / mini program (WeixinJSBridge getBrandWCPayRequest, wx.requestPayment):
//     paySign = base64 RSA-SHA256 over "appId\ntimeStamp\nnonceStr\npackage\n", signType "RSA",
//     package "prepay_id=…" (pay.weixin.qq.com/doc/v3/merchant/4012365352).
//   v3 App (OpenSDK PayReq): sign = base64 RSA-SHA256 over "appid\ntimestamp\nnoncestr\nprepayid\n",
//     package "Sign=WXPay" (pay.weixin.qq.com/doc/v3/merchant/4012265144).
//   v2 JSAPI: paySign = the v2 sign (MD5 or HMAC-SHA256 with the API key) of appId, nonceStr,
//     package, signType, timeStamp, names case-sensitive (pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=7_7).
//   v2 App: sign = the v2 sign of appid, noncestr, package, partnerid, prepayid, timestamp.
// Native answers a `code_url` to show as a QR code and H5 an `h5_url` to open; neither is signed.
import { randomBytes, type KeyObject } from 'node:crypto';
import { WxValidationError } from '../core/errors.js';
import { signV2, signV3, type V2SignType } from './signatures.js';

/** For `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` and `wx.requestPayment(…)` (which ignores appId). */
export interface JsapiPayParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** For the OpenSDK's PayReq (Android `packageValue` is `package`). */
export interface AppPayParams {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

export interface JsapiPayParamsV2 {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: V2SignType;
  paySign: string;
}

export interface AppPayParamsV2 {
  appid: string;
  partnerid: string;
  prepayid: string;
  package: 'Sign=WXPay';
  noncestr: string;
  timestamp: string;
  sign: string;
}

/** Fixed values for reproducible signatures (tests, vectors); both are generated when absent. */
export interface PayParamsOverrides {
  /** Seconds since the epoch, as a string of digits. */
  timeStamp?: string;
  nonceStr?: string;
}

/** v3 JSAPI / mini program parameters. `prepayId` is the `prepay_id` the order answered (without the `prepay_id=` prefix). */
export function jsapiPayParams(input: { appId: string; prepayId: string; privateKey: string | KeyObject } & PayParamsOverrides): JsapiPayParams {
  const appId = need(input.appId, 'appId');
  const pkg = `prepay_id=${need(input.prepayId, 'prepayId').replace(/^prepay_id=/, '')}`;
  const { timeStamp, nonceStr } = stamps(input);
  const paySign = signV3(lines(appId, timeStamp, nonceStr, pkg), input.privateKey);
  return { appId, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
}

/** v3 App parameters; `partnerid` is the merchant number (mchid). */
export function appPayParams(input: { appid: string; partnerid: string; prepayId: string; privateKey: string | KeyObject } & PayParamsOverrides): AppPayParams {
  const appid = need(input.appid, 'appid');
  const prepayid = need(input.prepayId, 'prepayId');
  const { timeStamp, nonceStr } = stamps(input);
  const sign = signV3(lines(appid, timeStamp, nonceStr, prepayid), input.privateKey);
  return { appid, partnerid: need(input.partnerid, 'partnerid'), prepayid, package: 'Sign=WXPay', noncestr: nonceStr, timestamp: timeStamp, sign };
}

/** v2 JSAPI / mini program parameters; `signType` must be the one the unified order used (default MD5). */
export function jsapiPayParamsV2(input: { appId: string; prepayId: string; key: string; signType?: V2SignType } & PayParamsOverrides): JsapiPayParamsV2 {
  const appId = need(input.appId, 'appId');
  const pkg = `prepay_id=${need(input.prepayId, 'prepayId').replace(/^prepay_id=/, '')}`;
  const signType = input.signType ?? 'MD5';
  const { timeStamp, nonceStr } = stamps(input);
  const signed = { appId, timeStamp, nonceStr, package: pkg, signType };
  return { ...signed, paySign: signV2(signed, input.key, signType) };
}

/** v2 App parameters. */
export function appPayParamsV2(
  input: { appid: string; partnerid: string; prepayId: string; key: string; signType?: V2SignType } & PayParamsOverrides,
): AppPayParamsV2 {
  const { timeStamp, nonceStr } = stamps(input);
  const signed = {
    appid: need(input.appid, 'appid'),
    partnerid: need(input.partnerid, 'partnerid'),
    prepayid: need(input.prepayId, 'prepayId'),
    package: 'Sign=WXPay' as const,
    noncestr: nonceStr,
    timestamp: timeStamp,
  };
  return { ...signed, sign: signV2(signed, input.key, input.signType ?? 'MD5') };
}

/**
 * H5: the `h5_url` the order answered, with the page WeChat returns to after payment
 * (`redirect_url`, URL-encoded as WeChat asks). Without a redirect it is returned unchanged.
 */
export function h5PayUrl(h5Url: string, redirectUrl?: string): string {
  const url = need(h5Url, 'h5Url');
  if (redirectUrl === undefined) return url;
  return `${url}${url.includes('?') ? '&' : '?'}redirect_url=${encodeURIComponent(redirectUrl)}`;
}

/** One value per line, each line ending in \n, the last one included. */
function lines(...values: string[]): string {
  return values.map((v) => `${v}\n`).join('');
}

function stamps(input: PayParamsOverrides): { timeStamp: string; nonceStr: string } {
  const timeStamp = input.timeStamp ?? String(Math.floor(Date.now() / 1000));
  if (!/^\d{1,10}$/.test(timeStamp)) throw new WxValidationError('request', ['timeStamp: expected seconds since the epoch (10 digits at most)']);
  const nonceStr = input.nonceStr ?? randomBytes(16).toString('hex');
  if (!/^[0-9A-Za-z]{1,32}$/.test(nonceStr)) throw new WxValidationError('request', ['nonceStr: expected 1-32 letters and digits']);
  return { timeStamp, nonceStr };
}

function need(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new WxValidationError('request', [`${name}: required`]);
  return value;
}
