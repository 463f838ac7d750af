// The simulator's WeChat Pay side end to end: createPay + the generated Pay functions against it,
// the merchant's notifyHandler on a loopback server receiving the payment notification, and both
// directions of signature checking (a tampered request is refused by the simulator, an answer
// signed with the wrong key is refused by the client).
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bill, Common, PayV2, Refund, Transactions } from '../../generated/pay/index.js';
import { createPay, toNodeHandler, WxCryptoError, WxPayError, type PayClient, type PayNotification, type PayNotificationV2 } from '../../src/pay/index.js';
import { DEMO_MERCHANTS, startSimulator, type Simulator } from '../../src/simulator/index.js';
import { nodeTransport } from '../../src/transport/node.js';

const tls = (name: string) => readFileSync(new URL(`../fixtures/pay/tls/${name}`, import.meta.url));

let sim: Simulator;
let pay: PayClient;
let notifyServer: Server;
let notifyUrl: string;
const received: PayNotification[] = [];
const receivedV2: PayNotificationV2[] = [];

beforeAll(async () => {
  sim = await startSimulator();
  const credentials = await sim.pay.credentials();
  pay = createPay({ ...credentials, validation: 'strict', retry: { retries: 0 } });
  const v3 = toNodeHandler(pay.notifyHandler({ onNotify: (n) => void received.push(n) }));
  const v2 = toNodeHandler(pay.notifyHandlerV2({ onNotify: (n) => void receivedV2.push(n) }));
  notifyServer = createServer((req, res) => (req.url?.startsWith('/pay/notify-v2') ? v2(req, res) : v3(req, res)));
  await new Promise<void>((r) => notifyServer.listen(0, '127.0.0.1', r));
  notifyUrl = `http://127.0.0.1:${(notifyServer.address() as AddressInfo).port}/pay/notify`;
}, 60_000);
afterAll(async () => {
  await sim.close();
  await new Promise<void>((r) => notifyServer.close(() => r()));
});
beforeEach(() => {
  received.length = 0;
  receivedV2.length = 0;
});

const merchant = DEMO_MERCHANTS[0]!;
const jsapiOrder = (outTradeNo: string, total = 100) => ({
  appid: merchant.appid,
  mchid: merchant.mchid,
  description: 'wxkit simulator order',
  out_trade_no: outTradeNo,
  notify_url: notifyUrl,
  amount: { total, currency: 'CNY' as const },
  payer: { openid: 'oSIMtestpayer0001' },
});

