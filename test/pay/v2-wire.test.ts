// WeChat Pay v2 requests and answers exactly as they cross the wire (msw): the GET operations
// (H5 contract signing, the real-name access token) carry mch_id / appid / nonce_str / sign in the
// query and send no body; the real-name token answers JSON; HMAC-only operations are signed (and
// their answers verified) with HMAC-SHA256 whatever the client's default, and an HMAC client's
// ordinary calls name it; GZIP bills come back gunzipped as text; transfers and red packets get
// no second spelling of the merchant number or appid.
import { gzipSync } from 'node:zlib';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PapayV2, PayV2, ProfitSharingV2, RealNameV2, RedpackV2, TransferV2 } from '../../generated/pay/index.js';
import { WxCryptoError, WxPayError, WxValidationError } from '../../src/core/errors.js';
import { parseXml } from '../../src/core/xml-parse.js';
import { createPay } from '../../src/pay/index.js';
import { signV2, type V2SignType } from '../../src/pay/signatures.js';
import { fetchTransport } from '../../src/transport/fetch.js';
import type { Transport } from '../../src/transport/types.js';
import { server } from '../helpers.js';
import { APPID, MCHID, V2_KEY } from './helpers.js';

const PAY = 'https://api.mch.weixin.qq.com';

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

interface Seen {
  method: string;
  url: URL;
  query: Record<string, string>;
  contentType: string | null;
  body: string;
  fields: Record<string, string>;
}

async function record(request: Request, seen: Seen[]): Promise<Seen> {
  const url = new URL(request.url);
  const body = await request.text();
  const entry: Seen = {
    method: request.method,
    url,
    query: Object.fromEntries(url.searchParams),
    contentType: request.headers.get('content-type'),
    body,
    fields: body ? (parseXml(body).value as Record<string, string>) : {},
  };
  seen.push(entry);
  return entry;
}

const xml = (fields: Record<string, string>) =>
  `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
    .join('')}</xml>`;

/** A v2 success answer, signed with `signType` (and naming it when `named`). */
function signedXml(fields: Record<string, string>, signType: V2SignType, named = false): string {
  const all: Record<string, string> = { return_code: 'SUCCESS', return_msg: 'OK', result_code: 'SUCCESS', mch_id: MCHID, nonce_str: 'n0', ...fields };
  if (named) all.sign_type = signType;
  all.sign = signV2(all, V2_KEY, signType);
  return xml(all);
}

const xmlAnswer = (text: string) => new HttpResponse(text, { headers: { 'content-type': 'text/xml' } });

/** The sign a request carries must be the one its own fields give, under the algorithm it names. */
function expectSigned(fields: Record<string, string>, signType: V2SignType): void {
  expect(fields.sign).toBe(signV2(fields, V2_KEY, signType));
  if (signType === 'HMAC-SHA256') expect(fields.sign_type).toBe('HMAC-SHA256');
  else expect(fields.sign_type ?? 'MD5').toBe('MD5');
}

/** msw's fetch, with a stand-in for the TLS client certificate (the certificate itself is tested in client-certificate.test.ts). */
function certificateTransport(): Transport {
  const base = fetchTransport();
  return { send: (req) => base.send({ ...req, agent: undefined }), clientCertificateAgent: () => ({ stand_in: true }) };
}

