// v3 and v2 notifications: verification in public-key mode, certificate mode and the mixed ramp,
// the refusals (stale timestamp, tampered body, probe, unknown serial), typed events, de-duplication
// by id with at-least-once handling, the documented answers, and mounting on node:http.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPay, memoryNotificationStore, signV2, toNodeHandler, type PayNotification, type PayNotificationV2 } from '../../src/pay/index.js';
import { buildXml } from '../../src/core/xml-build.js';
import { redisSeenStore } from '../../src/storage/redis.js';
import { assertRedisReachable, deleteKeys, noticeIfNoRedis, REDIS_URL, uniquePrefix } from '../fixtures/tokens/helpers.js';
import { API_V3_KEY, APPID, MCHID, MERCHANT_SERIAL, notification, pkcs8, platformCert, PUB_KEY_ID, rsaKeys, spki, V2_KEY, type Signer } from './helpers.js';
import { createCipheriv, createHash } from 'node:crypto';

const merchant = rsaKeys();
const wechatPublic = rsaKeys();
const ca = rsaKeys();
const cert = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', ca);
const byPublicKey: Signer = { serial: PUB_KEY_ID, privateKey: wechatPublic.privateKey };
const byCertificate: Signer = { serial: cert.serial, privateKey: cert.keys.privateKey };

const TRANSACTION = {
  appid: APPID,
  mchid: MCHID,
  out_trade_no: 'T20261202001',
  transaction_id: '4200000001202612020000000001',
  trade_type: 'JSAPI',
  trade_state: 'SUCCESS',
  trade_state_desc: '支付成功',
  bank_type: 'OTHERS',
  success_time: '2026-12-02T10:34:56+08:00',
  payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
  amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
};

function pay(mode: 'public' | 'certificate' | 'both') {
  return createPay({
    mchid: MCHID,
    serialNo: MERCHANT_SERIAL,
    privateKey: pkcs8(merchant.privateKey),
    apiV3Key: API_V3_KEY,
    ...(mode !== 'certificate' ? { publicKeyId: PUB_KEY_ID, publicKey: spki(wechatPublic.publicKey) } : {}),
    ...(mode !== 'public' ? { platformCertificates: { [cert.serial]: cert.pem } } : {}),
    downloadCertificates: false,
    key: V2_KEY,
  });
}

function collecting(mode: 'public' | 'certificate' | 'both', extra: Partial<Parameters<ReturnType<typeof pay>['notifyHandler']>[0]> = {}) {
  const received: PayNotification[] = [];
  const errors: { stage: string; error: unknown }[] = [];
  const handler = pay(mode).notifyHandler({
    onNotify: (n) => void received.push(n),
    onError: (error, ctx) => void errors.push({ stage: ctx.stage, error }),
    ...extra,
  });
  return { handler, received, errors };
}

async function status(res: Response): Promise<{ status: number; body: string }> {
  return { status: res.status, body: await res.text() };
}