describe('the core flow (v3, public-key mode)', () => {
  it('create → NOTPAY → payOrder notifies the merchant → SUCCESS → refund → close refused', async () => {
    const outTradeNo = `T${Date.now()}`;
    const created = await Transactions.createJsapiTransaction(pay, jsapiOrder(outTradeNo));
    expect(created.prepay_id).toMatch(/^wx\d{14}[0-9a-f]{20}$/);
    // The same out_trade_no again answers the same prepay_id.
    expect((await Transactions.createJsapiTransaction(pay, jsapiOrder(outTradeNo))).prepay_id).toBe(created.prepay_id);
    const params = pay.jsapiPayParams({ prepayId: created.prepay_id });
    expect(params.package).toBe(`prepay_id=${created.prepay_id}`);

    const before = await Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: outTradeNo, mchid: merchant.mchid });
    expect(before).toMatchObject({ out_trade_no: outTradeNo, trade_state: 'NOTPAY', mchid: merchant.mchid, amount: { total: 100 } });
    expect(before.transaction_id).toBeUndefined();

    const paid = await sim.pay.payOrder(outTradeNo);
    expect(paid.notification).toMatchObject({ status: 200, delivered: true });
    expect(received).toHaveLength(1);
    const n = received[0]!;
    expect(n.event_type).toBe('TRANSACTION.SUCCESS');
    expect(n.kind).toBe('transaction');
    if (n.kind !== 'transaction') throw new Error('unexpected kind');
    expect(n.resource).toMatchObject({
      out_trade_no: outTradeNo,
      trade_state: 'SUCCESS',
      transaction_id: paid.transactionId,
      payer: { openid: 'oSIMtestpayer0001' },
    });

    const after = await Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: outTradeNo, mchid: merchant.mchid });
    expect(after).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transactionId });
    expect((await Transactions.queryTransactionById(pay, { transaction_id: paid.transactionId, mchid: merchant.mchid })).out_trade_no).toBe(outTradeNo);

    // A paid order cannot be created again, nor closed.
    await expect(Transactions.createJsapiTransaction(pay, jsapiOrder(outTradeNo))).rejects.toMatchObject({ code: 'ORDERPAID' });
    await expect(Transactions.closeTransaction(pay, { out_trade_no: outTradeNo, mchid: merchant.mchid })).rejects.toBeInstanceOf(WxPayError);

    const refund = await Refund.createRefund(pay, {
      out_trade_no: outTradeNo,
      out_refund_no: `R${outTradeNo}`,
      notify_url: notifyUrl,
      amount: { refund: 40, total: 100, currency: 'CNY' },
    });
    expect(refund).toMatchObject({ out_refund_no: `R${outTradeNo}`, status: 'PROCESSING', amount: { refund: 40, total: 100 } });
    expect((await Refund.queryRefundByOutRefundNo(pay, { out_refund_no: `R${outTradeNo}` })).status).toBe('PROCESSING');
    await expect(
      Refund.createRefund(pay, { out_trade_no: outTradeNo, out_refund_no: `R2${outTradeNo}`, amount: { refund: 70, total: 100, currency: 'CNY' } }),
    ).rejects.toMatchObject({ code: 'NOT_ENOUGH' });
    const done = await sim.pay.completeRefund(`R${outTradeNo}`);
    expect(done.notification?.delivered).toBe(true);
    expect(received.at(-1)).toMatchObject({
      event_type: 'REFUND.SUCCESS',
      kind: 'refund',
      resource: { out_refund_no: `R${outTradeNo}`, refund_status: 'SUCCESS' },
    });
    const settled = await Refund.queryRefundByOutRefundNo(pay, { out_refund_no: `R${outTradeNo}` });
    expect(settled.status).toBe('SUCCESS');
    expect(settled.success_time).toBeTypeOf('string');
  });

  it('closes an unpaid order (204), after which it cannot be paid', async () => {
    const outTradeNo = `C${Date.now()}`;
    const native = await Transactions.createNativeTransaction(pay, { ...jsapiOrder(outTradeNo), payer: undefined } as never);
    expect(native.code_url).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    const closed = await Transactions.closeTransaction(pay, { out_trade_no: outTradeNo, mchid: merchant.mchid }).withResponse();
    expect(closed.response.status).toBe(204);
    expect((await Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: outTradeNo, mchid: merchant.mchid })).trade_state).toBe('CLOSED');
    await expect(sim.pay.payOrder(outTradeNo)).rejects.toThrow(/closed/);
  });

  it('answers are signed with the WeChat Pay public key and carry a Request-ID', async () => {
    const { response } = await Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: 'unknown-order', mchid: merchant.mchid }).withResponse();
    expect(response.headers.get('wechatpay-serial')).toBe(merchant.publicKeyId);
    expect(response.headers.get('request-id')).toBeTruthy();
  });

  it('a tampered notification is refused by the merchant, and the order still counts as paid', async () => {
    const outTradeNo = `N${Date.now()}`;
    await Transactions.createJsapiTransaction(pay, jsapiOrder(outTradeNo));
    const paid = await sim.pay.payOrder(outTradeNo, { tamper: 'signature' });
    expect(paid.notification).toMatchObject({ status: 401, delivered: false });
    expect(received).toHaveLength(0);
    // WeChat notifies again; this time it verifies.
    expect((await sim.pay.payOrder(outTradeNo)).notification?.delivered).toBe(true);
    expect(received).toHaveLength(1);
  });
});

