// The open endpoint model end to end: one endpoint of each new shape, generated from the fixture
// catalog in test/fixtures/catalog-v2, called through the one call loop against a loopback server
// that checks what WeChat would check (the v3 signature, the v2 sign, the per-secret token, the
// webhook key) and answers as WeChat does (signed v3 answers, signed v2 XML, errcodes).
import { createHash, createHmac, createSign, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Fixture as Pay } from '../fixtures/catalog-v2/generated/pay/index.js';
import { Fixture as Work } from '../fixtures/catalog-v2/generated/work/index.js';
import { WxApiError, WxCryptoError, WxPayError } from '../../src/index.js';
import { createPay } from '../../src/pay/create-pay.js';
import { signV2 } from '../../src/pay/signatures.js';
import { parseXml } from '../../src/core/xml-parse.js';
import { createWebhook, createWorkClient } from '../../src/work/create-work-client.js';

const merchant = generateKeyPairSync('rsa', { modulusLength: 2048 });
const platform = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki') => String(k.export({ type, format: 'pem' }));
const MCHID = '1900000001';
const SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const PUB_KEY_ID = 'PUB_KEY_ID_0000000000000024101100397200000006';
const V2_KEY = '192006250b4c09247ec02edce69f6a2d';
const CORP = 'ww00000000000000aa';
const SECRET_A = 'corp-secret-A-0123456789';
const SECRET_B = 'corp-secret-B-9876543210';
const ROBOT_KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;
let handler: Handler;
let base: string;
let server: http.Server;
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, body, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  seen.length = 0;
});

