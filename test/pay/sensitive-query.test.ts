// Sensitive QUERY parameters (Capital.searchBanksByBankAccount's account_number): encrypted with
// RSA-OAEP under the WeChat Pay public key (or the newest platform certificate) before the request
// is signed, so the Authorization signature covers the final URL with the ciphertext in it;
// Wechatpay-Serial names the key; a retry re-signs the same ciphertext. Also: a v3 `response:
// binary` download (Bill.downloadBill), which WeChat does not sign, comes back as bytes.
import { constants, privateDecrypt, type KeyObject } from 'node:crypto';
import { http, HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Bill, Capital } from '../../generated/pay/index.js';
import { WxCryptoError } from '../../src/core/errors.js';
import { createPay } from '../../src/pay/index.js';
import { server } from '../helpers.js';
import { API_V3_KEY, MCHID, MERCHANT_SERIAL, pkcs8, platformCert, PUB_KEY_ID, rsaKeys, signedHeaders, spki, verifyRequest } from './helpers.js';

const PAY = 'https://api.mch.weixin.qq.com';
const SEARCH = `${PAY}/v3/capital/capitallhh/banks/search-banks-by-bank-account`;
const CARD = '6214830000000000';

const merchant = rsaKeys();
const wechat = rsaKeys();
const ca = rsaKeys();
const cert = platformCert('5157F09EFDC096DE15EBE81A47057A7232F1B8E1', ca);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

const decrypt = (ciphertext: string, key: KeyObject) =>
  privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(ciphertext, 'base64')).toString('utf8');

function client(mode: 'public' | 'certificates' = 'public') {
  return createPay({
    mchid: MCHID,
    serialNo: MERCHANT_SERIAL,
    privateKey: pkcs8(merchant.privateKey),
    apiV3Key: API_V3_KEY,
    ...(mode === 'public' ? { publicKeyId: PUB_KEY_ID, publicKey: spki(wechat.publicKey) } : { platformCertificates: { [cert.serial]: cert.pem } }),
    downloadCertificates: false,
    retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

interface Seen {
  url: URL;
  /** The path and query exactly as they arrived. */
  target: string;
  serial: string | null;
  signed: boolean;
  body: string;
}

const ANSWER = {
  total_count: 1,
  data: [{ bank_alias: '中国银行', bank_alias_code: '1000009561', account_bank: '其他银行', account_bank_code: 1099, need_bank_branch: true }],
};

function stubSearch(seen: Seen[], options: { failFirst?: boolean; signer?: { serial: string; privateKey: KeyObject } } = {}) {
  const signer = options.signer ?? { serial: PUB_KEY_ID, privateKey: wechat.privateKey };
  server.use(
    http.get(SEARCH, async ({ request }) => {
      const url = new URL(request.url);
      const target = `${url.pathname}${url.search}`;
      const body = await request.text();
      seen.push({
        url,
        target,
        serial: request.headers.get('wechatpay-serial'),
        signed: verifyRequest('GET', target, request.headers.get('authorization') ?? '', body, merchant.publicKey),
        body,
      });
      if (options.failFirst && seen.length === 1) {
        const text = JSON.stringify({ code: 'SYSTEM_ERROR', message: 'busy' });
        return new HttpResponse(text, { status: 500, headers: { 'content-type': 'application/json', ...signedHeaders(text, signer) } });
      }
      const text = JSON.stringify(ANSWER);
      return new HttpResponse(text, { headers: { 'content-type': 'application/json', ...signedHeaders(text, signer) } });
    }),
  );
}

describe('sensitive query parameters (v3)', () => {
  it('Capital.searchBanksByBankAccount: account_number is encrypted into the query before the URL is signed', async () => {
    const seen: Seen[] = [];
    stubSearch(seen);
    const data = await Capital.searchBanksByBankAccount(client(), { account_number: CARD });
    expect(data.total_count).toBe(1);
    const [req] = seen;
    expect(req!.body).toBe('');
    expect(req!.serial).toBe(PUB_KEY_ID);
    // The signature covers the URL as sent: path plus the percent-encoded ciphertext.
    expect(req!.signed).toBe(true);
    const sent = req!.url.searchParams.get('account_number')!;
    expect(sent).not.toBe(CARD);
    expect(req!.target).not.toContain(CARD);
    expect(decrypt(sent, wechat.privateKey)).toBe(CARD);
    // base64's + / = travel percent-encoded.
    expect(req!.url.search).not.toMatch(/account_number=[^&]*[+/=]/);
  });

  it('certificate mode: the platform certificate encrypts and is named', async () => {
    const seen: Seen[] = [];
    stubSearch(seen, { signer: { serial: cert.serial, privateKey: cert.keys.privateKey } });
    await Capital.searchBanksByBankAccount(client('certificates'), { account_number: CARD });
    expect(seen[0]!.serial).toBe(cert.serial);
    expect(seen[0]!.signed).toBe(true);
    expect(decrypt(seen[0]!.url.searchParams.get('account_number')!, cert.keys.privateKey)).toBe(CARD);
  });

  it('a caller’s own Wechatpay-Serial is replaced by the key that encrypted', async () => {
    const seen: Seen[] = [];
    stubSearch(seen);
    await Capital.searchBanksByBankAccount(client(), { account_number: CARD, 'Wechatpay-Serial': 'SOMETHING_ELSE' });
    expect(seen[0]!.serial).toBe(PUB_KEY_ID);
    expect(seen[0]!.url.searchParams.getAll('Wechatpay-Serial')).toEqual([]);
  });

  it('a retry sends the same ciphertext, re-signed', async () => {
    const seen: Seen[] = [];
    stubSearch(seen, { failFirst: true });
    await Capital.searchBanksByBankAccount(client(), { account_number: CARD });
    expect(seen).toHaveLength(2);
    expect(seen.map((s) => s.signed)).toEqual([true, true]);
    expect(seen[1]!.url.searchParams.get('account_number')).toBe(seen[0]!.url.searchParams.get('account_number'));
    expect(decrypt(seen[1]!.url.searchParams.get('account_number')!, wechat.privateKey)).toBe(CARD);
  });
});

describe('v3 binary downloads', () => {
  it('Bill.downloadBill answers the file unsigned: bytes and content type', async () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00]);
    let signed = false;
    server.use(
      http.get(`${PAY}/v3/billdownload/file`, ({ request }) => {
        const url = new URL(request.url);
        signed = verifyRequest('GET', `${url.pathname}${url.search}`, request.headers.get('authorization') ?? '', '', merchant.publicKey);
        return new HttpResponse(bytes, { headers: { 'content-type': 'application/octet-stream' } });
      }),
    );
    const result = await Bill.downloadBill(client(), { token: 'T', tartype: 'GZIP' });
    expect(signed).toBe(true);
    expect(result.contentType).toBe('application/octet-stream');
    expect([...result.data]).toEqual([...bytes]);
  });

  it('a JSON answer of a non-binary v3 endpoint is still verified', async () => {
    server.use(http.get(SEARCH, () => HttpResponse.json(ANSWER)));
    await expect(Capital.searchBanksByBankAccount(client(), { account_number: CARD })).rejects.toBeInstanceOf(WxCryptoError);
  });
});