describe('v3 notifications: verification', () => {
  it('public-key mode: a payment notification is verified, decrypted and typed; the answer is 200 with no body', async () => {
    const { handler, received } = collecting('public');
    const res = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-1' }));
    expect(await status(res)).toEqual({ status: 200, body: '' });
    expect(received).toEqual([
      {
        id: 'EV-1',
        create_time: '2026-12-02T10:34:56+08:00',
        event_type: 'TRANSACTION.SUCCESS',
        resource_type: 'encrypt-resource',
        summary: '支付成功',
        original_type: 'transaction',
        kind: 'transaction',
        resource: TRANSACTION,
      },
    ]);
  });

  it('certificate mode: verified with the platform certificate the serial names', async () => {
    const { handler, received } = collecting('certificate');
    expect((await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byCertificate))).status).toBe(200);
    expect(received.map((n) => n.kind)).toEqual(['transaction']);
  });

  it('the ramp (灰度): some notifications signed by the public key, some by a certificate, both verify', async () => {
    const { handler, received } = collecting('both');
    const signers = [byPublicKey, byCertificate, byCertificate, byPublicKey, byPublicKey];
    const answers = await Promise.all(signers.map((s, i) => handler(notification('TRANSACTION.SUCCESS', { ...TRANSACTION, out_trade_no: `T${i}` }, s))));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(received.map((n) => (n.resource as { out_trade_no: string }).out_trade_no).sort()).toEqual(['T0', 'T1', 'T2', 'T3', 'T4']);
  });

  it('a certificate-signed notification is refused by a public-key-only merchant, and the reverse', async () => {
    expect((await collecting('public').handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byCertificate))).status).toBe(401);
    expect((await collecting('certificate').handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey))).status).toBe(401);
  });

  it('refuses a stale timestamp (403), a tampered body (401), a wrong key (401), and never calls onNotify', async () => {
    const { handler, received, errors } = collecting('public');
    const stale = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { timestamp: Math.floor(Date.now() / 1000) - 301 }));
    expect(await status(stale)).toEqual({ status: 403, body: JSON.stringify({ code: 'FAIL', message: 'timestamp outside the accepted window' }) });
    const ahead = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { timestamp: Math.floor(Date.now() / 1000) + 301 }));
    expect(ahead.status).toBe(403);
    const tampered = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { tamper: (b) => b.replace('支付成功', '支付失败') }));
    expect(await status(tampered)).toEqual({ status: 401, body: JSON.stringify({ code: 'FAIL', message: 'invalid signature' }) });
    const forged = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, { serial: PUB_KEY_ID, privateKey: rsaKeys().privateKey }));
    expect(forged.status).toBe(401);
    expect(received).toEqual([]);
    expect(errors).toEqual([]); // refusals are not reported: anyone can send them
  });

  it('a WECHATPAY/SIGNTEST/ probe is refused cleanly with 401 and a FAIL body', async () => {
    const { handler, received } = collecting('public');
    const probe = notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { signature: 'WECHATPAY/SIGNTEST/ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789' });
    const res = await handler(probe);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(JSON.parse(await res.text())).toEqual({ code: 'FAIL', message: 'invalid signature' });
    // A probe whose body is not even JSON is refused at the signature, before any parsing.
    const junk = new Request('http://127.0.0.1/n', { method: 'POST', headers: { ...Object.fromEntries(probe.headers), 'content-length': '5' }, body: '{"id"' });
    expect((await handler(junk)).status).toBe(401);
    expect(received).toEqual([]);
  });

  it('an unknown serial, missing headers, a wrong method and an oversized body are refused', async () => {
    const { handler } = collecting('public');
    expect(
      (
        await handler(
          notification('TRANSACTION.SUCCESS', TRANSACTION, { serial: 'PUB_KEY_ID_0000000000000000000000000000000099', privateKey: wechatPublic.privateKey }),
        )
      ).status,
    ).toBe(401);
    expect((await handler(new Request('http://127.0.0.1/n', { method: 'POST', body: '{}' }))).status).toBe(401);
    const get = await handler(new Request('http://127.0.0.1/n'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    const small = pay('public').notifyHandler({ onNotify: () => undefined, maxBodyBytes: 64 });
    expect((await small(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey))).status).toBe(413);
  });

  it('signed but not decryptable with our APIv3 key: 500 (WeChat retries) and a config error is reported', async () => {
    const { handler, received, errors } = collecting('public');
    const res = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { apiV3Key: 'ffffffffffffffffffffffffffffffff' }));
    expect(res.status).toBe(500);
    expect(received).toEqual([]);
    expect(errors.map((e) => [e.stage, (e.error as Error).name])).toEqual([['config', 'WxConfigError']]);
    expect(String((errors[0]!.error as Error).message)).not.toContain(API_V3_KEY);
  });

  it('needs the APIv3 key', () => {
    const noKey = createPay({
      mchid: MCHID,
      serialNo: MERCHANT_SERIAL,
      privateKey: pkcs8(merchant.privateKey),
      publicKeyId: PUB_KEY_ID,
      publicKey: spki(wechatPublic.publicKey),
    });
    expect(() => noKey.notifyHandler({ onNotify: () => undefined })).toThrow(/apiV3Key/);
  });
});

