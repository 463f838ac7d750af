// Bills and uploads: the bill GET is signed but its answer is not verified as a JSON answer; the
// bytes are streamed, gunzipped, and checked against hash_value at the end. Uploads carry the
// `meta` JSON that the request signature covers.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPay, WxConfigError, WxCryptoError, type PayClient } from '../../src/pay/index.js';
import { runtimeOf } from '../../src/core/runtime.js';
import { answer, API_V3_KEY, MCHID, MERCHANT_SERIAL, pkcs8, PUB_KEY_ID, rsaKeys, spki, startFakePay, verifyRequest, type FakePay } from './helpers.js';

const merchant = rsaKeys();
const wechat = rsaKeys();
const signer = { serial: PUB_KEY_ID, privateKey: wechat.privateKey };
const BILL =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号\n' +
  '`2026-12-01 10:00:00,`wxd930ea5d5a258f4f,`1900000001,`0,`,`4200000001,`T1\n'.repeat(2000) +
  '总交易单数,应结订单总金额\n`2000,`2000.00\n';
const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex');

let fake: FakePay;
let pay: PayClient;
let body: Buffer;
let unsignedRequests = 0;

beforeAll(async () => {
  fake = await startFakePay();
  fake.routes.set('GET /v3/billdownload/file', (req, res) => {
    if (!verifyRequest(req.method, req.url, String(req.headers.authorization ?? ''), '', merchant.publicKey)) {
      unsignedRequests++;
      return answer(res, 401, { code: 'SIGN_ERROR', message: 'bad signature' }, signer);
    }
    // The file itself is not signed: no Wechatpay-* headers at all.
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    // Written in pieces so the client sees several chunks.
    for (let i = 0; i < body.length; i += 4096) res.write(body.subarray(i, i + 4096));
    res.end();
  });
  fake.routes.set('POST /v3/merchant/media/upload', async (req, res) => {
    const form = await new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: new Uint8Array(req.body),
    }).formData();
    const meta = form.get('meta');
    const file = form.get('file') as File;
    const bytes = Buffer.from(await file.arrayBuffer());
    const parsed = JSON.parse(String(meta)) as { filename: string; sha256: string };
    const signed = verifyRequest(req.method, req.url, String(req.headers.authorization ?? ''), String(meta), merchant.publicKey);
    if (!signed || parsed.sha256 !== createHash('sha256').update(bytes).digest('hex') || parsed.filename !== file.name) {
      return answer(res, 400, { code: 'PARAM_ERROR', message: `signed=${signed}` }, signer);
    }
    answer(res, 200, { media_id: `MEDIA_${parsed.sha256.slice(0, 8)}_${file.type}` }, signer);
  });
});
afterAll(() => fake.close());
beforeEach(() => {
  pay = createPay({
    mchid: MCHID,
    serialNo: MERCHANT_SERIAL,
    privateKey: pkcs8(merchant.privateKey),
    apiV3Key: API_V3_KEY,
    publicKeyId: PUB_KEY_ID,
    publicKey: spki(wechat.publicKey),
    baseUrl: fake.base,
  });
  unsignedRequests = 0;
});

const info = (hash: string) => ({
  download_url: `${fake.base}/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA`,
  hash_type: 'SHA1',
  hash_value: hash,
});

describe('downloadBill', () => {
  it('streams a plain bill whose SHA1 matches; the GET is signed, the file is not verified as an answer', async () => {
    body = Buffer.from(BILL);
    const stream = await pay.downloadBill(info(sha1(BILL)));
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(await new Response(stream).text()).toBe(BILL);
    expect(unsignedRequests).toBe(0);
    expect(fake.seen.at(-1)!.url).toBe('/v3/billdownload/file?token=6XIv5TUPto7pByrTQKhd6kwvyKLG2uY2wMMR8cNXqaA');
  });

  it('gunzips a GZIP bill; the hash is the one of the original (decompressed) bill', async () => {
    body = gzipSync(BILL);
    expect(await new Response(await pay.downloadBill(info(sha1(BILL)), { tarType: 'GZIP' })).text()).toBe(BILL);
    // Recognised by its magic bytes even when tarType is not given.
    expect(await new Response(await pay.downloadBill(info(sha1(BILL).toUpperCase()))).text()).toBe(BILL);
  });

  it('a hash mismatch errors at the end of the stream, after the bytes went through', async () => {
    body = Buffer.from(BILL.replace('`T1', '`T2'));
    const reader = (await pay.downloadBill(info(sha1(BILL)))).getReader();
    let received = 0;
    const error = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        received += value.byteLength;
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WxCryptoError);
    expect((error as Error).message).toMatch(/SHA1 does not match/);
    expect(received).toBe(body.byteLength);
    body = gzipSync(Buffer.from(BILL.slice(0, -10)));
    await expect(new Response(await pay.downloadBill(info(sha1(BILL)), { tarType: 'GZIP' })).text()).rejects.toBeInstanceOf(WxCryptoError);
  });

  it('SM3 digests are checked too; GZIP asked for but not sent is an error', async () => {
    body = Buffer.from(BILL);
    const sm3 = createHash('sm3').update(BILL).digest('hex');
    expect(await new Response(await pay.downloadBill({ ...info(sm3), hash_type: 'SM3' })).text()).toBe(BILL);
    await expect(pay.downloadBill(info(sha1(BILL)), { tarType: 'GZIP' })).rejects.toThrow(/not gzip/);
  });

  it('refuses a download URL on a host the client does not serve, and unknown hash types, before any request', async () => {
    const real = createPay({
      mchid: MCHID,
      serialNo: MERCHANT_SERIAL,
      privateKey: pkcs8(merchant.privateKey),
      publicKeyId: PUB_KEY_ID,
      publicKey: spki(wechat.publicKey),
    });
    const before = fake.seen.length;
    await expect(real.downloadBill({ ...info('00'), download_url: 'https://evil.example/v3/billdownload/file?token=x' })).rejects.toBeInstanceOf(WxConfigError);
    await expect(pay.downloadBill({ ...info('00'), hash_type: 'MD4' })).rejects.toBeInstanceOf(WxConfigError);
    expect(fake.seen.length).toBe(before);
    // A client left on the real hosts sends each operation to its own host (api.mch, fraud.mch, apihk.mch).
    expect(runtimeOf(real).baseFor('api.mch.weixin.qq.com')).toBe('https://api.mch.weixin.qq.com');
    expect(runtimeOf(real).baseFor('fraud.mch.weixin.qq.com')).toBe('https://fraud.mch.weixin.qq.com');
  });

  it('an error answer (expired token) is a WxPayError', async () => {
    await expect(pay.downloadBill({ ...info('00'), download_url: `${fake.base}/v3/billdownload/other?token=x` })).rejects.toMatchObject({
      name: 'WxPayError',
      status: 404,
    });
  });
});

describe('uploadMedia', () => {
  it('sends meta { filename, sha256 } and the file, signed over the meta JSON, and returns the verified answer', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    const result = await pay.uploadMedia({ data: png, filename: 'logo.png' });
    expect(result).toEqual({ media_id: `MEDIA_${createHash('sha256').update(png).digest('hex').slice(0, 8)}_image/png` });
    const blob = await pay.uploadMedia(new File([png], 'shop.jpg', { type: 'image/jpeg' }));
    expect(blob.media_id).toMatch(/_image\/jpeg$/);
  });

  it('a filename is required', async () => {
    await expect(pay.uploadMedia({ data: new Uint8Array([1]), filename: '' })).rejects.toMatchObject({ name: 'WxValidationError' });
  });
});