function pay(signType?: V2SignType) {
  return createPay({
    // createPay sends every host to its default baseUrl (api.mch.weixin.qq.com); the real-name
    // check lives on fraud.mch.weixin.qq.com.
    hosts: { 'fraud.mch.weixin.qq.com': 'https://fraud.mch.weixin.qq.com' },
    mchid: MCHID,
    key: V2_KEY,
    appid: APPID,
    ...(signType ? { signType } : {}),
    transport: certificateTransport(),
    clientCertificate: { cert: 'CERT', key: 'KEY' },
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

const H5_PARAMS = {
  plan_id: '12535',
  contract_code: 'C100001',
  request_serial: 1000,
  contract_display_account: '张三',
  notify_url: 'https://example.com/notify?a=1&b=2',
  version: '1.0',
  timestamp: '1414488825',
  clientip: '10.1.1.1',
};

describe('v2 GET operations: the credential and the sign go into the query', () => {
  it('PapayV2.signContractByH5 sends no body and signs the query fields (MD5 client)', async () => {
    const seen: Seen[] = [];
    server.use(
      http.get(`${PAY}/papay/h5entrustweb`, async ({ request }) => {
        await record(request, seen);
        return xmlAnswer(signedXml({ result_msg: 'OK', redirect_url: 'https://payapp.weixin.qq.com/papay/h5entrustweb?x=1' }, 'MD5'));
      }),
    );
    const data = await PapayV2.signContractByH5(pay(), H5_PARAMS);
    expect(data.redirect_url).toBe('https://payapp.weixin.qq.com/papay/h5entrustweb?x=1');
    const [req] = seen;
    expect(req!.method).toBe('GET');
    expect(req!.body).toBe('');
    expect(req!.contentType).toBeNull();
    expect(req!.query).toMatchObject({
      mch_id: MCHID,
      appid: APPID,
      plan_id: '12535',
      request_serial: '1000',
      contract_display_account: '张三',
      // Sent percent-encoded, signed over the plain value.
      notify_url: 'https://example.com/notify?a=1&b=2',
    });
    expect(req!.url.search).toContain('notify_url=https%3A%2F%2Fexample.com%2Fnotify%3Fa%3D1%26b%3D2');
    expect(req!.query.nonce_str).toMatch(/^[0-9a-f]{32}$/);
    expectSigned(req!.query, 'MD5');
    // Every parameter appears once.
    expect([...req!.url.searchParams.keys()].length).toBe(new Set(req!.url.searchParams.keys()).size);
  });

  it('signs with HMAC-SHA256 when the caller names it, and a retry re-signs the query with a fresh nonce', async () => {
    const seen: Seen[] = [];
    server.use(
      http.get(`${PAY}/papay/h5entrustweb`, async ({ request }) => {
        await record(request, seen);
        if (seen.length === 1) return new HttpResponse('busy', { status: 503 });
        return xmlAnswer(signedXml({ redirect_url: 'https://payapp.weixin.qq.com/r' }, 'HMAC-SHA256'));
      }),
    );
    const data = await PapayV2.signContractByH5(pay(), { ...H5_PARAMS, sign_type: 'HMAC-SHA256' });
    expect(data.redirect_url).toBe('https://payapp.weixin.qq.com/r');
    expect(seen).toHaveLength(2);
    for (const req of seen) {
      expectSigned(req.query, 'HMAC-SHA256');
      expect(req.url.searchParams.getAll('sign')).toHaveLength(1);
      expect(req.url.searchParams.getAll('nonce_str')).toHaveLength(1);
    }
    expect(seen[0]!.query.nonce_str).not.toBe(seen[1]!.query.nonce_str);
  });

  it('RealNameV2.getRealNameAccessToken: HMAC-only constant in the query, signed with HMAC by an MD5 client', async () => {
    const seen: Seen[] = [];
    server.use(
      http.get(`${PAY}/appauth/getaccesstoken`, async ({ request }) => {
        await record(request, seen);
        return HttpResponse.json({
          retcode: 0,
          retmsg: 'ok',
          access_token: 'REALNAME_TOKEN',
          access_token_expire_in: 7200,
          refresh_token: 'REFRESH',
          refresh_token_expire_in: 2592000,
        });
      }),
    );
    const data = await RealNameV2.getRealNameAccessToken(pay('MD5'), { openid: 'oUser', code: 'AUTH_CODE' });
    expect(data).toMatchObject({ retcode: 0, access_token: 'REALNAME_TOKEN', refresh_token: 'REFRESH' });
    const [req] = seen;
    expect(req!.body).toBe('');
    expect(req!.query).toMatchObject({
      mch_id: MCHID,
      appid: APPID,
      openid: 'oUser',
      code: 'AUTH_CODE',
      grant_type: 'authorization_code',
      scope: 'pay_identity',
      sign_type: 'HMAC-SHA256',
    });
    expectSigned(req!.query, 'HMAC-SHA256');
  });
});

describe('v2 JSON answers (response: json)', () => {
  const token = (answer: () => Response) => server.use(http.get(`${PAY}/appauth/getaccesstoken`, () => answer()));

  it('accepts a string retcode "0"', async () => {
    token(() => HttpResponse.json({ retcode: '0', retmsg: 'OK', access_token: 'T' }));
    await expect(RealNameV2.getRealNameAccessToken(pay(), { openid: 'o', code: 'c' })).resolves.toMatchObject({ access_token: 'T' });
  });

  it('a non-zero retcode is a WxPayError with that code and message', async () => {
    token(() => HttpResponse.json({ retcode: 268447844, retmsg: 'code已过期' }));
    const error = await RealNameV2.getRealNameAccessToken(pay(), { openid: 'o', code: 'c' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxPayError);
    expect(error).toMatchObject({ version: 'v2', code: '268447844', detail: { retmsg: 'code已过期' } });
    expect((error as Error).message).toContain('code已过期');
  });

  it('an XML failure body is still understood', async () => {
    token(() => xmlAnswer(xml({ return_code: 'FAIL', return_msg: '签名错误' })));
    await expect(RealNameV2.getRealNameAccessToken(pay(), { openid: 'o', code: 'c' })).rejects.toMatchObject({
      code: 'FAIL',
      message: expect.stringContaining('签名错误'),
    });
  });

  it('a JSON answer carrying a sign must verify', async () => {
    token(() => HttpResponse.json({ retcode: '0', retmsg: 'OK', access_token: 'T', sign: 'FORGED' }));
    await expect(RealNameV2.getRealNameAccessToken(pay(), { openid: 'o', code: 'c' })).rejects.toBeInstanceOf(WxCryptoError);
    const fields = { retcode: '0', retmsg: 'OK', access_token: 'T' };
    token(() => HttpResponse.json({ ...fields, sign: signV2(fields, V2_KEY, 'HMAC-SHA256') }));
    await expect(RealNameV2.getRealNameAccessToken(pay(), { openid: 'o', code: 'c' })).resolves.toMatchObject({ access_token: 'T' });
  });

  it('neither JSON nor XML is refused', async () => {
    token(() => new HttpResponse('<html>gateway</html>', { headers: { 'content-type': 'text/html' } }));
    await expect(RealNameV2.getRealNameAccessToken(pay(), { openid: 'o', code: 'c' })).rejects.toBeInstanceOf(WxValidationError);
  });

  it('a response: xml endpoint still refuses JSON', async () => {
    server.use(http.post(`${PAY}/pay/orderquery`, () => HttpResponse.json({ retcode: 0 })));
    await expect(PayV2.queryOrder(pay(), { out_trade_no: 'T1' })).rejects.toMatchObject({ name: 'WxPayError', code: 'INVALID_RESPONSE' });
  });
});

describe('the sign type: the request’s own sign_type, then the client’s default', () => {
  function profitSharingQuery(seen: Seen[], answerType: V2SignType, named = false) {
    server.use(
      http.post(`${PAY}/pay/profitsharingquery`, async ({ request }) => {
        await record(request, seen);
        return xmlAnswer(signedXml({ transaction_id: '4208450740201411110007820472', out_order_no: 'P1', status: 'FINISHED' }, answerType, named));
      }),
    );
  }

  it('an MD5-default client signs an HMAC-only operation (constant sign_type) with HMAC-SHA256 and verifies the answer with it', async () => {
    const seen: Seen[] = [];
    profitSharingQuery(seen, 'HMAC-SHA256');
    const data = await ProfitSharingV2.queryProfitSharing(pay('MD5'), { transaction_id: '4208450740201411110007820472', out_order_no: 'P1' });
    expect(data).toMatchObject({ status: 'FINISHED' });
    expect(seen[0]!.fields.sign_type).toBe('HMAC-SHA256');
    expectSigned(seen[0]!.fields, 'HMAC-SHA256');
  });

  it('…and refuses an answer to it signed with MD5 that does not say so', async () => {
    profitSharingQuery([], 'MD5');
    await expect(ProfitSharingV2.queryProfitSharing(pay('MD5'), { transaction_id: '1', out_order_no: 'P1' })).rejects.toBeInstanceOf(WxCryptoError);
  });

  it('the constant wins over a sign_type the caller slips in', async () => {
    const seen: Seen[] = [];
    profitSharingQuery(seen, 'HMAC-SHA256');
    await ProfitSharingV2.queryProfitSharing(pay('MD5'), { transaction_id: '1', out_order_no: 'P1', sign_type: 'MD5' } as never);
    expectSigned(seen[0]!.fields, 'HMAC-SHA256');
  });

  it('an HMAC-default client names HMAC-SHA256 on ordinary operations and verifies their answers with it', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(`${PAY}/pay/orderquery`, async ({ request }) => {
        await record(request, seen);
        return xmlAnswer(signedXml({ out_trade_no: 'T1', trade_state: 'SUCCESS' }, seen.length === 1 ? 'HMAC-SHA256' : 'MD5'));
      }),
    );
    await expect(PayV2.queryOrder(pay('HMAC-SHA256'), { out_trade_no: 'T1' })).resolves.toMatchObject({ trade_state: 'SUCCESS' });
    expectSigned(seen[0]!.fields, 'HMAC-SHA256');
    // An MD5-signed answer to an HMAC request is refused.
    await expect(PayV2.queryOrder(pay('HMAC-SHA256'), { out_trade_no: 'T1' })).rejects.toBeInstanceOf(WxCryptoError);
  });

  it('an HMAC-default client calling with sign_type MD5 signs (and verifies) with MD5', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(`${PAY}/pay/orderquery`, async ({ request }) => {
        await record(request, seen);
        return xmlAnswer(signedXml({ out_trade_no: 'T1', trade_state: 'SUCCESS' }, 'MD5'));
      }),
    );
    await expect(PayV2.queryOrder(pay('HMAC-SHA256'), { out_trade_no: 'T1', sign_type: 'MD5' })).resolves.toMatchObject({ trade_state: 'SUCCESS' });
    expect(seen[0]!.fields.sign_type).toBe('MD5');
    expectSigned(seen[0]!.fields, 'MD5');
  });

  it('an answer naming its own sign_type is verified with that one', async () => {
    profitSharingQuery([], 'MD5', true);
    await expect(ProfitSharingV2.queryProfitSharing(pay('MD5'), { transaction_id: '1', out_order_no: 'P1' })).resolves.toMatchObject({ status: 'FINISHED' });
  });

  it('a sign_type that is neither MD5 nor HMAC-SHA256 is refused before anything is sent', async () => {
    // No handler: msw fails the test if anything is sent.
    await expect(PayV2.queryOrder(pay(), { out_trade_no: 'T1', sign_type: 'SHA1' as never })).rejects.toBeInstanceOf(WxValidationError);
  });
});

