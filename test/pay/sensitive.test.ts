// Sensitive fields: encrypted with RSA-OAEP (SHA-1) under the WeChat Pay public key (or the newest
// platform certificate) before the request is signed, Wechatpay-Serial naming that key, the
// caller's objects untouched, and a retry re-signing the same ciphertext.
import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callEndpoint } from '../../src/core/call.js';
import { createPay } from '../../src/pay/index.js';
import { runtimeOf } from '../../src/core/runtime.js';
import type { EndpointDescriptor } from '../../src/core/types.js';
import {
  answer,
  API_V3_KEY,
  MCHID,
  MERCHANT_SERIAL,
  pkcs8,
  platformCert,
  PUB_KEY_ID,
  rsaKeys,
  spki,
  startFakePay,
  verifyRequest,
  type FakePay,
} from './helpers.js';

const merchant = rsaKeys();
const wechat = rsaKeys();
const ca = rsaKeys();
const cert = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', ca);
const oldCert = platformCert('1111111111111111111111111111111111111111', ca, { from: -1000, to: 20 });

const ADD_RECEIVER: EndpointDescriptor = {
  id: 'Test.addReceiver',
  method: 'POST',
  host: 'api.mch.weixin.qq.com',
  path: '/v3/profitsharing/receivers/add',
  auth: 'pay_v3',
  protocol: 'pay_v3',
  appTypes: ['pay'],
  idempotent: true,
  sensitive: ['name', 'receivers.name', 'contact.mobile', 'ids'],
};

let fake: FakePay;
let failFirst = false;
const bodies: { serial: string | undefined; body: Record<string, unknown>; signed: boolean }[] = [];

beforeAll(async () => {
  fake = await startFakePay();
  fake.routes.set('POST /v3/profitsharing/receivers/add', (req, res) => {
    const text = req.body.toString('utf8');
    bodies.push({
      serial: req.headers['wechatpay-serial'] as string | undefined,
      body: JSON.parse(text),
      signed: verifyRequest(req.method, req.url, String(req.headers.authorization ?? ''), text, merchant.publicKey),
    });
    if (failFirst) {
      failFirst = false;
      return answer(res, 500, { code: 'SYSTEM_ERROR', message: 'busy' }, { serial: PUB_KEY_ID, privateKey: wechat.privateKey });
    }
    answer(res, 200, { type: 'MERCHANT_ID', account: '190001' }, { serial: PUB_KEY_ID, privateKey: wechat.privateKey });
  });
});
afterAll(() => fake.close());

const decrypt = (ciphertext: unknown, key: KeyObject) =>
  privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(String(ciphertext), 'base64')).toString('utf8');

function client(mode: 'public' | 'certificates') {
  return createPay({
    mchid: MCHID,
    serialNo: MERCHANT_SERIAL,
    privateKey: pkcs8(merchant.privateKey),
    apiV3Key: API_V3_KEY,
    publicKeyId: PUB_KEY_ID,
    publicKey: spki(wechat.publicKey),
    ...(mode === 'certificates'
      ? { publicKey: undefined, publicKeyId: undefined, platformCertificates: { [oldCert.serial]: oldCert.pem, [cert.serial]: cert.pem } }
      : {}),
    downloadCertificates: false,
    baseUrl: fake.base,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
}

describe('sensitive fields', () => {
  it('public-key mode: top-level, nested and array paths are encrypted before signing; Wechatpay-Serial is the key id', async () => {
    bodies.length = 0;
    const params = {
      type: 'MERCHANT_ID',
      account: '190001',
      name: '张三',
      receivers: [{ name: '李四', amount: 1 }, { name: '王五' }],
      contact: { mobile: '13800138000', email: 'a@b.c' },
      ids: ['110101', ''],
    };
    const snapshot = structuredClone(params);
    // The caller's own header is replaced: the ciphertext decides which key the request names.
    await callEndpoint(runtimeOf(client('public')), ADD_RECEIVER, params, { headers: { 'wechatpay-serial': 'SOMETHING_ELSE' } });
    expect(params).toEqual(snapshot);
    const [sent] = bodies;
    expect(sent!.signed).toBe(true);
    expect(sent!.serial).toBe(PUB_KEY_ID);
    const b = sent!.body as typeof params;
    expect(decrypt(b.name, wechat.privateKey)).toBe('张三');
    expect(b.receivers.map((r) => decrypt(r.name, wechat.privateKey))).toEqual(['李四', '王五']);
    expect(b.receivers[0]!.amount).toBe(1);
    expect(decrypt(b.contact.mobile, wechat.privateKey)).toBe('13800138000');
    expect(b.contact.email).toBe('a@b.c');
    expect(decrypt(b.ids[0], wechat.privateKey)).toBe('110101');
    expect(b.ids[1]).toBe('');
    expect(b.account).toBe('190001');
  });

  it('a retry sends the same ciphertext, re-signed', async () => {
    bodies.length = 0;
    failFirst = true;
    await callEndpoint(runtimeOf(client('public')), ADD_RECEIVER, { type: 'MERCHANT_ID', account: '1', name: '张三' }, {});
    expect(bodies).toHaveLength(2);
    expect(bodies.map((b) => b.signed)).toEqual([true, true]);
    expect(bodies[1]!.body.name).toBe(bodies[0]!.body.name);
    expect(decrypt(bodies[1]!.body.name, wechat.privateKey)).toBe('张三');
  });

  it('certificate mode: the valid certificate that expires last is used and named', async () => {
    bodies.length = 0;
    await callEndpoint(runtimeOf(client('certificates')), ADD_RECEIVER, { type: 'MERCHANT_ID', account: '1', name: '张三' }, {}).catch(() => undefined);
    expect(bodies[0]!.serial).toBe(cert.serial);
    expect(decrypt(bodies[0]!.body.name, cert.keys.privateKey)).toBe('张三');
  });

  it('nothing sensitive present: no header, no encryption', async () => {
    bodies.length = 0;
    await callEndpoint(runtimeOf(client('public')), ADD_RECEIVER, { type: 'MERCHANT_ID', account: '1' }, {});
    expect(bodies[0]!.serial).toBeUndefined();
    expect(bodies[0]!.body).toEqual({ type: 'MERCHANT_ID', account: '1' });
  });

  it('encryptSensitive for hand-built requests', async () => {
    const { serial, ciphertext } = await client('public').encryptSensitive('6222020000000000000');
    expect(serial).toBe(PUB_KEY_ID);
    expect(decrypt(ciphertext, wechat.privateKey)).toBe('6222020000000000000');
  });
});