describe('v3 notifications: typed events', () => {
  const cases: [string, unknown, string, string?][] = [
    [
      'REFUND.SUCCESS',
      {
        mchid: MCHID,
        out_trade_no: 'T1',
        transaction_id: '42',
        out_refund_no: 'R1',
        refund_id: '50',
        refund_status: 'SUCCESS',
        amount: { total: 100, refund: 100, payer_total: 100, payer_refund: 100 },
      },
      'refund',
      'refund',
    ],
    ['REFUND.ABNORMAL', { out_trade_no: 'T1', transaction_id: '42', out_refund_no: 'R1', refund_id: '50', refund_status: 'ABNORMAL' }, 'refund', 'refund'],
    ['REFUND.CLOSED', { out_trade_no: 'T1', transaction_id: '42', out_refund_no: 'R1', refund_id: '50', refund_status: 'CLOSED' }, 'refund', 'refund'],
    [
      'PROFITSHARING',
      {
        mchid: MCHID,
        transaction_id: '42',
        order_id: '3008',
        out_order_no: 'P1',
        receiver: { type: 'MERCHANT_ID', account: '1900000109', amount: 10, description: '分给商户' },
      },
      'profitsharing',
      'profitsharing',
    ],
    // Some merchants get profit sharing as TRANSACTION.SUCCESS: recognised by original_type / shape.
    [
      'TRANSACTION.SUCCESS',
      { mchid: MCHID, transaction_id: '42', order_id: '3008', out_order_no: 'P1', receiver: { type: 'MERCHANT_ID', account: '1900000109', amount: 10 } },
      'profitsharing',
      'profitsharing',
    ],
    ['TRANSACTION.SUCCESS', { combine_appid: APPID, combine_mchid: MCHID, combine_out_trade_no: 'C1', sub_orders: [] }, 'combine_transaction', 'transaction'],
    [
      'MCHTRANSFER.BILL.FINISHED',
      { mch_id: MCHID, out_bill_no: 'B1', transfer_bill_no: '1330000', state: 'SUCCESS', transfer_amount: 100, openid: 'o1' },
      'transfer',
      'mch_payment',
    ],
    [
      'PAYSCORE.USER_CONFIRM',
      { appid: APPID, mchid: MCHID, out_order_no: 'S1', service_id: '500001', openid: 'o1', state: 'DOING', order_id: '15646546545165651651' },
      'payscore',
      'payscore',
    ],
    ['COMPLAINT.CREATE', { complaint_id: '200000020220101', action_type: 'CREATE_COMPLAINT' }, 'complaint', 'complaint'],
    ['MALL_TRANSACTION.SUCCESS', { mchid: MCHID, something: 'new' }, 'unknown', 'businesscircle'],
  ];

  it.each(cases)('%s → kind %s', async (eventType, resource, kind, originalType) => {
    const { handler, received } = collecting('public');
    expect((await handler(notification(eventType, resource, byPublicKey, { originalType }))).status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ event_type: eventType, kind, resource });
  });
});

