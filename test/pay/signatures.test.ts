// The pure helpers of `wxkit/pay`: the official v2 sign examples (embedded in
// test/fixtures/vectors/pay-v2.json; the copies in ../shared/reference are checked too where that
// folder exists), and the payment-page parameters (v3 RSA signatures verified with the merchant's
// public key, v2 signs recomputed over the documented fields).
import { createVerify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as payEntry from '../../src/pay/index.js';
import {
  appPayParams,
  appPayParamsV2,
  createPay,
  decryptV2RefundInfo,
  decryptV3Resource,
  encryptV3Resource,
  h5PayUrl,
  jsapiPayParams,
  jsapiPayParamsV2,
  signV2,
  signV3,
  v2SignText,
  v3Message,
  verifyV3,
  WxValidationError,
} from '../../src/pay/index.js';
import { describeReference, readFixtureJson, readReferenceJson, sameVector, type CryptoCase } from '../reference.js';
import { API_V3_KEY, APPID, MCHID, MERCHANT_SERIAL, pkcs8, PUB_KEY_ID, rsaKeys, spki, V2_KEY } from './helpers.js';

interface PayV2Case extends Omit<CryptoCase, 'input'> {
  input: { params: Record<string, string>; key: string; sign_type: 'MD5' | 'HMAC-SHA256' };
  expected: { string_sign_temp: string; sign: string };
}

const vectors = readFixtureJson<PayV2Case[]>('vectors/pay-v2.json');
const signCases = vectors.filter((c) => c.type === 'pay_v2_sign');
const jsapiCases = vectors.filter((c) => c.type === 'pay_v2_jsapi_paysign');

function checkSignCase(c: PayV2Case): void {
  expect(`${v2SignText(c.input.params)}&key=${c.input.key}`).toBe(c.expected.string_sign_temp);
  expect(signV2(c.input.params, c.input.key, c.input.sign_type)).toBe(c.expected.sign);
  // `sign` itself and empty values never take part.
  expect(signV2({ ...c.input.params, sign: 'X', empty: '' }, c.input.key, c.input.sign_type)).toBe(c.expected.sign);
}

describe('signV2: the official examples', () => {
  it('has the vectors to check', () => {
    expect(vectors.map((c) => c.id)).toEqual(['pay-v2/sign-md5', 'pay-v2/sign-hmac-sha256', 'pay-v2/jsapi-paysign-md5', 'pay-v2/jsapi-paysign-hmac-sha256']);
  });
  for (const c of signCases) it(`reproduces: ${c.id}`, () => checkSignCase(c));
  for (const c of jsapiCases) {
    it(`JSAPI v2 paySign reproduces: ${c.id}`, () => {
      const { appId, nonceStr, package: pkg, timeStamp } = c.input.params as Record<string, string>;
      const params = jsapiPayParamsV2({
        appId: appId!,
        prepayId: pkg!.replace('prepay_id=', ''),
        key: c.input.key,
        signType: c.input.sign_type,
        nonceStr,
        timeStamp,
      });
      expect(`${v2SignText({ ...params })}&key=${c.input.key}`.replace(`&paySign=${params.paySign}`, '')).toBe(c.expected.string_sign_temp);
      expect(params.paySign).toBe(c.expected.sign);
    });
  }
});

describeReference('Pay v2 sign vectors (../shared/reference conformance)', () => {
  const reference = readReferenceJson<(PayV2Case & { name: string })[]>('signatures/official_pay_v2.json');
  it('every reference vector is among the embedded copies, and no other', () => {
    expect(reference.filter((r) => !signCases.some((c) => sameVector(r as unknown as CryptoCase, c as unknown as CryptoCase))).map((r) => r.name)).toEqual([]);
    expect(reference).toHaveLength(signCases.length);
  });
  for (const c of reference) it(`reproduces: ${c.name}`, () => checkSignCase(c));
});

describe('the v3 primitives', () => {
  const keys = rsaKeys();
  it('signV3 / verifyV3 round-trip over the documented texts; probes and garbage never verify', () => {
    const message = v3Message({
      method: 'get',
      url: 'https://api.mch.weixin.qq.com/v3/certificates?algorithm_type=RSA',
      timestamp: 1554208460,
      nonce: '593BEC0C930BF1AFEB40B4A08C8FB242',
      body: '',
    });
    expect(message).toBe('GET\n/v3/certificates?algorithm_type=RSA\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    const body = '{"a":1}';
    const signature = signV3(`1554208460\nnonce\n${body}\n`, keys.privateKey);
    expect(verifyV3({ timestamp: 1554208460, nonce: 'nonce', body, signature }, keys.publicKey)).toBe(true);
    expect(verifyV3({ timestamp: 1554208460, nonce: 'nonce', body: '{"a":2}', signature }, keys.publicKey)).toBe(false);
    expect(verifyV3({ timestamp: 1554208460, nonce: 'nonce', body, signature: `WECHATPAY/SIGNTEST/${signature}` }, keys.publicKey)).toBe(false);
    expect(verifyV3({ timestamp: 1554208460, nonce: 'nonce', body, signature: '%%%not base64' }, keys.publicKey)).toBe(false);
  });

  it('decryptV3Resource inverts encryptV3Resource; a wrong key or AAD is a WxCryptoError', () => {
    const ciphertext = encryptV3Resource('{"x":1}', API_V3_KEY, '0123456789ab', 'transaction');
    expect(decryptV3Resource({ ciphertext, nonce: '0123456789ab', associated_data: 'transaction' }, API_V3_KEY)).toBe('{"x":1}');
    expect(() => decryptV3Resource({ ciphertext, nonce: '0123456789ab', associated_data: 'refund' }, API_V3_KEY)).toThrow(payEntry.WxCryptoError);
    expect(() => decryptV2RefundInfo('AAAA', V2_KEY)).toThrow(payEntry.WxCryptoError);
  });

  it('wxkit/pay exports the helpers it documents', () => {
    for (const name of [
      'createPay',
      'signV2',
      'v3Message',
      'signV3',
      'verifyV3',
      'decryptV3Resource',
      'decryptV2RefundInfo',
      'jsapiPayParams',
      'appPayParams',
      'toNodeHandler',
      'toExpressMiddleware',
    ]) {
      expect(typeof (payEntry as Record<string, unknown>)[name], name).toBe('function');
    }
  });
});

describe('payment-page parameters', () => {
  const merchant = rsaKeys();
  const verify = (text: string, signature: string) => createVerify('RSA-SHA256').update(text).verify(merchant.publicKey, signature, 'base64');

  it('JSAPI / mini program (v3): paySign over appId, timeStamp, nonceStr, package, one per line; signType RSA', () => {
    const p = jsapiPayParams({ appId: APPID, prepayId: 'wx201410272009395522657a690389285100', privateKey: merchant.privateKey });
    expect(p).toMatchObject({ appId: APPID, package: 'prepay_id=wx201410272009395522657a690389285100', signType: 'RSA' });
    expect(p.timeStamp).toMatch(/^\d{10}$/);
    expect(p.nonceStr).toMatch(/^[0-9a-f]{32}$/);
    expect(verify(`${APPID}\n${p.timeStamp}\n${p.nonceStr}\nprepay_id=wx201410272009395522657a690389285100\n`, p.paySign)).toBe(true);
    // The documented example's text, with fixed timestamp and nonce.
    const fixed = jsapiPayParams({
      appId: 'wx8888888888888888',
      prepayId: 'prepay_id=wx201410272009395522657a690389285100',
      privateKey: merchant.privateKey,
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    });
    expect(verify('wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n', fixed.paySign)).toBe(
      true,
    );
  });

  it('App (v3): sign over appid, timestamp, noncestr, prepayid; package Sign=WXPay', () => {
    const p = appPayParams({
      appid: 'wx8888888888888888',
      partnerid: '1900000109',
      prepayId: 'WX1217752501201407033233368018',
      privateKey: merchant.privateKey,
      timeStamp: '1414561699',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    });
    expect(p).toEqual({
      appid: 'wx8888888888888888',
      partnerid: '1900000109',
      prepayid: 'WX1217752501201407033233368018',
      package: 'Sign=WXPay',
      noncestr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
      timestamp: '1414561699',
      sign: p.sign,
    });
    expect(verify('wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nWX1217752501201407033233368018\n', p.sign)).toBe(true);
  });

  it('App (v2): sign over appid, noncestr, package, partnerid, prepayid, timestamp', () => {
    const p = appPayParamsV2({
      appid: 'wx8888888888888888',
      partnerid: '1900000109',
      prepayId: 'WX1217752501201407033233368018',
      key: V2_KEY,
      timeStamp: '1412000000',
      nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    });
    const text = `appid=wx8888888888888888&noncestr=5K8264ILTKCH16CQ2502SI8ZNMTM67VS&package=Sign=WXPay&partnerid=1900000109&prepayid=WX1217752501201407033233368018&timestamp=1412000000&key=${V2_KEY}`;
    expect(p.sign).toBe(
      signV2(
        {
          appid: 'wx8888888888888888',
          noncestr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
          package: 'Sign=WXPay',
          partnerid: '1900000109',
          prepayid: 'WX1217752501201407033233368018',
          timestamp: '1412000000',
        },
        V2_KEY,
      ),
    );
    expect(`${v2SignText({ ...p, sign: undefined })}&key=${V2_KEY}`).toBe(text);
  });

  it('H5: redirect_url appended URL-encoded; bad input is a WxValidationError', () => {
    expect(h5PayUrl('https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2016&package=1037687096', 'https://shop.example/paid?o=1')).toBe(
      'https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx2016&package=1037687096&redirect_url=https%3A%2F%2Fshop.example%2Fpaid%3Fo%3D1',
    );
    expect(() => jsapiPayParams({ appId: '', prepayId: 'x', privateKey: merchant.privateKey })).toThrow(WxValidationError);
    expect(() => jsapiPayParams({ appId: APPID, prepayId: 'x', privateKey: merchant.privateKey, timeStamp: '1414561699000' })).toThrow(/timeStamp/);
  });

  it('the client methods use its key, mchid and appid', () => {
    const pay = createPay({
      mchid: MCHID,
      serialNo: MERCHANT_SERIAL,
      privateKey: pkcs8(merchant.privateKey),
      publicKeyId: PUB_KEY_ID,
      publicKey: spki(rsaKeys().publicKey),
      key: V2_KEY,
      appid: APPID,
    });
    const js = pay.jsapiPayParams({ prepayId: 'wx2' });
    expect(verify(`${APPID}\n${js.timeStamp}\n${js.nonceStr}\nprepay_id=wx2\n`, js.paySign)).toBe(true);
    const app = pay.appPayParams({ prepayId: 'wx3', appid: 'wxapp' });
    expect(app.partnerid).toBe(MCHID);
    expect(verify(`wxapp\n${app.timestamp}\n${app.noncestr}\nwx3\n`, app.sign)).toBe(true);
    const v2 = pay.jsapiPayParamsV2({ prepayId: 'wx4', signType: 'HMAC-SHA256' });
    expect(v2.paySign).toBe(
      signV2({ appId: APPID, timeStamp: v2.timeStamp, nonceStr: v2.nonceStr, package: 'prepay_id=wx4', signType: 'HMAC-SHA256' }, V2_KEY, 'HMAC-SHA256'),
    );
    const v2only = createPay({ mchid: MCHID, key: V2_KEY });
    expect(() => v2only.jsapiPayParams({ prepayId: 'x', appId: APPID })).toThrow(/APIv3/);
    expect(() => v2only.jsapiPayParamsV2({ prepayId: 'x' })).toThrow(/appId/);
  });
});