describe('v2 bills with tar_type GZIP come back gunzipped, as text', () => {
  const BILL = '交易时间,公众账号ID,商户号\n`2014-11-10 16:33:45,`wx2421b1c4370ec43b,`10000100\n总交易单数,应结订单总金额\n`1,`0.01\n';

  it('PayV2.downloadBill: application/x-gzip', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(`${PAY}/pay/downloadbill`, async ({ request }) => {
        await record(request, seen);
        return new HttpResponse(gzipSync(Buffer.from(BILL, 'utf8')), { headers: { 'content-type': 'application/x-gzip' } });
      }),
    );
    await expect(PayV2.downloadBill(pay(), { bill_date: '20141110', bill_type: 'ALL', tar_type: 'GZIP' })).resolves.toBe(BILL);
    expect(seen[0]!.fields.tar_type).toBe('GZIP');
    expectSigned(seen[0]!.fields, 'MD5');
  });

  it('PayV2.downloadFundFlow (HMAC-only, client certificate): gzip recognised by its magic bytes', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(`${PAY}/pay/downloadfundflow`, async ({ request }) => {
        await record(request, seen);
        return new HttpResponse(gzipSync(Buffer.from(BILL, 'utf8')), { headers: { 'content-type': 'application/octet-stream' } });
      }),
    );
    await expect(PayV2.downloadFundFlow(pay('MD5'), { bill_date: '20180201', account_type: 'Basic', tar_type: 'GZIP' })).resolves.toBe(BILL);
    expectSigned(seen[0]!.fields, 'HMAC-SHA256');
  });

  it('plain text bills are unchanged, and an XML failure is an error even when GZIP was asked for', async () => {
    server.use(http.post(`${PAY}/pay/downloadbill`, () => new HttpResponse(BILL, { headers: { 'content-type': 'text/plain;charset=utf-8' } })));
    await expect(PayV2.downloadBill(pay(), { bill_date: '20141110' })).resolves.toBe(BILL);
    server.use(
      http.post(
        `${PAY}/pay/downloadbill`,
        () =>
          new HttpResponse(xml({ return_code: 'FAIL', return_msg: 'No Bill Exist', error_code: '20002' }), {
            headers: { 'content-type': 'application/x-gzip' },
          }),
      ),
    );
    await expect(PayV2.downloadBill(pay(), { bill_date: '20141110', tar_type: 'GZIP' })).rejects.toMatchObject({ name: 'WxPayError', code: 'FAIL' });
  });

  it('a gzip answer that does not decompress is an error, not garbage text', async () => {
    server.use(
      http.post(
        `${PAY}/pay/downloadbill`,
        () => new HttpResponse(new Uint8Array([0x1f, 0x8b, 1, 2, 3]), { headers: { 'content-type': 'application/x-gzip' } }),
      ),
    );
    await expect(PayV2.downloadBill(pay(), { bill_date: '20141110', tar_type: 'GZIP' })).rejects.toMatchObject({
      name: 'WxPayError',
      code: 'INVALID_RESPONSE',
    });
  });
});