/** Signs an answer as WeChat Pay does in public-key mode. */
function signedAnswer(
  res: http.ServerResponse,
  status: number,
  body: string,
  over: { timestamp?: number; serial?: string; signature?: string; tamper?: boolean } = {},
) {
  const timestamp = String(over.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = over.signature ?? createSign('RSA-SHA256').update(`${timestamp}\n${nonce}\n${body}\n`).sign(platform.privateKey, 'base64');
  res.writeHead(status, {
    'content-type': 'application/json',
    'wechatpay-timestamp': timestamp,
    'wechatpay-nonce': nonce,
    'wechatpay-signature': signature,
    'wechatpay-serial': over.serial ?? PUB_KEY_ID,
  });
  res.end(over.tamper ? body.replace('SUCCESS', 'REFUND') : body);
}

/** What WeChat Pay checks on a v3 request: the Authorization header signs method, path, time, nonce and body. */
function verifyRequest(req: http.IncomingMessage, body: string): boolean {
  const auth = String(req.headers.authorization ?? '');
  const fields = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  if (!auth.startsWith('WECHATPAY2-SHA256-RSA2048 ') || fields.mchid !== MCHID || fields.serial_no !== SERIAL) return false;
  const message = `${req.method}\n${req.url}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`;
  return createVerify('RSA-SHA256').update(message).verify(merchant.publicKey, fields.signature!, 'base64');
}

function pay() {
  return createPay({
    mchid: MCHID,
    serialNo: SERIAL,
    privateKey: pem(merchant.privateKey, 'pkcs8'),
    publicKeyId: PUB_KEY_ID,
    publicKey: pem(platform.publicKey, 'spki'),
    key: V2_KEY,
    appid: 'wxd930ea5d5a258f4f',
    baseUrl: base,
    retry: { baseDelayMs: 1, maxDelayMs: 2 },
  });
}

describe('Pay v3 REST: PUT with a path parameter, a header parameter and a signed request', () => {
  const answer = JSON.stringify({ item_id: 'a/b 1', state: 'SUCCESS', amount: 100 });

  it('signs the request, fills and encodes the path, sends the header, and verifies the signed answer', async () => {
    handler = (req, body, res) =>
      verifyRequest(req, body) ? signedAnswer(res, 200, answer) : signedAnswer(res, 401, JSON.stringify({ code: 'SIGN_ERROR', message: 'bad signature' }));
    const data = await Pay.updateItem(pay(), { item_id: 'a/b 1', 'Wechatpay-Serial': PUB_KEY_ID, amount: 100, note: 'hello' });
    expect(data).toEqual({ item_id: 'a/b 1', state: 'SUCCESS', amount: 100 });
    expect(seen[0]).toMatchObject({ method: 'PUT', url: '/v3/fixture/items/a%2Fb%201' });
    expect(seen[0]!.headers['wechatpay-serial']).toBe(PUB_KEY_ID);
    expect(JSON.parse(seen[0]!.body)).toEqual({ amount: 100, note: 'hello' });
  });

  it('a tampered answer is a WxCryptoError and no data', async () => {
    handler = (_req, _body, res) => signedAnswer(res, 200, answer, { tamper: true });
    await expect(Pay.updateItem(pay(), { item_id: 'x', 'Wechatpay-Serial': PUB_KEY_ID, amount: 1 })).rejects.toMatchObject({
      name: 'WxCryptoError',
      reason: 'signature',
    });
  });

  it('a stale timestamp, a signature probe and an unknown serial are refused', async () => {
    const call = () => Pay.updateItem(pay(), { item_id: 'x', 'Wechatpay-Serial': PUB_KEY_ID, amount: 1 });
    handler = (_req, _body, res) => signedAnswer(res, 200, answer, { timestamp: Math.floor(Date.now() / 1000) - 301 });
    await expect(call()).rejects.toMatchObject({ name: 'WxCryptoError', reason: 'timestamp' });
    handler = (_req, _body, res) => signedAnswer(res, 200, answer, { signature: 'WECHATPAY/SIGNTEST/ABCDEF' });
    await expect(call()).rejects.toBeInstanceOf(WxCryptoError);
    handler = (_req, _body, res) => signedAnswer(res, 200, answer, { serial: 'PUB_KEY_ID_0000000000000000000000000000000099' });
    await expect(call()).rejects.toMatchObject({ name: 'WxCryptoError', reason: 'key' });
  });

  it('an HTTP error with { code, message, detail } is a WxPayError; a 5xx is retried only on an idempotent operation', async () => {
    handler = (_req, _body, res) =>
      signedAnswer(res, 400, JSON.stringify({ code: 'PARAM_ERROR', message: 'amount must be positive', detail: { field: 'amount' } }));
    const e = await Pay.updateItem(pay(), { item_id: 'x', 'Wechatpay-Serial': PUB_KEY_ID, amount: -1 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxPayError);
    expect(e).toMatchObject({ version: 'v3', status: 400, code: 'PARAM_ERROR', detail: { field: 'amount' }, endpoint: 'Fixture.updateItem' });
    handler = (_req, _body, res) => signedAnswer(res, 500, JSON.stringify({ code: 'SYSTEM_ERROR', message: 'busy' }));
    await expect(Pay.updateItem(pay(), { item_id: 'x', 'Wechatpay-Serial': PUB_KEY_ID, amount: 1 })).rejects.toMatchObject({ code: 'SYSTEM_ERROR' });
    expect(seen.filter((s) => s.method === 'PUT')).toHaveLength(2); // the 400 once, the non-idempotent PUT once
  });
});

describe('Pay v2 XML: the sign inside the body, a signed XML answer', () => {
  function xmlAnswer(res: http.ServerResponse, fields: Record<string, string>, opts: { badSign?: boolean } = {}) {
    const signed = { ...fields, sign: opts.badSign ? '0'.repeat(32) : signV2(fields, V2_KEY) };
    res.writeHead(200, { 'content-type': 'text/xml' });
    res.end(
      `<xml>${Object.entries(signed)
        .map(([k, v]) => `<${k}><![CDATA[${v}]]></${k}>`)
        .join('')}</xml>`,
    );
  }
  function requestFields(body: string): Record<string, string> {
    return parseXml(body).value as Record<string, string>;
  }

  it('adds mch_id, appid, nonce_str and a verifiable sign, and returns the verified fields', async () => {
    handler = (_req, body, res) => {
      const f = requestFields(body);
      const ok = f.sign === signV2(f, V2_KEY) && f.mch_id === MCHID && f.appid === 'wxd930ea5d5a258f4f';
      xmlAnswer(
        res,
        ok
          ? { return_code: 'SUCCESS', result_code: 'SUCCESS', out_trade_no: f.out_trade_no!, trade_state: 'SUCCESS' }
          : { return_code: 'FAIL', return_msg: 'SIGNERROR' },
      );
    };
    const data = await Pay.queryOrder(pay(), { out_trade_no: 'T20261202001' });
    expect(data).toMatchObject({ return_code: 'SUCCESS', out_trade_no: 'T20261202001', trade_state: 'SUCCESS' });
    expect(seen[0]!.headers['content-type']).toMatch(/text\/xml/);
  });

  it('result_code FAIL is a WxPayError with err_code; a wrong answer sign is a WxCryptoError', async () => {
    handler = (_req, _body, res) =>
      xmlAnswer(res, { return_code: 'SUCCESS', result_code: 'FAIL', err_code: 'ORDERNOTEXIST', err_code_des: '此交易订单号不存在' });
    await expect(Pay.queryOrder(pay(), { out_trade_no: 'none' })).rejects.toMatchObject({ name: 'WxPayError', version: 'v2', code: 'ORDERNOTEXIST' });
    handler = (_req, _body, res) => xmlAnswer(res, { return_code: 'SUCCESS', result_code: 'SUCCESS' }, { badSign: true });
    await expect(Pay.queryOrder(pay(), { out_trade_no: 'x' })).rejects.toMatchObject({ name: 'WxCryptoError', reason: 'signature' });
  });
});

describe('WeCom on qyapi: a token per (corpid, secret)', () => {
  function wecom(): { tokens: number } {
    const state = { tokens: 0 };
    const issued = new Map<string, string>();
    handler = (req, _body, res) => {
      const url = new URL(req.url!, base);
      res.setHeader('content-type', 'application/json');
      if (url.pathname === '/cgi-bin/gettoken') {
        state.tokens++;
        const secret = url.searchParams.get('corpsecret')!;
        const token = `TOKEN_${createHash('sha256').update(secret).digest('hex').slice(0, 8)}_${state.tokens}`;
        issued.set(secret, token);
        return res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 }));
      }
      const token = url.searchParams.get('access_token');
      if (![...issued.values()].includes(token!)) return res.end(JSON.stringify({ errcode: 40014, errmsg: 'invalid access_token' }));
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', userid: url.searchParams.get('userid'), name: token!.slice(0, 14) }));
    };
    return state;
  }

  it('two secrets of one corp get two tokens, each sent with its own calls; a refused token is replaced once', async () => {
    const state = wecom();
    const a = createWorkClient({ corpid: CORP, corpsecret: SECRET_A, baseUrl: base });
    const b = createWorkClient({ corpid: CORP, corpsecret: SECRET_B, baseUrl: base });
    const [ua, ub] = await Promise.all([Work.getUser(a, { userid: 'zhangsan' }), Work.getUser(b, { userid: 'lisi' })]);
    expect(ua.userid).toBe('zhangsan');
    expect(ua.name).not.toBe(ub.name);
    expect(state.tokens).toBe(2);
    expect(seen.filter((s) => s.url.startsWith('/cgi-bin/gettoken')).map((s) => new URL(s.url, base).searchParams.get('corpid'))).toEqual([CORP, CORP]);
  });
});