describe('v3 notifications: de-duplication by id, at least once', () => {
  it('a retry with the same id (here re-signed by the other key, as during the ramp) is acknowledged without calling onNotify again', async () => {
    const { handler, received } = collecting('both');
    const first = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-dup' }));
    const retry = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byCertificate, { id: 'EV-dup' }));
    expect([first.status, retry.status]).toEqual([200, 200]);
    expect(received).toHaveLength(1);
    expect((await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-other' }))).status).toBe(200);
    expect(received.map((n) => n.id)).toEqual(['EV-dup', 'EV-other']);
  });

  it('concurrent deliveries of one id run onNotify once', async () => {
    let calls = 0;
    const handler = pay('public').notifyHandler({ onNotify: () => new Promise((r) => setTimeout(() => r(calls++), 20)) });
    const answers = await Promise.all([1, 2, 3, 4].map(() => handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-burst' }))));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(calls).toBe(1);
  });

  it('onNotify throwing answers 500 FAIL and the retry is handled (the id is forgotten)', async () => {
    const seen: string[] = [];
    let fail = true;
    const errors: string[] = [];
    const handler = pay('public').notifyHandler({
      onNotify: (n) => {
        seen.push(n.id);
        if (fail) throw new Error('database down');
      },
      onError: (_e, ctx) => void errors.push(ctx.stage),
    });
    const res = await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-retry' }));
    expect(res.status).toBe(500);
    expect(JSON.parse(await res.text())).toMatchObject({ code: 'FAIL' });
    fail = false;
    expect((await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-retry' }))).status).toBe(200);
    expect((await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-retry' }))).status).toBe(200);
    expect(seen).toEqual(['EV-retry', 'EV-retry']);
    expect(errors).toEqual(['onNotify']);
  });

  it('a full store refuses with 503 instead of forgetting; a store without forget is a config error; dedupe: false turns it off', async () => {
    const store = memoryNotificationStore({ max: 1 });
    const { handler } = collecting('public', { dedupe: store });
    expect((await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-a' }))).status).toBe(200);
    expect((await handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-b' }))).status).toBe(503);
    expect(() => pay('public').notifyHandler({ onNotify: () => undefined, dedupe: { seen: async () => false } as never })).toThrow(/forget/);
    const off = collecting('public', { dedupe: false });
    await off.handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-c' }));
    await off.handler(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-c' }));
    expect(off.received).toHaveLength(2);
  });
});

describe('mounted on node:http with toNodeHandler', () => {
  let server: http.Server;
  let url: string;
  const received: PayNotification[] = [];
  beforeAll(async () => {
    server = http.createServer(toNodeHandler(pay('both').notifyHandler({ onNotify: (n) => void received.push(n) })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pay/notify`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('accepts a signed notification and refuses a probe over real HTTP', async () => {
    const send = async (req: Request) => {
      const res = await fetch(url, { method: 'POST', headers: req.headers, body: await req.text() });
      return { status: res.status, body: await res.text() };
    };
    expect(
      await send(
        notification(
          'REFUND.SUCCESS',
          { out_refund_no: 'R1', refund_id: '5', out_trade_no: 'T', transaction_id: '4', refund_status: 'SUCCESS' },
          byCertificate,
          { originalType: 'refund' },
        ),
      ),
    ).toEqual({ status: 200, body: '' });
    expect((await send(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { signature: 'WECHATPAY/SIGNTEST/x' }))).status).toBe(401);
    expect(received.map((n) => n.kind)).toEqual(['refund']);
  });
});

describe('v2 notifications (XML)', () => {
  const PAY_FIELDS = {
    appid: APPID,
    mch_id: MCHID,
    nonce_str: '5d2b6c2a8db53831f7eda20af46e531c',
    openid: 'oUpF8uMEb4qRXf22hE3X68TekukE',
    out_trade_no: '1409811653',
    result_code: 'SUCCESS',
    return_code: 'SUCCESS',
    time_end: '20140903131540',
    total_fee: '1',
    trade_type: 'JSAPI',
    transaction_id: '1004400740201409030005092168',
  };
  const xmlRequest = (fields: Record<string, string>) =>
    new Request('http://127.0.0.1/pay/notify/v2', { method: 'POST', headers: { 'content-type': 'text/xml' }, body: buildXml(fields) });
  const SUCCESS = '<xml><return_code><![CDATA[SUCCESS]]></return_code><return_msg><![CDATA[OK]]></return_msg></xml>';

  function v2Handler() {
    const received: PayNotificationV2[] = [];
    const handler = pay('public').notifyHandlerV2({ onNotify: (n) => void received.push(n) });
    return { handler, received };
  }

  /** req_info as WeChat encrypts it: AES-256-ECB, PKCS#7, key = md5(API key) in lower-case hex. */
  function reqInfo(xml: string, key = V2_KEY): string {
    const cipher = createCipheriv('aes-256-ecb', Buffer.from(createHash('md5').update(key).digest('hex')), null);
    return Buffer.concat([cipher.update(xml, 'utf8'), cipher.final()]).toString('base64');
  }

  it('a payment result with a valid MD5 or HMAC-SHA256 sign is handled and answered with SUCCESS XML', async () => {
    const { handler, received } = v2Handler();
    const md5 = await handler(xmlRequest({ ...PAY_FIELDS, sign: signV2(PAY_FIELDS, V2_KEY, 'MD5') }));
    expect(md5.status).toBe(200);
    expect(md5.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await md5.text()).toBe(SUCCESS);
    const hmacFields = { ...PAY_FIELDS, transaction_id: '1004400740201409030005092169', sign_type: 'HMAC-SHA256' };
    expect((await handler(xmlRequest({ ...hmacFields, sign: signV2(hmacFields, V2_KEY, 'HMAC-SHA256') }))).status).toBe(200);
    expect(received.map((n) => [n.kind, n.fields.transaction_id])).toEqual([
      ['transaction', '1004400740201409030005092168'],
      ['transaction', '1004400740201409030005092169'],
    ]);
  });

  it('a wrong sign, a missing sign, another merchant and malformed XML are refused with FAIL', async () => {
    const { handler, received } = v2Handler();
    const bad = await handler(xmlRequest({ ...PAY_FIELDS, sign: '0'.repeat(32) }));
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain('<return_code><![CDATA[FAIL]]></return_code>');
    expect((await handler(xmlRequest(PAY_FIELDS))).status).toBe(401);
    const other = { ...PAY_FIELDS, mch_id: '1900000999' };
    expect((await handler(xmlRequest({ ...other, sign: signV2(other, V2_KEY) }))).status).toBe(403);
    expect((await handler(new Request('http://127.0.0.1/', { method: 'POST', body: '<xml><a>' }))).status).toBe(400);
    expect((await handler(new Request('http://127.0.0.1/', { method: 'POST', body: '<!DOCTYPE x><xml/>' }))).status).toBe(400);
    expect(received).toEqual([]);
  });

  it('a refund result: req_info decrypted (no sign), deduplicated by refund id and status', async () => {
    const { handler, received } = v2Handler();
    const inner =
      '<root><out_refund_no><![CDATA[131811191610442717309]]></out_refund_no><out_trade_no><![CDATA[71106718111915575302817]]></out_trade_no>' +
      '<refund_fee><![CDATA[3960]]></refund_fee><refund_id><![CDATA[50000408942018111907145868882]]></refund_id><refund_recv_accout><![CDATA[支付用户零钱]]></refund_recv_accout>' +
      '<refund_status><![CDATA[SUCCESS]]></refund_status><success_time><![CDATA[2018-11-19 16:24:13]]></success_time><total_fee><![CDATA[3960]]></total_fee>' +
      '<transaction_id><![CDATA[4200000215201811190261405420]]></transaction_id></root>';
    const outer = { return_code: 'SUCCESS', appid: APPID, mch_id: MCHID, nonce_str: '1ee38e38b04990449808688cf3a763b7', req_info: reqInfo(inner) };
    expect((await handler(xmlRequest(outer))).status).toBe(200);
    expect((await handler(xmlRequest(outer))).status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      kind: 'refund',
      refund: { refund_id: '50000408942018111907145868882', refund_status: 'SUCCESS', refund_recv_accout: '支付用户零钱' },
    });
    expect((await handler(xmlRequest({ ...outer, req_info: reqInfo(inner, 'ffffffffffffffffffffffffffffffff') }))).status).toBe(401);
  });
});

noticeIfNoRedis('test/pay/notify.test.ts (shared de-duplication)');

describe.skipIf(!REDIS_URL)('v3 notifications: de-duplication shared by two instances through Redis', () => {
  const prefix = uniquePrefix('pay-notify');
  const stores: ReturnType<typeof redisSeenStore>[] = [];
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await deleteKeys(REDIS_URL!, prefix);
  });

  it('a retry reaching the other instance is acknowledged; a failure on one lets the retry run on the other', async () => {
    await assertRedisReachable(REDIS_URL!);
    const handled: string[] = [];
    let failing = true;
    const instance = (name: string) => {
      const store = redisSeenStore({ url: REDIS_URL!, keyPrefix: prefix });
      stores.push(store);
      return pay('both').notifyHandler({
        dedupe: store,
        onError: () => undefined,
        onNotify: (n) => {
          if (failing && name === 'a' && n.id === 'EV-fail') throw new Error('down');
          handled.push(`${name}:${n.id}`);
        },
      });
    };
    const a = instance('a');
    const b = instance('b');
    expect((await a(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-shared' }))).status).toBe(200);
    expect((await b(notification('TRANSACTION.SUCCESS', TRANSACTION, byCertificate, { id: 'EV-shared' }))).status).toBe(200);
    expect((await a(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-fail' }))).status).toBe(500);
    failing = false;
    expect((await b(notification('TRANSACTION.SUCCESS', TRANSACTION, byPublicKey, { id: 'EV-fail' }))).status).toBe(200);
    expect(handled).toEqual(['a:EV-shared', 'b:EV-fail']);
  });
});