describe('v2 wire details', () => {
  it('transfers (mchid / mch_appid) and red packets (wxappid) get no second spelling of the merchant or appid', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(`${PAY}/mmpaymkttransfers/promotion/transfers`, async ({ request }) => {
        await record(request, seen);
        // Transfer answers carry no sign.
        return xmlAnswer(xml({ return_code: 'SUCCESS', result_code: 'SUCCESS', partner_trade_no: 'T1', payment_no: '1000018301201505190181489473' }));
      }),
      http.post(`${PAY}/mmpaymkttransfers/sendredpack`, async ({ request }) => {
        await record(request, seen);
        return xmlAnswer(xml({ return_code: 'SUCCESS', result_code: 'SUCCESS', mch_billno: 'B1', send_listid: '100000000020150520314766074200' }));
      }),
    );
    await TransferV2.transferToBalance(pay(), {
      mch_appid: 'wxOTHERAPP0000000',
      mchid: MCHID,
      partner_trade_no: 'T1',
      openid: 'o',
      check_name: 'NO_CHECK',
      amount: 100,
      desc: '理赔',
      spbill_create_ip: '192.168.0.1',
    });
    expect(seen[0]!.fields).not.toHaveProperty('mch_id');
    expect(seen[0]!.fields).not.toHaveProperty('appid');
    expect(seen[0]!.fields).toMatchObject({ mchid: MCHID, mch_appid: 'wxOTHERAPP0000000', amount: '100' });
    expectSigned(seen[0]!.fields, 'MD5');

    await RedpackV2.sendRedpack(pay(), {
      mch_billno: 'B1',
      wxappid: APPID,
      send_name: '商户',
      re_openid: 'o',
      total_amount: 100,
      total_num: 1,
      wishing: '恭喜',
      client_ip: '192.168.0.1',
      act_name: '活动',
      remark: '备注',
    });
    expect(seen[1]!.fields).toMatchObject({ mch_id: MCHID, wxappid: APPID });
    expect(seen[1]!.fields).not.toHaveProperty('appid');
    expectSigned(seen[1]!.fields, 'MD5');
  });

  it('an answer with an XML declaration is XML; the real-name check’s error_code names the failure', async () => {
    server.use(
      http.post(`${PAY}/pay/orderquery`, () =>
        xmlAnswer(`<?xml version="1.0" encoding="UTF-8"?>\n${signedXml({ out_trade_no: 'T1', trade_state: 'SUCCESS' }, 'MD5')}`),
      ),
      http.post('https://fraud.mch.weixin.qq.com/secsvc/realnameauth', () =>
        xmlAnswer(xml({ return_code: 'SUCCESS', result_code: 'FAIL', error_code: 'PARAM_ERROR', error_code_des: 'cred_id 格式错误' })),
      ),
    );
    await expect(PayV2.queryOrder(pay(), { out_trade_no: 'T1' })).resolves.toMatchObject({ trade_state: 'SUCCESS' });
    await expect(
      RealNameV2.verifyRealName(pay(), {
        version: '1.0',
        openid: 'o',
        real_name: 'x',
        cred_type: 1,
        cred_id: 'y',
        access_token: 't',
        sign_type: 'HMAC-SHA256',
      }),
    ).rejects.toMatchObject({ name: 'WxPayError', code: 'PARAM_ERROR', message: expect.stringContaining('cred_id 格式错误') });
  });

  it('booleans and objects a caller adds are sent as the text that was signed', async () => {
    const seen: Seen[] = [];
    server.use(
      http.post(`${PAY}/pay/orderquery`, async ({ request }) => {
        await record(request, seen);
        return xmlAnswer(signedXml({ trade_state: 'SUCCESS' }, 'MD5'));
      }),
    );
    await PayV2.queryOrder(pay(), { out_trade_no: 'T1', extra_flag: true, detail: { goods: [{ id: 1 }] } } as never);
    expect(seen[0]!.fields).toMatchObject({ extra_flag: 'true', detail: '{"goods":[{"id":1}]}' });
    expectSigned(seen[0]!.fields, 'MD5');
  });
});