describe('signatures, both ways', () => {
  it('the simulator refuses a request whose signature does not verify (401 SIGN_ERROR)', async () => {
    const tampering = createPay({
      ...(await sim.pay.credentials()),
      retry: { retries: 0 },
      transport: {
        send: (req) => {
          // Change the body after it was signed.
          const body = typeof req.body === 'string' ? req.body.replace('wxkit simulator order', 'wxkit simulator ORDER') : req.body;
          return fetch(req.url, { method: req.method, headers: req.headers, body: body as BodyInit });
        },
      },
    });
    const error = await Transactions.createJsapiTransaction(tampering, jsapiOrder(`S${Date.now()}`)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxPayError);
    expect(error).toMatchObject({ status: 401, code: 'SIGN_ERROR' });
    expect(sim.pay.counters().signatureRefusals).toBeGreaterThan(0);
  });

  it('another merchant key (a wrong private key) is refused too', async () => {
    const other = await sim.pay.credentials(DEMO_MERCHANTS[1]!.mchid);
    const wrong = createPay({ ...(await sim.pay.credentials()), privateKey: other.privateKey, retry: { retries: 0 } });
    await expect(Transactions.queryTransactionByOutTradeNo(wrong, { out_trade_no: 'x', mchid: merchant.mchid })).rejects.toMatchObject({ code: 'SIGN_ERROR' });
  });

  it('the client refuses an answer signed with the wrong key, unsigned, or stale', async () => {
    for (const signature of ['wrong_key', 'unsigned', 'stale'] as const) {
      sim.pay.inject({ path: '/v3/pay/transactions/out-trade-no/F1', signature });
      const error = await Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: 'F1', mchid: merchant.mchid }).catch((e: unknown) => e);
      expect(error, signature).toBeInstanceOf(WxCryptoError);
    }
    // The fault is used up: the next answer verifies.
    await expect(Transactions.queryTransactionByOutTradeNo(pay, { out_trade_no: 'F1', mchid: merchant.mchid })).resolves.toBeTypeOf('object');
  });

  it('a status fault becomes a WxPayError with its code', async () => {
    sim.pay.inject({ path: '/v3/refund/domestic/refunds', status: 500, code: 'SYSTEM_ERROR' });
    await expect(Refund.createRefund(pay, { out_trade_no: 'x', out_refund_no: 'y', amount: { refund: 1, total: 1, currency: 'CNY' } })).rejects.toMatchObject({
      status: 500,
      code: 'SYSTEM_ERROR',
    });
  });

  it('required parameters are checked (400 PARAM_ERROR)', async () => {
    const raw = await pay
      .request({
        method: 'POST',
        path: '/v3/pay/transactions/jsapi',
        auth: 'pay_v3',
        protocol: 'pay_v3',
        body: { appid: merchant.appid },
        host: 'api.mch.weixin.qq.com',
      })
      .catch((e: unknown) => e);
    expect(raw).toMatchObject({ status: 400, code: 'PARAM_ERROR' });
  });
});