describe('WeCom group robot: the key scheme', () => {
  it('sends the key in the query and never shows it in an error', async () => {
    handler = (req, body, res) => {
      const url = new URL(req.url!, base);
      res.setHeader('content-type', 'application/json');
      if (url.searchParams.get('key') !== ROBOT_KEY)
        return res.end(JSON.stringify({ errcode: 93000, errmsg: `invalid webhook url, key=${url.searchParams.get('key')}` }));
      res.end(JSON.stringify({ errcode: 0, errmsg: 'ok', echo: JSON.parse(body).msgtype }));
    };
    const robot = createWebhook({ key: ROBOT_KEY, baseUrl: base });
    await expect(Work.sendRobotMessage(robot, { msgtype: 'text', text: { content: 'hello' } })).resolves.toMatchObject({ errcode: 0 });
    const wrong = createWebhook({ key: 'ffffffff-0000-4bc4-97a0-0ec2sifa5aaa', baseUrl: base });
    const e = await Work.sendRobotMessage(wrong, { msgtype: 'text', text: { content: 'x' } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WxApiError);
    expect(inspect(e, { depth: null }) + JSON.stringify(e)).not.toContain('ffffffff-0000');
  });
});

// Used only to keep the HMAC import honest if the v2 fixture ever switches sign types.
void createHmac;