describe('certificate mode', () => {
  it('downloads the platform certificate from /v3/certificates and verifies answers and notifications with it', async () => {
    const second = DEMO_MERCHANTS[1]!;
    const credentials = await sim.pay.credentials(second.mchid);
    expect(credentials.publicKey).toBeUndefined();
    const certPay = createPay({ ...credentials, validation: 'strict', retry: { retries: 0 } });
    const [cert] = await certPay.platformCertificates();
    expect(cert!.serial_no).toBe((await sim.pay.keys(second.mchid)).platformCertificate!.serial);
    const outTradeNo = `K${Date.now()}`;
    const { response } = await Transactions.createJsapiTransaction(certPay, {
      ...jsapiOrder(outTradeNo),
      appid: second.appid,
      mchid: second.mchid,
    }).withResponse();
    expect(response.headers.get('wechatpay-serial')).toBe(cert!.serial_no);

    const handler = certPay.notifyHandler({ onNotify: (n) => void received.push(n) });
    const server = createServer(toNodeHandler(handler));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/notify`;
      const paid = await sim.pay.payOrder(outTradeNo, { mchid: second.mchid, notifyUrl: url });
      expect(paid.notification?.delivered).toBe(true);
      expect(received.at(-1)).toMatchObject({ kind: 'transaction', resource: { out_trade_no: outTradeNo, mchid: second.mchid } });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('v2 (XML)', () => {
  it('unifiedorder → orderquery NOTPAY → payOrder posts a signed XML result → SUCCESS → closeorder refused', async () => {
    const v2 = createPay({ mchid: merchant.mchid, key: merchant.key, appid: merchant.appid, baseUrl: sim.url, validation: 'strict', retry: { retries: 0 } });
    const outTradeNo = `V${Date.now()}`;
    const order = {
      body: 'wxkit v2 order',
      out_trade_no: outTradeNo,
      total_fee: 100,
      spbill_create_ip: '127.0.0.1',
      notify_url: `${notifyUrl}-v2`,
      trade_type: 'JSAPI' as const,
      openid: 'oSIMtestpayer0002',
    };
    const created = await PayV2.unifiedOrder(v2, order);
    expect(created.prepay_id).toMatch(/^wx/);
    expect((await PayV2.unifiedOrder(v2, order)).prepay_id).toBe(created.prepay_id);
    expect((await PayV2.queryOrder(v2, { out_trade_no: outTradeNo })).trade_state).toBe('NOTPAY');
    const paid = await sim.pay.payOrder(outTradeNo);
    expect(paid.notification).toMatchObject({ status: 200, delivered: true });
    expect(receivedV2).toHaveLength(1);
    expect(receivedV2[0]).toMatchObject({
      kind: 'transaction',
      fields: { out_trade_no: outTradeNo, result_code: 'SUCCESS', transaction_id: paid.transactionId },
    });
    const after = await PayV2.queryOrder(v2, { out_trade_no: outTradeNo });
    expect(after).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transactionId });
    await expect(PayV2.closeOrder(v2, { out_trade_no: outTradeNo })).rejects.toMatchObject({ code: 'ORDERPAID' });

    // A refund presents the API certificate (the Node transport; over http to the simulator the TLS part is skipped).
    const secure = createPay({
      mchid: merchant.mchid,
      key: merchant.key,
      appid: merchant.appid,
      baseUrl: sim.url,
      clientCertificate: { cert: tls('client.pem'), key: tls('client.key') },
      transport: nodeTransport(),
      validation: 'strict',
      retry: { retries: 0 },
    });
    const refund = await PayV2.applyRefund(secure, { out_trade_no: outTradeNo, out_refund_no: `R${outTradeNo}`, total_fee: 100, refund_fee: 100 });
    expect(refund).toMatchObject({ out_refund_no: `R${outTradeNo}`, refund_fee: '100', transaction_id: paid.transactionId });
    expect(await PayV2.queryRefund(v2, { out_refund_no: `R${outTradeNo}` })).toMatchObject({ refund_count: '1', refund_status_0: 'PROCESSING' });
    const done = await sim.pay.completeRefund(`R${outTradeNo}`);
    expect(done.notification?.delivered).toBe(true);
    expect(receivedV2.at(-1)).toMatchObject({
      kind: 'refund',
      refund: { out_refund_no: `R${outTradeNo}`, refund_status: 'SUCCESS', refund_id: refund.refund_id },
    });
    expect(await PayV2.queryRefund(v2, { out_trade_no: outTradeNo })).toMatchObject({ refund_status_0: 'SUCCESS' });
  });

  it('HMAC-SHA256 requests are answered in kind; a wrong key is refused (签名错误); a wrongly signed answer is refused by the client', async () => {
    const hmac = createPay({
      mchid: merchant.mchid,
      key: merchant.key,
      appid: merchant.appid,
      signType: 'HMAC-SHA256',
      baseUrl: sim.url,
      retry: { retries: 0 },
    });
    expect((await PayV2.queryOrder(hmac, { out_trade_no: 'unknown' })).return_code).toBe('SUCCESS');
    const wrong = createPay({ mchid: merchant.mchid, key: 'x'.repeat(32), baseUrl: sim.url, retry: { retries: 0 } });
    await expect(PayV2.queryOrder(wrong, { out_trade_no: 'unknown' })).rejects.toMatchObject({ code: 'FAIL' });
    sim.pay.inject({ path: '/pay/orderquery', signature: 'wrong_key' });
    await expect(PayV2.queryOrder(hmac, { out_trade_no: 'unknown' })).rejects.toBeInstanceOf(WxCryptoError);
  });
});

describe('bills, uploads and controls', () => {
  it('a bill: the apply answer points at the simulator and carries the real hash; downloadBill checks it', async () => {
    const info = await Bill.getTradeBill(pay, { bill_date: '2026-12-01' });
    const text = await new Response(await pay.downloadBill(info)).text();
    expect(text).toMatch(/^交易时间,/);
  });

  it('an upload is signed over its meta, whose sha256 must match the file', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7, 7]);
    await expect(pay.uploadMedia({ data: png, filename: 'logo.png' })).resolves.toHaveProperty('media_id');
    const forged = Common.uploadMedia(pay, {
      file: { data: png, filename: 'logo.png' },
      meta: JSON.stringify({ filename: 'logo.png', sha256: '00'.repeat(32) }),
    });
    await expect(forged).rejects.toMatchObject({ status: 400, code: 'PARAM_ERROR' });
  });

  it('other processes drive it through /__simulator/pay/*', async () => {
    const outTradeNo = `P${Date.now()}`;
    await Transactions.createJsapiTransaction(pay, jsapiOrder(outTradeNo));
    const control = (action: string, body: unknown) =>
      fetch(`${sim.url}/__simulator/pay/${action}`, { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json() as Promise<Record<string, unknown>>);
    const paid = await control('pay_order', { outTradeNo });
    expect(paid).toMatchObject({ outTradeNo, notification: { delivered: true } });
    expect(await control('order', { outTradeNo })).toMatchObject({ state: 'SUCCESS' });
    expect((await control('counters', {})).notifications).toBeGreaterThan(0);
  });

  it('a merchant without certificates gets 404 from /v3/certificates, as WeChat answers public-key merchants', async () => {
    const own = await startSimulator({ merchants: [{ ...merchant, certificates: false }] });
    try {
      const keys = await own.pay.keys();
      expect(keys.platformCertificate).toBeUndefined();
      const client = createPay({ ...(await own.pay.credentials()), retry: { retries: 0 } });
      await expect(Common.listCertificates(client, {})).rejects.toMatchObject({ status: 404 });
    } finally {
      await own.close();
    }
  });
});

describe('the switch-over ramp (answers signed by either key)', () => {
  it('a merchant configured with both keys verifies every answer; with the public key alone, a certificate-signed one is refused', async () => {
    const ramp = { ...DEMO_MERCHANTS[0]!, mchid: '1900000111', signing: 'mixed' as const };
    const rampSim = await startSimulator({ merchants: [ramp] });
    try {
      const keys = await rampSim.pay.keys(ramp.mchid);
      const { merchantPublicKey: _m, platformCertificate, ...credentials } = keys;
      const both = createPay({
        ...credentials,
        platformCertificates: { [platformCertificate!.serial]: platformCertificate!.pem },
        retry: { retries: 0 },
      });
      const query = (client: PayClient) => Transactions.queryTransactionByOutTradeNo(client, { out_trade_no: 'RAMP-0001', mchid: ramp.mchid }).withResponse();
      const serials = new Set<string | null>();
      for (let i = 0; i < 4; i++) serials.add((await query(both)).response.headers.get('wechatpay-serial'));
      expect(serials).toEqual(new Set([ramp.publicKeyId, platformCertificate!.serial]));

      const publicKeyOnly = createPay({ ...credentials, downloadCertificates: false, retry: { retries: 0 } });
      const outcomes = await Promise.allSettled([query(publicKeyOnly), query(publicKeyOnly)]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(WxCryptoError);
    } finally {
      await rampSim.close();
    }
  });
});
